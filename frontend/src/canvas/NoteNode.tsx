import { NodeResizer, type NodeProps } from "@xyflow/react";
import { memo, useState } from "react";
import { designerStore, useDesigner } from "../store/designer";
import type { NoteFlowNode } from "../store/flow";

/** A free-text note. Double-click to edit; the edit is one undo step. */
export const NoteNode = memo(function NoteNode({ id, data, selected }: NodeProps<NoteFlowNode>) {
  const readOnly = useDesigner((s) => s.readOnly);
  const [editing, setEditing] = useState(false);
  return (
    <div className="note-node" onDoubleClick={() => !readOnly && setEditing(true)}>
      <NodeResizer isVisible={selected && !readOnly} minWidth={120} minHeight={50} />
      {editing ? (
        <textarea
          className="nodrag nowheel"
          aria-label="Note text"
          autoFocus
          defaultValue={data.text}
          onBlur={(event) => {
            setEditing(false);
            if (event.target.value !== data.text) designerStore.getState().updateNodeData(id, { text: event.target.value });
          }}
          onKeyDown={(event) => event.key === "Escape" && event.currentTarget.blur()}
        />
      ) : (
        <p>{data.text || <span className="placeholder">Double-click to write a note</span>}</p>
      )}
    </div>
  );
});
