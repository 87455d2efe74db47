"""6. Canvas: our designer canvas (frontend/src/bench.tsx, built to static/app/bench.html)
beside bare React Flow (shared/bench/canvas/app, built under $CANVASBENCH_DIR), the floor,
and the Node-RED 5 editor (bench/canvas_nodered.py), the peer, all in one run, measured the
way shared/bench/canvas/bench.py does: a fresh browser context per page, probe.js timing the
first frame with every node and edge drawn (with culling: a stable, visible node set), then
a programmatic pan (rAF callbacks per second and renderer main-thread time per frame; Node-RED
pans by scrolling its workspace) and the heap after a forced GC (JS heap, and Blink's heap for
the DOM/SVG, which is where Node-RED keeps its graph). The pages rotate every round. Figures
are ratios to bare React Flow at the same N and culling, and ("vs Node-RED") to Node-RED at
the same N (it has no culling). Node-RED that cannot be installed or started is reported as
skipped in the notes; the other figures still run. The wires-per-tick figures (a queue
monitor event applied to 200 plugs) are bench/canvas_wires.py, in the same browser.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import canvas_nodered as nodered
from bench import canvas_wires as wires
from bench.harness import PORT_OFFSET, ROOT, Figure, Result

SHARED = Path(os.environ.get("CANVAS_SHARED", ROOT.parent / "shared" / "bench" / "canvas"))
WORK = Path(os.environ.get("CANVASBENCH_DIR", "/tmp/canvasbench"))
OURS = ROOT / "static" / "app"
PORTS = {"ours": 8174 + PORT_OFFSET, "rf": 8173 + PORT_OFFSET}
VIEWPORT = {"width": 1280, "height": 800}
PAN_MS, PAN_SPEED = 1000, 500
LOCAL = re.compile(r"^(https?|wss?)://127\.0\.0\.1[:/]|^(data|blob|about):")


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


def culling(n: int) -> tuple[int, ...]:
    """Culling settings measured at N: both up to 1,000 nodes, only culling on above."""
    return (0, 1) if n <= 1000 else (1,)


def page_config(which: str, n: int, ovr: int, nr: nodered.NodeRed) -> tuple[str, dict]:
    """The URL and probe.js target of one page: ours, bare React Flow (rf) or Node-RED (nr)."""
    if which == "nr":
        return nr.url(n), nodered.probe_config(n, rf_edges(n))
    cfg = {"nodeSel": ".react-flow__node", "hiddenSel": '.react-flow__node[style*="visibility: hidden"]',
           "edgeSel": ".react-flow__edge", "nodes": 0 if ovr else n, "edges": 0 if ovr else rf_edges(n)}
    page = "bench.html" if which == "ours" else "index.html"
    return f"http://127.0.0.1:{PORTS[which]}/{page}?n={n}&ovr={ovr}", cfg


def page_measure(browser, probe_js: str, *, url: str, cfg: dict, which: str) -> dict:
    ctx = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    non_local: list[str] = []
    ctx.on("request", lambda r: None if LOCAL.match(r.url) else non_local.append(r.url))
    ctx.add_init_script(script=f"window.__PROBE__ = {json.dumps(cfg)};\n{probe_js}")
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    try:
        page.goto(url, wait_until="commit", timeout=120_000)
        page.wait_for_function("() => window.__probeResult && window.__probeResult.allAt !== null",
                               polling=100, timeout=120_000)
        probe = page.evaluate("window.__probeResult")
        if which != "nr":
            page.wait_for_function("() => window.__bench", timeout=30_000)
        page.wait_for_timeout(500)
        cdp.send("HeapProfiler.collectGarbage")
        heap = cdp.send("Runtime.getHeapUsage")
        cdp.send("Performance.enable")

        def busy() -> float:
            return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]
                        if m["name"] == "TaskDuration")

        busy0 = busy()
        pan = (page.evaluate(nodered.JS_PAN, [PAN_MS, PAN_SPEED]) if which == "nr"
               else page.evaluate(f"window.__bench.pan({PAN_MS}, {PAN_SPEED})"))
        return {"render_ms": probe["allAt"], "nodes_drawn": probe["nodeCount"], "heap_mb": heap["usedSize"] / 2**20,
                "blink_mb": heap.get("embedderHeapUsedSize", 0) / 2**20,
                "pan_fps": pan["fps"], "pan_max_frame_ms": pan["maxFrameMs"],
                "pan_busy_ms_per_frame": (busy() - busy0) * 1000 / max(1, pan["frames"]), "non_local": non_local}
    finally:
        ctx.close()


def nr_measure(browser, probe_js: str, nr: nodered.NodeRed, n: int, earlier: list[dict]) -> dict:
    """One Node-RED page; a failure is recorded (and a timed-out N is not tried again)."""
    if any("Timeout" in r.get("error", "") for r in earlier):
        return {"error": "timed out in an earlier round, not tried again"}
    url, cfg = page_config("nr", n, 0, nr)
    try:
        return page_measure(browser, probe_js, url=url, cfg=cfg, which="nr")
    except Exception as error:  # the peer failing must not lose our figures
        return {"error": f"{type(error).__name__}: {str(error).splitlines()[0][:300]}"}


def round_print(index: int, n: int, runs: dict, nr_runs: dict) -> None:
    peer = (nr_runs.get(n) or [{}])[-1]
    for ovr in culling(n):
        ours, rf = runs[(n, ovr)]["ours"][-1], runs[(n, ovr)]["rf"][-1]
        vs_nr = (f" vs node-red {peer['render_ms']:.0f}" if "render_ms" in peer
                 else f" (node-red: {peer.get('error', 'skipped')})")
        print(f"  canvas round {index + 1} N={n} cull={ovr}: render {ours['render_ms']:.0f} vs rf "
              f"{rf['render_ms']:.0f}{vs_nr} ms, pan {ours['pan_fps']:.0f} vs {rf['pan_fps']:.0f} fps", flush=True)


def rounds_run(browser, probe_js: str, *, rounds: int, sizes: list[int], nr: nodered.NodeRed) -> tuple[dict, dict]:
    """Every round: per N, our page and bare React Flow at each culling setting, and Node-RED,
    in an order that rotates every round."""
    runs = {(n, ovr): {"ours": [], "rf": []} for n in sizes for ovr in culling(n)}
    nr_runs: dict[int, list[dict]] = {n: [] for n in sizes if n in nr.ports}
    for index in range(rounds):
        for n in sizes:
            jobs = [(which, ovr) for ovr in culling(n) for which in ("ours", "rf")]
            jobs += [("nr", 0)] if n in nr_runs else []
            k = index % len(jobs)
            for which, ovr in jobs[k:] + jobs[:k]:
                if which == "nr":
                    nr_runs[n].append(nr_measure(browser, probe_js, nr, n, nr_runs[n]))
                    continue
                url, cfg = page_config(which, n, ovr, nr)
                runs[(n, ovr)][which].append(page_measure(browser, probe_js, url=url, cfg=cfg, which=which))
            round_print(index, n, runs, nr_runs)
    return runs, nr_runs


def figures_rf(n: int, ovr: int, ours: list[dict], rf: list[dict]) -> list[Figure]:
    """Our canvas against bare React Flow at the same N and culling (shared/bench/canvas/README's targets)."""
    label = f"{n:,} nodes, culling {'on' if ovr else 'off'}"
    culled_5k = bool(ovr) and n >= 5000
    return [
        Figure(f"{label}: first render", "ms", [r["render_ms"] for r in ours], [r["render_ms"] for r in rf],
               target="≤ 1.5x bare React Flow" + (", < 1.5 s" if n == 1000 and not ovr else ""),
               check=(lambda p, ratio, n=n, ovr=ovr: ratio <= 1.5 and (p < 1500 or n != 1000 or ovr))),
        Figure(f"{label}: pan", "fps", [r["pan_fps"] for r in ours], [r["pan_fps"] for r in rf],
               higher_is_better=True, target="≥ 50 fps" if culled_5k else "",
               check=(lambda p, ratio: p >= 50) if culled_5k else None),
        Figure(f"{label}: pan busy", "ms/frame", [r["pan_busy_ms_per_frame"] for r in ours],
               [r["pan_busy_ms_per_frame"] for r in rf], target="≤ 2x bare React Flow" if culled_5k else "",
               check=(lambda p, ratio: ratio <= 2) if culled_5k else None),
        Figure(f"{label}: JS heap", "MB", [r["heap_mb"] for r in ours], [r["heap_mb"] for r in rf],
               target="≤ 2x bare React Flow", check=lambda p, ratio: ratio <= 2),
    ]


def serve(dist: Path) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-m", "http.server", str(PORTS[name]), "--bind", "127.0.0.1",
                              "--directory", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for name, folder in (("ours", OURS), ("rf", dist))]


