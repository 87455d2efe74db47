import type { ReactNode } from "react";
import { canvasApi } from "../canvas/canvasApi";
import { designerStore } from "../store/designer";
import { toDocNode } from "../store/flow";
import type { VersionDiff } from "../store/diff";
import type { DocEdge, DocNode } from "../store/document";

function nodeLabel(node: DocNode): string {
  if (node.type === "socket") return node.data.socketName;
  if (node.type === "note") return `note “${node.data.text.slice(0, 30)}”`;
  return `group ${node.data.label}`;
}

/** "data.settings.retries" reads as "retries". */
const fieldLabel = (fields: string[]) => fields.map((field) => field.replace(/^data\.(settings\.)?/, "")).join(", ");

function NodeItem({ node, extra }: { node: DocNode; extra?: string }) {
  return (
    <li>
      <button type="button" className="link-button" onClick={() => canvasApi()?.focusNode(node.id)}>
        {nodeLabel(node)}
      </button>
      {extra && <span className="muted"> {extra}</span>}
    </li>
  );
}

function Group({ title, status, children, count }: { title: string; status: string; count: number; children: ReactNode }) {
  if (count === 0) return null;
  return (
    <div className={`diff-group diff-${status}`}>
      <h4>
        {title} ({count})
      </h4>
      <ul>{children}</ul>
    </div>
  );
}

/** The comparison on screen, listed: what was added, removed and changed. */
export function DiffList({ diff }: { diff: VersionDiff }) {
  // The comparison is read-only, so a one-off read of its nodes is enough for labels.
  const names = new Map(designerStore.getState().nodes.map((node) => [node.id, nodeLabel(toDocNode(node))]));
  const plug = (edge: DocEdge) =>
    `${names.get(edge.source) ?? edge.source} → ${names.get(edge.target) ?? edge.target} ${edge.targetHandle}${edge.data.plugType === "ERROR" ? " (error)" : ""}`;
  const { nodes, edges } = diff;
  const empty = [nodes.added, nodes.removed, nodes.changed, edges.added, edges.removed, edges.changed].every((list) => list.length === 0);
  return (
    <div className="diff-list" aria-label="Differences">
      {empty && <p className="muted">No differences{nodes.moved.length ? ` (${nodes.moved.length} nodes only moved)` : ""}.</p>}
      <Group title="Added" status="added" count={nodes.added.length}>
        {nodes.added.map((node) => <NodeItem key={node.id} node={node} />)}
      </Group>
      <Group title="Removed" status="removed" count={nodes.removed.length}>
        {nodes.removed.map((node) => <NodeItem key={node.id} node={node} />)}
      </Group>
      <Group title="Changed" status="changed" count={nodes.changed.length}>
        {nodes.changed.map((change) => <NodeItem key={change.after.id} node={change.after} extra={fieldLabel(change.fields)} />)}
      </Group>
      <Group title="Plugs added" status="added" count={edges.added.length}>
        {edges.added.map((edge) => <li key={edge.id}>{plug(edge)}</li>)}
      </Group>
      <Group title="Plugs removed" status="removed" count={edges.removed.length}>
        {edges.removed.map((edge) => <li key={edge.id}>{plug(edge)}</li>)}
      </Group>
      <Group title="Plugs changed" status="changed" count={edges.changed.length}>
        {edges.changed.map((change) => (
          <li key={change.after.id}>
            {plug(change.after)} <span className="muted">{fieldLabel(change.fields)}</span>
          </li>
        ))}
      </Group>
    </div>
  );
}
