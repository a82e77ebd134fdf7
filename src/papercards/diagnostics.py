"""Problems found in the user's files, always tied to a file and a line.

Nothing in papercards raises a bare traceback at the user: library code
collects `Diagnostic`s (warnings it can go on after) or raises `InputError`
(it cannot), and the CLI prints both as ``file:line: message``, through
`printable`: what files and servers say never reaches the terminal as controls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What a terminal obeys instead of showing: C0 controls but the newline (ESC starts the
# sequences that clear the screen, retitle the window or hide text; CR overwrites a line),
# DEL, C1 controls (a one-byte CSI/OSC), the bidi controls that reorder the text shown, and
# lone surrogates (a file name's undecodable bytes), which cannot be printed at all
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                       "\ud800-\udfff]")


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    message: str
    level: str = "warning"  # "warning" (skipped, build goes on), "error" (bad input) or
    #                         "note" (what the notes say that no card asks: counted by build, listed by check)

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


def printable(text: str) -> str:
    """``text`` (a file name, a heading, a server's answer) safe to print on a terminal:
    each control character is shown as a visible escape (``\\x1b``, ``\\u202e``), never sent."""
    return _CONTROLS.sub(_visible, text)


def _visible(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
