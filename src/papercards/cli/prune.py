"""papercards prune: remove retired items from cards/, after showing what goes."""

from __future__ import annotations

import sys

import click

from ..build import deck_file
from ..fsutil import build_lock
from ..store import Store
from .common import EXIT_BAD_INPUT, echo, handle_errors, load, plural, project_option


@click.command("prune")
@project_option
@click.option("-y", "--yes", is_flag=True, help="Do not ask: remove them (for scripts).")
@handle_errors
def prune_cmd(project, yes: bool) -> None:
    """Remove the retired items (status: retired) from cards/, after listing them and
    asking. Files left without items are removed too; all of it changes at once.

    Anki keeps the notes it has: the next build leaves them out of the deck, so
    they keep the tag papercards::retired they already got. An item pruned here
    whose text comes back in the notes is made anew. Exit code 0 when done or
    nothing to prune, 1 when not confirmed, 3 if cards/ cannot be written.
    """
    config = load(project)
    with build_lock(config.cards_path):
        store = Store.load(config.cards_path, shown_root=config.cards_dir)
        retired = [r for r in store.records if r.status == "retired"]
        if not retired:
            echo(f"Nothing to prune: no retired item in {config.cards_dir}/.")
            return
        echo(f"{plural(len(retired), 'retired item')} to remove from {config.cards_dir}/:")
        for rec in retired:
            echo(f"  {config.cards_dir}/{rec.home}:{rec.line}: {rec.id}")
        if not yes and not click.confirm("Remove them?", default=False):
            echo("Nothing removed.", err=True)
            sys.exit(EXIT_BAD_INPUT)
        gone = {r.id for r in retired}
        kept = [r for r in store.records if r.id not in gone]
        written = store.write(store.plan(kept, store.papers))
    echo(f"Pruned {plural(len(retired), 'item')}: {plural(len(written), 'file')} changed in {config.cards_dir}/. "
         f"Run 'papercards build' to leave them out of {deck_file(config).name}.")
