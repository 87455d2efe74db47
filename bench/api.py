"""5. API: listing calls with 100,000 and 1,000,000 calls in PostgreSQL, filtered by state:
the first page, a deep page (90% down) by keyset cursor as the Calls page walks it, and the
same depth by page number (an offset, no target), against a bare SELECT of the same rows.

    GET /api/calls/?state=finished&rows=50[&cursor=C | &page=N]   (Django's test client, token auth)
    SELECT * FROM call WHERE state = 'finished' [AND created < edge] ORDER BY created DESC LIMIT 50 [OFFSET k]

The calls are inserted with one INSERT ... SELECT (90% finished). Requests alternate
platform and bare; each round takes the p95 of its requests.
"""

from __future__ import annotations

import time

from bench.benchstats import latency_stats
from bench.harness import DB_NAME, PG, Figure, Result

ROWS = 50
FIELDS_SQL = """
INSERT INTO call (id, name, status, requested_status, enabled, created, lastupdated, state, tracking,
                  taskparent, resultid, celeryid, argument, task_id, socket_id, started, finished,
                  arguments, result, error, log, commit, hops, attempts, queue)
SELECT gen_random_uuid(), 'bench.api', 'ready', 'ready', true,
       now() - g * interval '1 second', now() - g * interval '1 second',
       CASE WHEN g %% 10 = 0 THEN 'failed' ELSE 'finished' END, gen_random_uuid(), '', '', '', '',
       %(task)s, %(socket)s, now() - g * interval '1 second', now() - g * interval '1 second' + interval '5 ms',
       '{"args": [1], "kwargs": {}}'::jsonb, '1'::jsonb, '', 'a line of output', 'c0ffee', 0, 1, 'bench.api'
FROM generate_series(1, %(count)s) AS g
"""


def calls_fill(count: int, *, offset: int = 0) -> None:
    """Insert ``count`` calls older than the ``offset`` already there (one socket for all)."""
    from django.db import connection

    from apps.network.models import Queue
    from apps.processors.models import Processor, Socket, Task

    processor, _ = Processor.objects.get_or_create(name="bench-api", defaults={
        "module": "bench_api", "gitrepo": "file:///bench-api"})
    task, _ = Task.objects.get_or_create(name="bench-api.noop", processor=processor)
    queue, _ = Queue.objects.get_or_create(name="bench.api")
    socket, _ = Socket.objects.get_or_create(name="bench.api", defaults={
        "processor": processor, "task": task, "queue": queue})
    with connection.cursor() as cursor:
        cursor.execute(FIELDS_SQL.replace("generate_series(1, %(count)s)", "generate_series(%(first)s, %(last)s)"),
                       {"task": task.pk, "socket": socket.pk, "first": offset + 1, "last": offset + count})
        cursor.execute("ANALYZE call")


def bench_api(*, rounds: int, calls: list[int], requests: int) -> Result:
    """The list at each size in ``calls`` (filled up step by step): first page, a deep page
    by keyset (the Calls page's Older), and the same depth by page number (no target)."""
    from bench.live import token_make

    result = Result(key="api", title=f"API: list calls, {' and '.join(f'{n:,}' for n in calls)} calls in PostgreSQL",
                    baseline="bare SELECT of the same 50 rows (psycopg2, same filter, order and keyset or offset)")
    token, filled, details = token_make(), 0, {}
    for size in calls:
        calls_fill(size - filled, offset=filled)
        filled = size
        figures, details[size] = _bench_size(size=size, token=token, rounds=rounds, requests=requests)
        result.figures += figures
    result.details = {"calls": calls, "requests_per_round": requests, "sizes": details}
    return result


def _deep_edge(depth: int):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT created FROM call WHERE state = 'finished' ORDER BY created DESC OFFSET %s LIMIT 1",
                       (depth,))
        return cursor.fetchone()[0]


def _bench_size(*, size: int, token: str, rounds: int, requests: int) -> tuple[list[Figure], dict]:
    import base64
    from urllib.parse import urlencode

    import psycopg2
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    finished = size - size // 10
    deep = max(1, int(finished / ROWS * 0.9))
    edge = _deep_edge((deep - 1) * ROWS)
    cursor = base64.b64encode(urlencode({"p": str(edge)}).encode()).decode()
    bare = psycopg2.connect(f"{PG}/{DB_NAME}")
    bare.autocommit = True
    select = "SELECT * FROM call WHERE state = 'finished'"
    cases = {  # label: (API query, bare SQL, its parameters, target)
        "first page": ({}, f"{select} ORDER BY created DESC LIMIT %s", (ROWS,), True),
        "deep page by cursor": ({"cursor": cursor}, f"{select} AND created < %s ORDER BY created DESC LIMIT %s",
                                (edge, ROWS), True),
        f"deep page by number ({deep})": ({"page": deep}, f"{select} ORDER BY created DESC LIMIT %s OFFSET %s",
                                          (ROWS, (deep - 1) * ROWS), False),
    }

    def platform(params: dict) -> float:
        started = time.perf_counter()
        response = client.get("/api/calls/", {"state": "finished", "rows": ROWS, **params})
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or len(response.json()["results"]) != ROWS:
            raise RuntimeError(f"GET /api/calls/ {params}: {response.status_code} {response.content[:300]!r}")
        return elapsed

    def baseline(sql: str, args: tuple) -> float:
        started = time.perf_counter()
        with bare.cursor() as db:
            db.execute(sql, args)
            rows = db.fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        assert len(rows) == ROWS
        return elapsed

    data: dict[str, dict[str, list]] = {label: {"platform": [], "raw": []} for label in cases}
    for params, sql, args, _ in cases.values():  # warm caches and connections
        for _ in range(3):
            platform(params)
            baseline(sql, args)
    for index in range(rounds):
        for label, (params, sql, args, _) in cases.items():
            plat, raw = [], []
            for n in range(requests):
                order = ("platform", "raw") if (n + index) % 2 == 0 else ("raw", "platform")
                for side in order:
                    if side == "platform":
                        plat.append(platform(params))
                    else:
                        raw.append(baseline(sql, args))
            data[label]["platform"].append(latency_stats(plat))
            data[label]["raw"].append(latency_stats(raw))
        print(f"  api {size:,} round {index + 1}: " + ", ".join(
            f"{label} p95 {d['platform'][-1]['p95']:.1f} vs {d['raw'][-1]['p95']:.1f} ms" for label, d in data.items()),
            flush=True)
    bare.close()
    figures = []
    for label, d in data.items():
        targeted = cases[label][3]
        figures += [
            Figure(f"{size:,} calls, {label} p50", "ms", [r["p50"] for r in d["platform"]],
                   [r["p50"] for r in d["raw"]]),
            Figure(f"{size:,} calls, {label} p95", "ms", [r["p95"] for r in d["platform"]],
                   [r["p95"] for r in d["raw"]], **({"target": "< 50 ms", "check": lambda p, _r: p < 50}
                                                    if targeted else {})),
        ]
    return figures, {"finished": finished, "rounds": data}
