/**
 * Import and export of canvas documents as JSON. Import checks the whole shape and
 * says where each problem is (e.g. "nodes[2].position.x: expected a number").
 */
import {
  DEFAULT_QUEUE,
  DEFAULT_SETTINGS,
  MISSED_POLICIES,
  SCHEMA,
  WHOLE_SOCKET,
  handleArgument,
  type ArgumentSpec,
  type CanvasDocument,
  type DocEdge,
  type DocNode,
  type QueueSettings,
  type SocketSettings,
  type Viewport,
} from "./document";
import { parentsFirst, toDocEdge, toDocNode, toFlowEdge, toFlowNode } from "./flow";

export type ImportResult = { ok: true; document: CanvasDocument } | { ok: false; errors: string[] };

const MAX_ERRORS = 20;

/** Normalizes through the flow conversions, so node order, key order and rounding are always the same. */
export function normalizeDocument(document: CanvasDocument): CanvasDocument {
  const normal: CanvasDocument = {
    schema: SCHEMA,
    nodes: parentsFirst(document.nodes).map((node) => toDocNode(toFlowNode(node))),
    edges: document.edges.map((edge) => toDocEdge(toFlowEdge(edge))),
  };
  if (document.viewport) normal.viewport = document.viewport;
  return normal;
}

export function exportDocument(document: CanvasDocument): string {
  return `${JSON.stringify(normalizeDocument(document), null, 2)}\n`;
}

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);
const isFiniteNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

class Checker {
  errors: string[] = [];

  fail(path: string, message: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(`${path}: ${message}`);
  }

  object(value: unknown, path: string): Obj | null {
    if (isObject(value)) return value;
    this.fail(path, "expected an object");
    return null;
  }

  string(value: unknown, path: string, options: { required?: boolean; fallback?: string } = {}): string {
    if (typeof value === "string" && (value || !options.required)) return value;
    if (value === undefined && options.fallback !== undefined) return options.fallback;
    this.fail(path, options.required ? "expected a non-empty string" : "expected a string");
    return "";
  }

  number(value: unknown, path: string, fallback?: number): number {
    if (isFiniteNumber(value)) return value;
    if (value === undefined && fallback !== undefined) return fallback;
    this.fail(path, "expected a number");
    return 0;
  }

  nullableNumber(value: unknown, path: string): number | null {
    if (value === undefined || value === null) return null;
    if (isFiniteNumber(value) && value >= 0) return value;
    this.fail(path, "expected a number of zero or more, or null");
    return null;
  }

  position(value: unknown, path: string): { x: number; y: number } {
    const position = this.object(value, path);
    return { x: this.number(position?.x, `${path}.x`), y: this.number(position?.y, `${path}.y`) };
  }
}

function readSettings(c: Checker, value: unknown, path: string): SocketSettings {
  if (value === undefined) return { ...DEFAULT_SETTINGS };
  const s = c.object(value, path) ?? {};
  return {
    concurrency: c.nullableNumber(s.concurrency, `${path}.concurrency`),
    hostname: c.string(s.hostname, `${path}.hostname`, { fallback: "" }),
    retries: c.nullableNumber(s.retries, `${path}.retries`),
    timelimit: c.nullableNumber(s.timelimit, `${path}.timelimit`),
    ratelimit: c.string(s.ratelimit, `${path}.ratelimit`, { fallback: "" }),
    interval: c.nullableNumber(s.interval, `${path}.interval`),
    cron: c.string(s.cron, `${path}.cron`, { fallback: "" }),
    // Added later: a document without them has the platform's defaults.
    missed_policy: MISSED_POLICIES.find((policy) => policy === s.missed_policy) ?? DEFAULT_SETTINGS.missed_policy,
    missed_max: c.number(s.missed_max, `${path}.missed_max`, DEFAULT_SETTINGS.missed_max),
  };
}

