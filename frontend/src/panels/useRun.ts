import { useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import { errorMessage } from "../api/http";
import { FINAL_CALL_STATES, type Call, type CallTreeNode, type RunInput } from "../api/types";

export type RunState =
  | { phase: "idle" }
  | { phase: "starting" }
  | { phase: "waiting"; call: Call }
  | { phase: "done"; call: Call; tree: CallTreeNode | null; treeError: string }
  | { phase: "error"; message: string };

const POLL_MS = 1000;
const GIVE_UP_MS = 10 * 60 * 1000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new DOMException("stopped", "AbortError"));
    });
  });

/** Runs a socket by name, polls the call until it ends, then fetches its call tree. Stops when unmounted. */
export function useRun(): { state: RunState; run: (socketName: string, input: RunInput) => void } {
  const [state, setState] = useState<RunState>({ phase: "idle" });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  async function go(socketName: string, input: RunInput, signal: AbortSignal) {
    setState({ phase: "starting" });
    const socket = await api.sockets.byName(socketName);
    if (!socket) throw new Error(`Socket ${socketName} is not on the network yet: save and deploy the flow, then run it.`);
    let call = await api.sockets.run(socket.id, input);
    const started = Date.now();
    while (!FINAL_CALL_STATES.includes(call.state)) {
      setState({ phase: "waiting", call });
      if (Date.now() - started > GIVE_UP_MS) throw new Error(`Call #${call.id} is still ${call.state} after 10 minutes; see the Calls page.`);
      await sleep(POLL_MS, signal);
      call = await api.calls.get(call.id, signal);
    }
    try {
      setState({ phase: "done", call, tree: await api.calls.tree(call.id), treeError: "" });
    } catch (error) {
      setState({ phase: "done", call, tree: null, treeError: errorMessage(error) });
    }
  }

  function run(socketName: string, input: RunInput) {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    go(socketName, input, controller.signal).catch((error: unknown) => {
      if (!controller.signal.aborted) setState({ phase: "error", message: errorMessage(error) });
    });
  }

  return { state, run };
}
