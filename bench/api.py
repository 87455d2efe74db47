"""5. API: listing calls with 100,000 calls in PostgreSQL, filtered by state, first page and
a deep page, against a bare SELECT of the same rows.

    GET /api/calls/?state=finished&page=N&rows=50   (Django's test client, token auth)
    SELECT * FROM call WHERE state = 'finished' ORDER BY created DESC LIMIT 50 OFFSET k

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


def calls_fill(count: int) -> None:
    from django.db import connection

    from apps.network.models import Queue
    from apps.processors.models import Processor, Socket, Task

    processor = Processor.objects.create(name="bench-api", module="bench_api", gitrepo="file:///bench-api")
    task = Task.objects.create(name="bench-api.noop", processor=processor)
    queue, _ = Queue.objects.get_or_create(name="bench.api")
    socket = Socket.objects.create(name="bench.api", processor=processor, task=task, queue=queue)
    with connection.cursor() as cursor:
        cursor.execute(FIELDS_SQL, {"task": task.pk, "socket": socket.pk, "count": count})
        cursor.execute("ANALYZE call")


def bench_api(*, rounds: int, calls: int, requests: int) -> Result:
    import psycopg2
    from django.db import connection
    from django.test import Client

    from bench.live import token_make

    result = Result(key="api", title=f"API: list calls, {calls:,} calls in PostgreSQL",
                    baseline="bare SELECT of the same 50 rows (psycopg2, same filter, order and offset)")
    calls_fill(calls)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM call WHERE state = 'finished'")
        finished = cursor.fetchone()[0]
    deep = max(1, int(finished / ROWS * 0.9))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_make()}")
    bare = psycopg2.connect(f"{PG}/{DB_NAME}")
    bare.autocommit = True

    def platform(page: int) -> float:
        started = time.perf_counter()
        response = client.get("/api/calls/", {"state": "finished", "page": page, "rows": ROWS})
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or len(response.json()["results"]) != ROWS:
            raise RuntimeError(f"GET /api/calls/ page {page}: {response.status_code} {response.content[:300]!r}")
        return elapsed

    def baseline(page: int) -> float:
        started = time.perf_counter()
        with bare.cursor() as cursor:
            cursor.execute("SELECT * FROM call WHERE state = 'finished' ORDER BY created DESC LIMIT %s OFFSET %s",
                           (ROWS, (page - 1) * ROWS))
            rows = cursor.fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        assert len(rows) == ROWS
        return elapsed

    pages = {"first page": 1, f"deep page ({deep})": deep}
    data = {label: {"platform": [], "raw": []} for label in pages}
    for page in pages.values():  # warm caches and connections
        for _ in range(3):
            platform(page)
            baseline(page)
    for index in range(rounds):
        for label, page in pages.items():
            plat, raw = [], []
            for n in range(requests):
                pair = [(plat, platform), (raw, baseline)]
                for sink, measure in pair if (n + index) % 2 == 0 else pair[::-1]:
                    sink.append(measure(page))
            data[label]["platform"].append(latency_stats(plat))
            data[label]["raw"].append(latency_stats(raw))
        print(f"  api round {index + 1}: " + ", ".join(
            f"{label} p95 {d['platform'][-1]['p95']:.1f} vs {d['raw'][-1]['p95']:.1f} ms" for label, d in data.items()),
            flush=True)
    bare.close()
    for label, d in data.items():
        result.figures += [
            Figure(f"{label} p50", "ms", [r["p50"] for r in d["platform"]], [r["p50"] for r in d["raw"]]),
            Figure(f"{label} p95", "ms", [r["p95"] for r in d["platform"]], [r["p95"] for r in d["raw"]],
                   target="< 50 ms", check=lambda p, _r: p < 50),
        ]
    result.details = {"calls": calls, "finished": finished, "requests_per_round": requests, "rounds": data}
    return result
