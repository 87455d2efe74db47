"""The client API's pipeline, parallel and funnel, run on a real worker as one run."""

from __future__ import annotations

import pytest

from apps.accounts.models import ApiToken, token_digest
from apps.calls.models import Call, CallState
from apps.client import api
from apps.client.api import Socket as Function
from apps.client.api import funnel, parallel, pipeline
from tests.fixtures.engine import limited_socket, wait_for

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def client_for(live_server, alice):
    raw = ApiToken.generate()
    ApiToken.objects.create(user=alice, digest=token_digest(raw), prefix=raw[:8])
    api.connect(live_server.url, raw)
    yield
    api._default = None


def T(value) -> str:
    return "TEXT:" + str(value)


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_the_specs_nested_example_returns_nested_results_in_one_run(proc1, start_worker, client_for):
    worker = start_worker("proc1", concurrency=3)
    do_something = Function(name="pyfi.processors.sample.do_something").p
    _pipeline = pipeline([
        do_something("One"),
        do_something("Two"),
        parallel([do_something("Four"), do_something("Five")]),
        do_something("Three"),
    ])
    piped = T([T(T(T("One")))] * 2)
    assert _pipeline().get(timeout=60) == piped
    _parallel = parallel([_pipeline, do_something("Six"), do_something("Seven")])
    _funnel = funnel([do_something("Eight"), _parallel, do_something("Nine")])
    run = _funnel(do_something("Four"))
    result = run.get(timeout=60)
    assert result == T([T("Eight"), [piped, T("Six"), T("Seven")], T("Nine")]), worker.log()
    calls = Call.objects.filter(tracking=run.id)
    assert calls.count() == 10 and set(calls.values_list("state", flat=True)) == {CallState.FINISHED}
    (final,) = [c for c in calls if isinstance(c.arguments["args"][0], list) and c.arguments["args"][1] == "Four"]
    assert final.inputs.count() == 5, "the funnel's final call records every call that fed it"


@pytest.mark.parametrize("broker_url", ["redis"], indirect=True)
def test_a_failed_step_fails_the_run_with_its_error(proc1, start_worker, client_for):
    start_worker("proc1")
    fail = Function(name="pyfi.processors.sample.fail").p
    echo = Function(name="pyfi.processors.sample.echo").p
    with pytest.raises(api.RunFailed) as error:
        pipeline([echo("x"), fail(), echo("never")])().get(timeout=60)
    assert "ValueError" in error.value.message


def test_an_unknown_socket_is_a_clear_bad_request(client_for):
    from apps.client.errors import BadRequest

    with pytest.raises(BadRequest) as error:
        Function(name="no.such.socket")("x")
    assert "No socket named 'no.such.socket'" in error.value.message


DO_SOMETHING = "pyfi.processors.sample.do_something"


def test_a_parallel_and_a_pipeline_or_funnel_ending_in_one_return_their_lists(proc1, start_worker, client_for,
                                                                             broker_url):
    """They never returned (the run stayed pending: its result was looked up as one task's)."""
    start_worker("proc1", concurrency=2)
    ds = Function(name=DO_SOMETHING).p
    assert parallel([ds("a"), ds("b")])().get(timeout=60) == [T("a"), T("b")]
    assert pipeline([ds("a"), parallel([ds("b"), ds("c")])])().get(timeout=60) == [T(T("a"))] * 2
    both = [T("a"), T("b")]
    assert funnel([ds("a"), ds("b")], then=parallel([ds("x"), ds("y")]))().get(timeout=60) == [T(both)] * 2


def test_workflow_steps_meet_back_pressure_like_any_call(proc1, stalled, start_worker, client_for, broker_url):
    """An entry step onto a full queue is refused before anything is recorded; a later step
    whose queue is full waits in its upstream worker (held), and the run still ends right."""
    from apps.client.errors import RateLimited

    sink = limited_socket(stalled, "do_something", limit=1)
    filler = Call.objects.get(pk=Function(name=sink.name)("filler").calls[0]["id"])
    with pytest.raises(RateLimited) as refused:
        Function(name=sink.name)("one too many")
    assert "is full" in refused.value.message
    upstream = start_worker("proc1", concurrency=1)
    run = pipeline([Function(name=DO_SOMETHING).p("a"), Function(name=sink.name).p()])()
    step = wait_for(lambda: Call.objects.filter(tracking=run.id, socket=sink, state=CallState.QUEUED).first(),
                    processes=[upstream], what="the second step released while its queue is full")
    start_worker(stalled.name, concurrency=1)
    assert run.get(timeout=90) == T(T("a"))
    assert "held" in step.events.values_list("name", flat=True), "it waited for room in its upstream worker"
    assert Call.objects.get(pk=filler.pk).state == CallState.FINISHED
