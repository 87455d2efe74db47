import { EdgeLabelRenderer } from "@xyflow/react";
import { useCallback, useEffect, useRef } from "react";
import { overlayStore, useOverlay } from "./overlay";
import { wireView, type WireLive } from "./wires";

/** Set a DOM property only when it changes: an equal write still invalidates layout. */
function put<K extends "className" | "title" | "textContent">(el: HTMLElement | null, key: K, value: string): void {
  if (el && el[key] !== value) el[key] = value;
}

/** Write one wire's figures into its label's elements (see WireLabel). */
function draw(root: HTMLDivElement, wire: WireLive): void {
  const view = wireView(wire);
  put(root, "className", `wire-label wire-${view.band}${view.full ? " wire-full" : ""}`);
  put(root, "title", view.detail);
  put(root.querySelector<HTMLElement>(".wire-counts"), "textContent", view.label);
  put(root.querySelector<HTMLElement>(".wire-rates"), "textContent", view.detail);
  const meter = root.querySelector<HTMLElement>(".wire-fill");
  if (meter && view.fill !== null) {
    const percent = String(Math.round(view.fill * 100));
    if (meter.getAttribute("aria-valuenow") !== percent) {
      meter.setAttribute("aria-valuenow", percent);
      (meter.firstElementChild as HTMLElement).style.width = `${percent}%`;
    }
  }
}

/**
 * The queue monitor's view of a wire: counts, rates, a fill bar against its queue's limit.
 * React renders its frame once (and again only when the wire appears, or gains or loses a
 * limit); each tick's figures are written into it in place by a store subscription. A tick
 * changes every visible wire, and re-rendering 200 labels through React was most of a
 * tick's main-thread time (bench/canvas_wires.py).
 */
export function WireLabel({ broker, x, y }: { broker: string; x: number; y: number }) {
  const present = useOverlay((s) => broker in s.wires);
  const limited = useOverlay((s) => (s.wires[broker]?.maxLength ?? -1) > 0);
  // A callback ref: the label renderer's portal may mount after this component does.
  const unsubscribe = useRef<(() => void) | null>(null);
  const attach = useCallback((root: HTMLDivElement | null) => {
    unsubscribe.current?.();
    unsubscribe.current = null;
    if (!root) return;
    const first = overlayStore.getState().wires[broker];
    if (first) draw(root, first);
    unsubscribe.current = overlayStore.subscribe((state, previous) => {
      const wire = state.wires[broker];
      if (wire && wire !== previous.wires[broker]) draw(root, wire);
    });
  }, [broker, limited]);
  useEffect(() => () => unsubscribe.current?.(), []);
  if (!present) return null;
  return (
    <EdgeLabelRenderer>
      <div ref={attach} className="wire-label" style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }} data-wire={broker}>
        <span className="wire-counts" />
        {limited && (
          <span className="wire-fill" role="meter" aria-label={`${broker} fill`} aria-valuemin={0} aria-valuemax={100}>
            <span />
          </span>
        )}
        <span className="wire-rates" />
      </div>
    </EdgeLabelRenderer>
  );
}
