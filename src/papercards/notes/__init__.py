"""notes: the user's Markdown files → `Paper` trees (no items, no Anki)."""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..diagnostics import Diagnostic, InputError
from ..fsutil import read_regular
from .layout import deck_folder
from .model import (ABSTRACT, CONTENT, GLOSSARY, KEYWORDS, LINKS, OTHER, REFERENCES, SUMMARY, Block, Link, ListItem,
                    NotesFile, Paper, Section, Subsection, slugify)
from .parser import parse_notes, strip_marks
from .reader import MAX_NOTES_BYTES, check_size, decode_notes

__all__ = ["ABSTRACT", "CONTENT", "GLOSSARY", "KEYWORDS", "LINKS", "OTHER", "REFERENCES", "SUMMARY", "Block", "Link",
           "ListItem", "NotesFile", "Paper", "Section", "Subsection", "slugify", "parse_notes",
           "strip_marks", "decode_notes", "read_notes", "find_notes", "source_warnings", "Diagnostic",
           "InputError", "MAX_NOTES_BYTES"]

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


def source_warnings(config: Config, notes: list[Path] | None = None) -> list[Diagnostic]:
    """Notes that come from elsewhere than the project's own files, said once per build:
    a source folder outside the project, a symbolic link in it (its text ends up on
    cards others may see). Both are read; a linked folder is not followed. ``notes``:
    `find_notes`, when the caller has it."""
    src, root = config.source_path, config.root.resolve()
    out = []
    if not src.resolve().is_relative_to(root):
        out.append(Diagnostic(config.source_dir, 0, f"source folder is outside the project folder "
                              f"({root}); read it"))
    if not src.is_dir():
        return out
    notes = set(find_notes(config) if notes is None else notes)
    for path in sorted(src.rglob("*")):
        if not path.is_symlink() or any(part.startswith(".") for part in path.relative_to(src).parts):
            continue
        shown = _shown(path, config)
        if path.is_dir():
            out.append(Diagnostic(shown, 0, f"symbolic link to a folder ({path.resolve()}); not followed, "
                                  "its notes are not read"))
        elif path in notes:
            out.append(Diagnostic(shown, 0, f"symbolic link to {path.resolve()}; read it"))
    return out


def _shown(path: Path, config: Config) -> str:
    try:
        return str(path.relative_to(config.root))
    except ValueError:
        return str(path)


def read_notes(path: Path, config: Config) -> NotesFile:
    """Read, decode and parse one notes file; warnings end up in ``.diagnostics``."""
    shown = _shown(path, config)
    try:
        check_size(path.stat().st_size, shown)      # before reading 50 MB into memory
        data = read_regular(path)
    except OSError as exc:
        raise InputError(shown, 0, f"cannot read file: {exc.strerror}") from None
    text, warnings = decode_notes(data, shown)
    notes = parse_notes(text, shown, config)
    notes.diagnostics[:0] = warnings
    if config.folder_decks is True or (config.folder_decks == "auto" and notes.one_paper):
        for paper in notes.papers:
            paper.folders = topic_folders(path, config)
    return notes


def topic_folders(path: Path, config: Config) -> list[str]:
    """The folders between the source folder and the file, as deck names
    (``source/03-robotics/grasping/X.md`` → ``03 robotics``, ``grasping``)."""
    try:
        parts = path.relative_to(config.source_path).parent.parts
    except ValueError:
        return []
    return [name for name in map(deck_folder, parts) if name]
