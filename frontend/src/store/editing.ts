/** Pure edits on the node and edge arrays. Each returns new arrays and never mutates. */
import type { Connection } from "@xyflow/react";
import {
  DEFAULT_QUEUE,
  DEFAULT_SETTINGS,
  GROUP_SIZE,
  NOTE_SIZE,
  WHOLE_SOCKET,
  handleArgument,
  plugTypeOf,
  type ArgumentSpec,
  type DocEdge,
  type DocNode,
  type XY,
} from "./document";
import {
  nodeAriaLabel,
  parentsFirst,
  toDocEdge,
  toDocNode,
  toFlowEdge,
  toFlowNode,
  type DesignerNode,
  type GroupFlowNode,
  type NoteFlowNode,
  type PlugEdge,
  type SocketFlowNode,
} from "./flow";
import { nodeSize } from "./placement";
import { wireJudge, type Verdict } from "./wireTypes";

export type Graph = { nodes: DesignerNode[]; edges: PlugEdge[] };
export type Clipboard = { nodes: DocNode[]; edges: DocEdge[] };
export type SocketSpec = { processor: string; module: string; task: string; arguments: ArgumentSpec[]; returns?: string; socketName?: string };

let idCounter = 0;
export function newId(prefix: string): string {
  idCounter += 1;
  return `${prefix}_${Date.now().toString(36)}${idCounter.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

export function socketNames(nodes: readonly DesignerNode[]): Set<string> {
  const names = new Set<string>();
  for (const node of nodes) if (node.type === "socket") names.add(node.data.socketName);
  return names;
}

/** The name a function dropped on flow `flow`'s canvas gets: `<flow>.<function>`, so two flows
 * using one function never share a socket by default (socket names are global). */
export function defaultSocketName(task: string, flow?: string): string {
  const prefix = (flow ?? "").trim().replace(/[^\w. -]+/g, "-").replace(/ {2,}/g, " ");
  return prefix ? `${prefix}.${task}` : task;
}

export function makeSocketNode(spec: SocketSpec, position: XY, taken: ReadonlySet<string>, flow?: string): SocketFlowNode {
  const data = {
    processor: spec.processor,
    module: spec.module,
    task: spec.task,
    socketName: uniqueName(spec.socketName ?? defaultSocketName(spec.task, flow), taken),
    arguments: spec.arguments.map((arg) => ({ name: arg.name, annotation: arg.annotation })),
    ...(spec.returns ? { returns: spec.returns } : {}),
    settings: { ...DEFAULT_SETTINGS },
  };
  return toFlowNode({ id: newId("socket"), type: "socket", position, data }) as SocketFlowNode;
}

export function makeNote(position: XY, text = ""): NoteFlowNode {
  return toFlowNode({ id: newId("note"), type: "note", position, data: { text }, ...NOTE_SIZE }) as NoteFlowNode;
}

export function absolutePosition(node: DesignerNode, byId: ReadonlyMap<string, DesignerNode>): XY {
  const parent = node.parentId ? byId.get(node.parentId) : undefined;
  if (!parent) return node.position;
  const origin = absolutePosition(parent, byId);
  return { x: origin.x + node.position.x, y: origin.y + node.position.y };
}

const indexById = (nodes: readonly DesignerNode[]) => new Map(nodes.map((node) => [node.id, node]));

/** A group box: around the selected top-level nodes if there are any, else empty at `position`. */
export function groupAround(graph: Graph, position: XY, label = "Group"): { graph: Graph; groupId: string } {
  const members = graph.nodes.filter((node) => node.selected && !node.parentId && node.type !== "group");
  const id = newId("group");
  if (members.length === 0) {
    const group: GroupFlowNode = toFlowNode({ id, type: "group", position, data: { label }, ...GROUP_SIZE }) as GroupFlowNode;
    return { graph: { nodes: [group, ...graph.nodes], edges: graph.edges }, groupId: id };
  }
  const pad = 24;
  const header = 28;
  const left = Math.min(...members.map((node) => node.position.x)) - pad;
  const top = Math.min(...members.map((node) => node.position.y)) - pad - header;
  const right = Math.max(...members.map((node) => node.position.x + nodeSize(node).width)) + pad;
  const bottom = Math.max(...members.map((node) => node.position.y + nodeSize(node).height)) + pad;
  const group = toFlowNode({
    id,
    type: "group",
    position: { x: left, y: top },
    data: { label },
    width: right - left,
    height: bottom - top,
  }) as GroupFlowNode;
  const memberIds = new Set(members.map((node) => node.id));
  const nodes = graph.nodes.map((node) =>
    memberIds.has(node.id)
      ? { ...node, parentId: id, selected: false, position: { x: node.position.x - left, y: node.position.y - top } }
      : node,
  );
  return { graph: { nodes: parentsFirst([{ ...group, selected: true }, ...nodes]), edges: graph.edges }, groupId: id };
}

/** Removes the selected groups and keeps their members where they are on screen. */
export function ungroupSelected(graph: Graph): Graph | null {
  const groups = new Set(graph.nodes.filter((node) => node.selected && node.type === "group").map((node) => node.id));
  if (groups.size === 0) return null;
  const byId = indexById(graph.nodes);
  const nodes = graph.nodes
    .filter((node) => !groups.has(node.id))
    .map((node) => {
      if (!node.parentId || !groups.has(node.parentId)) return node;
      const { parentId: _dropped, ...rest } = node;
      return { ...rest, position: absolutePosition(node, byId) } as DesignerNode;
    });
  return { nodes, edges: graph.edges };
}

/** Deletes selected nodes (with a group's members), selected edges and edges left dangling. */
export function deleteSelected(graph: Graph): Graph | null {
  const doomed = new Set(graph.nodes.filter((node) => node.selected).map((node) => node.id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const node of graph.nodes) {
      if (node.parentId && doomed.has(node.parentId) && !doomed.has(node.id)) {
        doomed.add(node.id);
        grew = true;
      }
    }
  }
  const edges = graph.edges.filter((edge) => !edge.selected && !doomed.has(edge.source) && !doomed.has(edge.target));
  if (doomed.size === 0 && edges.length === graph.edges.length) return null;
  return { nodes: graph.nodes.filter((node) => !doomed.has(node.id)), edges };
}

/** The selection as document JSON; members whose group is not copied get absolute positions. */
export function copySelection(graph: Graph): Clipboard | null {
  const chosen = graph.nodes.filter((node) => node.selected);
  if (chosen.length === 0) return null;
  const ids = new Set(chosen.map((node) => node.id));
  for (const node of graph.nodes) if (node.parentId && ids.has(node.parentId)) ids.add(node.id);
  const byId = indexById(graph.nodes);
  const nodes = graph.nodes
    .filter((node) => ids.has(node.id))
    .map((node) => {
      const doc = toDocNode(node);
      if (!node.parentId || ids.has(node.parentId)) return doc;
      const { parentId: _dropped, ...rest } = doc;
      return { ...rest, position: absolutePosition(node, byId) } as DocNode;
    });
  const edges = graph.edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target)).map(toDocEdge);
  return { nodes, edges };
}

/** Adds a copy of the clipboard with fresh ids and socket names; only the copy is selected. */
export function pasteClipboard(graph: Graph, clipboard: Clipboard, offset: XY): Graph {
  const ids = new Map(clipboard.nodes.map((node) => [node.id, newId(node.type)]));
  const taken = socketNames(graph.nodes);
  const pasted = clipboard.nodes.map((node) => {
    const id = ids.get(node.id) ?? newId(node.type);
    const moved = node.parentId ? node.position : { x: node.position.x + offset.x, y: node.position.y + offset.y };
    const parent = node.parentId ? { parentId: ids.get(node.parentId) } : {};
    let copy: DocNode = { ...node, id, position: moved, ...parent } as DocNode;
    if (copy.type === "socket") {
      const socketName = uniqueName(copy.data.socketName, taken);
      taken.add(socketName);
      copy = { ...copy, data: { ...copy.data, socketName } };
    }
    return { ...toFlowNode(copy), selected: true };
  });
  const edges = clipboard.edges.map((edge) => ({
    ...toFlowEdge({ ...edge, id: newId("plug"), source: ids.get(edge.source) ?? edge.source, target: ids.get(edge.target) ?? edge.target }),
    selected: true,
  }));
  return {
    nodes: parentsFirst([...setSelected(graph.nodes, false), ...pasted]),
    edges: [...setSelected(graph.edges, false), ...edges],
  };
}

export function setSelected<T extends { selected?: boolean }>(items: T[], selected: boolean): T[] {
  return items.map((item) => ((item.selected ?? false) === selected ? item : { ...item, selected }));
}

/** Why a connection cannot be a plug, or null when it can. */
export function plugProblem(graph: Graph, connection: Connection): string | null {
  const source = graph.nodes.find((node) => node.id === connection.source);
  const target = graph.nodes.find((node) => node.id === connection.target);
  if (source?.type !== "socket" || target?.type !== "socket") return "Plugs join two sockets.";
  if (source.id === target.id) return "A socket cannot plug into itself.";
  if (connection.sourceHandle !== "result" && connection.sourceHandle !== "error") return "Plugs start at a result or error output.";
  const argument = handleArgument(connection.targetHandle);
  if (argument === null && connection.targetHandle !== WHOLE_SOCKET) return "Plugs end at the socket or one of its arguments.";
  if (argument !== null && !target.data.arguments.some((arg) => arg.name === argument)) return `${target.data.socketName} has no argument ${argument}.`;
  const duplicate = graph.edges.some(
    (edge) =>
      edge.source === connection.source &&
      edge.target === connection.target &&
      edge.sourceHandle === connection.sourceHandle &&
      edge.targetHandle === connection.targetHandle,
  );
  if (duplicate) return "These two are already plugged together.";
  const types = plugTypes(source, target, connection);
  return types.verdict === "refuse" ? types.message : null;
}

/** The typed-wire verdict on a connection between two sockets, in the server's words
 * (apps/flows/wires.py): a wire into the socket itself feeds its first argument. */
export function plugTypes(source: SocketFlowNode, target: SocketFlowNode, connection: Connection): { verdict: Verdict; message: string } {
  const argument = handleArgument(connection.targetHandle);
  const fed = argument === null ? target.data.arguments.find((arg) => !arg.annotation.startsWith("**")) : target.data.arguments.find((arg) => arg.name === argument);
  if (!fed) return { verdict: "ok", message: "" };
  return wireJudge({
    source_socket: source.data.socketName,
    error: connection.sourceHandle === "error",
    source_type: source.data.returns ?? null,
    target_socket: target.data.socketName,
    argument: fed.name,
    target_type: fed.annotation,
    whole_socket: argument === null,
  });
}

/** Why a plug the checker allows may still carry values its argument does not take, or null. */
export function plugWarning(graph: Graph, connection: Connection): string | null {
  const source = graph.nodes.find((node) => node.id === connection.source);
  const target = graph.nodes.find((node) => node.id === connection.target);
  if (source?.type !== "socket" || target?.type !== "socket") return null;
  const types = plugTypes(source, target, connection);
  return types.verdict === "warn" ? types.message : null;
}

export function makePlug(connection: Connection): PlugEdge {
  return toFlowEdge({
    id: newId("plug"),
    source: connection.source,
    target: connection.target,
    sourceHandle: connection.sourceHandle === "error" ? "error" : "result",
    targetHandle: connection.targetHandle ?? WHOLE_SOCKET,
    data: { plugType: plugTypeOf(connection.sourceHandle), queue: { ...DEFAULT_QUEUE } },
  });
}

export function moveBy(nodes: DesignerNode[], ids: ReadonlySet<string>, delta: XY): DesignerNode[] {
  return nodes.map((node) =>
    ids.has(node.id) ? { ...node, position: { x: node.position.x + delta.x, y: node.position.y + delta.y } } : node,
  );
}

export function placeAt(nodes: DesignerNode[], positions: Readonly<Record<string, XY>>): DesignerNode[] {
  return nodes.map((node) => {
    const position = positions[node.id];
    return position ? { ...node, position } : node;
  });
}

/** Merges a data patch into one node, keeping its aria label in step with its data. */
export function patchNodeData(node: DesignerNode, patch: Record<string, unknown>): DesignerNode {
  const next = { ...node, data: { ...node.data, ...patch } } as DesignerNode;
  return { ...next, ariaLabel: nodeAriaLabel(next) };
}
