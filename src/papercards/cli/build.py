"""papercards build: notes → cards/ → decks/."""

from __future__ import annotations

import click

from ..build import build
from .common import handle_errors, load, project_option, report


@click.command("build")
@project_option
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@handle_errors
def build_cmd(project, dry_run: bool, quiet: bool) -> None:
    """Read the notes in source/, update cards/ and write the Anki deck in decks/.

    Hand edits in cards/ are kept; items whose source is gone are retired, not
    deleted. Exit code 0 on success, 1 on bad input, 3 if an output cannot be
    written.
    """
    config = load(project)
    bar = _Progress(quiet)
    result = build(config, dry_run=dry_run, progress=bar.step)
    bar.done()
    report(result.diagnostics)
    if quiet:
        return
    kinds = result.extraction.by_kind()
    total = sum(kinds.values())
    files = len(result.notes)
    click.echo(f"Read {files} notes file{'s' * (files != 1)}: {result.paper_count} papers"
               + (f" ({result.placeholders} placeholders skipped)" if result.placeholders else ""))
    click.echo(f"Items: {total} — " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
    r = result.report
    changes = f"{len(r.new)} new, {len(r.updated)} updated, {len(r.retired)} retired, " \
              f"{len(r.conflicts)} conflicts, {len(r.hand_edited)} hand-edited kept"
    cards = config.cards_dir
    if dry_run:
        click.echo(f"Would change {len(result.cards_pending)} file(s) in {cards}/ ({changes})")
        for rel in result.cards_pending:
            click.echo(f"  {cards}/{rel}")
        click.echo("Dry run: nothing written.")
        return
    click.echo(f"Store: {len(result.cards_written)} file(s) written in {cards}/ ({changes})")
    stats = result.package
    deck = result.deck_path.relative_to(config.root) if result.deck_path.is_relative_to(config.root) \
        else result.deck_path
    click.echo(f"Deck:  {deck} — {stats.notes} notes, {stats.total_cards} cards"
               + (f", {stats.skipped} skipped" if stats.skipped else ""))


class _Progress:
    """A progress bar on stderr, only when there are many files to read."""

    def __init__(self, quiet: bool):
        self.quiet, self.count, self.bar = quiet, 0, None

    def step(self, path: str) -> None:
        self.count += 1
        if self.quiet or self.count < 20:
            return
        if self.count == 20:
            click.echo("Reading notes…", err=True)
        if self.count % 50 == 0:
            click.echo(f"  {self.count} files", err=True)

    def done(self) -> None:
        pass
