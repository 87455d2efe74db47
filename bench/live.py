"""4. Events to browsers: from an event on the Redis stream to a subscribed websocket.

The platform: daphne serving flowsite.asgi (the /ws/ consumer) and ``manage.py
live_publisher`` (stream -> Channels groups), with the live settings as deployed
(LIVE_TICK_MS, LIVE_FRAME_MS, LIVE_FRAMES_PER_SECOND). The baseline: bench/rawlive.py, a bare websocket relay of
the same stream. A producer appends call events (each with its time.time() as ``t0``) at
a fixed rate; clients in another process (bench/live_clients.py) subscribe to
``calls:all`` and time each event's arrival. Loss: events a client never got; silent
loss: those the server did not report as a gap either.
"""

from __future__ import annotations

import json
import select
import socket
import subprocess
import time
import uuid

from bench.harness import (
    PYTHON,
    RAW_WEB_PORT,
    REDIS_URL,
    ROOT,
    WEB_PORT,
    Figure,
    Procs,
    Result,
    bench_env,
    cpu_seconds,
    machine_cpu_seconds,
    wait_until,
)

KINDS = (("queued", "queued"), ("prerun", "running"), ("postrun", "finished"))


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def token_make() -> str:
    from apps.accounts.models import User
    from apps.accounts.services.tokens import token_create

    user = User.objects.filter(username="bench").first() or User.objects.create_superuser(
        username="bench", email="bench@example.invalid", password=uuid.uuid4().hex)
    return token_create(user=user, by=None, name="bench")[1]


def _line(proc: subprocess.Popen, timeout: float) -> str:
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready:
        raise RuntimeError(f"the websocket clients said nothing for {timeout} s")
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError(f"the websocket clients exited: {proc.stderr.read()[-2000:]}")
    return line.strip()


def produce(rate: int, seconds: float) -> int:
    """Append rate x seconds call events at an even pace; returns how many."""
    from apps.engine.events import event_publish

    total = int(rate * seconds)
    run = str(uuid.uuid4())
    started = time.perf_counter()
    for n in range(total):
        due = started + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        event, state = KINDS[n % 3]
        event_publish({"kind": "call", "event": event, "state": state, "call": str(uuid.uuid4()), "run": run,
                       "parent": None, "socket": "bench.live", "processor": "bench", "name": "bench.live",
                       "n": n, "t0": time.time()})
    return total


