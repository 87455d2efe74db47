import { useEffect, useState } from "react";
import { api } from "../api/client";
import { LiveSocket, liveUrl, type LiveState } from "../api/live";
import type { FlowCounters } from "../api/types";
import { flowLiveStart } from "./flowLive";
import { overlayStore } from "./overlay";

async function countersOf(flowName: string): Promise<FlowCounters | null> {
  const flow = await api.flows.byName(flowName);
  return flow ? api.flows.counters(flow.id) : null;
}

/** While mounted, the open flow's calls and queues reach the overlay live (./flowLive). */
export function useFlowLive(flowName: string | null): LiveState {
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    if (!flowName) return undefined;
    const { apply, reset } = overlayStore.getState();
    const socket = new LiveSocket(liveUrl(window.location));
    return flowLiveStart(flowName, { socket, counters: countersOf, overlay: { apply, reset }, onState: setState });
  }, [flowName]);
  return state;
}
