/**
 * A server-rendered page that follows a live topic: its `[data-live-section]` parts are
 * fetched again and swapped in when the events say so, and after the socket reconnects
 * (events may have been missed meanwhile). While the socket is not open, and `pollWhile`
 * says the page is waiting for news, the parts are fetched every `pollMs`.
 */
import { LiveSocket, liveUrl, type LiveState } from "../api/live";

/** The page's live parts as the server renders them now. */
export async function sectionsRefresh(doc: Document): Promise<void> {
  const response = await fetch(doc.location.href, { credentials: "same-origin" });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  doc.querySelectorAll<HTMLElement>("[data-live-section]").forEach((section) => {
    const replacement = section.id ? fresh.getElementById(section.id) : null;
    if (replacement) section.replaceWith(doc.importNode(replacement, true));
  });
}

export type LiveSectionsOptions = {
  topic: string;
  /** Shows the events at once; true when the page's parts must be fetched again. */
  onEvents: (events: readonly unknown[]) => boolean;
  pollMs: number;
  pollWhile: () => boolean;
};

export function liveSectionsStart(doc: Document, options: LiveSectionsOptions): () => void {
  const socket = new LiveSocket(liveUrl(doc.location));
  let state: LiveState = "connecting";
  let timer: ReturnType<typeof setTimeout> | null = null;
  const refresh = () => void sectionsRefresh(doc).catch(() => undefined).finally(schedule);
  function schedule() {
    if (timer) clearTimeout(timer);
    timer = state !== "open" && options.pollWhile() ? setTimeout(refresh, options.pollMs) : null;
  }
  socket.onState((next) => {
    const reopened = next === "open" && state !== "open" && state !== "connecting";
    state = next;
    if (reopened) refresh();
    else schedule();
  });
  socket.onFrame((frame) => {
    if (frame.type === "events" && Array.isArray(frame.events) && options.onEvents(frame.events)) refresh();
  });
  socket.subscribe(options.topic);
  socket.start();
  return () => {
    if (timer) clearTimeout(timer);
    socket.stop();
  };
}
