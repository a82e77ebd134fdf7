"""papercards pull: bring what the learner did in Anki back into cards/."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..anki.connect import AnkiConnect, AnkiConnectError
from ..store.history import history_path
from .common import EXIT_BAD_INPUT, ankiconnect_options, echo, handle_errors, load, plural, project_option

SHOWN = 20          # ids listed per kind of change


@click.command("pull")
@project_option
@click.argument("collection", required=False, type=click.Path(dir_okay=False, path_type=Path))
@ankiconnect_options(" when no COLLECTION is given")
@handle_errors
def pull_cmd(project, collection: Path | None, url: str | None, timeout: float) -> None:
    """Bring back into cards/ what you did in Anki: field edits (as hand edits),
    suspended notes (suspended: true), your own tags (tags_anki:, shipped back by
    the next build) and the review history (cards/.history.json).

    COLLECTION is a collection.anki2 (with Anki closed), or a .colpkg or .apkg
    exported with scheduling; without it, the running Anki is read through
    AnkiConnect. Anki is never written to. Notes deleted in Anki are listed,
    not deleted from cards/. Run it before 'papercards build': an edit in Anki
    whose item the notes changed since is then kept, and the conflict recorded.
    """
    from ..anki.collection import read_collection, read_running_anki
    from ..anki.pull import pull
    config = load(project)
    if collection is not None:
        source = str(collection)
        notes = read_collection(collection)
    else:
        client = AnkiConnect(url or config.ankiconnect_url, timeout=timeout)
        source = client.url
        try:
            notes = read_running_anki(client, config.deck)
        except AnkiConnectError as exc:
            echo(str(exc), fg="red", err=True)
            sys.exit(EXIT_BAD_INPUT)
    report = pull(config, notes)
    show(report, source, config.cards_dir, len(notes))
    echo(f"Wrote {plural(len(report.written), 'file')} in {config.cards_dir}/ and the history of "
         f"{plural(len(report.history), 'item')} to {config.cards_dir}/{history_path(Path()).name}."
         + (" Run 'papercards build' to ship them." if report.written else ""))


def show(report, source: str, cards_dir: str, notes: int) -> None:
    """What the pull found, one list per kind of change."""
    echo(f"Pulled {plural(notes, 'note')} from {source}.")
    lists = [
        ("edited in Anki, now hand edits in cards/", [f"{i} ({', '.join(f)})" for i, f in report.edited.items()]),
        ("suspended in Anki, now suspended: true", report.suspended),
        ("with your own tags in Anki, now under tags_anki", [f"{i}: {' '.join(t) or '(none)'}" for i, t in report.tagged.items()]),
        ("edited in a field papercards makes (not kept; edit the notes or cards/)",
         [f"{i} ({name})" for i, name in report.not_kept]),
        ("older in Anki than in cards/ (import the deck or push to update them)", report.older),
        ("under a copy of papercards' note type in Anki (not read)", report.other_type),
        (f"not in Anki (deleted there, or not imported yet; {cards_dir}/ keeps them)", report.missing),
        (f"in Anki, but no item in {cards_dir}/ has their ItemId", report.unknown),
    ]
    for title, ids in lists:
        if ids:
            echo(f"{len(ids)} {title}:")
            for line in ids[:SHOWN]:
                echo(f"  {line}")
            if len(ids) > SHOWN:
                echo(f"  … and {len(ids) - SHOWN} more")
