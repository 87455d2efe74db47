import { EdgeText, getBezierPath, type EdgeProps } from "@xyflow/react";
import { memo } from "react";
import { useOverlay } from "../live/overlay";
import { useDesigner } from "../store/designer";
import type { PlugEdge as PlugEdgeType } from "../store/flow";
import { nodeById } from "../store/selectors";

const LABEL_BG_PADDING: [number, number] = [3, 2];

/** The queue a plug's messages wait in: its own, or else the target socket's. */
function useQueueName(queue: string | undefined, target: string): string {
  return useDesigner((s) => {
    if (queue) return queue;
    const node = nodeById(s.nodes, target);
    return node?.type === "socket" ? node.data.socketName : "";
  });
}

/**
 * A plug. Labelled with its traffic and queue depth while live data exists; animated
 * while messages wait in its queue and briefly after each new message; red and dashed
 * for ERROR plugs.
 */
export const PlugEdge = memo(function PlugEdge(props: EdgeProps<PlugEdgeType>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd, target } = props;
  const queueName = useQueueName(data?.queue.name, target);
  const live = useOverlay((s) => s.queues[queueName]);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const depth = live ? live.ready + live.inflight : 0;
  const label = live ? (depth > 0 ? `${live.traffic} · ${depth} queued` : String(live.traffic)) : undefined;
  const classes = ["react-flow__edge-path", "plug-path"];
  if (data?.plugType === "ERROR") classes.push("plug-error");
  if (depth > 0) classes.push("plug-flowing");
  // Alternating between two identical animations restarts the pulse on each new message.
  else if (live && live.changedAt > 0) classes.push(live.traffic % 2 ? "plug-pulse-a" : "plug-pulse-b");
  return (
    <>
      <path d={path} fill="none" className={classes.join(" ")} markerEnd={markerEnd} />
      <path d={path} fill="none" strokeOpacity={0} strokeWidth={20} className="react-flow__edge-interaction" />
      {label !== undefined && (
        <EdgeText x={labelX} y={labelY} label={label} labelBgPadding={LABEL_BG_PADDING} labelBgBorderRadius={3} />
      )}
    </>
  );
});
