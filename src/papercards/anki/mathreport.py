"""Warnings for math that cards show as text (TeX commands outside the allow-list)."""

from __future__ import annotations

from collections.abc import Mapping

from ..diagnostics import Diagnostic
from ..items.model import PaperInfo
from ..store.merge import content_of
from ..store.model import Record
from ..text.inline import refused_tex


def refused_math(records: list[Record], papers: Mapping[str, PaperInfo], cards_dir: str) -> list[Diagnostic]:
    """A warning for each place whose math uses TeX commands outside the allow-list
    (`papercards.text.texmath`): its cards show them as text. The place is the notes
    line, or the item in cards/ when the math is in a hand edit; each is named once."""
    found: dict[tuple[str, int], dict[str, None]] = {}

    def look(place: tuple[str, int], text: object) -> None:
        for line in str(text or "").splitlines():
            refused = refused_tex(line)
            if refused:
                found.setdefault(place, {}).update(dict.fromkeys(refused))

    for info in papers.values():
        for text in (info.title, info.title_zh):
            look(_source_place(info.source), text)
    for rec in records:
        for value in rec.item.fields.values():
            look(_record_place(rec, cards_dir), value)
    return [Diagnostic(file, line, f"math command{'s' if len(names) > 1 else ''} {', '.join(names)} "
                       "not allowed on cards (only common TeX math is); shown as text")
            for (file, line), names in sorted(found.items())]


def _record_place(rec: Record, cards_dir: str) -> tuple[str, int]:
    """Where a record's text comes from: its YAML file for a hand edit, else its notes line."""
    if rec.home and (rec.origin == "manual" or content_of(rec.item) != rec.fingerprint):
        return f"{cards_dir}/{rec.home}", rec.line
    return _source_place(rec.item.source)


def _source_place(source: str | None) -> tuple[str, int]:
    file, _, line = (source or "").rpartition(":")
    return (file, int(line)) if file and line.isdigit() else (source or "", 0)
