/**
 * The palette's data: processors and their functions from the mount introspection,
 * fetched once and shared by the panels; reloaded on demand and while a mount runs.
 */
import { useEffect, useSyncExternalStore } from "react";
import { api } from "../api/client";
import { errorMessage } from "../api/http";
import type { Argument, Processor, Task } from "../api/types";
import { designerStore } from "../store/designer";
import type { XY } from "../store/document";

export type Catalog = { status: "idle" | "loading" | "ready" | "error"; processors: Processor[]; tasks: Task[]; error: string };

const MOUNT_POLL_MS = 3000;
let catalog: Catalog = { status: "idle", processors: [], tasks: [], error: "" };
let pending: Promise<void> | null = null;
let pollTimer: ReturnType<typeof setTimeout> | null = null;
const listeners = new Set<() => void>();
const argumentCache = new Map<string, Promise<Argument[]>>();

function publish(next: Catalog): void {
  catalog = next;
  listeners.forEach((listener) => listener());
}

const mounting = (processors: Processor[]) => processors.some((p) => p.mount_status === "queued" || p.mount_status === "mounting");

export function reloadCatalog(): Promise<void> {
  if (pending) return pending;
  if (catalog.status !== "ready") publish({ ...catalog, status: "loading" });
  pending = Promise.all([api.processors.list(), api.tasks.list()])
    .then(([processors, tasks]) => publish({ status: "ready", processors: processors.results, tasks: tasks.results, error: "" }))
    .catch((error: unknown) => publish({ ...catalog, status: "error", error: errorMessage(error) }))
    .finally(() => {
      pending = null;
      if (pollTimer) clearTimeout(pollTimer);
      pollTimer = mounting(catalog.processors) ? setTimeout(() => void reloadCatalog(), MOUNT_POLL_MS) : null;
    });
  return pending;
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

/** Adds a socket for a function at `position`, with one input per argument. */
export async function addTask(task: Task, position: XY): Promise<void> {
  const store = designerStore.getState();
  try {
    const args = await argumentsOf(task.id);
    store.addSocketNode(
      { processor: task.processor, module: task.module, task: task.name, arguments: args.map((arg) => ({ name: arg.name, annotation: annotationOf(arg) })) },
      position,
    );
  } catch (error) {
    store.setNotice({ kind: "error", text: `Could not read the arguments of ${task.name}: ${errorMessage(error)}` });
  }
}
