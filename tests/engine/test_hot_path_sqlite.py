"""The hot path on the embedded default (SQLite), where every transition is written as steps
in one transaction: the suite's database is PostgreSQL, so this runs in a process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_call_starts_ends_and_routes_on_sqlite(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'platform.sqlite3'}",
           "ELASTICCODE_STATE_DIR": str(tmp_path / "state"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "tests.engine.hot_path_on_sqlite"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["vendor"] == "sqlite"
    assert (found["first"], found["events"]) == ("finished", ["received", "prerun", "postrun", "join_wait"])
    assert found["echo"] == [[{"args": [1], "kwargs": {}}, "queued", 1]]
    assert (found["waiting_joins"], found["joins_left"]) == (1, 0)
    assert found["joined"] == {"args": [], "kwargs": {"one": 1, "two": 2}}
    assert found["again"], "an ended call does not start again"
