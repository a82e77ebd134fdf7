"""papercards push: build, then send the notes to a running Anki through AnkiConnect."""

from __future__ import annotations

import sys

import click

from ..anki import ImagePolicy
from ..anki.connect import AnkiConnect, AnkiConnectError, push
from ..build import build
from ..fsutil import build_lock
from ..store import Store
from .common import EXIT_BAD_INPUT, ankiconnect_options, echo, handle_errors, load, project_option, report


@click.command("push")
@project_option
@ankiconnect_options("")
@handle_errors
def push_cmd(project, url: str | None, timeout: float) -> None:
    """Build, then send the deck's notes to a running Anki (AnkiConnect add-on).

    Notes already in Anki are found by their ItemId and updated in place: their
    cards keep their scheduling and review history. New notes are imported with
    the same ids as the .apkg file, so pushing and importing the file can be
    mixed. Needs Anki desktop running on this machine with the AnkiConnect
    add-on. Exit code 1 when Anki cannot be reached.
    """
    config = load(project)
    client = AnkiConnect(url or config.ankiconnect_url, timeout=timeout)
    try:
        client.check()                              # before building: say at once if Anki is not there
        with build_lock(config.cards_path):          # what the deck holds, no other build between
            result = build(config)
            store = Store.load(config.cards_path, shown_root=config.cards_dir)
        report(result.summary().diagnostics)
        pushed = push(store.records, store.papers, config.deck, client, ImagePolicy.of(config))
    except AnkiConnectError as exc:
        echo(str(exc), fg="red", err=True)
        sys.exit(EXIT_BAD_INPUT)
    for item_id, why in pushed.conflicting:
        echo(f"  not updated: {item_id}: {why}", err=True)
    echo(f"Pushed to {client.url}: {len(pushed.added)} added, {len(pushed.updated)} updated, "
               f"{len(pushed.unchanged)} unchanged"
               + (f", {len(pushed.conflicting)} not updated" if pushed.conflicting else "")
               + (f"; suspended {len(pushed.suspended)} card(s) of retired notes" if pushed.suspended else ""))
