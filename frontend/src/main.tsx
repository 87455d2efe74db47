import { StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { screens } from "./screens";
import "./app.css";

const root = document.getElementById("root");
const Screen = root?.dataset.screen ? screens[root.dataset.screen] : undefined;
if (root && Screen) {
  createRoot(root).render(
    <StrictMode>
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <Screen />
      </Suspense>
    </StrictMode>,
  );
}
// The processors pages are server-rendered; their mount badges follow the live mount events.
if (document.querySelector("[data-mount-topic]")) void import("./live/mountBadges").then((m) => m.mountBadgesStart(document));
// The Network page's nodes follow the live node health events.
if (document.querySelector("[data-nodes-topic]")) void import("./live/networkLive").then((m) => m.networkLiveStart(document));
