import { useReactFlow } from "@xyflow/react";
import { useEffect } from "react";
import { designerStore } from "../store/designer";
import type { DesignerNode, PlugEdge } from "../store/flow";
import { setCanvasApi } from "./canvasApi";

const MOVE = { duration: 250 };

const paneBox = () => document.querySelector(".react-flow__renderer")?.getBoundingClientRect();

/** Lends the viewport to commands (fit, zoom, jump to a node) while the canvas is mounted. */
export function CanvasBridge() {
  const flow = useReactFlow<DesignerNode, PlugEdge>();
  useEffect(() => {
    setCanvasApi({
      fitView: () => void flow.fitView({ padding: 0.15, maxZoom: 1.25, ...MOVE }),
      zoomIn: () => void flow.zoomIn(MOVE),
      zoomOut: () => void flow.zoomOut(MOVE),
      center() {
        const pane = paneBox();
        if (!pane) return { x: 0, y: 0 };
        return flow.screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 });
      },
      view() {
        const pane = paneBox();
        if (!pane) return { x: 0, y: 0, width: 0, height: 0 };
        const start = flow.screenToFlowPosition({ x: pane.left, y: pane.top });
        const end = flow.screenToFlowPosition({ x: pane.right, y: pane.bottom });
        return { ...start, width: end.x - start.x, height: end.y - start.y };
      },
      screenToFlow: (point) => flow.screenToFlowPosition(point),
      focusNode(id) {
        const node = flow.getInternalNode(id);
        if (!node) return;
        const width = node.measured.width ?? 0;
        const height = node.measured.height ?? 0;
        const { x, y } = node.internals.positionAbsolute;
        designerStore.getState().selectOnly([id]);
        void flow.setCenter(x + width / 2, y + height / 2, { zoom: Math.max(flow.getZoom(), 1), ...MOVE });
      },
      getViewport: () => flow.getViewport(),
      setViewport: (viewport) => void flow.setViewport(viewport),
    });
    return () => setCanvasApi(null);
  }, [flow]);
  return null;
}
