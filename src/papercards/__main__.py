"""`python -m papercards` = the `papercards` command."""

from .cli import main

main(prog_name="papercards")
