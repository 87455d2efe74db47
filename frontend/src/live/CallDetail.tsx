import { useEffect, useState } from "react";
import { callDetail, type CallDetail as Detail, type TreeNode } from "../api/dashboard";
import { errorMessage } from "../api/http";

const json = (value: unknown) => (value === undefined || value === null ? "—" : JSON.stringify(value, null, 2));

function Tree({ node, current }: { node: TreeNode; current: string }) {
  return (
    <li>
      <span className={`state state-${node.state}`}>{node.id === current ? <strong>{node.name}</strong> : node.name}</span> · {node.state}
      {node.children.length ? (
        <ul>
          {node.children.map((child) => (
            <Tree key={child.id} node={child} current={current} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** One call: timeline, input, output, log and provenance. Refetched when `version` changes. */
export function CallDetail({ id, version, onClose }: { id: string; version: number; onClose: () => void }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    let stale = false;
    callDetail(id)
      .then((found) => !stale && setDetail(found))
      .catch((failure: unknown) => !stale && setError(errorMessage(failure)));
    return () => {
      stale = true;
    };
  }, [id, version]);

  return (
    <aside className="call-detail" role="dialog" aria-label="Call detail">
      <header>
        <h2>{detail ? detail.name : "Call"}</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {error ? <p className="error">{error}</p> : null}
      {detail ? (
        <>
          <p>
            <code>{detail.call}</code> · <span className={`state state-${detail.state}`}>{detail.state}</span> · {detail.processor} / {detail.socket}
            {detail.version ? ` · flow ${detail.version}` : ""}
            {detail.commit ? ` · commit ${detail.commit.slice(0, 10)}` : ""} · attempts {detail.attempts}
          </p>
          <h3>Events</h3>
          <ol className="timeline" aria-label="Events">
            {detail.events.map((event, index) => (
              <li key={index}>
                <time>{new Date(event.created).toLocaleTimeString()}</time> <strong>{event.name}</strong> {event.note}
              </li>
            ))}
          </ol>
          <h3>Arguments</h3>
          <pre>{json(detail.arguments)}</pre>
          <h3>{detail.error ? "Error" : "Result"}</h3>
          <pre>{detail.error || json(detail.result)}</pre>
          <h3>Log</h3>
          <pre aria-label="Log">{detail.log || "—"}</pre>
          <h3>Provenance</h3>
          <ul className="tree">
            <Tree node={detail.tree} current={detail.call} />
          </ul>
        </>
      ) : null}
    </aside>
  );
}
