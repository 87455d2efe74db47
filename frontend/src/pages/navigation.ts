/** Moving between the flow list and a flow without losing unsaved work. */
import { useEffect, useState } from "react";
import { designerStore, useDesigner } from "../store/designer";
import { selectUnsaved } from "../store/selectors";

export const LEAVE_MESSAGE = "You have unsaved changes. Leave without saving them?";

function flowFromLocation(): string {
  return new URLSearchParams(window.location.search).get("flow") ?? "";
}

export function initialFlow(): string {
  return document.getElementById("root")?.dataset.flow || flowFromLocation();
}

/** True when there is nothing to lose or the user agrees to lose it. */
export function confirmLeave(): boolean {
  return !selectUnsaved(designerStore.getState()) || window.confirm(LEAVE_MESSAGE);
}

/** Asks the browser to warn before a reload, a closed tab or a link out while work is unsaved. */
export function useUnloadWarning(): void {
  const unsaved = useDesigner(selectUnsaved);
  useEffect(() => {
    if (!unsaved) return undefined;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = LEAVE_MESSAGE;
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [unsaved]);
}

/** The open flow's name, kept in ?flow= so back, forward and reload work. Asks before leaving unsaved work. */
export function useFlowLocation(): [string, (name: string) => void] {
  const [flow, setFlow] = useState(initialFlow);
  useEffect(() => {
    const onPop = () => {
      const next = flowFromLocation();
      if (next === flow) return;
      if (confirmLeave()) setFlow(next);
      else window.history.pushState(null, "", flow ? `?flow=${encodeURIComponent(flow)}` : window.location.pathname);
    };
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, [flow]);
  function open(name: string) {
    if (name === flow || !confirmLeave()) return;
    window.history.pushState(null, "", name ? `?flow=${encodeURIComponent(name)}` : window.location.pathname);
    setFlow(name);
  }
  return [flow, open];
}
