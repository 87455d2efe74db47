import {
  Background,
  BackgroundVariant,
  Controls,
  ReactFlow,
  type Connection,
  type Edge,
  type IsValidConnection,
  type OnConnectEnd,
  type Viewport,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import type { DragEvent, ReactNode } from "react";
import { useShallow } from "zustand/react/shallow";
import { designerStore, useDesigner, type DesignerState } from "../store/designer";
import type { XY } from "../store/document";
import { plugProblem } from "../store/editing";
import { canvasApi } from "./canvasApi";
import { CanvasBridge } from "./CanvasBridge";
import { Minimap } from "./Minimap";
import { edgeTypes, nodeTypes } from "./registry";
import "./canvas.css";

/** Above this many nodes only what is on screen is drawn, and the dot grid is left out. */
export const LARGE_GRAPH = 300;
export const GRID = 15;
const SNAP: [number, number] = [GRID, GRID];
const FIT = { padding: 0.2, maxZoom: 1 };
export const TASK_MIME = "application/x-elasticcode-task";

const select = (s: DesignerState) => ({
  nodes: s.nodes,
  edges: s.edges,
  onNodesChange: s.onNodesChange,
  onEdgesChange: s.onEdgesChange,
  connect: s.connect,
  readOnly: s.readOnly,
  snapToGrid: s.snapToGrid,
  showMinimap: s.showMinimap,
});

const isValidConnection: IsValidConnection = (connection: Connection | Edge) =>
  plugProblem(designerStore.getState(), {
    source: connection.source,
    target: connection.target,
    sourceHandle: connection.sourceHandle ?? null,
    targetHandle: connection.targetHandle ?? null,
  }) === null;

/** A connection dropped on a handle that refused it: say why (xyflow makes no edge and calls no onConnect). */
const onConnectEnd: OnConnectEnd = (_event, connection) => {
  const { fromHandle, toHandle } = connection;
  // isValid is null (not false) when the pointer is over a refusing handle but not near its centre.
  if (connection.isValid === true || !fromHandle || !toHandle) return;
  const [source, target] = fromHandle.type === "source" ? [fromHandle, toHandle] : [toHandle, fromHandle];
  const state = designerStore.getState();
  const problem = plugProblem(state, { source: source.nodeId, target: target.nodeId, sourceHandle: source.id ?? null, targetHandle: target.id ?? null });
  if (problem && !state.readOnly) state.setNotice({ kind: "error", text: problem });
};

type CanvasProps = {
  /** Culling: on by default above LARGE_GRAPH nodes. */
  cull?: boolean;
  defaultViewport?: Viewport;
  fitOnLoad?: boolean;
  /** A palette item dropped on the canvas, with its flow position. */
  onDropTask?: (taskId: string, position: XY) => void;
  children?: ReactNode;
};

/** The flow canvas: React Flow bound to the designer store. */
export function Canvas({ cull, defaultViewport, fitOnLoad = true, onDropTask, children }: CanvasProps) {
  const { nodes, edges, onNodesChange, onEdgesChange, connect, readOnly, snapToGrid, showMinimap } = useDesigner(useShallow(select));
  const large = nodes.length > LARGE_GRAPH;

  function onDragOver(event: DragEvent) {
    if (!readOnly && event.dataTransfer.types.includes(TASK_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    }
  }

  function onDrop(event: DragEvent) {
    const taskId = event.dataTransfer.getData(TASK_MIME);
    const api = canvasApi();
    if (!taskId || !api || !onDropTask) return;
    event.preventDefault();
    onDropTask(taskId, api.screenToFlow({ x: event.clientX, y: event.clientY }));
  }

  return (
    <div className="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={connect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onlyRenderVisibleElements={cull ?? large}
        defaultViewport={defaultViewport}
        fitView={fitOnLoad}
        fitViewOptions={FIT}
        minZoom={0.05}
        maxZoom={2.5}
        snapToGrid={snapToGrid}
        snapGrid={SNAP}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Meta", "Control"]}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesReconnectable={false}
        aria-label="Flow canvas"
      >
        {/* The dot grid repaints the whole pane on every pan frame: worth it only on small graphs. */}
        {!large && <Background variant={BackgroundVariant.Dots} gap={GRID} />}
        <Controls showInteractive={false} aria-label="Zoom controls" />
        {showMinimap && <Minimap />}
        <CanvasBridge />
        {children}
      </ReactFlow>
    </div>
  );
}
