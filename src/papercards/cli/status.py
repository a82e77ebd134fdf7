"""papercards status: what the next build would change."""

from __future__ import annotations

import click

from ..build import prepare
from ..fsutil import build_lock
from .common import handle_errors, load, project_option


@click.command("status")
@project_option
@handle_errors
def status_cmd(project) -> None:
    """Show what changed in the notes since the last build: new, updated,
    retired and conflicting items, and items edited by hand. Writes nothing."""
    config = load(project)
    with build_lock(config.cards_path):
        result, _, _ = prepare(config)
    r = result.report
    rows = [("new", r.new), ("updated", r.updated), ("retired", r.retired), ("revived", r.revived),
            ("conflicts", [i for i, _ in r.conflicts]), ("hand-edited", r.hand_edited)]
    if not any(ids for _, ids in rows):
        click.echo("Up to date: the next build changes nothing.")
        return
    for name, ids in rows:
        if ids:
            click.echo(f"{name} ({len(ids)}):")
            for i in ids[:30]:
                click.echo(f"  {i}")
            if len(ids) > 30:
                click.echo(f"  … and {len(ids) - 30} more")
    for _, message in r.conflicts:
        click.echo(message)
