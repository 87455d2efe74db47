"""What a processor may name as its code: a module of its own checkout and functions of it.

Pure functions (no ORM, no Django) so the services, the mount and the checks share them.
The authoritative check is at mount and in the runner (the module must resolve to a file
inside the checkout); these refuse the names that can never be right, with a clear message.
"""

from __future__ import annotations

import keyword
import re
import sys

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_MODULE_LENGTH = 200


def module_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a processor's module, or None.

    A module is a dotted name of identifiers (``pkg.sample``) whose first part is not a
    standard-library module (those never come from the checkout).
    """
    if not isinstance(name, str) or not name:
        return "A module name is required, e.g. pkg.sample."
    if len(name) > MAX_MODULE_LENGTH:
        return f"A module name has at most {MAX_MODULE_LENGTH} characters."
    parts = name.split(".")
    if not all(_IDENTIFIER.match(part) and not keyword.iskeyword(part) for part in parts):
        return f"'{name}' is not a dotted module name (identifiers separated by dots, e.g. pkg.sample)."
    if parts[0] in sys.stdlib_module_names:
        return (f"'{name}' is a standard-library module; a processor runs a module of its own "
                "repository.")
    return None


def task_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a socket's function, or None: a public identifier."""
    if not isinstance(name, str) or not _IDENTIFIER.match(name) or keyword.iskeyword(name):
        return f"'{name}' is not a function name (a Python identifier)."
    if name.startswith("_"):
        return f"'{name}' is private: a socket runs a public function of the module."
    return None
