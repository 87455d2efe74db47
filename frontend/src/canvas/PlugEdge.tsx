import { EdgeText, getBezierPath, type EdgeProps } from "@xyflow/react";
import { memo } from "react";
import { useOverlay } from "../live/overlay";
import { WireLabel } from "../live/WireLabel";
import { wireFull } from "../live/wires";
import type { PlugEdge as PlugEdgeType } from "../store/flow";
import { useWireQueue } from "./useWireQueue";

const LABEL_BG_PADDING: [number, number] = [3, 2];

/**
 * What the path itself shows of the monitor's figures: whether the wire's queue holds
 * messages and whether it is full. Primitives, so a tick that changes only the numbers
 * re-renders the wire's label alone, not the edge (200 wires a tick, issue 12).
 */
function useWireState(broker: string): "none" | "idle" | "waiting" | "full" {
  return useOverlay((s) => {
    const wire = s.wires[broker];
    if (!wire) return "none";
    if (wireFull(wire)) return "full";
    return wire.ready + wire.inflight > 0 ? "waiting" : "idle";
  });
}

export const PlugEdge = memo(function PlugEdge(props: EdgeProps<PlugEdgeType>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd, target } = props;
  const [queueName, broker] = useWireQueue(data?.queue.name ?? "", target);
  const wireState = useWireState(broker);
  const live = useOverlay((s) => s.queues[queueName]);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const monitored = wireState !== "none";
  const depth = !monitored && live ? live.ready + live.inflight : 0;
  const label = !monitored && live ? (depth > 0 ? `${live.traffic} · ${depth} queued` : String(live.traffic)) : undefined;
  const classes = ["react-flow__edge-path", "plug-path"];
  if (data?.plugType === "ERROR") classes.push("plug-error");
  if (wireState === "full") classes.push("plug-full");
  if (depth > 0 || wireState === "waiting" || wireState === "full") classes.push("plug-flowing");
  // Alternating between two identical animations restarts the pulse on each new message.
  else if (live && live.changedAt > 0) classes.push(live.traffic % 2 ? "plug-pulse-a" : "plug-pulse-b");
  return (
    <>
      <path d={path} fill="none" className={classes.join(" ")} markerEnd={markerEnd} />
      <path d={path} fill="none" strokeOpacity={0} strokeWidth={20} className="react-flow__edge-interaction" />
      {label !== undefined && (
        <EdgeText x={labelX} y={labelY} label={label} labelBgPadding={LABEL_BG_PADDING} labelBgBorderRadius={3} />
      )}
      {broker && <WireLabel broker={broker} x={labelX} y={labelY} />}
    </>
  );
});
