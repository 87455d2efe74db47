/**
 * The palette's data: processors and their functions from the mount introspection,
 * fetched once and shared by the panels. While a palette is open it follows the
 * processors' live mount events ("processors" topic): a mount's steps show as they
 * happen and the catalog reloads when one is ready. Only while the socket is down does
 * a slow poll stand in, as long as a mount runs.
 */
import { useEffect, useSyncExternalStore } from "react";
import { api } from "../api/client";
import { errorMessage } from "../api/http";
import { LiveSocket, liveUrl, type LiveFrame, type LiveState } from "../api/live";
import type { Argument, MountEvent, Processor, Task } from "../api/types";
import { canvasApi } from "../canvas/canvasApi";
import { designerStore } from "../store/designer";
import type { XY } from "../store/document";
import { FALLBACK_POLL_MS, isMountEvent, progressApply, type MountProgress } from "./mountProgress";

export { FALLBACK_POLL_MS };

export type Catalog = {
  status: "idle" | "loading" | "ready" | "error";
  processors: Processor[];
  tasks: Task[];
  error: string;
  /** Mounts watched live since the page opened, by processor name. */
  mounts: Readonly<Record<string, MountProgress>>;
};

const EMPTY: Catalog = { status: "idle", processors: [], tasks: [], error: "", mounts: {} };
let catalog: Catalog = EMPTY;
let pending: Promise<void> | null = null;
let again = false;
let pollTimer: ReturnType<typeof setTimeout> | null = null;
let liveState: LiveState = "closed";
let live: { socket: LiveSocket; users: number } | null = null;
const listeners = new Set<() => void>();
const argumentCache = new Map<string, Promise<Argument[]>>();

function publish(next: Catalog): void {
  catalog = next;
  listeners.forEach((listener) => listener());
}

const mounting = (processors: Processor[]) => processors.some((p) => p.mount_status === "queued" || p.mount_status === "mounting");

function pollSchedule(): void {
  if (pollTimer) clearTimeout(pollTimer);
  pollTimer = liveState !== "open" && mounting(catalog.processors) ? setTimeout(() => void reloadCatalog(), FALLBACK_POLL_MS) : null;
}

/** Loads processors and functions; a call while a load runs loads once more after it (so an event never meets an older answer). */
export function reloadCatalog(): Promise<void> {
  if (pending) {
    again = true;
    return pending;
  }
  if (catalog.status !== "ready") publish({ ...catalog, status: "loading" });
  pending = Promise.all([api.processors.list(), api.tasks.list()])
    .then(([processors, tasks]) => publish({ ...catalog, status: "ready", processors: processors.results, tasks: tasks.results, error: "" }))
    .catch((error: unknown) => publish({ ...catalog, status: "error", error: errorMessage(error) }))
    .finally(() => {
      pending = null;
      if (again) {
        again = false;
        void reloadCatalog();
      } else pollSchedule();
    });
  return pending;
}

/** A live mount event: the processor's status and steps now; its functions once ready. */
export function mountEventApply(event: MountEvent): void {
  const known = catalog.processors.some((p) => p.name === event.processor);
  const processors = catalog.processors.map((p) =>
    p.name === event.processor ? { ...p, mount_status: event.status, mount_log: event.event === "failed" ? (event.log ?? "") : p.mount_log } : p,
  );
  publish({ ...catalog, processors, mounts: { ...catalog.mounts, [event.processor]: progressApply(catalog.mounts[event.processor], event) } });
  if (event.event === "ready" || !known) void reloadCatalog();
}

/** A processor as an API answer gave it (e.g. just queued for a mount). */
export function processorPut(processor: Processor): void {
  const others = catalog.processors.filter((p) => p.id !== processor.id);
  const mounts = { ...catalog.mounts, [processor.name]: { status: processor.mount_status, stages: [] } };
  publish({ ...catalog, processors: [...others, processor], mounts });
}

function onFrame(frame: LiveFrame): void {
  if (frame.type !== "events" || !Array.isArray(frame.events)) return;
  frame.events.filter(isMountEvent).forEach(mountEventApply);
}

function onState(state: LiveState): void {
  const reopened = state === "open" && liveState !== "open" && catalog.status === "ready";
  liveState = state;
  if (reopened) void reloadCatalog(); // events may have passed while it was down
  else pollSchedule();
}

/** Follows the mount events while some panel uses the catalog; returns the release. */
export function catalogFollow(): () => void {
  if (!live) {
    const socket = new LiveSocket(liveUrl(window.location));
    socket.onFrame(onFrame);
    socket.onState(onState);
    socket.subscribe("processors");
    socket.start();
    live = { socket, users: 0 };
  }
  live.users += 1;
  return () => {
    if (live && --live.users === 0) {
      live.socket.stop();
      live = null;
      liveState = "closed";
    }
  };
}

/** Tests: forget everything (the catalog is module state). */
export function catalogReset(): void {
  if (pollTimer) clearTimeout(pollTimer);
  live?.socket.stop();
  catalog = EMPTY;
  pending = null;
  again = false;
  pollTimer = null;
  live = null;
  liveState = "closed";
  argumentCache.clear();
}

export function catalogNow(): Catalog {
  return catalog;
}

export function useCatalog(): Catalog {
  const value = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => catalog,
  );
  useEffect(() => {
    if (catalog.status === "idle") void reloadCatalog();
    return catalogFollow();
  }, []);
  return value;
}

/** One processor as the catalog knows it (no load is started; the palette loads it). */
export function useProcessor(name: string): Processor | undefined {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => catalog.processors.find((p) => p.name === name),
  );
}

export function findTask(processor: string, name: string): Task | undefined {
  return catalog.tasks.find((task) => task.processor === processor && task.name === name);
}

export function taskById(id: string): Task | undefined {
  return catalog.tasks.find((task) => task.id === id);
}

function argumentsOf(taskId: string): Promise<Argument[]> {
  let found = argumentCache.get(taskId);
  if (!found) {
    found = api.arguments.forTask(taskId);
    found.catch(() => argumentCache.delete(taskId));
    argumentCache.set(taskId, found);
  }
  return found;
}

function annotationOf(arg: Argument): string {
  const star = arg.kind === "var_positional" ? "*" : arg.kind === "var_keyword" ? "**" : "";
  return `${star}${arg.annotation}`.trim();
}

/** Adds a socket for a function at `position` (or the nearest free spot on screen), with one
 * input per argument. */
export async function addTask(task: Task, position: XY): Promise<void> {
  const store = designerStore.getState();
  try {
    const args = await argumentsOf(task.id);
    store.addSocketNode(
      {
        processor: task.processor,
        module: task.module,
        task: task.name,
        arguments: args.map((arg) => ({ name: arg.name, annotation: annotationOf(arg) })),
        // A function that takes `plugs` may send any value on a wire: its result is untyped.
        returns: task.accepts_plugs ? "" : (task.returns ?? ""),
      },
      position,
      canvasApi()?.view(),
    );
  } catch (error) {
    store.setNotice({ kind: "error", text: `Could not read the arguments of ${task.name}: ${errorMessage(error)}` });
  }
}
