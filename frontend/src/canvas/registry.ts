/** The canvas's node and edge components, defined once at module level so React Flow never sees new objects. */
import type { EdgeTypes, NodeTypes } from "@xyflow/react";
import { GroupNode } from "./GroupNode";
import { NoteNode } from "./NoteNode";
import { PlugEdge } from "./PlugEdge";
import { SocketNode } from "./SocketNode";

export const nodeTypes = { socket: SocketNode, note: NoteNode, group: GroupNode } satisfies NodeTypes;
export const edgeTypes = { plug: PlugEdge } satisfies EdgeTypes;