function readArguments(c: Checker, value: unknown, path: string): ArgumentSpec[] {
  if (!Array.isArray(value)) {
    c.fail(path, "expected a list of arguments");
    return [];
  }
  return value.map((item, i) => {
    const arg = c.object(item, `${path}[${i}]`) ?? {};
    return { name: c.string(arg.name, `${path}[${i}].name`, { required: true }), annotation: c.string(arg.annotation, `${path}[${i}].annotation`, { fallback: "" }) };
  });
}

function readNode(c: Checker, value: unknown, path: string): DocNode | null {
  const node = c.object(value, path);
  if (!node) return null;
  const id = c.string(node.id, `${path}.id`, { required: true });
  const position = c.position(node.position, `${path}.position`);
  const data = c.object(node.data, `${path}.data`) ?? {};
  const parent = typeof node.parentId === "string" && node.parentId ? { parentId: node.parentId } : {};
  const size = (key: "width" | "height", fallback?: number) =>
    node[key] === undefined && fallback === undefined ? {} : { [key]: c.number(node[key], `${path}.${key}`, fallback) };
  switch (node.type) {
    case "socket":
      return {
        id,
        type: "socket",
        position,
        ...parent,
        data: {
          processor: c.string(data.processor, `${path}.data.processor`, { required: true }),
          module: c.string(data.module, `${path}.data.module`, { fallback: "" }),
          task: c.string(data.task, `${path}.data.task`, { required: true }),
          socketName: c.string(data.socketName, `${path}.data.socketName`, { required: true }),
          arguments: readArguments(c, data.arguments ?? [], `${path}.data.arguments`),
          ...(typeof data.returns === "string" && data.returns ? { returns: data.returns } : {}),
          settings: readSettings(c, data.settings, `${path}.data.settings`),
          ...(data.shared === true ? { shared: true } : {}),
        },
      };
    case "note":
      return { id, type: "note", position, ...parent, data: { text: c.string(data.text, `${path}.data.text`, { fallback: "" }) }, ...size("width"), ...size("height") };
    case "group":
      return { id, type: "group", position, data: { label: c.string(data.label, `${path}.data.label`, { fallback: "" }) }, width: c.number(node.width, `${path}.width`, 360), height: c.number(node.height, `${path}.height`, 220) };
    default:
      c.fail(`${path}.type`, `expected "socket", "note" or "group", got ${JSON.stringify(node.type)}`);
      return null;
  }
}

function readQueue(c: Checker, value: unknown, path: string): QueueSettings {
  if (value === undefined) return { ...DEFAULT_QUEUE };
  const q = c.object(value, path) ?? {};
  const qtype = q.qtype ?? DEFAULT_QUEUE.qtype;
  if (qtype !== "direct" && qtype !== "topic" && qtype !== "fanout") c.fail(`${path}.qtype`, 'expected "direct", "topic" or "fanout"');
  return {
    name: c.string(q.name, `${path}.name`, { fallback: "" }),
    qtype: qtype === "topic" || qtype === "fanout" ? qtype : "direct",
    durable: typeof q.durable === "boolean" ? q.durable : DEFAULT_QUEUE.durable,
    message_ttl: c.number(q.message_ttl, `${path}.message_ttl`, DEFAULT_QUEUE.message_ttl),
    max_length: c.number(q.max_length, `${path}.max_length`, DEFAULT_QUEUE.max_length),
    expires: c.number(q.expires, `${path}.expires`, DEFAULT_QUEUE.expires),
  };
}

