/** Shapes of the REST API's objects. Ids are UUIDs; foreign keys are given by name unless noted. */

export type Page<T> = { count: number; next: string | null; previous: string | null; results: T[] };

export type MountStatus = "none" | "queued" | "mounting" | "ready" | "failed";

export type Processor = {
  id: string;
  name: string;
  gitrepo: string;
  branch: string;
  commit: string;
  module: string;
  concurrency: number;
  hostname: string;
  retries: number;
  timelimit: number | null;
  ratelimit: string;
  mount_status: MountStatus;
  mount_log: string;
  status: string;
  requested_status: string;
  /** Autoscaling: the concurrency running now and its bounds (equal when it does not scale). */
  current_concurrency?: number;
  min_concurrency?: number;
  max_concurrency?: number;
};

export type MountStage = "cloning" | "environment" | "installing" | "introspecting";

/** A live mount event (apps/engine/mount_status.py), on the "processors" and "processor:<name>" topics. */
export type MountEvent = {
  kind: "mount";
  event: "queued" | "mounting" | "stage" | "ready" | "failed";
  processor: string;
  processor_id: string;
  status: MountStatus;
  stage?: MountStage;
  functions?: number;
  log?: string;
};

export type ProcessorCreate = Pick<Processor, "name" | "gitrepo" | "branch" | "commit" | "module">;
export type ProcessorSettings = Pick<Processor, "concurrency" | "hostname" | "retries" | "timelimit" | "ratelimit">;

export type Task = {
  id: string;
  name: string;
  processor: string;
  module: string;
  docstring: string;
  accepts_plugs: boolean;
  accepts_output: boolean;
  /** The return annotation as written; empty: unannotated. */
  returns: string;
};

export type ArgumentKind =
  | "positional_only"
  | "positional_or_keyword"
  | "var_positional"
  | "keyword_only"
  | "var_keyword";

export type Argument = {
  id: string;
  name: string;
  /** The task's id, not its name (task names are unique only per processor). */
  task: string;
  position: number;
  kind: ArgumentKind;
  annotation: string;
  default: unknown;
  has_default: boolean;
};

/** A proposed schedule's next runs (POST /api/sockets/schedule-preview/). */
export type SchedulePreview = { timezone: string; runs: { utc: string; local: string }[] };
export type SchedulePreviewRequest = { schedule_type: "CRON" | "INTERVAL"; cron?: string; interval?: number | null; timezone?: string };

/** One decision of the scheduler (GET /api/sockets/{id}/schedule-runs/). */
export type ScheduleRun = {
  slot: string;
  decision: "fired" | "caught_up" | "skipped" | "refused";
  missed: number;
  note: string;
  call: string | null;
  /** The run's outcome: its call's state. */
  state: string | null;
  created: string;
};

export type Socket = {
  id: string;
  name: string;
  processor: string;
  queue: string;
  task: string;
  interval: number | null;
  cron: string;
  schedule_type: string;
  data: unknown;
  /** The id of the flow whose deploy made it; empty: made outside any flow. */
  flow_key: string;
  flow_version: string | null;
};

/** deployed_version is the number of the deployed version (null: never deployed). */
export type Flow = { id: string; name: string; description: string; deployed_version: number | null };

export type Version = {
  id: string;
  name?: string;
  flow: string;
  number: number;
  message: string;
  document: unknown;
  author: string | null;
  created: string;
};

export type CallState =
  | "queued"
  | "received"
  | "running"
  | "retry"
  | "finished"
  | "failed"
  | "cancelled"
  | "expired";

export const FINAL_CALL_STATES: readonly CallState[] = ["finished", "failed", "cancelled", "expired"];

export type Call = {
  id: string;
  name: string;
  socket: string;
  state: CallState;
  tracking: string;
  started: string | null;
  finished: string | null;
  result: unknown;
  error: unknown;
};

/** A call and the calls it caused; the tree endpoint's node shape. */
export type CallTreeNode = Partial<Call> & { children?: CallTreeNode[] };

export type DeployAction = "create" | "update" | "unchanged" | "delete" | "shared";
/** `detail`: where a shared socket lives. */
export type DeployObject = { kind: string; name: string; action: DeployAction; ok: boolean; error?: string; detail?: string };
export type DeployResult = { objects: DeployObject[] };

export type RunInput = { args: unknown[]; kwargs: Record<string, unknown> };

/** A message waiting on a broker queue (peek); arguments only with READ_CALL. */
export type WaitingMessage = {
  position: number;
  priority: number | null;
  call: string | null;
  name: string | null;
  state: string | null;
  age: number | null;
  arguments: string | null;
};
export type QueueMessages = { name: string; source: "broker" | "calls"; ready: number; limit: number; messages: WaitingMessage[] };
export type QueuePurged = { name: string; purged: number; cancelled: number };

/** GET /api/live/flows/{id}/counters/: per socket name, its calls by bucket and how its last
 * call ended; and the flow's open calls (id -> bucket). */
export type FlowCounters = {
  sockets: Record<string, { queued: number; running: number; finished: number; failed: number; last: "finished" | "failed" | null }>;
  open: Record<string, "queued" | "running">;
};