def delivery_round(*, url: str, servers: list, clients: int, rate: int, seconds: float) -> dict:
    proc = subprocess.Popen([PYTHON, "-m", "bench.live_clients", "--url", url, "--clients", str(clients)],
                            cwd=ROOT, env={**bench_env()}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        line = _line(proc, 90)
        if line != "READY":
            raise RuntimeError(f"unexpected line from the clients: {line}")
        time.sleep(0.3)
        cpu0, machine0 = sum(cpu_seconds(p.pid) for p in servers), machine_cpu_seconds()
        produced = produce(rate, seconds)
        proc.stdin.write(f"DONE {produced}\n")
        proc.stdin.flush()
        out = json.loads(_line(proc, 60))
        out["server_cpu_ms_per_event"] = (sum(cpu_seconds(p.pid) for p in servers) - cpu0) * 1000 / produced
        out["machine_cpu_ms_per_event"] = (machine_cpu_seconds() - machine0) * 1000 / produced
        out["deliveries_per_s"] = clients * rate
        return out
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def pacing_note(settings) -> str:
    return (f"measured with LIVE_TICK_MS={settings.LIVE_TICK_MS}, LIVE_FRAME_MS={settings.LIVE_FRAME_MS}, "
            f"LIVE_FRAMES_PER_SECOND={settings.LIVE_FRAMES_PER_SECOND} (the deployed pacing: an event goes at once "
            "when the publisher and the connection are idle; under load the publisher's reads are at least "
            "LIVE_TICK_MS apart and a process's busy connections share LIVE_FRAMES_PER_SECOND frames a second, "
            "each at most LIVE_FRAME_MS apart)")


def bench_live(procs: Procs, *, rounds: int, seconds: float, clients: list[int]) -> Result:
    result = Result(key="live", title="Events to browsers (websocket delivery)",
                    baseline="bare websocket relay of the same Redis stream (bench/rawlive.py), one process")
    try:
        import apps.live.publisher  # noqa: F401
    except ImportError:
        result.skipped = "apps/live/publisher.py is not there yet"
        return result
    from django.conf import settings

    token = token_make()
    daphne = procs.start("daphne", [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(WEB_PORT),
                                    "flowsite.asgi:application"])
    publisher = procs.start("live-publisher", [PYTHON, "manage.py", "live_publisher"])
    relay = procs.start("rawlive", [PYTHON, "-m", "bench.rawlive", "--port", str(RAW_WEB_PORT), "--redis", REDIS_URL])
    for port, proc in ((WEB_PORT, daphne), (RAW_WEB_PORT, relay)):
        wait_until(lambda port=port: port_open(port), timeout=60, what=f"port {port}", proc=proc)
    wait_until(lambda: "reading" in publisher.tail(), timeout=60, what="the live publisher", proc=publisher,
               interval=0.2)
    systems = {"platform": (f"ws://127.0.0.1:{WEB_PORT}/ws/?token={token}", [daphne, publisher]),
               "raw": (f"ws://127.0.0.1:{RAW_WEB_PORT}/", [relay])}
    configs = [(n, 1000) for n in clients] + [(10, 50)]
    rows: dict[tuple[int, int], dict[str, list]] = {c: {"platform": [], "raw": []} for c in configs}
    for index in range(rounds):
        for config in configs:
            order = ["platform", "raw"] if index % 2 == 0 else ["raw", "platform"]
            for system in order:
                url, servers = systems[system]
                try:
                    row = delivery_round(url=url, servers=servers, clients=config[0], rate=config[1],
                                         seconds=seconds)
                except RuntimeError as error:  # a round that broke is a figure too: recorded, not fatal
                    row = {"error": str(error)[-1500:]}
                rows[config][system].append(row)
            plat, raw = rows[config]["platform"][-1], rows[config]["raw"][-1]
            print(f"  live round {index + 1} {config[0]} clients @ {config[1]}/s: " + "; ".join(
                f"{name} " + (f"p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, undelivered {r['missing']} "
                              f"(unreported {r['silent_loss']}), sockets closed by server {r['clients_closed']}"
                              if "error" not in r else f"FAILED {r['error'][-200:]!r}")
                for name, r in (("platform", plat), ("raw", raw))), flush=True)
    for (n, rate), data in rows.items():
        plat = [r if "error" not in r else {} for r in data["platform"]]
        raw = [r if "error" not in r else {} for r in data["raw"]]
        failed = sum(1 for r in data["platform"] if "error" in r)
        if failed:
            result.notes.append(f"{n} clients at {rate}/s: {failed} of {len(plat)} platform rounds broke: "
                                + next(r for r in data["platform"] if "error" in r)["error"][-300:])
        label = f"{n} clients, {rate:,} events/s ({n * rate:,} deliveries/s)"
        small = n * rate <= 500
        result.figures += [
            Figure(f"{label}: p50", "ms", [r.get("p50") for r in plat], [r.get("p50") for r in raw]),
            Figure(f"{label}: p95", "ms", [r.get("p95") for r in plat], [r.get("p95") for r in raw],
                   target="< 15 ms" if small else "", check=(lambda p, _r: p < 15) if small else None),
            Figure(f"{label}: undelivered, unreported", "events", [r.get("silent_loss") for r in plat],
                   [r.get("silent_loss") for r in raw], target="0", check=lambda p, _r: p == 0,
                   note="never arrived (3 s without progress after the last) and no gap said so"),
            Figure(f"{label}: reported gaps", "events", [r.get("reported_missing") for r in plat]),
            Figure(f"{label}: sockets closed by the server", "", [r.get("clients_closed") for r in plat],
                   [r.get("clients_closed") for r in raw]),
            Figure(f"{label}: server CPU per event", "ms", [r.get("server_cpu_ms_per_event") for r in plat],
                   [r.get("server_cpu_ms_per_event") for r in raw], note="daphne + publisher vs the relay"),
        ]
    result.details = {"seconds": seconds, "settings": {"LIVE_TICK_MS": settings.LIVE_TICK_MS,
                                                       "LIVE_FRAME_MS": settings.LIVE_FRAME_MS,
                                                       "LIVE_FRAMES_PER_SECOND": settings.LIVE_FRAMES_PER_SECOND,
                                                       "LIVE_FRAME_MAX": settings.LIVE_FRAME_MAX},
                      "rounds": {f"{n}x{rate}": data for (n, rate), data in rows.items()}}
    result.notes.append(pacing_note(settings))
    for proc in (daphne, publisher, relay):
        proc.stop()
    return result
