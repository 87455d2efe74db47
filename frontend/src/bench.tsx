/**
 * The designer canvas under the canvas benchmark (shared/bench/canvas): the same graph
 * and window.__bench API as the bare React Flow anchor, drawn by our Canvas, store and
 * node and edge components. URL: bench.html?n=1000&ovr=0 (ovr=1 culls off-screen elements).
 * ``wireTick`` applies one queue-monitor event (bench/canvas_wires.py times it).
 */
import { useNodesInitialized } from "@xyflow/react";
import { StrictMode, useEffect } from "react";
import { createRoot } from "react-dom/client";
import { canvasApi } from "./canvas/canvasApi";
import { Canvas } from "./canvas/Canvas";
import { overlayStore } from "./live/overlay";
import { plugBrokerQueue, wireFrom, wireView } from "./live/wires";
import { designerStore } from "./store/designer";
import { DEFAULT_QUEUE, DEFAULT_SETTINGS, SCHEMA, type CanvasDocument, type DocEdge, type DocNode } from "./store/document";
import { socketHandles } from "./store/geometry";

const params = new URLSearchParams(location.search);
const N = Math.max(1, parseInt(params.get("n") ?? "100", 10));
const OVR = params.get("ovr") === "1";
const TICK_EDGES = parseInt(params.get("tick") ?? "200", 10);

// Shared with the anchor and gen_flows.py: at most 40 columns, 180 px apart, rows 60 px apart.
const COLS = Math.min(40, Math.ceil(Math.sqrt(N)));
const DX = 180;
const DY = 60;

function makeDocument(): CanvasDocument {
  const nodes: DocNode[] = [];
  const edges: DocEdge[] = [];
  for (let i = 0; i < N; i++) {
    const col = i % COLS;
    nodes.push({
      id: `n${i}`,
      type: "socket",
      position: { x: 20 + col * DX, y: 20 + Math.floor(i / COLS) * DY },
      data: {
        processor: "bench",
        module: "bench.functions",
        task: `function_${i}`,
        socketName: `function ${i}`,
        arguments: [{ name: "in0", annotation: "" }, { name: "in1", annotation: "" }],
        settings: { ...DEFAULT_SETTINGS },
      },
    });
    // one chain per grid row: i -> i+1 while both are on the same row
    if (col < COLS - 1 && i + 1 < N) {
      edges.push({
        id: `e${i}`,
        source: `n${i}`,
        sourceHandle: "result",
        target: `n${i + 1}`,
        targetHandle: "arg:in0",
        data: { plugType: "RESULT", queue: { ...DEFAULT_QUEUE, name: `q${i}` } },
      });
    }
  }
  return { schema: SCHEMA, nodes, edges };
}

const document_ = makeDocument();
designerStore.getState().load(document_);
// Every plug starts with a live label "0", as the anchor's edges do.
overlayStore.getState().apply({ type: "queues", queues: document_.edges.map((edge) => ({ name: edge.data.queue.name, ready: 0, inflight: 0, published: 0 })) });

const raf = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

declare global {
  interface Window {
    __bench?: {
      n: number;
      ovr: boolean;
      edges: number;
      tick: () => Promise<TickTiming>;
      wireTick: () => Promise<TickTiming>;
      pan: (ms: number, pxPerS: number) => Promise<{ frames: number; fps: number; maxFrameMs: number }>;
      checkGeometry: () => string[];
    };
  }
}

type TickTiming = { ms: number; commitMs: number; updated: number; frames: number };

let counter = 0;

/**
 * Times one overlay update from `t0` (taken before the store changed): frames until `selector`
 * shows `label`, then the task after that frame's paint, as the anchor's tick does.
 */
async function paintedAfter(t0: number, selector: string, label: string, updated: number): Promise<TickTiming> {
  let frames = 0;
  let commit = NaN;
  for (;;) {
    await raf();
    frames += 1;
    const el = document.querySelector(selector);
    if (el && el.textContent === label) {
      commit = performance.now();
      break;
    }
    if (performance.now() - t0 > 30000) throw new Error(`tick: ${label} never appeared in ${selector}`);
  }
  await macrotask();
  return { ms: performance.now() - t0, commitMs: commit - t0, updated, frames };
}

