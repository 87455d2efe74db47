/**
 * What an open flow's canvas follows live: its calls ("flow:<name>") and queue depths
 * ("queues") into the overlay, seeded with the counts the API has when it opens. When the
 * server answers a reconnect with `resync` for the flow's topic (it no longer holds what
 * the page missed), the counts are loaded again and replace what the overlay had.
 */
import type { FlowCounters } from "../api/types";
import type { LiveFrame, LiveState } from "../api/live";

export type FlowLiveSocket = {
  onFrame: (listener: (frame: LiveFrame) => void) => () => void;
  onState: (listener: (state: LiveState) => void) => () => void;
  subscribe: (topic: string) => () => void;
  start: () => void;
  stop: () => void;
};

export type FlowLiveDeps = {
  socket: FlowLiveSocket;
  /** The flow's counters from the API; null when the flow is gone. */
  counters: (flowName: string) => Promise<FlowCounters | null>;
  overlay: { apply: (frame: unknown) => void; reset: () => void };
  onState: (state: LiveState) => void;
};

/** Starts following `flowName`; returns what stops it. */
export function flowLiveStart(flowName: string, { socket, counters, overlay, onState }: FlowLiveDeps): () => void {
  const topic = `flow:${flowName}`;
  let current = true;
  // `reseed`: counts after a resync replace the open calls the overlay knew, which may have
  // ended while the page was away.
  const seed = (reseed: boolean) =>
    counters(flowName)
      .then((found) => found && current && overlay.apply({ type: "counters", ...found, ...(reseed ? { reseed: true } : {}) }))
      .catch(() => undefined);
  overlay.reset();
  const offState = socket.onState(onState);
  const offFrame = socket.onFrame((frame) => {
    if (frame.type === "resync" && frame.topic === topic) void seed(true);
    else overlay.apply(frame);
  });
  socket.subscribe(topic);
  socket.subscribe("queues");
  socket.start();
  void seed(false);
  return () => {
    current = false;
    offState();
    offFrame();
    socket.stop();
  };
}
