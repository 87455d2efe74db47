import { useEffect, useRef, useState } from "react";
import { LiveSocket, liveUrl, type LiveState } from "../api/live";
import { emptyFeed, feedApply, feedResync, feedSubscribed, type FeedState, type LiveEvent } from "./feed";

export type LiveFeed = { state: LiveState; feed: FeedState; refused: Readonly<Record<string, string>> };

/**
 * One websocket subscribed to `topics` while mounted. Frames are buffered and applied once
 * per paint (once a second while the tab is hidden), so bursts never block the page.
 */
export function useLiveFeed(topics: readonly string[], onEvents: (events: LiveEvent[]) => void): LiveFeed {
  const [state, setState] = useState<LiveState>("connecting");
  const [feed, setFeed] = useState<FeedState>(emptyFeed);
  const [refused, setRefused] = useState<Record<string, string>>({});
  const handler = useRef(onEvents);
  handler.current = onEvents;
  const key = topics.join("\n");

  useEffect(() => {
    const socket = new LiveSocket(liveUrl(window.location));
    let current = emptyFeed();
    let buffer: unknown[] = [];
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      const frames = buffer;
      buffer = [];
      const { state: next, events } = feedApply(current, frames);
      current = next;
      setFeed(next);
      if (events.length) handler.current(events);
    };
    const schedule = () => {
      if (scheduled) return;
      scheduled = true;
      if (document.hidden) setTimeout(flush, 1000);
      else requestAnimationFrame(flush);
    };
    const offFrame = socket.onFrame((frame) => {
      if (frame.type === "events") {
        buffer.push(frame);
        schedule();
      } else if (frame.type === "subscribed") {
        current = feedSubscribed(current, frame);
        setFeed(current);
      } else if (frame.type === "resync") {
        current = feedResync(current, frame);
        setFeed(current);
      } else if (frame.type === "error" && typeof frame.topic === "string") {
        const topic = frame.topic;
        setRefused((old) => ({ ...old, [topic]: String(frame.message ?? "refused") }));
      }
    });
    const offState = socket.onState(setState);
    for (const topic of key.split("\n").filter(Boolean)) socket.subscribe(topic);
    socket.start();
    return () => {
      offFrame();
      offState();
      socket.stop();
    };
  }, [key]);

  return { state, feed, refused };
}
