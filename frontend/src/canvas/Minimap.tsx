import { Panel, useReactFlow, useStoreApi } from "@xyflow/react";
import { useEffect, useRef, type PointerEvent } from "react";
import { designerStore } from "../store/designer";
import { contains, drawNodes, drawViewport, frameFor, nodeBoxes, union, type Box, type Frame } from "./minimapDraw";

const WIDTH = 200;
const HEIGHT = 140;
/** Node boxes are redrawn at most this often (a pan that mounts nodes changes them every frame). */
const NODES_EVERY_MS = 250;

/**
 * An overview drawn on a <canvas>: one bitmap however many nodes there are, redrawn
 * outside React. Click or drag in it to move the view there.
 */
export function Minimap() {
  const canvas = useRef<HTMLCanvasElement>(null);
  const frame = useRef<Frame | null>(null);
  const rf = useStoreApi();
  const flow = useReactFlow();

  useEffect(() => {
    const target = canvas.current;
    const ctx = target?.getContext("2d");
    if (!target || !ctx) return undefined;
    const ratio = window.devicePixelRatio || 1;
    target.width = WIDTH * ratio;
    target.height = HEIGHT * ratio;
    const layer = document.createElement("canvas");
    layer.width = target.width;
    layer.height = target.height;
    const layerCtx = layer.getContext("2d");
    if (!layerCtx) return undefined;
    layerCtx.scale(ratio, ratio);
    ctx.scale(ratio, ratio);
    let boxes = nodeBoxes(designerStore.getState().nodes);
    let nodesBounds: Box | null = boxes.reduce<Box | null>((acc, item) => union(acc, item.box), null);
    let layerBounds: Box | null = null;
    let pending = 0;
    let nodesTimer: ReturnType<typeof setTimeout> | null = null;

    const viewBox = (): Box => {
      const { transform, width, height } = rf.getState();
      const [tx, ty, zoom] = transform;
      return { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };
    };
    const paint = () => {
      pending = 0;
      const view = viewBox();
      if (!layerBounds || !frame.current || !contains(frame.current.bounds, view)) {
        layerBounds = union(nodesBounds, view);
        frame.current = frameFor(layerBounds, WIDTH, HEIGHT);
        drawNodes(layerCtx, frame.current, boxes, WIDTH, HEIGHT);
      }
      ctx.clearRect(0, 0, WIDTH, HEIGHT);
      ctx.drawImage(layer, 0, 0, WIDTH, HEIGHT);
      drawViewport(ctx, frame.current, view, WIDTH, HEIGHT);
    };
    const schedule = () => {
      if (!pending) pending = requestAnimationFrame(paint);
    };
    const readNodes = () => {
      nodesTimer = null;
      boxes = nodeBoxes(designerStore.getState().nodes);
      nodesBounds = boxes.reduce<Box | null>((acc, item) => union(acc, item.box), null);
      layerBounds = null;
      schedule();
    };
    const offNodes = designerStore.subscribe((state, previous) => {
      if (state.nodes !== previous.nodes && !nodesTimer) nodesTimer = setTimeout(readNodes, NODES_EVERY_MS);
    });
    const offView = rf.subscribe((state, previous) => {
      if (state.transform !== previous.transform || state.width !== previous.width || state.height !== previous.height) schedule();
    });
    schedule();
    return () => {
      offNodes();
      offView();
      cancelAnimationFrame(pending);
      if (nodesTimer) clearTimeout(nodesTimer);
    };
  }, [rf]);

  function moveTo(event: PointerEvent<HTMLCanvasElement>) {
    const current = frame.current;
    if (!current) return;
    const rect = event.currentTarget.getBoundingClientRect();
    const x = current.bounds.x + (event.clientX - rect.left - current.offsetX) / current.scale;
    const y = current.bounds.y + (event.clientY - rect.top - current.offsetY) / current.scale;
    void flow.setCenter(x, y, { zoom: flow.getZoom() });
  }

  return (
    <Panel position="bottom-right" className="minimap">
      <canvas
        ref={canvas}
        style={{ width: WIDTH, height: HEIGHT }}
        role="img"
        aria-label="Minimap: click or drag to move the view"
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          moveTo(event);
        }}
        onPointerMove={(event) => event.buttons === 1 && moveTo(event)}
      />
    </Panel>
  );
}
