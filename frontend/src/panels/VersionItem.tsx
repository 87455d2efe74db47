import type { Version } from "../api/types";
import { useDesigner } from "../store/designer";
import { isDeployed } from "./versions";

type VersionItemProps = { version: Version; chosen: boolean; onToggle: () => void; onOpen: () => void; onRestore: () => void };

/** One saved version: number, message, author and time, with what can be done with it. */
export function VersionItem({ version, chosen, onToggle, onOpen, onRestore }: VersionItemProps) {
  const flow = useDesigner((s) => s.flow);
  const base = useDesigner((s) => s.baseVersion);
  const viewing = useDesigner((s) => s.mode.kind === "version" && s.mode.number === version.number);
  const created = new Date(version.created);
  return (
    <li className={viewing ? "version viewing" : "version"}>
      <div className="version-head">
        <input type="checkbox" checked={chosen} onChange={onToggle} aria-label={`Choose version ${version.number} to compare`} />
        <strong>v{version.number}</strong>
        {isDeployed(flow, version) && <span className="badge badge-deployed">deployed</span>}
        {base === version.number && <span className="badge">draft base</span>}
      </div>
      <p className="version-message">{version.message || <span className="muted">no message</span>}</p>
      <p className="muted">
        {version.author ?? "unknown"} · <time dateTime={version.created}>{Number.isNaN(created.getTime()) ? version.created : created.toLocaleString()}</time>
      </p>
      <div className="buttons">
        <button type="button" className="small" onClick={onOpen} aria-label={`Open version ${version.number} read-only`}>
          Open
        </button>
        <button type="button" className="small" onClick={onRestore} aria-label={`Restore version ${version.number} as a new version`}>
          Restore
        </button>
      </div>
    </li>
  );
}
