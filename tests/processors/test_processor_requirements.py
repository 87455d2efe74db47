"""A processor's ``requirements`` are requirement specifiers by name, nothing else. Tried as a
user holding only the rights to add and change processors: installer options, local paths
and URLs are a 400 on ``requirements`` naming each refused line; nothing is saved."""

from __future__ import annotations

import pytest

from apps.processors.models import Processor, TrustedRepository
from tests.factories import make_processor
from tests.fixtures.api import make_user

pytestmark = pytest.mark.django_db

BODY = {"name": "p", "module": "pkg.tools", "gitrepo": "https://github.com/acme/flows.git"}
REFUSED = [
    "-e /tmp/evil", "--editable=/tmp/evil", "-e git+https://evil.example/x.git#egg=x",
    "--index-url https://evil.example/simple", "-i https://evil.example/simple",
    "--extra-index-url https://evil.example/simple", "--find-links /tmp/wheels",
    "-r /etc/other.txt", "--requirement other.txt", "-c constraints.txt",
    "./localpkg", "/tmp/evil", "../evil", "https://evil.example/pkg.tar.gz", "git+https://evil.example/x.git",
    "evil @ https://evil.example/evil-1.0.whl", "evil @ file:///tmp/evil", "evil-1.0-py3-none-any.whl",
    "requests==2.32.3 --hash=sha256:abc", "requests \\",
]


@pytest.fixture
def author(api_as):
    TrustedRepository.objects.create(name="acme", pattern="https://github.com/acme/*")
    return api_as(make_user("ADD_PROCESSOR", "UPDATE_PROCESSOR"))


@pytest.mark.parametrize("line", REFUSED)
def test_a_requirement_that_is_not_a_specifier_is_refused_naming_its_line(author, line):
    text = f"# our needs\nrequests>=2\n{line}\nnumpy==2.1; python_version >= '3.11'  # pinned\n"
    response = author.post("/api/processors/", {**BODY, "requirements": text}, format="json")
    assert response.status_code == 400, response.content
    problems = response.json()["detail"]["requirements"]
    assert len(problems) == 1 and problems[0].startswith("line 3: "), problems
    assert not Processor.objects.exists()


def test_requirements_cannot_be_changed_to_an_editable_local_package(author):
    processor = make_processor(module="pkg.tools", gitrepo=BODY["gitrepo"], requirements="requests")
    response = author.patch(f"/api/processors/{processor.pk}/",
                            {"requirements": "requests\n-e /tmp/evil\n--index-url https://evil.example/"},
                            format="json")
    assert response.status_code == 400
    assert [p[:7] for p in response.json()["detail"]["requirements"]] == ["line 2:", "line 3:"]
    processor.refresh_from_db()
    assert processor.requirements == "requests"
