"""Supervisor.adopted_settle: an adopted worker (an earlier agent's) retires once a worker of
this agent is ready for its processor, or at once when its processor is no longer this
node's (an agent that comes back retires what it no longer owns). Real processes stand in
for the workers; no broker, no database."""

from __future__ import annotations

import subprocess
import sys
import time

from apps.engine.agent.reconcile import Phase
from apps.engine.agent.supervisor import Supervisor, WorkerHandle


def sleeper() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True)


def adopted(supervisor: Supervisor, processor_id: str, proc: subprocess.Popen) -> WorkerHandle:
    handle = WorkerHandle(processor_id=processor_id, processor_name=processor_id, name=f"{processor_id}@h",
                          cpus=1, pid=proc.pid, popen=None, phase=Phase.READY)
    supervisor.adopted[processor_id] = handle
    return handle


def test_an_adopted_worker_serves_until_its_replacement_is_ready_and_one_no_longer_owned_retires_at_once(tmp_path):
    supervisor = Supervisor(hostname="h", log_dir=tmp_path, standby=0)
    kept, gone, replacement = sleeper(), sleeper(), sleeper()
    try:
        adopted(supervisor, "kept", kept)
        adopted(supervisor, "gone", gone)
        supervisor.handles["kept"] = WorkerHandle(processor_id="kept", processor_name="kept", name="kept@h", cpus=1,
                                                  pid=replacement.pid, popen=replacement, phase=Phase.STARTING)

        supervisor.adopted_settle(wanted={"kept"}, grace=30)
        assert list(supervisor.adopted) == ["kept"], "the one no longer owned retires at once"
        assert gone.wait(timeout=10) is not None
        assert kept.poll() is None, "serving while its replacement starts"

        supervisor.handles["kept"].phase = Phase.READY
        supervisor.adopted_settle(wanted={"kept"}, grace=30)
        assert supervisor.adopted == {} and kept.wait(timeout=10) is not None
        assert {h.pid for h in supervisor.retiring} == {kept.pid, gone.pid}
        deadline = time.monotonic() + 10
        while supervisor.retiring and time.monotonic() < deadline:
            supervisor.poll(time.monotonic())
        assert supervisor.retiring == [] and replacement.poll() is None
    finally:
        for proc in (kept, gone, replacement):
            proc.kill()
            proc.wait()
