import { FlowEditor } from "./FlowEditor";
import { FlowPicker } from "./FlowPicker";
import { useFlowLocation, useUnloadWarning } from "./navigation";
import "./designer.css";

/** The Designer screen: pick or create a flow, then edit it on the canvas. */
export default function Designer() {
  const [flow, open] = useFlowLocation();
  useUnloadWarning();
  return flow ? <FlowEditor key={flow} flowName={flow} onLeave={() => open("")} /> : <FlowPicker onOpen={open} />;
}
