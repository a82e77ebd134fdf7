"""Links to other notes files on a card: the other paper's name, never a dead link.

``见 [SimPO](../dpo/SimPO_2024.md)`` points at a file on the author's disk,
which no phone can open. On a card it becomes the text the author wrote,
with the other paper's short name when the text does not already say it
(``见 这篇（SimPO）``); a link to a file that is no paper of the notes keeps
only its text.
"""

from __future__ import annotations

import posixpath
import re

from ..notes import Paper
from .model import Item

_NOTES_LINK = re.compile(r"(?<!!)\[([^\[\]\n]*)\]\(\s*<?((?![a-z][a-z0-9+.-]*:)[^()\s<>]*?\.(?:md|markdown))"
                         r"(?:#[^()\s<>]*)?>?(?:\s+\"[^\"]*\")?\s*\)", re.I)


def name_linked_notes(items: list[Item], papers: dict[str, tuple[Paper, str]]) -> list[Item]:
    """Rewrite links to notes files in every field; ``papers``: paper key → (paper, short name)."""
    by_file = {posixpath.normpath(p.file): short for p, short in papers.values()}
    files = {key: p.file for key, (p, _) in papers.items()}
    for item in items:
        here = files.get(item.paper or "") or item.source.rsplit(":", 1)[0]
        for name, value in item.fields.items():
            if value and "](" in value:
                item.fields[name] = _NOTES_LINK.sub(lambda m: _named(m, here, by_file), value)
    return items


def _named(m: re.Match, here: str, by_file: dict[str, str]) -> str:
    text = m.group(1).strip()
    short = by_file.get(posixpath.normpath(posixpath.join(posixpath.dirname(here), m.group(2))), "")
    if not short or short.casefold() in text.casefold():
        return text or short
    return f"{text}（{short}）" if text else short
