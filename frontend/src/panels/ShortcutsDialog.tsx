import { actions, shortcutLabel, type ActionDef, type ActionId } from "../store/actions";
import { Dialog } from "./Dialog";

const MOUSE = [
  ["Drag on the canvas", "Pan"],
  ["Shift + drag", "Select with a box"],
  ["Ctrl/⌘ + click", "Add to the selection"],
  ["Drag from an output to an input", "Plug two sockets"],
  ["Double-click a note or group title", "Edit its text"],
];

/** Every command with a key, from the same registry the keys use. */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const bound = (Object.entries(actions) as [ActionId, ActionDef][]).filter(([, def]) => def.keys.length > 0);
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <table className="shortcuts">
        <tbody>
          {bound.map(([id, def]) => (
            <tr key={id}>
              <td>{def.label.replace(/…$/, "")}</td>
              <td>
                {def.keys.map((key) => (
                  <kbd key={key}>{shortcutLabel(id, key)}</kbd>
                ))}
              </td>
            </tr>
          ))}
          {MOUSE.map(([gesture, effect]) => (
            <tr key={gesture}>
              <td>{effect}</td>
              <td>{gesture}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
