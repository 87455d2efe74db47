"""6. Canvas: our designer canvas (frontend/src/bench.tsx, built to static/app/bench.html)
beside bare React Flow (shared/bench/canvas/app, built under $CANVASBENCH_DIR) in one run,
measured the way shared/bench/canvas/bench.py does: a fresh browser context per page,
probe.js timing the first frame with every node and edge drawn (with culling: a stable,
visible node set), then a programmatic pan (rAF callbacks per second and renderer
main-thread time per frame) and the JS heap after a forced GC. Configurations rotate
every round.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import ROOT, Figure, Result

SHARED = Path(os.environ.get("CANVAS_SHARED", ROOT.parent / "shared" / "bench" / "canvas"))
WORK = Path(os.environ.get("CANVASBENCH_DIR", "/tmp/canvasbench"))
OURS = ROOT / "static" / "app"
PORTS = {"ours": 8174, "rf": 8173}
VIEWPORT = {"width": 1280, "height": 800}
PAN_MS, PAN_SPEED = 1000, 500


def rf_edges(n: int) -> int:
    cols = min(40, math.ceil(math.sqrt(n)))
    return sum(1 for i in range(n) if i % cols < cols - 1 and i + 1 < n)


def anchor_build() -> Path:
    """Bare React Flow's dist, built once under $CANVASBENCH_DIR/app (as run.sh does)."""
    dist = WORK / "app" / "dist"
    if (dist / "index.html").exists():
        return dist
    app = WORK / "app"
    app.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "index.html", "vite.config.ts", "tsconfig.json"):
        shutil.copy(SHARED / "app" / name, app / name)
    shutil.copytree(SHARED / "app" / "src", app / "src", dirs_exist_ok=True)
    subprocess.run(["npm", "install", "--no-package-lock", "--silent"], cwd=app, check=True)
    subprocess.run(["npx", "vite", "build", "--logLevel", "warn"], cwd=app, check=True)
    return dist


def page_measure(browser, probe_js: str, *, url: str, n: int, ovr: int) -> dict:
    cfg = {"nodeSel": ".react-flow__node", "hiddenSel": '.react-flow__node[style*="visibility: hidden"]',
           "edgeSel": ".react-flow__edge", "nodes": 0 if ovr else n, "edges": 0 if ovr else rf_edges(n)}
    ctx = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    ctx.add_init_script(script=f"window.__PROBE__ = {json.dumps(cfg)};\n{probe_js}")
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    try:
        page.goto(url, wait_until="commit", timeout=120_000)
        page.wait_for_function("() => window.__probeResult && window.__probeResult.allAt !== null",
                               polling=100, timeout=120_000)
        probe = page.evaluate("window.__probeResult")
        page.wait_for_function("() => window.__bench", timeout=30_000)
        page.wait_for_timeout(500)
        cdp.send("HeapProfiler.collectGarbage")
        heap = cdp.send("Runtime.getHeapUsage")["usedSize"] / 2**20
        cdp.send("Performance.enable")

        def busy() -> float:
            return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]
                        if m["name"] == "TaskDuration")

        busy0 = busy()
        pan = page.evaluate(f"window.__bench.pan({PAN_MS}, {PAN_SPEED})")
        return {"render_ms": probe["allAt"], "nodes_drawn": probe["nodeCount"], "heap_mb": heap,
                "pan_fps": pan["fps"], "pan_max_frame_ms": pan["maxFrameMs"],
                "pan_busy_ms_per_frame": (busy() - busy0) * 1000 / max(1, pan["frames"])}
    finally:
        ctx.close()


def bench_canvas(*, rounds: int, sizes: list[int]) -> Result:
    result = Result(key="canvas", title="Canvas (headless chromium)",
                    baseline="bare React Flow (shared/bench/canvas/app) in the same run")
    if not (OURS / "bench.html").exists() or not (OURS / "bench.js").exists():
        result.skipped = "static/app/bench.html is not built yet (frontend/src/bench.tsx)"
        return result
    if not (SHARED / "probe.js").exists():
        result.skipped = f"the canvas anchors are not at {SHARED}"
        return result
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        result.skipped = "playwright is not installed in the venv"
        return result
    dist = anchor_build()
    probe_js = (SHARED / "probe.js").read_text()
    servers = [subprocess.Popen([sys.executable, "-m", "http.server", str(PORTS[name]), "--bind", "127.0.0.1",
                                 "--directory", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for name, folder in (("ours", OURS), ("rf", dist))]
    configs = [(n, ovr) for n in sizes for ovr in ((0, 1) if n <= 1000 else (1,))]
    runs: dict[tuple[int, int], dict[str, list[dict]]] = {c: {"ours": [], "rf": []} for c in configs}

    def url(which: str, n: int, ovr: int) -> str:
        page = "bench.html" if which == "ours" else "index.html"
        return f"http://127.0.0.1:{PORTS[which]}/{page}?n={n}&ovr={ovr}"

    try:
        time.sleep(1.0)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"])
            for which in ("ours", "rf"):  # warm-up, not recorded
                page_measure(browser, probe_js, url=url(which, sizes[0], 0), n=sizes[0], ovr=0)
            for index in range(rounds):
                for n, ovr in configs:
                    order = ["ours", "rf"] if index % 2 == 0 else ["rf", "ours"]
                    for which in order:
                        runs[(n, ovr)][which].append(page_measure(browser, probe_js, url=url(which, n, ovr),
                                                                  n=n, ovr=ovr))
                    ours, rf = runs[(n, ovr)]["ours"][-1], runs[(n, ovr)]["rf"][-1]
                    print(f"  canvas round {index + 1} N={n} cull={ovr}: render {ours['render_ms']:.0f} vs "
                          f"{rf['render_ms']:.0f} ms, pan {ours['pan_fps']:.0f} vs {rf['pan_fps']:.0f} fps", flush=True)
            browser.close()
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
    for (n, ovr), data in runs.items():
        label = f"{n:,} nodes, culling {'on' if ovr else 'off'}"
        ours, rf = data["ours"], data["rf"]
        result.figures += [
            Figure(f"{label}: first render", "ms", [r["render_ms"] for r in ours], [r["render_ms"] for r in rf],
                   target="≤ 1.5x bare React Flow" + (", < 1.5 s" if n == 1000 and not ovr else ""),
                   check=(lambda p, ratio, n=n, ovr=ovr: ratio <= 1.5 and (p < 1500 or n != 1000 or ovr))),
            Figure(f"{label}: pan", "fps", [r["pan_fps"] for r in ours], [r["pan_fps"] for r in rf],
                   higher_is_better=True),
            Figure(f"{label}: pan busy", "ms/frame", [r["pan_busy_ms_per_frame"] for r in ours],
                   [r["pan_busy_ms_per_frame"] for r in rf]),
            Figure(f"{label}: JS heap", "MB", [r["heap_mb"] for r in ours], [r["heap_mb"] for r in rf]),
        ]
    result.details = {"runs": {f"{n}/{ovr}": data for (n, ovr), data in runs.items()}}
    return result
