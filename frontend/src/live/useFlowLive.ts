import { useEffect, useState } from "react";
import { LiveSocket, liveUrl, type LiveState } from "../api/live";
import { overlayStore } from "./overlay";

/**
 * While mounted, subscribes to the flow's calls ("flow:<name>") and to queue depths
 * ("queues"), and feeds every frame to the overlay.
 */
export function useFlowLive(flowName: string | null): LiveState {
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    if (!flowName) return undefined;
    overlayStore.getState().reset();
    const socket = new LiveSocket(liveUrl(window.location));
    const offState = socket.onState(setState);
    const offFrame = socket.onFrame((frame) => overlayStore.getState().apply(frame));
    socket.subscribe(`flow:${flowName}`);
    socket.subscribe("queues");
    socket.start();
    return () => {
      offState();
      offFrame();
      socket.stop();
    };
  }, [flowName]);
  return state;
}
