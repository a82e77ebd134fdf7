"""papercards build: notes → cards/ → decks/."""

from __future__ import annotations

import click

from ..build import build
from .common import echo, handle_errors, load, plural, project_option, report


@click.command("build")
@project_option
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("--force", is_flag=True, help="Rebuild even when nothing changed since the last build, without "
              "reading .papercards-cache/, and go on when a config change would retire more than half of the items.")
@handle_errors
def build_cmd(project, dry_run: bool, quiet: bool, force: bool) -> None:
    """Read the notes in source/, update cards/ and write the Anki deck in decks/.

    Hand edits in cards/ are kept; items whose source is gone are retired, not
    deleted. cards/ and the deck change all at once, even if the build is
    killed; a second build in the same folder waits for this one. Exit code 0
    on success, 1 on bad input, 3 if an output cannot be written.
    """
    config = load(project)
    bar = _Progress(quiet)
    result = build(config, dry_run=dry_run, force=force, progress=bar.step)
    summary = result.summary()
    report(summary.diagnostics)
    if quiet:
        return
    total = sum(summary.kinds.values())
    echo(f"Read {plural(summary.files, 'notes file')}: {plural(summary.papers, 'paper')}"
               + (f" ({plural(summary.placeholders, 'placeholder')} skipped)" if summary.placeholders else ""))
    echo(f"Items: {total}" + (" — " + ", ".join(f"{n} {k}" for k, n in summary.kinds.items())
                                    if total else ""))
    c = summary.changes
    changes = f"{c['new']} new, {c['updated']} updated, {c['retired']} retired, " \
              f"{c['conflicts']} conflicts, {c['hand_edited']} hand-edited kept" \
              + (f", {c['dropped']} dropped (made only under the settings just put back)" if c.get("dropped") else "")
    cards = config.cards_dir
    if dry_run:
        echo(f"Would change {len(result.cards_pending)} file(s) in {cards}/ ({changes})")
        for rel in result.cards_pending:
            echo(f"  {cards}/{rel}")
        echo("Dry run: nothing written.")
        return
    if summary.up_to_date:
        echo("Store: up to date, nothing changed since the last build (use --force to rebuild)")
    else:
        echo(f"Store: {len(summary.cards_written)} file(s) written in {cards}/ ({changes})")
    deck = result.deck_path.relative_to(config.root) if result.deck_path.is_relative_to(config.root) \
        else result.deck_path
    echo(f"Deck:  {deck} — {summary.notes} notes, {summary.cards} cards"
               + (f", {summary.skipped} skipped" if summary.skipped else ""))


class _Progress:
    """The build's stages on stderr, once the build is big enough to take a while
    (a small one is done before a progress line would help)."""

    def __init__(self, quiet: bool):
        self.quiet, self.big = quiet, False

    def step(self, message: str, big: bool) -> None:
        self.big = self.big or big
        if self.big and not self.quiet:
            echo(message, err=True)

