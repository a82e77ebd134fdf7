"""Each record keeps its rendered note while what the rendering reads is unchanged.

A build asks twice per record, for its checksum (`faces.note_faces`, before the
store moves ``modified``) and for the deck, and rendering is the costly part of
both. The note is kept on the record (``record.rendered``) with the ``papers``
mapping it was rendered with (the same object), the deck name, the image policy
and the record's content; ``modified`` is not part of it (the caller refreshes it).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..items.model import PaperInfo
from ..store.model import Record
from .images import ImagePolicy

MISSING = object()


def recall(record: Record, papers: Mapping[str, PaperInfo], deck_name: str, images: ImagePolicy) -> object:
    """The note (or SkipRecord) kept for this rendering, else `MISSING`."""
    memo = record.rendered
    if memo is not None and memo[0] is papers and memo[1] == _key(record, deck_name, images):
        return memo[2]
    return MISSING


def remember(record: Record, papers: Mapping[str, PaperInfo], deck_name: str, images: ImagePolicy,
             note: object) -> None:
    record.rendered = (papers, _key(record, deck_name, images), note)


def _key(record: Record, deck_name: str, images: ImagePolicy) -> tuple:
    """Everything of a record that its rendering reads, except ``modified``."""
    item = record.item
    return (deck_name, images, item.id, item.kind, tuple(item.fields.items()), item.paper,
            tuple(item.papers or ()), tuple(item.tags or ()), item.source, item.place, record.status,
            record.suspended, tuple(record.tags_anki))
