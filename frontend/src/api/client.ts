/** The typed REST client: one function per endpoint the designer uses. */
import { query, request } from "./http";
import type { Argument, Call, CallTreeNode, DeployResult, Flow, FlowCounters, Page, Processor, ProcessorCreate, ProcessorSettings, QueueMessages, QueuePurged, RunInput, SchedulePreview, SchedulePreviewRequest, ScheduleRun, Socket, Task, Version } from "./types";

const ROWS = 1000;

type ListParams = { name?: string; search?: string; [filter: string]: string | number | undefined };

function list<T>(kind: string, params: ListParams = {}): Promise<Page<T>> {
  return request<Page<T>>("GET", `/api/${kind}/${query({ rows: ROWS, ...params })}`);
}

/** The object whose name is exactly `name`, or null. The list filter may match loosely. */
async function byName<T extends { name: string }>(kind: string, name: string, params: ListParams = {}): Promise<T | null> {
  const page = await list<T>(kind, { ...params, name });
  return page.results.find((item) => item.name === name) ?? null;
}

export const api = {
  processors: {
    list: () => list<Processor>("processors"),
    byName: (name: string) => byName<Processor>("processors", name),
    create: (body: ProcessorCreate) => request<Processor>("POST", "/api/processors/", { body }),
    update: (id: string, patch: Partial<ProcessorSettings>) =>
      request<Processor>("PATCH", `/api/processors/${id}/`, { body: patch }),
    /** Queues a mount (MOUNT_PROCESSOR); its progress arrives as live mount events. */
    mount: (id: string) => request<Processor>("POST", `/api/processors/${id}/mount/`),
  },
  tasks: {
    list: () => list<Task>("tasks"),
    find: async (processor: string, name: string): Promise<Task | null> => {
      const page = await list<Task>("tasks", { name, processor });
      return page.results.find((task) => task.name === name && task.processor === processor) ?? null;
    },
    code: (id: string) => request<{ task: string; module: string; source: string }>("GET", `/api/tasks/${id}/code/`),
  },
  arguments: {
    forTask: async (taskId: string): Promise<Argument[]> => {
      const page = await list<Argument>("arguments", { task: taskId });
      return page.results.filter((arg) => arg.task === taskId).sort((a, b) => a.position - b.position);
    },
  },
  queues: {
    peek: (name: string, limit = 20) =>
      request<QueueMessages>("GET", `/api/monitor/queues/${encodeURIComponent(name)}/messages/${query({ limit })}`),
    purge: (name: string, confirm: string) =>
      request<QueuePurged>("POST", `/api/monitor/queues/${encodeURIComponent(name)}/purge/`, { body: { confirm } }),
  },
  sockets: {
    byName: (name: string) => byName<Socket>("sockets", name),
    run: (id: string, input: RunInput) => request<Call>("POST", `/api/sockets/${id}/run/`, { body: input }),
    /** The next five runs of a schedule before it is saved; an ApiError names what is wrong. */
    schedulePreview: (body: SchedulePreviewRequest, signal?: AbortSignal) =>
      request<SchedulePreview>("POST", "/api/sockets/schedule-preview/", { body, signal }),
    scheduleRuns: (id: string) => request<ScheduleRun[]>("GET", `/api/sockets/${id}/schedule-runs/`),
  },
  flows: {
    list: () => list<Flow>("flows"),
    byName: (name: string) => byName<Flow>("flows", name),
    get: (id: string) => request<Flow>("GET", `/api/flows/${id}/`),
    create: (name: string, description = "") => request<Flow>("POST", "/api/flows/", { body: { name, description } }),
    deploy: (id: string, version: number) =>
      request<DeployResult>("POST", `/api/flows/${id}/deploy/`, { body: { version } }),
    /** Its sockets' call counts and open calls, for the canvas when the flow opens. */
    counters: (id: string) => request<FlowCounters>("GET", `/api/live/flows/${id}/counters/`),
  },
  versions: {
    list: async (flow: string): Promise<Version[]> => {
      const page = await list<Version>("versions", { flow });
      return page.results.filter((version) => version.flow === flow).sort((a, b) => b.number - a.number);
    },
    create: (flow: string, message: string, document: unknown) =>
      request<Version>("POST", "/api/versions/", { body: { flow, message, document } }),
  },
  calls: {
    get: (id: string, signal?: AbortSignal) => request<Call>("GET", `/api/calls/${id}/`, { signal }),
    tree: (id: string) => request<CallTreeNode>("GET", `/api/calls/${id}/tree/`),
    forSocket: async (socket: string, rows = 20): Promise<Call[]> => {
      const page = await request<Page<Call>>("GET", `/api/calls/${query({ socket, rows, ordering: "-created" })}`);
      return page.results.filter((call) => call.socket === socket);
    },
  },
};
