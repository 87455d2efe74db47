/**
 * Named commands. Keyboard shortcuts, the toolbar and menus all run these, so a command
 * behaves the same however it is started.
 */
import { canvasApi } from "../canvas/canvasApi";
import { designerStore, type DesignerState, type DesignerStore } from "./designer";
import { toDocument } from "./flow";
import { exportDocument } from "./io";
import { selectCanRedo, selectCanUndo, selectSoleSocketId } from "./selectors";

export type ActionId =
  | "undo"
  | "redo"
  | "copy"
  | "cut"
  | "paste"
  | "delete"
  | "selectAll"
  | "save"
  | "search"
  | "fit"
  | "zoomIn"
  | "zoomOut"
  | "layout"
  | "addNote"
  | "addGroup"
  | "ungroup"
  | "export"
  | "import"
  | "deploy"
  | "run"
  | "toggleMinimap"
  | "toggleSnap"
  | "shortcuts";

export type ActionDef = {
  label: string;
  /** Shortcuts as "mod+shift+z": mod is Ctrl, or Cmd on a Mac. */
  keys: string[];
  run: (store: DesignerStore) => void | Promise<void>;
  enabled?: (state: DesignerState) => boolean;
};

const editable = (s: DesignerState) => !s.readOnly;
const hasSelection = (s: DesignerState) => s.nodes.some((n) => n.selected) || s.edges.some((e) => e.selected);
const inDraft = (s: DesignerState) => s.mode.kind === "draft" && s.flow !== null;

const at = () => canvasApi()?.center() ?? { x: 100, y: 100 };
const onScreen = () => canvasApi()?.view();

function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const actions: Record<ActionId, ActionDef> = {
  undo: { label: "Undo", keys: ["mod+z"], run: (s) => s.getState().undo(), enabled: selectCanUndo },
  redo: { label: "Redo", keys: ["mod+shift+z", "mod+y"], run: (s) => s.getState().redo(), enabled: selectCanRedo },
  copy: { label: "Copy", keys: ["mod+c"], run: (s) => void s.getState().copy(), enabled: (s) => s.nodes.some((n) => n.selected) },
  cut: { label: "Cut", keys: ["mod+x"], run: (s) => s.getState().cut(), enabled: (s) => editable(s) && s.nodes.some((n) => n.selected) },
  paste: { label: "Paste", keys: ["mod+v"], run: (s) => s.getState().paste(), enabled: (s) => editable(s) && s.clipboard !== null },
  delete: { label: "Delete", keys: ["delete", "backspace"], run: (s) => s.getState().deleteSelection(), enabled: (s) => editable(s) && hasSelection(s) },
  selectAll: { label: "Select all", keys: ["mod+a"], run: (s) => s.getState().selectAll() },
  save: { label: "Save version…", keys: ["mod+s"], run: (s) => s.getState().openDialog("save"), enabled: inDraft },
  search: { label: "Find node…", keys: ["mod+f"], run: (s) => s.getState().requestSearch() },
  fit: { label: "Fit view", keys: ["shift+1"], run: () => canvasApi()?.fitView() },
  zoomIn: { label: "Zoom in", keys: ["="], run: () => canvasApi()?.zoomIn() },
  zoomOut: { label: "Zoom out", keys: ["-"], run: () => canvasApi()?.zoomOut() },
  layout: {
    label: "Arrange automatically",
    keys: ["mod+shift+l"],
    enabled: editable,
    async run(s) {
      const { layoutPositions } = await import("./layout");
      const { nodes, edges } = s.getState();
      s.getState().applyPositions(layoutPositions(nodes, edges));
      requestAnimationFrame(() => canvasApi()?.fitView());
    },
  },
  addNote: { label: "Add note", keys: ["n"], run: (s) => void s.getState().addNote(at(), "", onScreen()), enabled: editable },
  addGroup: { label: "Group / add group box", keys: ["mod+g"], run: (s) => void s.getState().addGroup(at()), enabled: editable },
  ungroup: {
    label: "Ungroup",
    keys: ["mod+shift+g"],
    run: (s) => s.getState().ungroup(),
    enabled: (s) => editable(s) && s.nodes.some((n) => n.selected && n.type === "group"),
  },
  export: {
    label: "Export JSON",
    keys: ["mod+e"],
    run(s) {
      const { nodes, edges, flow } = s.getState();
      download(`${flow?.name ?? "flow"}.json`, exportDocument(toDocument(nodes, edges, canvasApi()?.getViewport())));
    },
  },
  import: { label: "Import JSON…", keys: ["mod+i"], run: (s) => s.getState().openDialog("import"), enabled: editable },
  deploy: { label: "Deploy…", keys: ["mod+shift+d"], run: (s) => s.getState().openDialog("deploy"), enabled: (s) => s.flow !== null },
  run: { label: "Run socket…", keys: ["shift+r"], run: (s) => s.getState().openDialog("run"), enabled: (s) => selectSoleSocketId(s) !== null },
  toggleMinimap: { label: "Show or hide the minimap", keys: ["m"], run: (s) => s.getState().toggleMinimap() },
  toggleSnap: { label: "Snap to grid on or off", keys: [], run: (s) => s.getState().toggleSnap() },
  shortcuts: { label: "Keyboard shortcuts", keys: ["shift+?"], run: (s) => s.getState().openDialog("shortcuts") },
};

