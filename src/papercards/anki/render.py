"""Record + PaperInfo → everything about its Anki note: note type, fields (HTML), images,
tags, deck, GUID and what tells it from a note with the same first field.

Pure: nothing here touches files or the clock. The parts live beside it: fields
(`fields`, from the Markdown in `blocks`), the paper's title and links (`papers`),
tags and decks (`tags`), images (`images`); `memo` keeps a record's note for the
second time a build asks.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass

import genanki

from ..diagnostics import Diagnostic
from ..items.model import PaperInfo
from ..items.place import SEPARATOR
from ..kinds import KIND
from ..store.model import Record
from ..text import render_inline
from .blocks import html_text
from .fields import SkipRecord, render_fields
from .images import NO_IMAGES, ImagePolicy, MediaFile, place_images
from .memo import MISSING, recall, remember
from .papers import card_place, papers_of, short_name
from .tags import note_deck, note_tags

RETIRED_WORD = "retired 已退役"


@dataclass
class RenderedNote:
    """Everything a genanki note needs, computed from one record."""
    item_id: str
    kind: str
    model: genanki.Model
    fields: dict[str, str]            # field name -> HTML, in the model's field order
    tags: list[str]
    deck: str                         # full deck name: "Deck::Short"
    guid: str
    mod: int                          # record.modified: when the content last changed
    suspend: bool = False
    media: tuple[MediaFile, ...] = ()          # images the card shows: packed with the deck
    media_inputs: tuple[str, ...] = ()         # local images it names, found or not (see `uptodate`)
    problems: tuple[Diagnostic, ...] = ()      # images left out, and why
    which: tuple[str, ...] = ()                # what tells it from a note with its first field (`distinct`)

    @property
    def field_list(self) -> list[str]:
        return [self.fields[f["name"]] for f in self.model.fields]


def render_record(record: Record, papers: Mapping[str, PaperInfo], deck_name: str,
                  images: ImagePolicy = NO_IMAGES) -> RenderedNote:
    """Everything about one record's Anki note. Raises SkipRecord for empty cards.

    Rendered once per content (`memo`); only the mod time is refreshed."""
    note = recall(record, papers, deck_name, images)
    if note is MISSING:
        try:
            note = _render_record(record, papers, deck_name, images)
        except SkipRecord as why:
            note = why
        remember(record, papers, deck_name, images, note)
    if isinstance(note, SkipRecord):
        raise note
    mod = int(record.modified or 0)
    return note if note.mod == mod else dataclasses.replace(note, mod=mod)


# Anki joins a note's fields with \x1f: one in a field shifts every field after it and
# the whole import fails ("note has 10 fields, expected 9"); other C0 controls are junk
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _render_record(record: Record, papers: Mapping[str, PaperInfo], deck_name: str,
                   images: ImagePolicy) -> RenderedNote:
    model, fields = render_fields(record, papers)
    fields = {name: _CONTROL.sub(" ", value) for name, value in fields.items()}
    placed = place_images(fields, record.item.source, images, home=record.home, line=record.line)
    return RenderedNote(
        item_id=record.item.id, kind=record.item.kind, model=model, fields=placed.fields,
        tags=note_tags(record, papers), deck=note_deck(record, papers, deck_name),
        guid=genanki.guid_for(record.item.id), mod=int(record.modified or 0),
        suspend=bool(record.suspended),
        media=placed.files, media_inputs=placed.inputs, problems=placed.problems,
        which=_which(record, papers, html_text(placed.fields[model.fields[0]["name"]])),
    )


def _which(record: Record, papers: Mapping[str, PaperInfo], first: str) -> tuple[str, ...]:
    """Words that tell this note from another with the same first field (``first``, as
    text), most telling first (see `distinct`): never one that gives the answer away.
    The item id comes last: no other note has it."""
    item = record.item
    kind = KIND[item.kind]
    words = [RETIRED_WORD] if record.status == "retired" else []
    info = papers.get(item.paper) if item.paper else None
    if kind.glossary:
        words += [html_text(render_inline((item.fields.get("english") or "").strip())),
                  "、".join(short_name(papers.get(k), k) for k in papers_of(item))]
    elif kind.answer_is_paper:      # only the paper's number
        words += [f"No. {info.number}"] if info and info.number is not None else []
    else:
        place = card_place(item, papers).split(SEPARATOR)
        words += [short_name(info, item.paper), html_text(render_inline(info.title)) if info else "",
                  place[-1] if len(place) > 2 else ""]
    words.append(item.id)
    return tuple(w for w in dict.fromkeys(w.strip() for w in words) if w and w.casefold() not in first.casefold())
