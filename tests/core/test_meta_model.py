"""The meta-model: every model is saved, registered in the admin and round-trips there."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.processors.models import Plug, Processor, Socket
from tests.factories import make_all, make_plug, make_processor, make_socket

pytestmark = pytest.mark.django_db

PLATFORM_APPS = {"core", "accounts", "network", "processors", "flows", "calls"}


def platform_models():
    return [m for m in apps.get_models() if m._meta.app_label in PLATFORM_APPS]


def test_every_platform_model_is_registered_in_the_admin():
    missing = [m.__name__ for m in platform_models() if not admin.site.is_registered(m)]
    assert missing == []


def test_every_model_is_created_and_its_admin_pages_render(alice_client):
    instances = make_all()
    missing = [m.__name__ for m in platform_models() if m not in instances]
    assert missing == [], "tests/factories.make_all() must build every model"
    for model, instance in instances.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
        assert alice_client.get(changelist).status_code == 200, changelist
        assert alice_client.get(change).status_code == 200, change


def test_a_queue_round_trips_through_the_admin_add_form(alice_client):
    url = reverse("admin:network_queue_add")
    form = {
        "name": "pyfi.queue1", "status": "ready", "requested_status": "ready", "enabled": "on",
        "qtype": "direct", "durable": "on", "reliable": "on", "max_length": "-1",
        "max_length_bytes": "-1", "message_ttl": "3000", "expires": "-1",
    }
    response = alice_client.post(url, form)
    assert response.status_code == 302, response.content[:2000]
    from apps.network.models import Queue

    queue = Queue.objects.get(name="pyfi.queue1")
    assert (queue.qtype, queue.message_ttl) == ("direct", 3000)


def test_it_rejects_a_duplicate_name_with_a_clear_message():
    make_processor(name="proc1")
    duplicate = Processor(name="proc1", module="m", gitrepo="file:///r")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Processor with this Name already exists." in error.value.message_dict["name"]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_deleting_a_processor_removes_its_sockets_and_plugs():
    processor = make_processor()
    source, target = make_socket(processor), make_socket(processor)
    other_target = make_socket()
    make_plug(source, target)
    make_plug(target, other_target)
    processor_id = processor.pk
    processor.delete()
    assert not Socket.objects.filter(pk__in=[source.pk, target.pk]).exists()
    assert not Plug.objects.filter(processor_id=processor_id).exists()
    assert Plug.objects.count() == 0, "a plug into a deleted socket goes with it"
    assert Socket.objects.filter(pk=other_target.pk).exists()


def test_names_of_calls_and_versions_need_not_be_unique():
    from tests.factories import make_call

    socket = make_socket()
    make_call(socket)
    make_call(socket)
    assert socket.calls.count() == 2


def test_the_rights_list_fixes_the_specifications_defects():
    from apps.accounts.rights import ALL_RIGHTS

    assert "EDIT_PROCESSOR_CODE" in ALL_RIGHTS and "LS_PROCESSORS" in ALL_RIGHTS
    assert "EDIT_PROCESSOR_CODELS_PROCESSORS" not in ALL_RIGHTS
    assert {"READ_LOG", "UPDATE_PRIVILEGE", "RUN_TASK", "DB_INIT"} <= set(ALL_RIGHTS)
    assert len(ALL_RIGHTS) == len(set(ALL_RIGHTS))


def test_every_right_has_a_privilege_row():
    from apps.accounts.models import Privilege
    from apps.accounts.rights import ALL_RIGHTS

    assert set(Privilege.objects.values_list("right", flat=True)) == set(ALL_RIGHTS)


def test_passwords_are_hashed_by_django(bob):
    from tests.fixtures.people import PASSWORD

    assert PASSWORD not in bob.password
    assert bob.password.startswith(("pbkdf2_", "argon2", "bcrypt", "scrypt"))
    assert bob.check_password(PASSWORD)
