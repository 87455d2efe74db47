import type { ReactNode } from "react";
import { actions, isEnabled, runAction, shortcutLabel, type ActionId } from "../store/actions";
import { useDesigner } from "../store/designer";

/** A button for a named command: same name, shortcut and enabled state as its key. Its accessible name is the command's label. */
export function ActionButton({ id, children, pressed }: { id: ActionId; children?: ReactNode; pressed?: boolean }) {
  const enabled = useDesigner((s) => isEnabled(id, s));
  const shortcut = shortcutLabel(id);
  const label = actions[id].label.replace(/…$/, "");
  return (
    <button
      type="button"
      disabled={!enabled}
      aria-pressed={pressed}
      title={shortcut ? `${actions[id].label} (${shortcut})` : actions[id].label}
      aria-keyshortcuts={actions[id].keys[0]?.replace("mod", "Control")}
      aria-label={label}
      onClick={() => runAction(id)}
    >
      {children ?? actions[id].label}
    </button>
  );
}
