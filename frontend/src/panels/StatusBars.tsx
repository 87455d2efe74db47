import { useEffect } from "react";
import { useDesigner } from "../store/designer";

/** Says when the canvas shows a saved version or a comparison instead of the draft. */
export function ModeBanner() {
  const mode = useDesigner((s) => s.mode);
  const back = useDesigner((s) => s.backToDraft);
  if (mode.kind === "draft") return null;
  return (
    <div className="mode-banner" role="status">
      {mode.kind === "version" ? (
        <span>Viewing version {mode.number}, read-only.</span>
      ) : (
        <span>
          Comparing version {mode.from} with {mode.to === 0 ? "the draft" : `version ${mode.to}`}:{" "}
          <span className="legend-added">added</span>, <span className="legend-removed">removed</span>, <span className="legend-changed">changed</span>.
        </span>
      )}
      <button type="button" onClick={back}>
        Back to draft
      </button>
    </div>
  );
}

const NOTICE_MS = 6000;

/** One short message at a time: what just happened, or what went wrong. */
export function NoticeBar() {
  const notice = useDesigner((s) => s.notice);
  const clear = useDesigner((s) => s.setNotice);
  useEffect(() => {
    if (!notice) return undefined;
    const timer = setTimeout(() => clear(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice, clear]);
  return (
    <div className="notice-area" role="status" aria-live="polite">
      {notice && (
        <p className={`notice notice-${notice.kind}`}>
          {notice.text}{" "}
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => clear(null)}>
            ×
          </button>
        </p>
      )}
    </div>
  );
}
