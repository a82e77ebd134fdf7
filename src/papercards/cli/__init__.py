"""The command line: a thin click layer over the library, one module per command.

Exit codes: 0 success, 1 bad input (message names file and line), 2 usage
error (click's own), 3 an output could not be written, 4 internal error (a bug
in papercards; the message asks to report it, PAPERCARDS_DEBUG=1 shows the
traceback).
"""

from __future__ import annotations

import click

from .. import __version__
from .build import build_cmd
from .check import check_cmd
from .init import init_cmd
from .push import push_cmd
from .quiz import quiz_cmd
from .status import status_cmd


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="papercards")
def main() -> None:
    """Turn bilingual paper notes into Anki decks you can study for months.

    \b
    source/*.md  --build-->  cards/*.yaml (review, edit, suspend)  -->  decks/*.apkg
                             cards/*.yaml  --quiz-->  decks/quizzes/ (PDF, HTML, exports)
    """


main.add_command(build_cmd)
main.add_command(check_cmd)
main.add_command(init_cmd)
main.add_command(status_cmd)
main.add_command(push_cmd)
main.add_command(quiz_cmd)
