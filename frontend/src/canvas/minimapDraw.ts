/** Drawing the minimap: node boxes on a cached layer, the viewport frame over it. */
import type { DesignerNode } from "../store/flow";
import { nodeSize } from "../store/placement";

export type Box = { x: number; y: number; width: number; height: number };
export type Frame = { bounds: Box; scale: number; offsetX: number; offsetY: number };

const COLORS: Record<DesignerNode["type"], string> = { socket: "#8da2c9", note: "#e8d48a", group: "rgba(141,155,181,.25)" };

/** Each node's box in flow coordinates (members of groups are offset by their group). */
export function nodeBoxes(nodes: readonly DesignerNode[]): { box: Box; type: DesignerNode["type"] }[] {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const origin = (node: DesignerNode): { x: number; y: number } => {
    const parent = node.parentId ? byId.get(node.parentId) : undefined;
    if (!parent) return node.position;
    const p = origin(parent);
    return { x: p.x + node.position.x, y: p.y + node.position.y };
  };
  return nodes.map((node) => {
    const { x, y } = origin(node);
    return { box: { x, y, ...nodeSize(node) }, type: node.type };
  });
}

export function union(a: Box | null, b: Box): Box {
  if (!a) return b;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

export const contains = (outer: Box, inner: Box) =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;

/** How flow coordinates map onto a width x height minimap showing `bounds`, centred. */
export function frameFor(bounds: Box, width: number, height: number): Frame {
  const pad = Math.max(bounds.width, bounds.height) * 0.05 + 20;
  const padded = { x: bounds.x - pad, y: bounds.y - pad, width: bounds.width + pad * 2, height: bounds.height + pad * 2 };
  const scale = Math.min(width / padded.width, height / padded.height);
  return { bounds: padded, scale, offsetX: (width - padded.width * scale) / 2, offsetY: (height - padded.height * scale) / 2 };
}

export function drawNodes(ctx: CanvasRenderingContext2D, frame: Frame, boxes: ReturnType<typeof nodeBoxes>, width: number, height: number): void {
  ctx.clearRect(0, 0, width, height);
  for (const { box, type } of boxes) {
    ctx.fillStyle = COLORS[type];
    ctx.fillRect(
      frame.offsetX + (box.x - frame.bounds.x) * frame.scale,
      frame.offsetY + (box.y - frame.bounds.y) * frame.scale,
      Math.max(1, box.width * frame.scale),
      Math.max(1, box.height * frame.scale),
    );
  }
}

export function drawViewport(ctx: CanvasRenderingContext2D, frame: Frame, view: Box, width: number, height: number): void {
  const x = frame.offsetX + (view.x - frame.bounds.x) * frame.scale;
  const y = frame.offsetY + (view.y - frame.bounds.y) * frame.scale;
  const w = view.width * frame.scale;
  const h = view.height * frame.scale;
  ctx.fillStyle = "rgba(240, 242, 247, .6)";
  ctx.beginPath();
  ctx.rect(0, 0, width, height);
  ctx.rect(x, y, w, h);
  ctx.fill("evenodd");
  ctx.strokeStyle = "#2456d6";
  ctx.lineWidth = 1.5;
  ctx.strokeRect(x, y, w, h);
}
