"""The steps of a mount a person watches: reported as each one starts (a warm mount skips
the steps it does not need: a ready virtualenv is neither created nor installed again)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum


class MountStage(StrEnum):
    CLONING = "cloning"  # resolving the ref and checking the repository out
    ENVIRONMENT = "environment"  # creating the virtualenv
    INSTALLING = "installing"  # installing the repository and its requirements
    INTROSPECTING = "introspecting"  # importing the module to read its functions


StageReport = Callable[[MountStage], None]


def stage_ignore(stage: MountStage) -> None:
    """The default report: nobody is watching."""
