"""One writer per model field: a model's rows are written by its own app, never by another
app's module with a raw queryset, ``save()`` or field assignment, nor with the shared
generic writers (apps.core.services) where the model's app has services of its own for it
(``processor_update`` and not ``object_update(instance=processor)``). And the API writes
through services: a viewset that keeps PlatformViewSet's generic writes is a plain object,
listed in PLAIN with why.

What is knowingly left is in ALLOWED with why; an entry nothing needs any more fails, so
the lists only shrink.
"""

from __future__ import annotations

from fnmatch import fnmatch

import pytest

from apps.core.viewsets import PlatformViewSet
from flowsite.api_urls import router
from tests.architecture.writers import Write, has_services, platform_writes

JOIN = ("the processor-node join (Deployment, Worker, QueueLog) still lives in network; it moves above "
        "processors and network with its writers after the placement and agent work in progress")

# (writing module pattern, model pattern) -> why another app writes it.
ALLOWED: dict[tuple[str, str], str] = {
    ("apps.engine.*", "calls.*"): "the engine records a call's life (ARCHITECTURE: dispatch and outcome: the "
                                  "call row is its own outbox, transitions, events, joins, metric samples); the "
                                  "calls app reads them and deletes calls",
    ("apps.engine.*", "network.Worker"): JOIN,
    ("apps.engine.*", "network.Deployment"): JOIN,
    ("apps.engine.monitor.services", "network.QueueLog"): JOIN + " (QueueLog goes with the queue monitor)",
    ("apps.processors.services", "network.Deployment"): JOIN + " (a restart asks each deployment to restart)",
    ("apps.engine.agent.state", "processors.Processor"): "the run status agents report; the agent folder is being "
                                                         "changed by the faults work: a processors service "
                                                         "(processor_status_report) should own Processor.status",
    ("apps.engine.dispatch", "processors.Plug"): "back pressure's blocked_seconds, on the call's hot path that is "
                                                 "being rewritten",
    ("apps.engine.mount_status", "processors.Processor"): "the mount fields (mount_status, mount_log, "
                                                          "mount_commit): one writer, but in the engine",
    ("apps.engine.mounting", "processors.Task"): "a mount's functions become tasks without validation or audit",
    ("apps.engine.mounting", "processors.Argument"): "a mount's function arguments, as for tasks",
    ("apps.engine.scaling.services", "processors.Processor"): "the scaler's current_concurrency (also written by "
                                                              "processors.services when the bounds change)",
}

# (model, action) of the API that writes with the generic services: objects with no rule
# beyond their model's validation (the audit log records who changed them).
PLAIN: dict[tuple[str, str], str] = {
    **{(model, action): "a plain object" for model in (
        "core.Setting", "network.Network", "network.Scheduler", "network.Action", "network.Container",
        "processors.Gate", "processors.Work", "processors.TrustedRepository", "flows.File",
    ) for action in ("create", "update", "destroy")},
    **{(model, action): "rows the agents and mounts keep; the API's writes are an operator's repair"
       for model in ("network.Agent", "network.Worker", "processors.Task", "processors.Argument")
       for action in ("create", "update", "destroy")},
    ("processors.ProcessorSecret", "destroy"): "a secret a processor holds is protected (409)",
}


def _allowed(write: Write) -> bool:
    return any(fnmatch(write.module, module) and fnmatch(write.model, model) for module, model in ALLOWED)


def cross_app_writes(writes: list[Write] | None = None) -> list[Write]:
    """Writes of a model by another app's module: raw ones always, generic ones where the
    model's app has services for it."""
    writes = platform_writes() if writes is None else writes
    return [w for w in writes if w.app != w.owner and (not w.how.startswith("object_") or has_services(w.model))]


@pytest.fixture(scope="module")
def found() -> list[Write]:
    return cross_app_writes()


def test_no_app_writes_another_apps_model(found):
    problems = [str(w) for w in found if not _allowed(w)]
    assert problems == [], "\n".join(problems)


def test_every_allowed_writer_is_still_needed(found):
    stale = [pair for pair in ALLOWED if not any(fnmatch(w.module, pair[0]) and fnmatch(w.model, pair[1])
                                                 for w in found)]
    assert stale == [], f"remove these from ALLOWED, nothing needs them any more: {stale}"


def generic_api_writes() -> set[tuple[str, str]]:
    """(model, action) of every viewset action that writes with PlatformViewSet's defaults."""
    found = set()
    for _prefix, viewset, _basename in router.registry:
        for action in ("create", "update", "destroy"):
            generic = getattr(PlatformViewSet, f"perform_{action}")
            if hasattr(viewset, action) and getattr(viewset, f"perform_{action}", None) is generic:
                found.add((viewset.queryset.model._meta.label, action))
    return found


def test_the_api_writes_through_services():
    assert sorted(generic_api_writes() - set(PLAIN)) == []
    assert sorted(set(PLAIN) - generic_api_writes()) == [], "remove these from PLAIN: they have services now"


def test_the_check_sees_a_raw_write_and_a_generic_one_where_services_exist():
    raw = Write("apps.engine.agent.state", "processors.Processor", ("status",), "x.py:1", "queryset .update()")
    generic = Write("apps.flows.deploy", "processors.Processor", (), "x.py:2", "object_update")
    plain = Write("apps.web.admin_views", "processors.TrustedRepository", (), "x.py:3", "object_create")
    own = Write("apps.processors.services", "processors.Processor", ("status",), "x.py:4", ".save()")
    assert cross_app_writes([raw, generic, plain, own]) == [raw, generic]
