"""Before a schedule is saved, its next five runs are shown in the user's time zone and in
UTC; a bad cron expression or time zone is refused with the reason."""

import itertools
from datetime import datetime, timedelta

import pytest

from apps.processors.models import Socket
from tests.factories import make_queue, make_socket
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db

URL = "/api/sockets/schedule-preview/"


def test_a_cron_schedule_previews_its_next_five_runs_in_utc_and_the_users_time_zone(api_as):
    before = datetime.now().astimezone()
    response = api_as(make_user("LS_SOCKETS")).post(
        URL, {"schedule_type": "CRON", "cron": "30 9 * * 1-5", "timezone": "America/New_York"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["timezone"] == "America/New_York" and len(body["runs"]) == 5
    utc = [datetime.fromisoformat(run["utc"]) for run in body["runs"]]
    local = [datetime.fromisoformat(run["local"]) for run in body["runs"]]
    assert utc[0] > before and utc == sorted(utc) and utc == local, "the same instants, twice written"
    assert all((t.hour, t.minute, t.weekday() < 5, t.utcoffset()) == (9, 30, True, timedelta(0)) for t in utc)
    assert all(t.utcoffset() in (timedelta(hours=-5), timedelta(hours=-4)) for t in local)


def test_an_interval_schedule_previews_runs_every_interval_from_now(api_as):
    response = api_as(make_user("LS_SOCKETS")).post(URL, {"schedule_type": "INTERVAL", "interval": 90}, format="json")
    times = [datetime.fromisoformat(run["utc"]) for run in response.json()["runs"]]
    assert [b - a for a, b in itertools.pairwise(times)] == [timedelta(seconds=90)] * 4
    assert response.json()["timezone"] == "UTC"


@pytest.mark.parametrize(("body", "field", "reason"), [
    ({"schedule_type": "CRON", "cron": "61 * * * *"}, "cron", "Bad minute"),
    ({"schedule_type": "CRON", "cron": "* * *"}, "cron", "Wrong number of fields"),
    ({"schedule_type": "CRON", "cron": "0 0 31 2 *"}, "cron", "Bad day-of-month"),
    ({"schedule_type": "CRON", "cron": ""}, "cron", "Give a cron expression"),
    ({"schedule_type": "CRON", "cron": "* * * * *", "timezone": "Mars/Olympus"}, "timezone", "IANA time zone"),
    ({"schedule_type": "INTERVAL"}, "interval", "1 s or more"),
])
def test_a_bad_schedule_is_refused_with_the_reason(api_as, body, field, reason):
    response = api_as(make_user("LS_SOCKETS")).post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert reason in response.json()["detail"][field][0]


def test_the_preview_needs_the_right_to_list_sockets(api_as):
    response = api_as(make_user()).post(URL, {"schedule_type": "INTERVAL", "interval": 5}, format="json")
    assert response.status_code == 403


def test_saving_a_socket_with_a_bad_cron_expression_is_a_400_naming_it(api_as):
    socket = make_socket(queue=make_queue())
    response = api_as(make_user("UPDATE_SOCKET", "RUN_TASK")).patch(
        f"/api/sockets/{socket.pk}/", {"schedule_type": "CRON", "cron": "*/15 25 * * *", "scheduled": True},
        format="json")
    assert response.status_code == 400, response.content
    assert response.json()["message"] == "The cron expression '*/15 25 * * *' is not valid: bad hour."
    assert Socket.objects.get(pk=socket.pk).schedule_type == ""
