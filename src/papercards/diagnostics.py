"""Problems found in the user's files, always tied to a file and a line.

Nothing in papercards raises a bare traceback at the user: library code
collects `Diagnostic`s (warnings it can go on after) or raises `InputError`
(it cannot), and the CLI prints both as ``file:line: message``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    message: str
    level: str = "warning"  # "warning" (skipped, build goes on) or "error" (bad input)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class InputError(Exception):
    """Bad user input that stops the command (exit code 1)."""

    def __init__(self, file: str, line: int, message: str):
        super().__init__(message)
        self.diagnostic = Diagnostic(file, line, message, "error")

    def __str__(self) -> str:
        return str(self.diagnostic)

    def __reduce__(self):          # pickles (a worker process raises it to the build)
        d = self.diagnostic
        return (type(self), (d.file, d.line, d.message))
