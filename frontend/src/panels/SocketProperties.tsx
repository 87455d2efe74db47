import { designerStore, useDesigner } from "../store/designer";
import { MISSED_POLICIES, type MissedPolicy, type SocketData, type SocketSettings } from "../store/document";
import { socketNames } from "../store/editing";
import { runAction } from "../store/actions";
import { nodeById } from "../store/selectors";
import { ProcessorSection } from "./ProcessorSection";
import { RecentCalls } from "./RecentCalls";
import { LastRuns, NextRuns, scheduleOf } from "./SchedulePanel";
import { SettingField } from "./SettingField";
import { cron, hostname, optionalInt, rateLimit, requiredInt, socketName, type Parsed } from "./settings";
import { SourceSection } from "./SourceSection";

type Setting = { key: keyof SocketSettings; label: string; parse: (raw: string) => Parsed<number | string | null>; hint?: string; numeric?: boolean };

const SETTINGS: Setting[] = [
  { key: "concurrency", label: "Concurrency", parse: optionalInt(1), hint: "Calls at once; empty for the processor's", numeric: true },
  { key: "hostname", label: "Host", parse: hostname, hint: "Pin to one host; empty for any" },
  { key: "retries", label: "Retries", parse: optionalInt(0), numeric: true },
  { key: "timelimit", label: "Time limit (s)", parse: optionalInt(1, "seconds"), numeric: true },
  { key: "ratelimit", label: "Rate limit", parse: rateLimit, hint: 'e.g. "60/m"' },
];
const SCHEDULE: Setting[] = [
  { key: "interval", label: "Every (s)", parse: optionalInt(1, "seconds"), hint: "Run on a fixed interval", numeric: true },
  { key: "cron", label: "Cron", parse: cron, hint: "minute hour day month weekday" },
];

function SettingsFields({ id, data, fields, readOnly }: { id: string; data: SocketData; fields: Setting[]; readOnly: boolean }) {
  const update = useDesigner((s) => s.updateNodeData);
  return (
    <>
      {fields.map((field) => (
        <SettingField<number | string | null>
          key={field.key}
          label={field.label}
          value={data.settings[field.key]}
          parse={field.parse}
          hint={field.hint}
          inputMode={field.numeric ? "numeric" : "text"}
          disabled={readOnly}
          onCommit={(value) => update(id, { settings: { ...data.settings, [field.key]: value } }, field.key)}
        />
      ))}
    </>
  );
}

const POLICY_LABEL: Record<MissedPolicy, string> = { skip: "Skip them", once: "Run once", all: "Run each (up to a bound)" };
const MISSED_MAX: Setting = { key: "missed_max", label: "Run at most", parse: requiredInt(1), hint: "Missed runs made up for; older ones are skipped", numeric: true };

/** What the schedule does about runs missed while no scheduler ran (platform down, restarted). */
function MissedFields({ id, data, readOnly }: { id: string; data: SocketData; readOnly: boolean }) {
  const update = useDesigner((s) => s.updateNodeData);
  const selectId = `missed-${id}`;
  return (
    <>
      <div className="field">
        <label htmlFor={selectId}>Missed runs</label>
        <select
          id={selectId}
          value={data.settings.missed_policy}
          disabled={readOnly}
          onChange={(event) => update(id, { settings: { ...data.settings, missed_policy: event.target.value as MissedPolicy } }, "missed_policy")}
        >
          {MISSED_POLICIES.map((policy) => (
            <option key={policy} value={policy}>
              {POLICY_LABEL[policy]}
            </option>
          ))}
        </select>
      </div>
      {data.settings.missed_policy === "all" && <SettingsFields id={id} data={data} fields={[MISSED_MAX]} readOnly={readOnly} />}
    </>
  );
}

function SharedField({ id, shared, readOnly }: { id: string; shared: boolean; readOnly: boolean }) {
  const update = useDesigner((s) => s.updateNodeData);
  return (
    <div className="field">
      <label>
        <input type="checkbox" checked={shared} disabled={readOnly} onChange={(event) => update(id, { shared: event.target.checked || undefined })} />{" "}
        Shared socket (reuse an existing one)
      </label>
      {shared && <p className="muted">The deploy uses the socket of this name as it is, in the flow it lives in: it never creates or changes it, so the settings below do not apply.</p>}
    </div>
  );
}

/** Edits one socket: its name, run settings and schedule; shows its processor, source and calls. */
export function SocketProperties({ id }: { id: string }) {
  const data = useDesigner((s) => {
    const node = nodeById(s.nodes, id);
    return node?.type === "socket" ? node.data : null;
  });
  const readOnly = useDesigner((s) => s.readOnly);
  const update = useDesigner((s) => s.updateNodeData);
  if (!data) return null;
  return (
    <div className="properties-socket">
      <h3>Socket</h3>
      <p className="muted">
        {data.processor}: <code>{data.module}.{data.task}()</code>
      </p>
      <SettingField<string>
        label="Socket name"
        value={data.socketName}
        parse={socketName(() => socketNames(designerStore.getState().nodes), data.socketName)}
        disabled={readOnly}
        onCommit={(value) => update(id, { socketName: value }, "socketName")}
      />
      <SharedField id={id} shared={data.shared === true} readOnly={readOnly} />
      <h4>Inputs</h4>
      <ul className="argument-list">
        <li>
          <code>in</code> <span className="muted">the whole socket</span>
        </li>
        {data.arguments.map((arg) => (
          <li key={arg.name}>
            <code>{arg.name}</code> {arg.annotation && <span className="muted">{arg.annotation}</span>}
          </li>
        ))}
      </ul>
      <h4>Run settings</h4>
      <SettingsFields id={id} data={data} fields={SETTINGS} readOnly={readOnly} />
      <h4>Schedule</h4>
      <SettingsFields id={id} data={data} fields={SCHEDULE} readOnly={readOnly} />
      {data.settings.interval !== null && data.settings.cron && (
        <p className="warning">Both an interval and a cron schedule are set; the socket runs on the interval only.</p>
      )}
      {scheduleOf(data.settings) && <MissedFields id={id} data={data} readOnly={readOnly} />}
      <NextRuns settings={data.settings} />
      <LastRuns socketName={data.socketName} />
      <button type="button" onClick={() => runAction("run")}>
        Run…
      </button>
      <ProcessorSection name={data.processor} />
      <SourceSection processor={data.processor} task={data.task} />
      <RecentCalls socketName={data.socketName} />
    </div>
  );
}
