"""papercards check: report problems in the notes and doubtful cards, write nothing."""

from __future__ import annotations

import sys

import click

from ..build import prepare
from ..items.judge import review
from .common import EXIT_BAD_INPUT, echo, echo_list, handle_errors, load, plural, project_option, report


@click.command("check")
@project_option
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (empty sections, placeholders).")
@click.option("--all", "show_all", is_flag=True, help="Print every warning and doubtful card, not the first 50.")
@handle_errors
def check_cmd(project, strict: bool, show_all: bool) -> None:
    """Check the notes in source/ and the cards they make; report what to look at.

    Lists the problems in the notes (file:line) and the generated cards that
    may not be worth studying as they are (too long, a generic front, a likely
    duplicate, a weak blank, a term with several translations, a keyword
    translation the paper's abstract spells otherwise), each with its item id
    and its place in cards/, to suspend or edit. Hand edits in cards/ are
    judged too. Writes nothing. Exit code 0 when the notes can be built, 1 on
    bad input (or on any warning with --strict).
    """
    config = load(project)
    result, _, planned = prepare(config)
    extraction = result.extraction
    limit = None if show_all else 50
    report(result.diagnostics, limit=limit)
    active = [r for r in result.records if r.status != "retired" and not r.suspended]
    doubts = sorted(set(review([r.item for r in active])
                        + [d for d in extraction.doubts if d.item_id in {r.id for r in active}]))
    where = _places(result.records, planned, config.cards_dir)
    if doubts:
        echo_list(f"{plural(len(doubts), 'doubtful card')} (suspend or edit them in {config.cards_dir}/):",
                  [f"{where.get(d.item_id, config.cards_dir)}: {d.item_id}: {d.reason}" for d in doubts], limit)
    kinds = extraction.by_kind()
    papers = result.paper_count
    echo(f"Checked {len(result.notes)} notes file(s): {papers} papers, {sum(kinds.values())} items, "
         f"{plural(len(set(d for d in result.diagnostics if d.level != 'note')), 'problem')}, "
         f"{plural(len(doubts), 'doubtful card')}.")
    problems = [d for d in result.diagnostics if d.level != "note"]
    if strict and (problems or doubts):
        sys.exit(EXIT_BAD_INPUT)


def _places(records, planned: dict[str, str], cards_dir: str) -> dict[str, str]:
    """``cards/<file>:<line>`` of each item, as the next build writes it."""
    out: dict[str, str] = {}
    for home, text in planned.items():
        for n, line in enumerate(text.split("\n"), 1):
            if line.startswith("- id: "):
                out[line[6:].strip().strip("'\"")] = f"{cards_dir}/{home}:{n}"
    return out



