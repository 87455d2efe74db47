import { EdgeLabelRenderer, EdgeText, getBezierPath, type EdgeProps } from "@xyflow/react";
import { memo } from "react";
import { useOverlay } from "../live/overlay";
import { brokerQueue, wireView } from "../live/wires";
import { useDesigner } from "../store/designer";
import type { PlugEdge as PlugEdgeType } from "../store/flow";
import { nodeById } from "../store/selectors";

const LABEL_BG_PADDING: [number, number] = [3, 2];

/**
 * Where a plug's messages wait: its queue's name (its own, or else the target socket's)
 * and the broker queue the monitor samples, "<queue>.<processor of the target>". A plug
 * with a queue of its own has its own figures; plugs that name none share their target's.
 */
function useQueueNames(queue: string | undefined, target: string): [string, string] {
  const name = useDesigner((s) => {
    const node = nodeById(s.nodes, target);
    if (node?.type !== "socket") return queue ? `${queue}\n` : "\n";
    return `${node.data.socketName}\n${node.data.processor}`;
  });
  const [socketName = "", processor = ""] = name.split("\n");
  const queueName = queue || socketName;
  return [queueName, processor ? brokerQueue(queueName, processor) : ""];
}

/** The monitor's view of the wire: counts, rates, a fill bar against the queue's limit. */
function WireLabel({ broker, x, y }: { broker: string; x: number; y: number }) {
  const wire = useOverlay((s) => s.wires[broker]);
  if (!wire) return null;
  const view = wireView(wire);
  return (
    <EdgeLabelRenderer>
      <div
        className={`wire-label wire-${view.band}${view.full ? " wire-full" : ""}`}
        style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
        data-wire={broker}
        title={view.detail}
      >
        <span className="wire-counts">{view.label}</span>
        {view.fill !== null && (
          <span className="wire-fill" role="meter" aria-label={`${broker} fill`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(view.fill * 100)}>
            <span style={{ width: `${Math.round(view.fill * 100)}%` }} />
          </span>
        )}
        <span className="wire-rates">{view.detail}</span>
      </div>
    </EdgeLabelRenderer>
  );
}

/**
 * A plug. Labelled with its traffic and queue depth while live data exists (the queue
 * monitor's figures when it runs); animated while messages wait in its queue and briefly
 * after each new message; red and dashed for ERROR plugs; red when its queue is full.
 */
export const PlugEdge = memo(function PlugEdge(props: EdgeProps<PlugEdgeType>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd, target } = props;
  const [queueName, broker] = useQueueNames(data?.queue.name, target);
  const live = useOverlay((s) => s.queues[queueName]);
  const wire = useOverlay((s) => s.wires[broker]);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const depth = wire ? wire.ready + wire.inflight : live ? live.ready + live.inflight : 0;
  const label = !wire && live ? (depth > 0 ? `${live.traffic} · ${depth} queued` : String(live.traffic)) : undefined;
  const classes = ["react-flow__edge-path", "plug-path"];
  if (data?.plugType === "ERROR") classes.push("plug-error");
  if (wire && wireView(wire).full) classes.push("plug-full");
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
      {broker && <WireLabel broker={broker} x={labelX} y={labelY} />}
    </>
  );
});
