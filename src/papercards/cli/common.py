"""What every command shares: finding the project, printing problems, exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from ..config import Config, load_config
from ..diagnostics import Diagnostic, InputError

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE, EXIT_WRITE = 0, 1, 2, 3

project_option = click.option(
    "-C", "--project", "project", type=click.Path(file_okay=False, path_type=Path), default=".",
    show_default=True, help="Project folder (where papercards.yaml is).")


def load(project: Path) -> Config:
    return load_config(project)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def report(diagnostics: Iterable[Diagnostic], *, limit: int = 50) -> None:
    diags = list(dict.fromkeys(diagnostics))
    if not diags:
        return
    placeholders = [d for d in diags if "placeholder paper" in d.message]
    rest = [d for d in diags if d not in placeholders]
    if placeholders:
        for file in dict.fromkeys(d.file for d in placeholders):
            lines = [str(d.line) for d in placeholders if d.file == file]
            click.echo(f"Skipped {len(lines)} placeholder paper{'s' * (len(lines) > 1)} in {file} "
                       f"(line{'s' * (len(lines) > 1)} {', '.join(lines)})", err=True)
    if rest:
        click.echo(f"{len(rest)} warning(s):", err=True)
        for d in rest[:limit]:
            click.echo(f"  {d}", err=True)
        if len(rest) > limit:
            click.echo(f"  … and {len(rest) - limit} more", err=True)


def handle_errors(fn):
    """Turn library errors into plain messages and exit codes; never a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            click.secho(f"error: could not write {where}{exc.strerror or exc}", fg="red", err=True)
            sys.exit(EXIT_WRITE)
    return wrapper
