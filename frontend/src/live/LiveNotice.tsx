import type { LiveState } from "../api/live";
import type { FeedState } from "./feed";

const LABELS: Record<LiveState, string> = {
  connecting: "Connecting to live updates…",
  open: "Live",
  closed: "Live updates disconnected; retrying",
  refused: "Live updates refused: log in again",
};

/** Connection state, and any events the live feed missed (never silently). */
export function LiveNotice({ state, feed, refused }: { state: LiveState; feed: FeedState; refused: Readonly<Record<string, string>> }) {
  return (
    <div className="live-notice">
      <p className={`live-status live-${state}`} role="status" aria-live="polite">
        {LABELS[state]}
        {state === "open" ? ` · ${feed.received} events` : ""}
      </p>
      {feed.missed > 0 && feed.lastGap ? (
        <p className="live-gap" role="alert">
          {feed.missed} live events were missed ({feed.lastGap.reason === "slow" ? "this page read too slowly" : feed.lastGap.reason === "lost" ? "lost on the server" : "while disconnected"}); the lists were reloaded.
        </p>
      ) : null}
      {feed.resyncs > 0 ? (
        <p className="live-gap" role="alert">
          Live events missed while disconnected are no longer held by the server; the lists were reloaded.
        </p>
      ) : null}
      {Object.entries(refused).map(([topic, message]) => (
        <p className="live-refused" key={topic}>
          {message}
        </p>
      ))}
    </div>
  );
}
