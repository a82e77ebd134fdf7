"""papercards status: what the next build would change."""

from __future__ import annotations

import click

from ..build import conflict_diagnostics, prepare
from ..fsutil import build_lock
from ..store import Store
from .common import echo, handle_errors, load, project_option


@click.command("status")
@project_option
@handle_errors
def status_cmd(project) -> None:
    """Show what changed in the notes since the last build: new, updated,
    retired and conflicting items, and items edited by hand. Writes nothing."""
    config = load(project)
    with build_lock(config.cards_path):
        shipped = {r.id: r.checksum for r in Store.load(config.cards_path, config.cards_dir).records}
        result, _, _ = prepare(config)
    r = result.report
    # what reaches Anki: new notes, and notes whose face changed (text, a fixed title,
    # a new link or keyword shown on them, a suspension), whatever the reason
    to_anki = [rec.id for rec in result.records if rec.id in shipped and shipped[rec.id] != rec.checksum]
    rows = [("new", r.new), ("updated", r.updated), ("retired", r.retired), ("revived", r.revived),
            ("conflicts", [i for i, _ in r.conflicts]), ("hand-edited", r.hand_edited)]
    for name, ids in rows:
        if ids:
            echo(f"{name} ({len(ids)}):")
            for i in ids[:30]:
                echo(f"  {i}")
            if len(ids) > 30:
                echo(f"  … and {len(ids) - 30} more")
    for d in conflict_diagnostics(result, config):       # cards/…yaml: item … was edited by hand …
        echo(str(d))
    if not (r.changed or to_anki or result.cards_pending):
        echo("Up to date: the next build changes nothing.")
        return
    echo(f"Next build: {len(result.cards_pending)} file(s) in {config.cards_dir}/ rewritten; "
               f"{len(r.new)} new and {len(to_anki)} changed note(s) for Anki.")
