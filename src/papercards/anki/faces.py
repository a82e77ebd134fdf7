"""A digest of what the learner sees of each note (the store's checksum), and notes in a
form small enough to send between processes: the caller decides how to map them."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..items.model import PaperInfo
from ..store.model import Record
from .distinct import distinct_first_fields
from .fields import SkipRecord
from .images import NO_IMAGES, ImagePolicy
from .memo import remember
from .notetypes import all_models
from .render import RenderedNote, render_record


Portable = tuple  # (model id, note without its Model) or (None, SkipRecord)


def portable_note(record: Record, papers: Mapping[str, PaperInfo], deck_name: str,
                  images: ImagePolicy = NO_IMAGES) -> Portable:
    """One record's note, small to send between processes: (model id, note without its
    Model) or (None, SkipRecord). Pure: the caller may run it in any process."""
    try:
        note = render_record(record, papers, deck_name, images)
    except SkipRecord as why:
        return None, why
    return note.model.model_id, dataclasses.replace(note, model=None)


def note_faces(records: list[Record], papers: Mapping[str, PaperInfo], deck_name: str,
               images: ImagePolicy = NO_IMAGES, *,
               map_records: Callable[[Callable[[Record], Portable], list[Record]], Iterable[Portable]] = map,
               ) -> list[str]:
    """A digest of what the learner sees of each record's note in Anki.

    The store moves a record's modification time when it changes, so a fixed
    title typo or a new link reaches notes already in Anki. Every field counts,
    first fields as the deck has them (`distinct`): one left out would go stale
    in Anki (an import keeps a note whose time did not move); the Source field
    names a heading, not a line, so lines added above do not touch the note.
    ``map_records`` maps `portable_note` over the records in order (the builtin
    ``map`` by default; a build may spread it over processes); each record keeps
    its rendered note for the deck."""
    rendered = map_records(lambda rec: portable_note(rec, papers, deck_name, images), records)
    models = {model.model_id: model for model in all_models()}
    notes: list[Any] = []
    for rec, (model_id, note) in zip(records, rendered):
        if model_id is not None:        # one Model object per note type, as a one-process build has
            note.model = models[model_id]
        remember(rec, papers, deck_name, images, note)
        notes.append(note)
    # what ships: first fields told apart over the whole deck, as `package.render_notes` does
    shipped = iter(distinct_first_fields([n for n in notes if not isinstance(n, SkipRecord)]))
    return [_face(note if isinstance(note, SkipRecord) else next(shipped)) for note in notes]


def _face(note: RenderedNote | SkipRecord) -> str:
    if isinstance(note, SkipRecord):
        return f"skip:{note}"
    blob = repr((note.model.name, sorted(note.fields.items()), note.tags, note.suspend))
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:12]
