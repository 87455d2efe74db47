import { useEffect, useState } from "react";
import { api } from "../api/client";
import { LiveSocket, liveUrl, type LiveState } from "../api/live";
import { overlayStore } from "./overlay";

/**
 * While mounted, subscribes to the flow's calls ("flow:<name>") and to queue depths
 * ("queues"), seeds the overlay with the counts the API has, and feeds every frame to it.
 * A `resync` (the server's stream lost events: Redis restarted or was unreachable) seeds
 * the counts again from the API, which recorded every call.
 */
export function useFlowLive(flowName: string | null): LiveState {
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    if (!flowName) return undefined;
    overlayStore.getState().reset();
    const socket = new LiveSocket(liveUrl(window.location));
    const offState = socket.onState(setState);
    let current = true;
    // The counts so far (the overlay only counts what happens while the page is open).
    const seed = () =>
      api.flows
        .byName(flowName)
        .then((flow) => (flow && current ? api.flows.counters(flow.id) : null))
        .then((counters) => counters && current && overlayStore.getState().apply({ type: "counters", ...counters }))
        .catch(() => undefined);
    const offFrame = socket.onFrame((frame) => {
      overlayStore.getState().apply(frame);
      if (frame.type === "resync") void seed();
    });
    socket.subscribe(`flow:${flowName}`);
    socket.subscribe("queues");
    socket.start();
    void seed();
    return () => {
      current = false;
      offState();
      offFrame();
      socket.stop();
    };
  }, [flowName]);
  return state;
}
