/**
 * Where a new node goes: the spot asked for when nothing is there, else the nearest free
 * spot, inside the part of the canvas on screen when it has room. Nodes are boxes in flow
 * coordinates; a group's members sit inside their group's box, so top-level boxes suffice.
 */
import type { XY } from "./document";
import type { DesignerNode } from "./flow";

export type Size = { width: number; height: number };
export type Rect = XY & Size;

/** Sizes for nodes React Flow has not measured yet. */
export const DEFAULT_NODE_SIZE: Size = { width: 170, height: 90 };
/** Room kept between a placed node and its neighbours (a wire and its label fit between). */
export const PLACEMENT_GAP = 30;
/** The search moves in steps of this many pixels (two grid cells). */
const STEP = 30;
/** How far the search looks when there is no view to bound it, in steps. */
const MAX_RINGS = 60;

export function nodeSize(node: DesignerNode): Size {
  return {
    width: node.width ?? node.measured?.width ?? DEFAULT_NODE_SIZE.width,
    height: node.height ?? node.measured?.height ?? DEFAULT_NODE_SIZE.height,
  };
}

/** True when `a` and `b`, each grown by half of `gap`, overlap. */
export function overlaps(a: Rect, b: Rect, gap = 0): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

function inside(rect: Rect, view: Rect): boolean {
  return rect.x >= view.x && rect.y >= view.y && rect.x + rect.width <= view.x + view.width && rect.y + rect.height <= view.y + view.height;
}

/** The offsets of ring `r` around the start (the square at Chebyshev distance r), nearest first. */
function ring(r: number): XY[] {
  if (r === 0) return [{ x: 0, y: 0 }];
  const cells: XY[] = [];
  for (let i = -r; i <= r; i++) {
    cells.push({ x: i, y: -r }, { x: i, y: r });
    if (Math.abs(i) < r) cells.push({ x: -r, y: i }, { x: r, y: i });
  }
  return cells.sort((a, b) => a.x * a.x + a.y * a.y - (b.x * b.x + b.y * b.y));
}

/**
 * The top-left for a node of `size` asked for at `position`: that spot when it is free,
 * else the nearest free one (at least PLACEMENT_GAP from every top-level node), preferring
 * spots wholly inside `view` (what is on screen) while the view has room for one.
 */
export function freeSpot(nodes: readonly DesignerNode[], position: XY, size: Size = DEFAULT_NODE_SIZE, view?: Rect): XY {
  const rings = view ? Math.min(MAX_RINGS, Math.ceil(Math.max(view.width, view.height) / STEP) + 1) : MAX_RINGS;
  const reach = rings * STEP + PLACEMENT_GAP;
  const area = { x: position.x - reach - size.width, y: position.y - reach - size.height, width: 2 * (reach + size.width), height: 2 * (reach + size.height) };
  const boxes = nodes
    .filter((node) => !node.parentId)
    .map((node) => ({ ...node.position, ...nodeSize(node) }))
    .filter((box) => overlaps(box, area));
  let outside: XY | null = null;
  for (let r = 0; r <= rings; r++) {
    for (const cell of ring(r)) {
      const spot = { x: position.x + cell.x * STEP, y: position.y + cell.y * STEP };
      const rect = { ...spot, ...size };
      if (boxes.some((box) => overlaps(rect, box, PLACEMENT_GAP))) continue;
      if (!view || inside(rect, view)) return spot;
      outside ??= spot;
    }
  }
  if (outside) return outside;
  const bottom = Math.max(position.y, ...boxes.map((box) => box.y + box.height + PLACEMENT_GAP));
  return { x: position.x, y: bottom };
}
