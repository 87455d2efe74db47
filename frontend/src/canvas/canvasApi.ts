/** What commands need from the mounted canvas (viewport moves), set by Canvas while mounted. */
import type { Viewport, XY } from "../store/document";

export type CanvasApi = {
  fitView: () => void;
  zoomIn: () => void;
  zoomOut: () => void;
  /** The flow position at the middle of what is on screen. */
  center: () => XY;
  screenToFlow: (point: XY) => XY;
  focusNode: (id: string) => void;
  getViewport: () => Viewport;
  setViewport: (viewport: Viewport) => void;
};

let current: CanvasApi | null = null;

export function setCanvasApi(api: CanvasApi | null): void {
  current = api;
}

export function canvasApi(): CanvasApi | null {
  return current;
}
