"""The escalation rules through the CLI: the same refusals as the API, in one clear line."""

from __future__ import annotations

import pytest

from apps.accounts.models import User
from apps.accounts.selectors import user_rights
from tests.fixtures.api import make_user
from tests.fixtures.cli import FlowRunner, make_token
from tests.fixtures.people import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW = "an entirely new passphrase"


def _as(user, live_server, flow_config) -> FlowRunner:
    return FlowRunner({"FLOW_URL": live_server.url, "FLOW_TOKEN": make_token(user), "FLOW_CONFIG": str(flow_config)})


def test_update_user_cannot_reset_the_admins_password_or_grant_itself_all(alice, live_server, flow_config):
    mallory = make_user("UPDATE_USER", "ADD_PRIVILEGE", "LS_USERS")
    flow = _as(mallory, live_server, flow_config)
    reset = flow("user", "passwd", "-n", "alice", "-p", NEW)
    assert reset.exit_code != 0
    assert "Only a superuser can set the password of the superuser alice." in reset.output
    assert "Traceback" not in reset.output
    granted = flow("add", "privilege", "-u", mallory.username, "-n", "ALL")
    assert granted.exit_code != 0 and "You cannot grant a right you do not hold yourself" in granted.output
    assert User.objects.get(pk=alice.pk).check_password(PASSWORD)
    assert "ALL" not in user_rights(User.objects.get(pk=mallory.pk))


def test_your_own_password_changes_with_the_current_one(live_server, flow_config):
    user = make_user("LS_USERS")
    flow = _as(user, live_server, flow_config)
    wrong = flow("user", "passwd", "--current", "not it at all", "-p", NEW)
    assert wrong.exit_code != 0 and "The current password is wrong." in wrong.output
    changed = flow("user", "passwd", input=f"{NEW}\n{NEW}\n{PASSWORD}\n")
    assert changed.exit_code == 0, changed.output
    assert "run flow login again" in changed.output and NEW not in changed.stdout
    assert User.objects.get(pk=user.pk).check_password(NEW)


def test_attaching_a_secret_is_the_admins_act(alice, live_server, flow_config):
    from apps.processors.models import Processor, ProcessorSecret
    from tests.factories import make_processor

    processor = make_processor(name="team-proc")
    ProcessorSecret.objects.create(name="prod-db", ciphertext="x")
    creator = _as(make_user("ADD_PROCESSOR", "UPDATE_PROCESSOR", "LS_PROCESSORS"), live_server, flow_config)
    refused = creator("proc", "secret", "-n", "team-proc", "--secret", "prod-db")
    assert refused.exit_code != 0 and "ATTACH_SECRET" in refused.output, refused.output
    assert Processor.objects.get(pk=processor.pk).password_id is None
    admin = _as(alice, live_server, flow_config)
    given = admin("proc", "secret", "-n", "team-proc", "--secret", "prod-db")
    assert given.exit_code == 0 and 'gets the secret "prod-db"' in given.output, given.output
    assert Processor.objects.get(pk=processor.pk).password.name == "prod-db"
