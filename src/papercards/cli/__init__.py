"""The command line: a thin click layer over the library, one module per command.

Exit codes: 0 success, 1 bad input (message names file and line), 2 usage
error (click's own), 3 an output could not be written, 4 internal error (a bug
in papercards; the message asks to report it, PAPERCARDS_DEBUG=1 shows the
traceback), or a worker process killed from outside (out of memory), 130
interrupted (Ctrl-C).
"""

from __future__ import annotations

import importlib

import click

from .. import __version__

# command name -> "module:attribute"; a command's module is imported only when that
# command runs (or help lists it): `papercards build` never loads the quiz renderers
# or the AnkiConnect client
COMMANDS = {
    "build": "build:build_cmd",
    "check": "check:check_cmd",
    "init": "init:init_cmd",
    "prune": "prune:prune_cmd",
    "pull": "pull:pull_cmd",
    "push": "push:push_cmd",
    "quiz": "quiz:quiz_cmd",
    "review": "review:review_cmd",
    "status": "status:status_cmd",
}


class LazyGroup(click.Group):
    """A click group that imports each command's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name].split(":")
        return getattr(importlib.import_module(f"{__name__}.{module}"), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="papercards")
def main() -> None:
    """Turn bilingual paper notes into Anki decks you can study for months.

    \b
    source/*.md  --build-->  cards/*.yaml (review, edit, suspend)  -->  decks/*.apkg
                             cards/*.yaml  --quiz-->  decks/quizzes/ (PDF, HTML, exports)
    """
