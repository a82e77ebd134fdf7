"""A note's tags and deck: sanitised for Anki, named after the paper and the kind."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from ..items.model import PaperInfo
from ..kinds import KIND
from ..store.model import Record
from .papers import papers_of, short_name

GLOSSARY_DECK = "Glossary 术语"
TAG_PREFIX = "papercards"
RETIRED_TAG = "papercards::retired"
SUSPENDED_TAG = "papercards::suspended"


@lru_cache(maxsize=1 << 14)
def sanitize_tag(tag: str) -> str:
    """A tag Anki keeps as one tag: whitespace → ``_``, no control characters, no empty
    ``::`` components. Any script is kept (CJK included)."""
    tag = unicodedata.normalize("NFC", tag or "")
    tag = re.sub(r"\s+", "_", tag.strip()).replace('"', "")
    tag = "".join(c for c in tag if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    return "::".join(p for p in (part.strip("_") for part in tag.split("::")) if p)


def _dedupe_tags(tags: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for t in tags:
        t = sanitize_tag(t)
        if t and t.casefold() not in seen:       # Anki tags are case-insensitive
            seen.add(t.casefold())
            out.append(t)
    return out


def sanitize_deck_part(name: str) -> str:
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    return re.sub(r"\s+", " ", name.replace("::", ":")).strip()


def deck_path(deck_name: str, *parts: str) -> str:
    root = "::".join(p for p in (sanitize_deck_part(x) for x in deck_name.split("::")) if p) or "papercards"
    sub = [p for p in (sanitize_deck_part(x) for x in parts) if p]
    return "::".join([root, *sub])


def deck_id(full_name: str) -> int:
    """Deterministic deck id from the deck's full name, in genanki's range [2**30, 2**31)."""
    h = int.from_bytes(hashlib.sha1(full_name.encode("utf-8")).digest()[:8], "big")
    return (1 << 30) + h % (1 << 30)


def note_tags(record: Record, papers: Mapping[str, PaperInfo]) -> list[str]:
    item = record.item
    tags = list(item.tags or [])
    tags.append(f"{TAG_PREFIX}::kind::{item.kind}")
    for key in papers_of(item):
        short = short_name(papers.get(key), key)
        if short:
            tags.append(f"{TAG_PREFIX}::paper::{short}")
    if item.paper and item.paper in papers:          # the paper's keywords, as the author wrote them
        tags.extend(f"{TAG_PREFIX}::kw::{kw}" for kw in papers[item.paper].tags)
    if record.status == "retired":
        tags.append(RETIRED_TAG)
    if record.suspended:
        tags.append(SUSPENDED_TAG)
    return _dedupe_tags(tags + list(record.tags_anki))


def note_deck(record: Record, papers: Mapping[str, PaperInfo], deck_name: str) -> str:
    item = record.item
    if KIND[item.kind].glossary:
        return deck_path(deck_name, GLOSSARY_DECK)
    if item.paper:
        info = papers.get(item.paper)
        return deck_path(deck_name, *(info.folders if info else ()), short_name(info, item.paper))
    return deck_path(deck_name)
