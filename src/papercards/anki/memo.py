"""Each record keeps its rendered note while what the rendering reads is unchanged.

A build asks twice per record, for its checksum (`faces.note_faces`, before the
store moves ``modified``) and for the deck, and rendering is the costly part of
both. The note is kept on the record (``record.rendered``) with the ``papers``
mapping it was rendered with (the same object), the deck name, the image policy
and the record's content; ``modified`` is not part of it (the caller refreshes it).
A build also keeps notes from one build to the next (`papercards.cache`), by
`lasting_key`; a note that read image files is not kept that way (`lasting`).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..items.model import PaperInfo
from ..store.model import Record
from .images import ImagePolicy
from .papers import papers_of

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


def _key(record: Record, deck_name: str, images: ImagePolicy, fields: tuple | None = None) -> tuple:
    """Everything of a record that its rendering reads, except ``modified``."""
    item = record.item
    fields = tuple(item.fields.items()) if fields is None else fields
    return (deck_name, images, item.id, item.kind, fields, item.paper,
            tuple(item.papers or ()), tuple(item.tags or ()), item.source, item.place, record.status,
            record.suspended, tuple(record.tags_anki))


def lasting_key(record: Record, papers: Mapping[str, PaperInfo], deck_name: str, images: ImagePolicy) -> tuple:
    """Everything a `lasting` note's rendering reads, for a note kept beyond this
    build: its record's content (as above) and the papers it shows, by value. The
    rendering reads a field by its name, empty when missing: the store drops empty
    fields, so a record read back from cards/ has the key it was made with."""
    fields = tuple(sorted((k, v) for k, v in record.item.fields.items() if v))
    return (_key(record, deck_name, images, fields), [(k, papers.get(k)) for k in papers_of(record.item)])


def lasting(note: object) -> bool:
    """A note that can be kept by `lasting_key`: one whose images read no file and
    warned of nothing. (An image's bytes can change under the same record, and a
    warning names the record's line in cards/ or looks for it in the notes file.)"""
    return not getattr(note, "media_inputs", ()) and not getattr(note, "problems", ())
