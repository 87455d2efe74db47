"""Problems the CLI finds itself (bad input, a failed call), printed like API errors."""

from __future__ import annotations

from typing import Any


class CliError(Exception):
    """One ``error: <message>`` line on stderr (details indented), then ``exit_code``."""

    def __init__(self, message: str, *, exit_code: int = 2, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.detail = detail