export function isEnabled(id: ActionId, state: DesignerState = designerStore.getState()): boolean {
  return actions[id].enabled?.(state) ?? true;
}

export function runAction(id: ActionId, store: DesignerStore = designerStore): boolean {
  if (!isEnabled(id, store.getState())) return false;
  void actions[id].run(store);
  return true;
}

/** A key press as "mod+shift+z"; digits by physical key so Shift+1 is "shift+1" on any layout. */
export function keyName(event: Pick<KeyboardEvent, "key" | "code" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey">): string {
  const base = /^Digit\d$/.test(event.code) ? event.code.slice(5) : event.key.toLowerCase();
  const parts = [];
  if (event.ctrlKey || event.metaKey) parts.push("mod");
  if (event.altKey) parts.push("alt");
  if (event.shiftKey) parts.push("shift");
  parts.push(base === "+" ? "=" : base);
  return parts.join("+");
}

const byKey = new Map<string, ActionId>();
for (const [id, def] of Object.entries(actions) as [ActionId, ActionDef][]) for (const key of def.keys) byKey.set(key, id);

export function actionForKey(name: string): ActionId | undefined {
  return byKey.get(name);
}

/** Shortcut text for people, e.g. "Ctrl+Shift+Z": the first binding, or the one given. */
export function shortcutLabel(id: ActionId, key: string | undefined = actions[id].keys[0]): string {
  if (!key) return "";
  const mac = typeof navigator !== "undefined" && /Mac/.test(navigator.platform);
  return key
    .split("+")
    .map((part) => (part === "mod" ? (mac ? "⌘" : "Ctrl") : part.length === 1 ? part.toUpperCase() : part[0]!.toUpperCase() + part.slice(1)))
    .join("+");
}

const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);
/** Shortcuts that still work while typing in a form field. */
const WHILE_TYPING = new Set<ActionId>(["save", "search"]);

/** Runs the command bound to a key press, unless the user is typing. True when handled. */
export function handleKey(event: KeyboardEvent, store: DesignerStore = designerStore): boolean {
  const id = actionForKey(keyName(event));
  if (!id) return false;
  const target = event.target as HTMLElement | null;
  const typing = target !== null && (TYPING.has(target.tagName) || target.isContentEditable);
  if (typing && !WHILE_TYPING.has(id)) return false;
  if (target?.closest?.("dialog[open]") && !WHILE_TYPING.has(id)) return false;
  if (!runAction(id, store)) return false;
  event.preventDefault();
  return true;
}
