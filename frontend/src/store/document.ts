/**
 * The canvas document: what a version stores. Plain JSON, stable key order on export,
 * versioned by `schema`. Change the shape only together with a new schema number and a
 * migration in io.ts.
 */

export const SCHEMA = 1;

export type XY = { x: number; y: number };
export type Viewport = { x: number; y: number; zoom: number };

export type ArgumentSpec = { name: string; annotation: string };

export type SocketSettings = {
  concurrency: number | null;
  hostname: string;
  retries: number | null;
  timelimit: number | null;
  ratelimit: string;
  interval: number | null;
  cron: string;
  /** Runs the schedule missed while no scheduler ran: skip them, run once, or run each (the latest `missed_max`). */
  missed_policy: MissedPolicy;
  missed_max: number;
};

export type MissedPolicy = "skip" | "once" | "all";
export const MISSED_POLICIES: readonly MissedPolicy[] = ["skip", "once", "all"];

export type SocketData = {
  processor: string;
  module: string;
  /** The function's name. */
  task: string;
  socketName: string;
  arguments: ArgumentSpec[];
  /** The result output's annotation: the function's return annotation; absent when it has none
   * or may send any value through `plugs` (both untyped, Any). Wires are checked against it
   * (store/wireTypes.ts); the server checks a deploy against the mounted function instead. */
  returns?: string;
  settings: SocketSettings;
  /** Reuse the existing socket of that name (another flow's, or made outside any flow) as it
   * is: the deploy neither creates nor changes it. Absent: this flow's own socket. */
  shared?: boolean;
};

export type NoteData = { text: string };
export type GroupData = { label: string };

export type QueueType = "direct" | "topic" | "fanout";

/** A plug's queue. An empty name means the target socket's own queue. */
export type QueueSettings = {
  name: string;
  qtype: QueueType;
  durable: boolean;
  message_ttl: number;
  max_length: number;
  expires: number;
};

export type PlugType = "RESULT" | "ERROR";
export type PlugData = { plugType: PlugType; queue: QueueSettings };

type DocNodeBase = { id: string; position: XY; parentId?: string };
export type SocketDocNode = DocNodeBase & { type: "socket"; data: SocketData };
export type NoteDocNode = DocNodeBase & { type: "note"; data: NoteData; width?: number; height?: number };
export type GroupDocNode = DocNodeBase & { type: "group"; data: GroupData; width: number; height: number };
export type DocNode = SocketDocNode | NoteDocNode | GroupDocNode;
export type NodeKind = DocNode["type"];

export type SourceHandle = "result" | "error";

export type DocEdge = {
  id: string;
  source: string;
  target: string;
  sourceHandle: SourceHandle;
  /** "in" for the whole socket, "arg:<name>" for one argument. */
  targetHandle: string;
  data: PlugData;
};

export type CanvasDocument = {
  schema: typeof SCHEMA;
  nodes: DocNode[];
  edges: DocEdge[];
  viewport?: Viewport;
};

export const WHOLE_SOCKET = "in";
export const ARG_PREFIX = "arg:";

export const argHandle = (name: string): string => `${ARG_PREFIX}${name}`;

/** The argument a target handle feeds, or null for the whole socket. */
export function handleArgument(handle: string | null | undefined): string | null {
  return handle && handle.startsWith(ARG_PREFIX) ? handle.slice(ARG_PREFIX.length) : null;
}

export const plugTypeOf = (sourceHandle: string | null | undefined): PlugType =>
  sourceHandle === "error" ? "ERROR" : "RESULT";

export const DEFAULT_SETTINGS: SocketSettings = {
  concurrency: null,
  hostname: "",
  retries: null,
  timelimit: null,
  ratelimit: "",
  interval: null,
  cron: "",
  missed_policy: "once",
  missed_max: 10,
};

export const DEFAULT_QUEUE: QueueSettings = {
  name: "",
  qtype: "direct",
  durable: true,
  message_ttl: -1,
  max_length: -1,
  expires: -1,
};

export const GROUP_SIZE = { width: 360, height: 220 };
export const NOTE_SIZE = { width: 200, height: 90 };

export function emptyDocument(): CanvasDocument {
  return { schema: SCHEMA, nodes: [], edges: [] };
}
