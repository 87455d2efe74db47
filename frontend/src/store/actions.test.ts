import { describe, expect, it } from "vitest";
import { actionForKey, handleKey, keyName } from "./actions";
import { createDesignerStore } from "./designer";
import { doc, socket } from "./testing";

const press = (init: KeyboardEventInit) => new KeyboardEvent("keydown", { cancelable: true, ...init });

describe("key bindings", () => {
  it("names keys the same on every layout", () => {
    expect(keyName(press({ key: "Z", code: "KeyZ", ctrlKey: true, shiftKey: true }))).toBe("mod+shift+z");
    expect(keyName(press({ key: "!", code: "Digit1", shiftKey: true }))).toBe("shift+1");
    expect(keyName(press({ key: "z", code: "KeyZ", metaKey: true }))).toBe("mod+z");
  });

  it("maps the documented shortcuts to commands", () => {
    expect(actionForKey("mod+z")).toBe("undo");
    expect(actionForKey("mod+shift+z")).toBe("redo");
    expect(actionForKey("mod+y")).toBe("redo");
    expect(actionForKey("mod+c")).toBe("copy");
    expect(actionForKey("mod+v")).toBe("paste");
    expect(actionForKey("delete")).toBe("delete");
    expect(actionForKey("backspace")).toBe("delete");
    expect(actionForKey("mod+a")).toBe("selectAll");
    expect(actionForKey("mod+s")).toBe("save");
    expect(actionForKey("mod+f")).toBe("search");
    expect(actionForKey("shift+1")).toBe("fit");
  });

  it("runs a command from a key press and leaves typing alone", () => {
    const store = createDesignerStore();
    store.getState().load(doc([socket("a"), socket("b")]));
    expect(handleKey(press({ key: "a", code: "KeyA", ctrlKey: true }), store)).toBe(true);
    expect(store.getState().nodes.every((n) => n.selected)).toBe(true);
    expect(handleKey(press({ key: "Delete", code: "Delete" }), store)).toBe(true);
    expect(store.getState().nodes).toHaveLength(0);
    expect(handleKey(press({ key: "z", code: "KeyZ", ctrlKey: true }), store)).toBe(true);
    expect(store.getState().nodes).toHaveLength(2);

    const input = document.createElement("input");
    document.body.append(input);
    const typed = press({ key: "z", code: "KeyZ", ctrlKey: true, bubbles: true });
    let handled = true;
    input.addEventListener("keydown", (event) => (handled = handleKey(event, store)));
    input.dispatchEvent(typed);
    expect(handled).toBe(false);
  });
});
