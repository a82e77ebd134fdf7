"""Matching what the notes say now to what the store already holds.

Ids are derived from text (a claim's anchor is a hash of its question), so an
edited sub-heading or a fixed title typo would mint a new id and orphan the
card's review history. These functions find the old id back: same paper, same
kind, clearly the same text. One-to-one and deterministic: candidate pairs
are taken best score first, ties broken by id.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from ..items.model import Item, PaperInfo
from ..kinds import KIND
from ..text.lang import normalize

# Tuned on real edits of the shipped notes (tests/test_identity.py, run with -s to
# print the table). Measured with difflib's ratio on the normalised text:
#   light edits (a word changed or added, a heading reworded or rewritten over the
#   same text, a bullet deleted from a list, a cloze sentence turned around, an
#   abstract sentence reworded in both languages): 0.757 (turned-around cloze),
#   0.83-0.99 for the rest;
#   different items of the same paper and kind: 0.407 at most (two headings of the
#   UNA paper), other claims 0.00-0.27, abstract sentences <= 0.35, a rewritten
#   cloze 0.375, a heading rewritten together with its text 0.00.
# 0.6 leaves a margin of ~0.15 on both sides. Terms, definitions and methods are not
# matched on this score: their id is their name, and different names score high
# (implicit/explicit reward 0.81, pointwise/pairwise noise 0.78, DPO/NS-DPO 0.78),
# so they match only when `same_name` says the names are one spelling apart.
ITEM_THRESHOLD = 0.6
TITLE_THRESHOLD = 0.8

def identity_text(item: Item) -> str:
    kind = KIND.get(item.kind)
    return " ".join(normalize(item.fields.get(f, "")) for f in (kind.identity if kind else ()))


def similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    m = SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < 0.3 or m.quick_ratio() < 0.3:
        return 0.0
    return m.ratio()


def _without_shared_lead(a: str, b: str) -> tuple[str, str]:
    """Two questions without the lead they share up to a separator: the paper's name
    ("Iterative DPO：DPO问题？" / "Iterative DPO 的作用效果？") makes any two questions
    of one paper look alike; what they ask is what follows it."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    cut = max(a.rfind(sep, 0, n) for sep in ("：", ":", " ", "—"))
    return (a[cut + 1:], b[cut + 1:]) if cut > 0 else (a, b)


def same_name(a: str, b: str) -> bool:
    """Two spellings of one name: a typo, a hyphen or a plural apart, nothing more.

    Words (Latin runs) and Chinese characters must match one for one, except a
    single Latin word of five letters or more that may differ by one edit
    (``Referance``/``Reference``, ``drift``/``drifts``); joining or splitting
    words is free (``Overoptimization``/``Over-optimization``). So ``implicit
    reward``/``explicit reward``, ``pointwise``/``pairwise noise``, ``DPO``/``NS-DPO``
    and ``RLHF``/``RLAIF`` are different names, although their texts score 0.6–0.87.
    """
    ta, tb = _name_tokens(a), _name_tokens(b)
    if not ta or not tb:
        return False
    if "".join(ta) == "".join(tb):
        return True
    if len(ta) != len(tb):
        return False
    diff = [(x, y) for x, y in zip(ta, tb) if x != y]
    if len(diff) != 1:
        return False
    x, y = diff[0]
    return (x.isascii() and y.isascii() and min(len(x), len(y)) >= 5 and _one_edit(x, y))


def _name_tokens(s: str) -> list[str]:
    return _TOKEN.findall(normalize(s))


_TOKEN = re.compile(r"[^\W_\u3400-\u9fff\uf900-\ufaff]+|[\u3400-\u9fff\uf900-\ufaff]")


def _one_edit(x: str, y: str) -> bool:
    """One insertion, deletion, substitution or swap of two neighbours."""
    if abs(len(x) - len(y)) > 1:
        return False
    i = 0
    while i < min(len(x), len(y)) and x[i] == y[i]:
        i += 1
    return (x[i + 1:] == y[i + 1:] or x[i + 1:] == y[i:] or x[i:] == y[i + 1:]
            or (x[i + 2:] == y[i + 2:] and x[i:i + 2] == y[i:i + 2][::-1]))