function readEdge(c: Checker, value: unknown, path: string, nodes: Map<string, DocNode>): DocEdge | null {
  const edge = c.object(value, path);
  if (!edge) return null;
  const id = c.string(edge.id, `${path}.id`, { required: true });
  const source = c.string(edge.source, `${path}.source`, { required: true });
  const target = c.string(edge.target, `${path}.target`, { required: true });
  const from = nodes.get(source);
  const to = nodes.get(target);
  if (source && from?.type !== "socket") c.fail(`${path}.source`, `no socket with id ${JSON.stringify(source)}`);
  if (target && to?.type !== "socket") c.fail(`${path}.target`, `no socket with id ${JSON.stringify(target)}`);
  const sourceHandle = edge.sourceHandle ?? "result";
  if (sourceHandle !== "result" && sourceHandle !== "error") c.fail(`${path}.sourceHandle`, 'expected "result" or "error"');
  const targetHandle = c.string(edge.targetHandle ?? WHOLE_SOCKET, `${path}.targetHandle`, { required: true });
  const argument = handleArgument(targetHandle);
  if (argument === null && targetHandle !== WHOLE_SOCKET) c.fail(`${path}.targetHandle`, 'expected "in" or "arg:<name>"');
  if (argument !== null && to?.type === "socket" && !to.data.arguments.some((arg) => arg.name === argument)) {
    c.fail(`${path}.targetHandle`, `socket ${to.data.socketName} has no argument ${JSON.stringify(argument)}`);
  }
  const data = c.object(edge.data ?? {}, `${path}.data`) ?? {};
  const plugType = data.plugType ?? (sourceHandle === "error" ? "ERROR" : "RESULT");
  if (plugType !== "RESULT" && plugType !== "ERROR") c.fail(`${path}.data.plugType`, 'expected "RESULT" or "ERROR"');
  return {
    id,
    source,
    target,
    sourceHandle: sourceHandle === "error" ? "error" : "result",
    targetHandle,
    data: { plugType: plugType === "ERROR" ? "ERROR" : "RESULT", queue: readQueue(c, data.queue, `${path}.data.queue`) },
  };
}

function readViewport(c: Checker, value: unknown): Viewport | undefined {
  if (value === undefined || value === null) return undefined;
  const v = c.object(value, "viewport") ?? {};
  return { x: c.number(v.x, "viewport.x"), y: c.number(v.y, "viewport.y"), zoom: c.number(v.zoom, "viewport.zoom") };
}

function checkIds(c: Checker, items: ({ id: string } | null)[], kind: string): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (!item) return;
    if (seen.has(item.id)) c.fail(`${kind}[${i}].id`, `duplicate id ${JSON.stringify(item.id)}`);
    seen.add(item.id);
  });
}

/** Checks any parsed JSON value and returns a clean document or every problem found. */
export function validateDocument(value: unknown): ImportResult {
  const c = new Checker();
  const root = c.object(value, "document");
  if (!root) return { ok: false, errors: ["The file is not a canvas document: expected a JSON object with schema, nodes and edges."] };
  if (root.schema !== SCHEMA) {
    return { ok: false, errors: [`schema: this designer reads schema ${SCHEMA}, the file has ${JSON.stringify(root.schema ?? null)}`] };
  }
  if (!Array.isArray(root.nodes)) c.fail("nodes", "expected a list");
  if (!Array.isArray(root.edges)) c.fail("edges", "expected a list");
  const rawNodes: unknown[] = Array.isArray(root.nodes) ? root.nodes : [];
  const rawEdges: unknown[] = Array.isArray(root.edges) ? root.edges : [];
  const readNodes = rawNodes.map((node, i) => readNode(c, node, `nodes[${i}]`));
  const nodes = readNodes.filter((node): node is DocNode => node !== null);
  const byId = new Map(nodes.map((node) => [node.id, node]));
  readNodes.forEach((node, i) => {
    if (node?.parentId && byId.get(node.parentId)?.type !== "group") c.fail(`nodes[${i}].parentId`, `no group with id ${JSON.stringify(node.parentId)}`);
  });
  const readEdges = rawEdges.map((edge, i) => readEdge(c, edge, `edges[${i}]`, byId));
  const edges = readEdges.filter((edge): edge is DocEdge => edge !== null);
  checkIds(c, readNodes, "nodes");
  checkIds(c, readEdges, "edges");
  const viewport = readViewport(c, root.viewport);
  if (c.errors.length) return { ok: false, errors: c.errors };
  const document: CanvasDocument = { schema: SCHEMA, nodes, edges };
  if (viewport) document.viewport = viewport;
  return { ok: true, document };
}

export function importDocument(text: string): ImportResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`The file is not valid JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  return validateDocument(value);
}
