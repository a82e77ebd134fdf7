"""Matching what the notes say now to what the store already holds.

Ids are derived from text (a claim's anchor is a hash of its question), so an
edited sub-heading or a fixed title typo would mint a new id and orphan the
card's review history. These functions find the old id back: same paper, same
kind, clearly the same text. One-to-one and deterministic: candidate pairs
are taken best score first, ties broken by id.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from ..items.model import Item, PaperInfo
from ..text.lang import normalize

# Tuned on edits of the shipped notes (tests/test_identity.py): light rewording
# of a bullet scores 0.75-0.95, a different bullet of the same paper < 0.45.
ITEM_THRESHOLD = 0.6
TITLE_THRESHOLD = 0.8

# The text that says what an item is about, per kind (what a human would compare).
_IDENTITY_FIELDS = {
    "term": ("term", "english", "chinese"),
    "definition": ("term", "definition"),
    "claim": ("question", "answer"),
    "cloze": ("text",),
    "paper": ("english", "chinese"),
    "method": ("method",),
    "summary": ("summary",),
    "sentence": ("english", "chinese"),
}


def identity_text(item: Item) -> str:
    return " ".join(normalize(item.fields.get(f, "")) for f in _IDENTITY_FIELDS.get(item.kind, ()))


def similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    m = SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < 0.3 or m.quick_ratio() < 0.3:
        return 0.0
    return m.ratio()


def match_items(new: list[Item], old: list[Item], threshold: float = ITEM_THRESHOLD) -> dict[str, str]:
    """{new id: old id} for unmatched new items that are edits of unmatched old ones."""
    pairs = []
    old_by_group: dict[tuple, list[tuple[Item, str]]] = {}
    for o in old:
        old_by_group.setdefault((o.kind, o.paper), []).append((o, identity_text(o)))
    for n in new:
        text = identity_text(n)
        for o, otext in old_by_group.get((n.kind, n.paper), []):
            score = similarity(text, otext)
            if n.kind == "claim":   # the question is the identity; the answer may be rewritten
                score = max(score, similarity(normalize(n.fields.get("question", "")),
                                              normalize(o.fields.get("question", ""))) * 0.95)
            if score >= threshold:
                pairs.append((-score, n.id, o.id))
    pairs.sort()
    out: dict[str, str] = {}
    used: set[str] = set()
    for _, nid, oid in pairs:
        if nid not in out and oid not in used:
            out[nid] = oid
            used.add(oid)
    return out


def match_papers(new: dict[str, PaperInfo], old: dict[str, PaperInfo]) -> dict[str, str]:
    """{new key: old key} for papers whose key changed (a title fix when there is no OpenReview id)."""
    gone = {k: p for k, p in old.items() if k not in new}
    fresh = {k: p for k, p in new.items() if k not in old}
    pairs = []
    for nk, np in fresh.items():
        for ok, op in gone.items():
            same_link = any(x and x == y for x, y in ((np.pdf, op.pdf), (np.openreview, op.openreview)))
            score = 1.0 if same_link else similarity(normalize(np.title), normalize(op.title))
            if np.title_zh and op.title_zh and np.title_zh == op.title_zh:
                score = max(score, 0.9)
            if score >= TITLE_THRESHOLD:
                pairs.append((-score, nk, ok))
    pairs.sort()
    out: dict[str, str] = {}
    used: set[str] = set()
    for _, nk, ok in pairs:
        if nk not in out and ok not in used:
            out[nk] = ok
            used.add(ok)
    return out
