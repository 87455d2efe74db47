"""What a processor may name as its code: a module of its own checkout and functions of it.

Pure functions (no ORM, no Django) so the services, the mount and the checks share them.
The authoritative check is at mount and in the runner (the module must resolve to a file
inside the checkout); these refuse the names that can never be right, with a clear message.
"""

from __future__ import annotations

import keyword
import re
import sys

from packaging.requirements import InvalidRequirement, Requirement

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


_ARCHIVE = (".whl", ".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".egg")
MAX_REQUIREMENT_LINE = 500


def requirements_problems(text: str | None) -> list[str]:
    """What is wrong with each line of a processor's ``requirements``, as ``line N: ...``.

    Only PEP 508 requirement specifiers by name (``requests>=2``, ``numpy==2.1; python_version
    >= "3.11"``), one a line; blank lines and ``#`` comments are fine. Installer options
    (``-e``, ``-r``, ``-c``, ``--index-url``, ``--extra-index-url``, ``--hash``...), local
    paths, archives and URLs (``name @ https://...``) are refused: packages come from the
    platform's index only, and nothing local is built.
    """
    problems = []
    for number, line in _requirement_lines(text):
        problem = _requirement_problem(line)
        if problem:
            problems.append(f"line {number}: '{line if len(line) <= 80 else line[:77] + '...'}' {problem}")
    return problems


def _requirement_problem(line: str) -> str | None:
    only_index = "only packages of the platform's index are installed, by name (e.g. requests>=2)."
    if len(line) > MAX_REQUIREMENT_LINE:
        return f"is longer than {MAX_REQUIREMENT_LINE} characters."
    if line.startswith("-") or " --" in line or line.endswith("\\"):
        return f"is an installer option; {only_index}"
    try:
        requirement = Requirement(line)
    except InvalidRequirement as error:
        if any(mark in line for mark in ("/", "\\", "://", ":")):
            return f"is a path or URL; {only_index}"
        return f"is not a requirement specifier: {str(error).splitlines()[0]}"
    if requirement.url:
        return f"names a URL; {only_index}"
    if requirement.name.lower().endswith(_ARCHIVE):
        return f"looks like a local archive; {only_index}"
    return None


def requirements_specifiers(text: str | None) -> list[str]:
    """The requirement lines of ``text`` re-written from their parsed form (comments and blank
    lines dropped), so an installer reads exactly what was checked. Raises ``ValueError``
    listing ``requirements_problems`` when there are any."""
    problems = requirements_problems(text)
    if problems:
        raise ValueError("\n".join(problems))
    return [str(Requirement(line)) for _, line in _requirement_lines(text)]


def _requirement_lines(text: str | None) -> list[tuple[int, str]]:
    """(line number, text) of each line that is not blank or a comment, comments cut off."""
    lines = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.split(" #", 1)[0].split("\t#", 1)[0].strip()
        if line and not line.startswith("#"):
            lines.append((number, line))
    return lines