def pair_score(new: Item, old: Item, threshold: float = ITEM_THRESHOLD) -> float | None:
    """How sure we are that ``new`` is an edit of ``old``; None when it is not.

    Items named by their anchor (terms, definitions, methods: the id is the
    name) are the same item only under `same_name` (a term by its abbreviation
    or its English name). Others (claims, clozes, abstract sentences, …) are
    compared by text, at ``threshold``; a claim's question alone also counts
    (at 0.95 of its score), since the answer may be rewritten.
    """
    if (new.kind, new.paper) != (old.kind, old.paper):
        return None
    score = similarity(identity_text(new), identity_text(old))
    name_fields = KIND[new.kind].named_by if new.kind in KIND else ()
    if name_fields:
        names_new = [new.fields.get(f, "") for f in name_fields]
        names_old = [old.fields.get(f, "") for f in name_fields]
        if not any(same_name(a, b) for a in names_new for b in names_old):
            return None
        return max(score, 0.01)
    if new.kind == "claim":
        a, b = _without_shared_lead(new.fields.get("question", ""), old.fields.get("question", ""))
        score = max(score, similarity(normalize(a), normalize(b)) * 0.95)
    return score if score >= threshold else None



def match_items(new: list[Item], old: list[Item], threshold: float = ITEM_THRESHOLD) -> dict[str, str]:
    """{new id: old id} for unmatched new items that are edits of unmatched old ones.

    One-to-one and deterministic: candidate pairs are taken best score first,
    ties broken by the ids, so the order of the inputs does not matter.
    """
    pairs = []
    old_by_group: dict[tuple, list[Item]] = {}
    for o in old:
        old_by_group.setdefault((o.kind, o.paper), []).append(o)
    for n in new:
        for o in old_by_group.get((n.kind, n.paper), []):
            score = pair_score(n, o, threshold)
            if score is not None:
                pairs.append((-score, n.id, o.id))
    return one_to_one(pairs)


def one_to_one(pairs: list[tuple[float, str, str]]) -> dict[str, str]:
    """{new: old} from (-score, new, old) candidates: best score first, ties by id, each side once."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for _, new, old in sorted(pairs):
        if new not in out and old not in used:
            out[new] = old
            used.add(old)
    return out


def match_papers(new: dict[str, PaperInfo], old: dict[str, PaperInfo],
                 new_items: list[Item] = (), old_items: list[Item] = ()) -> dict[str, str]:
    """{new key: old key} for papers whose key changed.

    That happens to a paper without an OpenReview id (its key is a slug of its
    title) when the title is fixed or rewritten, and to any paper whose link is
    added or corrected. The same paper: a PDF or OpenReview link in common, the
    same Chinese title, English titles that score ``TITLE_THRESHOLD``, or, when
    the title changed beyond that, at least half of its items (two or more)
    with the same text as the old paper's items.
    """
    gone = {k: p for k, p in old.items() if k not in new}
    fresh = {k: p for k, p in new.items() if k not in old}
    if not gone or not fresh:
        return {}
    new_texts, old_texts = _texts_by_paper(new_items), _texts_by_paper(old_items)
    pairs = []
    for nk, np in fresh.items():
        for ok, op in gone.items():
            same_link = any(x and x == y for x, y in ((np.pdf, op.pdf), (np.openreview, op.openreview)))
            score = 1.0 if same_link else similarity(normalize(np.title), normalize(op.title))
            if np.title_zh and op.title_zh and np.title_zh == op.title_zh:
                score = max(score, 0.9)
            a, b = new_texts.get(nk, set()), old_texts.get(ok, set())
            shared = len(a & b)
            if shared >= 2 and shared * 2 >= min(len(a), len(b)):
                score = max(score, 0.85)
            if score >= TITLE_THRESHOLD:
                pairs.append((-score, nk, ok))
    return one_to_one(pairs)


def _texts_by_paper(items) -> dict[str, set[str]]:
    """What each paper's items say (its title item left out: that is what changed)."""
    out: dict[str, set[str]] = {}
    for item in items:
        if item.paper and item.kind != "paper":
            text = identity_text(item)
            if text:
                out.setdefault(item.paper, set()).add(text)
    return out
