"""The client API's pipeline, parallel and funnel, run on a real worker as one run."""

from __future__ import annotations

import pytest

from apps.accounts.models import ApiToken, token_digest
from apps.calls.models import Call, CallState
from apps.client import api
from apps.client.api import Socket as Function
from apps.client.api import funnel, parallel, pipeline

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
