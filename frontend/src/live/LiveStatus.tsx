import { useEffect, useState } from "react";
import { LiveSocket, liveUrl, type LiveState } from "../api/live";

const LABELS: Record<LiveState, string> = {
  connecting: "Connecting to live updates…",
  open: "Live updates connected",
  closed: "Live updates disconnected; retrying",
  refused: "Live updates refused: log in again",
};

export function LiveStatus() {
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    const socket = new LiveSocket(liveUrl(window.location));
    const off = socket.onState(setState);
    socket.start();
    return () => {
      off();
      socket.stop();
    };
  }, []);
  return (
    <p className={`live-status live-${state}`} role="status" aria-live="polite">
      {LABELS[state]}
    </p>
  );
}
