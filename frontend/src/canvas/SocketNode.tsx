import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import { useOverlay, nodeState, type SocketLive } from "../live/overlay";
import { WHOLE_SOCKET, argHandle } from "../store/document";
import { ScaleBadge } from "./ScaleBadge";
import { SharedLabel } from "./SharedLabel";
import type { SocketFlowNode } from "../store/flow";

const STATE_LABEL = { idle: "idle", queued: "queued", running: "running", ok: "last call finished", failed: "last call failed" } as const;

/** Call counts, once the socket has live data. One element: a canvas holds thousands of these. */
function Counts({ live }: { live: SocketLive }) {
  const { queued, running, finished, failed } = live;
  const state = STATE_LABEL[nodeState(live)];
  return (
    <div className="socket-counts" title={`${state}: ${queued} queued, ${running} running, ${finished} finished, ${failed} failed`}>
      ◷{queued} ▶{running} ✓{finished} <b className={failed ? "count-failed" : undefined}>✗{failed}</b>
    </div>
  );
}

/**
 * A socket: one function of a processor, an input handle per argument, result and error
 * outputs, and its live state as a colour. Kept to few DOM elements per node on purpose:
 * canvases hold thousands.
 */
export const SocketNode = memo(function SocketNode({ data }: NodeProps<SocketFlowNode>) {
  const live = useOverlay((s) => s.sockets[data.socketName]);
  return (
    <div className="socket-node" data-state={nodeState(live)}>
      <Handle type="target" position={Position.Left} id={WHOLE_SOCKET} className="handle-in" title="Plug into the whole socket" />
      {/* The function line is the title's ::after (data-fn): one element fewer per node. */}
      <div className="socket-title" data-fn={`${data.task}()`} title={`${data.processor}: ${data.module}.${data.task}()`}>
        {data.socketName}
      </div>
      {data.arguments.map((arg) => (
        // The whole row is the argument's input handle, so it is an easy target and one element.
        <Handle
          key={arg.name}
          type="target"
          position={Position.Left}
          id={argHandle(arg.name)}
          className="socket-arg"
          title={`Plug into argument ${arg.name}`}
        >
          {arg.annotation ? `${arg.name}: ${arg.annotation}` : arg.name}
        </Handle>
      ))}
      {data.shared && <SharedLabel socketName={data.socketName} />}
      {live && <Counts live={live} />}
      <ScaleBadge processor={data.processor} />
      <Handle type="source" position={Position.Right} id="result" className="handle-result" title={data.returns ? `Result: ${data.returns}` : "Result"} />
      <Handle type="source" position={Position.Right} id="error" className="handle-error" title="Error" />
    </div>
  );
});
