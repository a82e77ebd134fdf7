"""Write every format of every version into the quiz folder, atomically.

Files are named ``<name>-<version><suffix>``: ``quiz-A.pdf``, ``quiz-A.html``,
``quiz-A.md``, ``quiz-A.csv``, ``quiz-A.tsv``, ``quiz-A.gift.txt``,
``quiz-A.json``. Everything is rendered before anything is written, so a
renderer that fails leaves the folder as it was; then all files change at
once, through the build's journal (`papercards.txn`, in the quiz folder,
which is locked meanwhile): a quiz killed while writing leaves the folder as it was
or as this quiz makes it (the next quiz written there finishes or undoes it),
never one run's answer key beside another run's page.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from ..diagnostics import InputError
from ..fsutil import build_lock, remove_stale_temps
from ..txn import Transaction
from .model import Quiz
from .render import FORMATS

DEFAULT_NAME = "quiz"


class RendererMissing(InputError):
    """A format whose renderer cannot be loaded (a dependency is not installed)."""


def check_formats(formats) -> list[str]:
    out: list[str] = []
    for fmt in formats:
        fmt = fmt.strip().lower()
        if fmt not in FORMATS:
            raise InputError("--formats", 0, f"unknown format '{fmt}' (known: {', '.join(FORMATS)})")
        if fmt not in out:
            out.append(fmt)
    return out


def load_renderer(fmt: str):
    module, _ = FORMATS[fmt]
    name = f"{__package__}.render.{module}"
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise RendererMissing("--formats", 0, f"cannot make {fmt.upper()} files: {exc}") from None


def render(quiz: Quiz, fmt: str, *, paper: str = "A4") -> bytes:
    mod = load_renderer(fmt)
    fn = getattr(mod, f"render_{fmt}", None) or mod.render
    out = fn(quiz, paper=paper)
    return out.encode("utf-8") if isinstance(out, str) else out


def file_name(name: str, version: str, fmt: str) -> str:
    return f"{name}-{version}{FORMATS[fmt][1]}"


def safe_name(name: str) -> str:
    name = re.sub(r"[^\w.-]+", "-", name.strip()).strip("-.")
    return name or DEFAULT_NAME


def write_quiz(quizzes: list[Quiz], out_dir: Path, formats=tuple(FORMATS), *, name: str = DEFAULT_NAME,
               paper: str = "A4") -> list[Path]:
    """Render, then write every (version, format); returns the paths written, version by version."""
    formats = check_formats(formats)
    name = safe_name(name)
    rendered: list[tuple[Path, bytes]] = []
    for quiz in quizzes:
        for fmt in formats:
            rendered.append((Path(out_dir) / file_name(name, quiz.version, fmt), render(quiz, fmt, paper=paper)))
    out_dir = Path(out_dir)
    with build_lock(out_dir, lock_file=None), Transaction(out_dir) as txn:
        for path, data in rendered:
            remove_stale_temps(path)                # left by an older papercards killed while writing
            txn.add(path, data)
    return [path for path, _ in rendered]
