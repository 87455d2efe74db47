"""The processor page's run form starts from a value of each argument's type, read by the
same checker as the designer's Run form and the typed wires."""

import html

import pytest

from apps.processors.models import Argument, ArgumentKind
from tests.factories import make_processor, make_socket, make_task

pytestmark = pytest.mark.django_db


def test_a_sockets_run_form_starts_from_its_functions_types(alice_client):
    processor = make_processor(name="typed")
    task = make_task(processor, name="greet")
    for position, (name, annotation, kind) in enumerate([
            ("name", "str", ArgumentKind.POSITIONAL_OR_KEYWORD), ("times", "int | None", ArgumentKind.POSITIONAL_ONLY),
            ("tags", "typing.List[str]", ArgumentKind.POSITIONAL_OR_KEYWORD), ("anything", "", "positional_or_keyword"),
            ("rest", "int", ArgumentKind.VAR_POSITIONAL), ("loud", "bool", ArgumentKind.KEYWORD_ONLY)]):
        Argument.objects.create(task=task, name=name, annotation=annotation, kind=kind, position=position)
    socket = make_socket(processor, task=task, name="typed.greet")
    page = alice_client.get(f"/processors/{processor.pk}/").content.decode()
    expected = html.escape('["", 0, [], null]')
    assert f'id="args-{socket.pk}" name="args" value="{expected}"' in page
