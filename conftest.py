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
    "tests.fixtures.cli",
    "tests.fixtures.api",
]
