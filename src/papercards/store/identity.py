"""Matching what the notes say now to what the store already holds.

Ids are derived from text (a claim's anchor is a hash of its question), so an
edited sub-heading or a fixed title typo would mint a new id and orphan the
card's review history. These functions find the old id back: same paper, same
kind, clearly the same text. One-to-one and deterministic: candidate pairs
are taken best score first, ties broken by id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..items.model import Item, PaperInfo
from ..kinds import kind_of
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

def identity_text(item: Item) -> str:
    return " ".join(normalize(item.fields.get(f, "")) for f in kind_of(item).identity)


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
    kind = kind_of(new)
    name_fields = kind.named_by
    if name_fields:
        names_new = [new.fields.get(f, "") for f in name_fields]
        names_old = [old.fields.get(f, "") for f in name_fields]
        if not any(same_name(a, b) for a in names_new for b in names_old):
            return None
        return max(score, 0.01)
    if kind.question:
        a, b = _without_shared_lead(new.fields.get(kind.question, ""), old.fields.get(kind.question, ""))
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


# How much each signal of a paper counts when a paper of the notes is matched to one of
# the store (`paper_score`). The links and the English title say the most, the item
# texts as much (they survive a retitled paper and a swapped link), the place least
# (papers are renumbered and moved between files as the notes grow). The links together
# weigh less than the rest: a link pasted into another paper must not carry it off.
SIGNAL_WEIGHTS = {"openreview": 2.0, "pdf": 1.0, "title": 3.0, "title_zh": 2.0, "content": 3.0,
                  "keywords": 1.0, "place": 1.0}
# The weighted mean of the signals both sides have at which two papers are one. Measured on
# the seven shipped papers: a paper whose links were swapped with another's scores 0.77
# with itself, 0.41 at most with the other; two different papers score 0.18 at most.
PAPER_THRESHOLD = 0.5


@dataclass
class PaperSignals:
    """What tells a paper apart, on either side of the matching."""
    info: PaperInfo
    texts: frozenset[str]            # what its items say, without the paper's name
    openreview: str | None = None    # the forum id

    @classmethod
    def of(cls, info: PaperInfo, items: list[Item]) -> "PaperSignals":
        return cls(info, frozenset(_item_texts(items, info.short)), _forum_id(info.openreview))


def paper_score(new: PaperSignals, old: PaperSignals) -> float:
    """How sure we are that ``new`` is ``old``: the weighted mean of the signals both have."""
    got = total = 0.0
    for name, value in _signals(new, old):
        if value is not None:
            got += SIGNAL_WEIGHTS[name] * value
            total += SIGNAL_WEIGHTS[name]
    return got / total if total else 0.0


def _signals(new: PaperSignals, old: PaperSignals):
    a, b = new.info, old.info
    yield "openreview", _same(new.openreview, old.openreview)
    yield "pdf", _same(a.pdf, b.pdf)
    yield "title", similarity(normalize(a.title), normalize(b.title)) if a.title and b.title else None
    yield "title_zh", similarity(normalize(a.title_zh), normalize(b.title_zh)) if a.title_zh and b.title_zh else None
    yield "content", _shared(new.texts, old.texts)
    yield "keywords", _shared({t.casefold() for t in a.tags}, {t.casefold() for t in b.tags})
    yield "place", _same_place(a, b)


def _same(x: str | None, y: str | None) -> float | None:
    return None if not x or not y else float(x == y)


def _shared(a: set | frozenset, b: set | frozenset) -> float | None:
    """The share of the smaller set found in the other (a paper that grew is still itself)."""
    return len(a & b) / min(len(a), len(b)) if a and b else None


def _same_place(a: PaperInfo, b: PaperInfo) -> float | None:
    """1 in the same file under the same number, 0 in another file or under another number;
    unknown for unnumbered papers of one file."""
    fa, fb = a.source.rpartition(":")[0], b.source.rpartition(":")[0]
    if fa != fb:
        return 0.0
    if a.number is None or b.number is None:
        return None
    return float(a.number == b.number)


_FORUM = re.compile(r"openreview\.net/(?:forum|pdf)\?(?:.*&)?id=([A-Za-z0-9_\-]+)")


def _forum_id(url: str | None) -> str | None:
    m = _FORUM.search(url or "")
    return m.group(1) if m else url


def _item_texts(items: list[Item], short: str) -> set[str]:
    """What a paper's items say (its title item left out), its name taken out of them: a
    renamed paper's questions ("SimPO：…？") say the same as before."""
    name = normalize(short) if short else ""
    out = set()
    for item in items:
        if not kind_of(item).paper_title:
            text = identity_text(item)
            if name:
                text = " ".join(text.replace(name, " ").split())
            if text:
                out.add(text)
    return out


def match_papers(new: dict[str, PaperInfo], old: dict[str, PaperInfo],
                 new_items: list[Item] = (), old_items: list[Item] = ()) -> dict[str, str]:
    """{new key: old key}: which paper of the store each paper of the notes is.

    A paper's key comes from its OpenReview link, else its title; either may be
    corrected, swapped with another paper's or pasted by mistake, while the
    other signals (the other titles, what its items say, its keywords, its
    place) still say which paper it is. So every pair is scored on all of them
    (`paper_score`) and matched one to one, best score first (ties by key), at
    ``PAPER_THRESHOLD``. A pair with the same key and the same title needs no
    score. Papers of the notes left out are new.
    """
    out = {k: k for k, p in new.items() if k in old and normalize(p.title) == normalize(old[k].title)}
    fresh = [k for k in new if k not in out]
    gone = [k for k in old if k not in out.values()]
    if not fresh or not gone:
        return out
    new_by, old_by = _items_by_paper(new_items), _items_by_paper(old_items)
    olds = {k: PaperSignals.of(old[k], old_by.get(k, [])) for k in gone}
    pairs = []
    for nk in fresh:
        sig = PaperSignals.of(new[nk], new_by.get(nk, []))
        for ok, osig in olds.items():
            score = paper_score(sig, osig)
            if score >= PAPER_THRESHOLD:
                pairs.append((-score, nk, ok))
    out.update(one_to_one(pairs))
    return out


def _items_by_paper(items) -> dict[str, list[Item]]:
    out: dict[str, list[Item]] = {}
    for item in items:
        if item.paper:
            out.setdefault(item.paper, []).append(item)
    return out