def missing() -> str | None:
    """Why the canvas bench cannot run at all, or None."""
    if not (OURS / "bench.html").exists() or not (OURS / "bench.js").exists():
        return "static/app/bench.html is not built yet (frontend/src/bench.tsx)"
    if not (SHARED / "probe.js").exists():
        return f"the canvas anchors are not at {SHARED}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed in the venv"
    return None


def measure_all(probe_js: str, *, rounds: int, sizes: list[int], nr: nodered.NodeRed,
                wire_ticks: int) -> tuple[dict, dict, dict]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"])
        for which in ("ours", "rf"):  # warm-up, not recorded
            url, cfg = page_config(which, sizes[0], 0, nr)
            page_measure(browser, probe_js, url=url, cfg=cfg, which=which)
        if sizes[0] in nr.ports:
            nr_measure(browser, probe_js, nr, sizes[0], [])
        runs, nr_runs = rounds_run(browser, probe_js, rounds=rounds, sizes=sizes, nr=nr)
        wire_runs = wires.wire_rounds(browser, rounds=rounds, ticks=wire_ticks, ports=PORTS, viewport=VIEWPORT)
        browser.close()
    return runs, nr_runs, wire_runs


def bench_canvas(*, rounds: int, sizes: list[int], wire_ticks: int) -> Result:
    result = Result(key="canvas", title="Canvas (headless chromium)", baseline="")
    result.skipped = missing()
    if result.skipped:
        return result
    dist = anchor_build()
    probe_js = (SHARED / "probe.js").read_text()
    servers = serve(dist)
    nr = nodered.nodered_start(SHARED, WORK, sizes)
    try:
        time.sleep(1.0)
        runs, nr_runs, wire_runs = measure_all(probe_js, rounds=rounds, sizes=sizes, nr=nr, wire_ticks=wire_ticks)
        nr_rss = nr.rss_mb()
    finally:
        nr.stop()
        for server in servers:
            server.terminate()
            server.wait(10)
    for (n, ovr), data in runs.items():
        result.figures += figures_rf(n, ovr, data["ours"], data["rf"])
        if n in nr_runs:
            result.figures += nodered.figures(f"{n:,} nodes, culling {'on' if ovr else 'off'}", data["ours"],
                                              nr_runs[n])
    result.figures += wires.wire_figures(wire_runs)
    result.baseline = nodered.baseline_text(nr)
    result.notes += nodered.notes(nr, nr_runs, nr_rss, runs) + wires.wire_notes(wire_runs, wire_ticks)
    result.details = {"runs": {f"{n}/{ovr}": data for (n, ovr), data in runs.items()},
                      "nodered_runs": {str(n): data for n, data in nr_runs.items()},
                      "nodered": {"start_s": {str(n): s for n, s in nr.start_s.items()}, "rss_mb": nr_rss,
                                  "skipped": nr.skipped},
                      "wire_runs": wire_runs}
    return result
