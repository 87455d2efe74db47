import { NodeResizer, type NodeProps } from "@xyflow/react";
import { memo, useState } from "react";
import { designerStore, useDesigner } from "../store/designer";
import type { GroupFlowNode } from "../store/flow";

/** A labelled box; nodes grouped into it move with it. Double-click the label to rename. */
export const GroupNode = memo(function GroupNode({ id, data, selected }: NodeProps<GroupFlowNode>) {
  const readOnly = useDesigner((s) => s.readOnly);
  const [editing, setEditing] = useState(false);
  return (
    <div className="group-node">
      <NodeResizer isVisible={selected && !readOnly} minWidth={160} minHeight={100} />
      {editing ? (
        <input
          className="group-label nodrag"
          aria-label="Group name"
          autoFocus
          defaultValue={data.label}
          onBlur={(event) => {
            setEditing(false);
            if (event.target.value !== data.label) designerStore.getState().updateNodeData(id, { label: event.target.value });
          }}
          onKeyDown={(event) => (event.key === "Enter" || event.key === "Escape") && event.currentTarget.blur()}
        />
      ) : (
        <div className="group-label" onDoubleClick={() => !readOnly && setEditing(true)}>
          {data.label || "Group"}
        </div>
      )}
    </div>
  );
});
