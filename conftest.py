"""Root fixtures. Per-app fixture modules are listed here."""

import os

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "tests.fixtures.people",
    "tests.fixtures.browser",
    "tests.fixtures.git",
    "tests.fixtures.engine",
    "tests.fixtures.agents",
    "tests.fixtures.cli",
    "tests.fixtures.api",
    "tests.fixtures.faults",
]


def _serialized_rollback(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("serialized_rollback"))


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or "live_server" in fixtures \
        or "transactional_db" in fixtures


def pytest_collection_modifyitems(items) -> None:
    """Among the transactional tests (which pytest-django has put after the others), run the
    serialized_rollback ones first. A transactional test's flush without serialized rollback
    re-creates the content types (post_migrate), and a serialized test after it then fails to
    load its snapshot with duplicate django_content_type rows: one new file sorting before
    tests/cli was enough to turn 45 CLI tests into errors."""
    transactional = [index for index, item in enumerate(items) if _transactional(item)]
    if not transactional:
        return
    group = [items[index] for index in transactional]
    ordered = [item for item in group if _serialized_rollback(item)] + \
        [item for item in group if not _serialized_rollback(item)]
    for index, item in zip(transactional, ordered, strict=True):
        items[index] = item
