"""papercards check: report problems in the notes, write nothing."""

from __future__ import annotations

import sys

import click

from ..build import read_all
from ..items import extract
from ..notes import source_warnings
from .common import EXIT_BAD_INPUT, handle_errors, load, project_option, report


@click.command("check")
@project_option
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (empty sections, placeholders).")
@handle_errors
def check_cmd(project, strict: bool) -> None:
    """Check the notes in source/ and report what cannot be used.

    Writes nothing. Exit code 0 when the notes can be built, 1 on bad input
    (or on any warning with --strict).
    """
    config = load(project)
    notes = read_all(config)
    extraction = extract(notes, config)
    diags = source_warnings(config) + [d for n in notes for d in n.diagnostics] + extraction.diagnostics
    report(diags)
    papers = sum(len(n.papers) for n in notes)
    kinds = extraction.by_kind()
    click.echo(f"Checked {len(notes)} notes file(s): {papers} papers, {sum(kinds.values())} items, "
               f"{len(diags)} problem(s).")
    if strict and diags:
        sys.exit(EXIT_BAD_INPUT)
