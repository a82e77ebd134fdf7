"""What a deck written before gave Anki: the GUIDs of its notes.

Anki knows a note by its GUID, derived from the item id (`genanki.guid_for`),
so the last deck tells which ids a learner may already study.
"""

from __future__ import annotations

import sqlite3
import tempfile
import zipfile
from pathlib import Path

import genanki


def shipped_guids(deck: Path) -> set[str]:
    """The GUIDs of the notes in ``deck``; empty when there is none or it cannot be read."""
    try:
        with zipfile.ZipFile(deck) as zf:
            data = zf.read("collection.anki2")
    except (OSError, KeyError, zipfile.BadZipFile):
        return set()
    with tempfile.TemporaryDirectory(prefix="papercards-") as tmp:
        db = Path(tmp) / "collection.anki2"
        db.write_bytes(data)
        try:
            conn = sqlite3.connect(db)
            try:
                return {guid for (guid,) in conn.execute("SELECT guid FROM notes")}
            finally:
                conn.close()
        except sqlite3.Error:
            return set()


def guid_of(item_id: str) -> str:
    return genanki.guid_for(item_id)
