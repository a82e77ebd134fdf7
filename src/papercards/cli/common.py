"""What every command shares: finding the project, printing problems, exit codes."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from ..config import Config, load_config
from ..diagnostics import Diagnostic, InputError, printable
from ..workers import WorkerLost

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE, EXIT_WRITE, EXIT_INTERNAL = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130          # Ctrl-C: the shells' convention (128 + SIGINT)

project_option = click.option(
    "-C", "--project", "project", type=click.Path(file_okay=False, path_type=Path), default=".",
    show_default=True, help="Project folder (where papercards.yaml is).")


def ankiconnect_options(what: str):
    """``--url`` and ``--timeout`` for a command that talks to Anki through AnkiConnect."""
    def wrap(fn):
        fn = click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
                          help="Seconds each read of an AnkiConnect answer may wait (a whole answer: "
                               "6 times that).")(fn)
        return click.option("--url", default=None, metavar="URL",
                            help=f"AnkiConnect address{what} (default: ankiconnect_url in papercards.yaml, "
                                 "else http://127.0.0.1:8765).")(fn)
    return wrap


def echo(message: object = "", *, err: bool = False, fg: str | None = None) -> None:
    """Print one message: every line the CLI prints goes through here, so text from files
    and servers (names, headings, error answers) reaches the terminal as text, never as
    escape sequences or controls."""
    click.secho(printable(str(message)), fg=fg, err=err)


def load(project: Path) -> Config:
    return load_config(project)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def report(diagnostics: Iterable[Diagnostic], *, limit: int | None = 50) -> None:
    """Print warnings on stderr: placeholders once per file, then the first ``limit``
    others (all of them with ``limit=None``)."""
    diags = list(dict.fromkeys(diagnostics))
    if not diags:
        return
    placeholders = [d for d in diags if "placeholder paper" in d.message]
    notes = [d for d in diags if d.level == "note"]
    skipped = set(placeholders) | set(notes)
    rest = [d for d in diags if d not in skipped]
    if placeholders:
        by_file: dict[str, list[str]] = {}
        for d in placeholders:
            by_file.setdefault(d.file, []).append(str(d.line))
        for file, lines in by_file.items():
            echo(f"Skipped {len(lines)} placeholder paper{'s' * (len(lines) > 1)} in {file} "
                       f"(line{'s' * (len(lines) > 1)} {', '.join(lines)})", err=True)
    if notes and limit is not None:
        echo(f"{plural(len(notes), 'line')} of the notes with nothing to ask (no term, number, name or bold): "
             "cues on a card or not carded (papercards check --all lists them)", err=True)
    elif notes:
        echo_list(f"{plural(len(notes), 'line')} with nothing to ask:", [str(d) for d in notes], None)
    if rest:
        echo_list(f"{len(rest)} warning(s):", [str(d) for d in rest], limit)


def echo_list(title: str, lines: list[str], limit: int | None) -> None:
    """A titled list on stderr: the first ``limit`` lines (all with None), then how many more."""
    echo(title, err=True)
    for line in lines[:limit]:
        echo(f"  {line}", err=True)
    if limit is not None and len(lines) > limit:
        echo(f"  … and {len(lines) - limit} more (papercards check --all lists them)", err=True)


def handle_errors(fn):
    """Turn library errors into plain messages and exit codes; never a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            echo(f"error: {exc}", fg="red", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            echo(f"error: could not write {where}{exc.strerror or exc}", fg="red", err=True)
            sys.exit(EXIT_WRITE)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            echo("interrupted: cards/ and decks/ are as before (a change already committed "
                        "is finished by the next command)", fg="yellow", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except WorkerLost as exc:       # killed from outside (out of memory, kill -9): not a bug
            echo(f"error: {exc}", fg="red", err=True)
            sys.exit(EXIT_INTERNAL)
        except Exception as exc:        # a bug: still no traceback, unless asked for
            if os.environ.get("PAPERCARDS_DEBUG"):
                raise
            echo(f"error: internal error ({type(exc).__name__}: {exc}). This is a bug in "
                        "papercards, not in your files: please report it with the command you ran "
                        "(PAPERCARDS_DEBUG=1 shows the traceback).", fg="red", err=True)
            sys.exit(EXIT_INTERNAL)
    return wrapper
