import { useId } from "react";
import { useWireQueue } from "../canvas/useWireQueue";
import { useDesigner, type DesignerState } from "../store/designer";
import { handleArgument, type QueueSettings, type QueueType } from "../store/document";
import { nodeById, selectEdge } from "../store/selectors";
import { QueueContents } from "./QueueContents";
import { SettingField } from "./SettingField";
import { queueName, requiredInt } from "./settings";

const LIMITS: { key: "message_ttl" | "max_length" | "expires"; label: string; hint: string }[] = [
  { key: "message_ttl", label: "Message TTL (ms)", hint: "-1 keeps messages until read" },
  { key: "max_length", label: "Max length", hint: "-1 for no limit" },
  { key: "expires", label: "Expires (ms)", hint: "Delete the queue after this long unused; -1 never" },
];

function socketLabel(id: string) {
  return (s: DesignerState) => {
    const node = nodeById(s.nodes, id);
    return node?.type === "socket" ? node.data.socketName : id;
  };
}

/** Edits one plug: shows what it joins and its type, and edits its queue. */
export function PlugProperties({ id }: { id: string }) {
  const edge = useDesigner((s) => selectEdge(s, id));
  const source = useDesigner(socketLabel(edge?.source ?? ""));
  const target = useDesigner(socketLabel(edge?.target ?? ""));
  const [, broker] = useWireQueue(edge?.data?.queue.name ?? "", edge?.target ?? "");
  const readOnly = useDesigner((s) => s.readOnly);
  const update = useDesigner((s) => s.updateEdgeData);
  const typeId = useId();
  const durableId = useId();
  if (!edge?.data) return null;
  const queue = edge.data.queue;
  const argument = handleArgument(edge.targetHandle);
  const setQueue = (patch: Partial<QueueSettings>, key: string) => update(id, { queue: { ...queue, ...patch } }, key);
  return (
    <div className="properties-plug">
      <h3>{edge.data.plugType === "ERROR" ? "Error plug" : "Plug"}</h3>
      <p>
        {edge.data.plugType === "ERROR" ? "Errors" : "Results"} of <strong>{source}</strong> go to{" "}
        {argument ? (
          <>
            argument <code>{argument}</code> of
          </>
        ) : (
          "the whole socket"
        )}{" "}
        <strong>{target}</strong>.
      </p>
      <h4>Queue</h4>
      <SettingField<string>
        label="Queue name"
        value={queue.name}
        parse={queueName}
        hint={`Empty for ${target}'s own queue; name one to give this wire its own depth, rates and limits`}
        disabled={readOnly}
        onCommit={(name) => setQueue({ name }, "name")}
      />
      {!queue.name && <p className="hint">This wire shares {target}'s queue, whose limits are the socket's: the settings below apply once the wire has a queue of its own.</p>}
      <div className="field">
        <label htmlFor={typeId}>Exchange type</label>
        <select id={typeId} value={queue.qtype} disabled={readOnly || !queue.name} onChange={(event) => setQueue({ qtype: event.target.value as QueueType }, "qtype")}>
          <option value="direct">direct</option>
          <option value="topic">topic</option>
          <option value="fanout">fanout</option>
        </select>
      </div>
      <div className="field field-check">
        <input id={durableId} type="checkbox" checked={queue.durable} disabled={readOnly || !queue.name} onChange={(event) => setQueue({ durable: event.target.checked }, "durable")} />
        <label htmlFor={durableId}>Durable (survives a broker restart)</label>
      </div>
      {LIMITS.map((limit) => (
        <SettingField<number>
          key={limit.key}
          label={limit.label}
          value={queue[limit.key]}
          parse={requiredInt(-1)}
          hint={limit.hint}
          inputMode="numeric"
          disabled={readOnly || !queue.name}
          onCommit={(value) => setQueue({ [limit.key]: value }, limit.key)}
        />
      ))}
      {broker && <QueueContents broker={broker} />}
    </div>
  );
}
