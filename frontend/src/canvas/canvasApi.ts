/** What commands need from the mounted canvas (viewport moves), set by Canvas while mounted. */
import type { Viewport, XY } from "../store/document";
import type { Rect } from "../store/placement";

export type CanvasApi = {
  fitView: () => void;
  zoomIn: () => void;
  zoomOut: () => void;
  /** The flow position at the middle of what is on screen. */
  center: () => XY;
  /** What is on screen, in flow coordinates (where a new node should land). */
  view: () => Rect;
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
