"""anki: items → Anki package (note types, rendering, deck tree, atomic .apkg).

    from papercards.anki import write_package
    stats = write_package(records, papers, "Papers", Path("decks/papers.apkg"))
"""

from .images import NO_IMAGES, ImagePolicy
from .notetypes import (
    CLOZE_FIELDS, CLOZE_MODEL_ID, CLOZE_NAME, NOTETYPE_MOD, QA_FIELDS, QA_MODEL_ID, QA_NAME,
    TERM_FIELDS, TERM_MODEL_ID, TERM_NAME, all_models, cloze_model, qa_model, term_model,
)
from .package import PackageStats, package_bytes, render_notes, write_package
from .blocks import render_block, render_cloze
from .faces import note_faces, portable_note
from .fields import SkipRecord, render_fields
from .mathreport import refused_math
from .render import RenderedNote, render_record
from .tags import GLOSSARY_DECK, deck_id, note_deck, note_tags, sanitize_tag

__all__ = [
    "write_package", "package_bytes", "PackageStats", "render_notes", "ImagePolicy", "NO_IMAGES",
    "render_record", "render_fields", "note_faces", "portable_note", "note_tags", "refused_math", "note_deck",
    "render_block", "render_cloze",
    "sanitize_tag", "deck_id", "RenderedNote", "SkipRecord", "GLOSSARY_DECK",
    "term_model", "qa_model", "cloze_model", "all_models", "NOTETYPE_MOD",
    "TERM_MODEL_ID", "QA_MODEL_ID", "CLOZE_MODEL_ID", "TERM_NAME", "QA_NAME", "CLOZE_NAME",
    "TERM_FIELDS", "QA_FIELDS", "CLOZE_FIELDS",
]
