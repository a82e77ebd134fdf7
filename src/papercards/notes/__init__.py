"""notes: the user's Markdown files → `Paper` trees (no items, no Anki)."""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..diagnostics import Diagnostic, InputError
from .model import (ABSTRACT, CONTENT, KEYWORDS, LINKS, OTHER, SUMMARY, Block, Link, ListItem,
                    NotesFile, Paper, Section, Subsection, slugify)
from .parser import parse_notes, strip_marks
from .reader import MAX_NOTES_BYTES, check_size, decode_notes

__all__ = ["ABSTRACT", "CONTENT", "KEYWORDS", "LINKS", "OTHER", "SUMMARY", "Block", "Link",
           "ListItem", "NotesFile", "Paper", "Section", "Subsection", "slugify", "parse_notes",
           "strip_marks", "decode_notes", "read_notes", "find_notes", "Diagnostic", "InputError",
           "MAX_NOTES_BYTES"]

NOTE_SUFFIXES = (".md", ".markdown")


def find_notes(config: Config) -> list[Path]:
    """All notes files under the source folder, in a stable order."""
    src = config.source_path
    if src.is_file():
        return [src]
    if not src.is_dir():
        raise InputError(config.source_dir, 0, "source folder does not exist "
                         "(run 'papercards init' or set source_dir in papercards.yaml)")
    return sorted(p for p in src.rglob("*") if p.suffix.lower() in NOTE_SUFFIXES and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(src).parts))


def read_notes(path: Path, config: Config) -> NotesFile:
    """Read, decode and parse one notes file; warnings end up in ``.diagnostics``."""
    try:
        shown = str(path.relative_to(config.root))
    except ValueError:
        shown = str(path)
    try:
        check_size(path.stat().st_size, shown)      # before reading 50 MB into memory
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(shown, 0, f"cannot read file: {exc.strerror}") from None
    text, warnings = decode_notes(data, shown)
    notes = parse_notes(text, shown, config)
    notes.diagnostics[:0] = warnings
    return notes