/** One live update: new traffic on the first TICK_EDGES plugs, through the overlay as the websocket would. */
async function tick() {
  counter += 1;
  const k = Math.min(TICK_EDGES, document_.edges.length);
  const queues = document_.edges.slice(0, k).map((edge) => ({ name: edge.data.queue.name, ready: 0, inflight: 0, published: counter }));
  const t0 = performance.now();
  overlayStore.getState().apply({ type: "queues", queues });
  return paintedAfter(t0, '.react-flow__edge[data-id="e0"] .react-flow__edge-text', String(counter), k);
}

/** The broker queue each of the first TICK_EDGES plugs waits in (its own queue's). */
const wireQueues = document_.edges.slice(0, Math.min(TICK_EDGES, document_.edges.length)).map((edge) => {
  const target = document_.nodes.find((node) => node.id === edge.target);
  return target?.type === "socket" ? plugBrokerQueue(edge.data.queue.name, target.data) : "";
});

/**
 * One queue-monitor tick as the websocket delivers it: a `queues` event with one item per
 * plug, every figure changed (half the queues have a limit, so fill bars move too).
 */
async function wireTick() {
  counter += 1;
  const queues = wireQueues.map((name, i) => ({
    name,
    ready: (counter * 7 + i) % 97,
    inflight: (counter + i) % 4,
    arrival_rate: ((counter + i) % 30) / 3,
    completion_rate: ((counter * 3 + i) % 30) / 3,
    oldest_age: (counter + i) % 120,
    state: "ok",
    max_length: i % 2 ? -1 : 100,
  }));
  const first = queues[0] ? wireFrom(queues[0]) : null;
  const label = first ? wireView(first[1]).label : "";
  const t0 = performance.now();
  overlayStore.getState().apply({ type: "events", events: [{ kind: "queues", queues }] });
  return paintedAfter(t0, `.wire-label[data-wire="${wireQueues[0]}"] .wire-counts`, label, queues.length);
}

function pan(ms: number, pxPerS: number) {
  const api = canvasApi();
  if (!api) return Promise.reject(new Error("pan: canvas not mounted"));
  const v0 = api.getViewport();
  return new Promise<{ frames: number; fps: number; maxFrameMs: number }>((resolve) => {
    const start = performance.now();
    let last = start;
    let frames = 0;
    let maxGap = 0;
    const step = () => {
      const now = performance.now();
      const t = now - start;
      maxGap = Math.max(maxGap, now - last);
      last = now;
      if (t >= ms) {
        resolve({ frames, fps: (frames * 1000) / t, maxFrameMs: maxGap });
        return;
      }
      frames += 1;
      const d = (pxPerS * t) / 1000;
      api.setViewport({ x: v0.x - d, y: v0.y - d / 2, zoom: v0.zoom });
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
}

/** Differences between store/geometry.ts and where the drawn handles really are (expected: none). */
function checkGeometry(): string[] {
  const problems: string[] = [];
  const zoom = canvasApi()?.getViewport().zoom ?? 1;
  for (const wrapper of document.querySelectorAll<HTMLElement>(".react-flow__node-socket")) {
    const node = document_.nodes.find((n) => n.id === wrapper.dataset.id);
    if (node?.type !== "socket") continue;
    const origin = wrapper.getBoundingClientRect();
    for (const expected of socketHandles(node.data)) {
      const el = wrapper.querySelector<HTMLElement>(`.react-flow__handle[data-handleid="${expected.id}"]`);
      const r = el?.getBoundingClientRect();
      const actual = r && { x: (r.left - origin.left) / zoom, y: (r.top - origin.top) / zoom, width: r.width / zoom, height: r.height / zoom };
      const off = !actual || (["x", "y", "width", "height"] as const).some((k) => Math.abs(actual[k] - (expected[k] ?? 0)) > 0.5);
      if (off) problems.push(`${node.id} ${expected.id}: expected ${JSON.stringify(expected)}, drawn ${JSON.stringify(actual)}`);
    }
  }
  return problems;
}

window.__bench = { n: N, ovr: OVR, edges: document_.edges.length, tick, wireTick, pan, checkGeometry };

/** performance.mark once all nodes are measured and the next frame is painted, as the anchor does. */
function InitializedMark() {
  const initialized = useNodesInitialized();
  useEffect(() => {
    if (initialized && performance.getEntriesByName("rf-nodes-initialized").length === 0) {
      requestAnimationFrame(() => setTimeout(() => performance.mark("rf-nodes-initialized"), 0));
    }
  }, [initialized]);
  return null;
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <Canvas cull={OVR} defaultViewport={{ x: 0, y: 0, zoom: 1 }} fitOnLoad={false}>
      <InitializedMark />
    </Canvas>
  </StrictMode>,
);
