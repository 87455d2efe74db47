import type { CallTreeNode } from "../api/types";

const json = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value, null, 2));

function duration(node: CallTreeNode): string {
  if (!node.started || !node.finished) return "";
  const ms = new Date(node.finished).getTime() - new Date(node.started).getTime();
  return Number.isFinite(ms) ? ` · ${ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`}` : "";
}

/** A run's calls: each call and the calls its result or error caused. */
export function CallTree({ node, depth = 0 }: { node: CallTreeNode; depth?: number }) {
  const children = node.children ?? [];
  return (
    <li>
      <span className={`state-${node.state ?? "unknown"}`}>{node.state ?? "?"}</span> <strong>{node.name ?? node.socket ?? "call"}</strong>
      {node.id !== undefined && <code> #{node.id}</code>}
      <span className="muted">{duration(node)}</span>
      {node.error !== undefined && node.error !== null && node.error !== "" && <pre className="call-error">{json(node.error)}</pre>}
      {children.length > 0 && depth < 50 && (
        <ul>
          {children.map((child, i) => (
            <CallTree key={child.id ?? i} node={child} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}
