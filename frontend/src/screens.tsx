import { lazy, type ComponentType } from "react";
import { LiveStatus } from "./live/LiveStatus";

/** Screens the server-rendered pages ask for with data-screen on #root. The designer loads on demand. */
export const screens: Record<string, ComponentType> = {
  "live-status": LiveStatus,
  designer: lazy(() => import("./pages/Designer")),
  dashboard: lazy(() => import("./pages/Dashboard").then((m) => ({ default: m.Dashboard }))),
  calls: lazy(() => import("./pages/Calls").then((m) => ({ default: m.Calls }))),
};
