import { useOverlay } from "../live/overlay";
import { useProcessor } from "../panels/catalog";

/**
 * A processor's concurrency on its sockets: running now, and the autoscaler's bounds when
 * it scales. The live "scale" events win over the catalog read when the designer opened.
 */
export function ScaleBadge({ processor }: { processor: string }) {
  const decided = useOverlay((s) => s.scale[processor]);
  const known = useProcessor(processor);
  const current = decided?.current ?? known?.current_concurrency ?? known?.concurrency;
  if (current === undefined) return null;
  const min = decided?.min ?? known?.min_concurrency ?? current;
  const max = decided?.max ?? known?.max_concurrency ?? current;
  const bounds = min === max ? "" : ` (${min}–${max})`;
  return (
    <div className="socket-scale" title={decided?.reason || `${processor}: ${current} worker processes${bounds}`}>
      ×{current}
      {bounds}
    </div>
  );
}
