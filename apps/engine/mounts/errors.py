"""The one error type the mount package raises.

Every failure while preparing a mount (cloning, checking out, building the
virtualenv, installing, introspecting) is reported as a ``MountError`` whose
``stage`` says which step failed and whose message is written for the user:
it never contains credentials and never is a bare traceback.
"""

from __future__ import annotations

STAGES = frozenset({"clone", "checkout", "venv", "install", "introspect"})


class MountError(Exception):
    """A mount step failed.

    Invariants: ``stage`` is one of ``STAGES``; ``message`` is a non-empty,
    credential-free text the user can act on; ``str(error) == message``.
    """

    def __init__(self, *, stage: str, message: str) -> None:
        if stage not in STAGES:
            raise ValueError(f"unknown mount stage {stage!r}; expected one of {sorted(STAGES)}")
        self.stage = stage
        self.message = message.strip() or f"{stage} failed"
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"MountError(stage={self.stage!r}, message={self.message!r})"
