"""Merging term candidates from every paper into one glossary entry per term.

DPO appears in the keywords of most papers; the learner wants one card for
DPO, listing the papers that use it. Candidates join when they share a
surface form (abbreviation, English name, Chinese name). Keyword spellings win
over ones found in abstracts; differing translations are kept and reported.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..notes import slugify
from .model import Item
from .terms import TermCandidate, abbr_key


def en_key(text: str) -> str:
    text = text.casefold().replace("optimisation", "optimization")
    text = re.sub(r"[\s\-_/]+", " ", text).strip()
    return re.sub(r"s\b", "", text)          # models ~ model


@dataclass
class Entry:
    candidates: list[tuple[str, TermCandidate]] = field(default_factory=list)  # (paper key, cand)

    def best(self, attr: str) -> tuple[str, list[str]]:
        """Most trusted spelling of one name, and the other spellings seen."""
        rank = {"keyword": 0, "content": 1, "abstract": 2}
        votes: Counter[str] = Counter()
        first: dict[str, tuple[int, int]] = {}
        for n, (_, c) in enumerate(self.candidates):
            value = getattr(c, attr)
            if value:
                votes[value] += 1
                # an English name checked against its abbreviation beats a loose one
                trust = rank.get(c.origin, 3) - (3 if attr == "english" and c.abbr else 0)
                first[value] = min(first.get(value, (trust, n)), (trust, n))
        if not votes:
            return "", []
        order = sorted(votes, key=lambda v: (first[v][0], -votes[v], first[v][1]))
        best = order[0]
        norm = en_key if attr == "english" else (lambda x: x)
        others = [v for v in order[1:] if norm(v) != norm(best)]
        return best, others

    @property
    def papers(self) -> list[str]:
        """Papers using the term, first-seen order (DPO: hundreds of papers, so no list scans)."""
        return list(dict.fromkeys(paper for paper, _ in self.candidates))

    @property
    def first_line(self) -> tuple[str, int]:
        rank = {"keyword": 0, "content": 1, "abstract": 2}
        paper, cand = min(self.candidates, key=lambda pc: rank.get(pc[1].origin, 3))
        return paper, cand.line


def merge(candidates: list[tuple[str, TermCandidate]]) -> list[Entry]:
    """Union candidates that share any surface form; keep first-seen order."""
    parent = list(range(len(candidates)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, (_, c) in enumerate(candidates):
        for key in _keys(c):
            if key in owner:
                a, b = find(owner[key]), find(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                owner[key] = i
    groups: dict[int, Entry] = {}
    for i, pc in enumerate(candidates):
        groups.setdefault(find(i), Entry()).candidates.append(pc)
    return [groups[k] for k in sorted(groups)]


def _keys(c: TermCandidate) -> list[str]:
    keys = []
    if c.abbr:
        keys.append("a:" + abbr_key(c.abbr))
    if c.english:
        keys.append("e:" + en_key(c.english))
    if c.chinese:
        keys.append("z:" + c.chinese)
    return keys


def glossary_items(entries: list[Entry], where: dict[str, str], ctx) -> list[Item]:
    """One term item per entry that names a thing twice (abbreviation, English, 中文).

    ``where`` maps paper keys to their notes file, for messages and sources.
    """
    items = []
    for entry in entries:
        abbr, _ = entry.best("abbr")
        english, _ = entry.best("english")
        chinese, zh_others = entry.best("chinese")
        names = sum(bool(x) for x in (abbr, english, chinese))
        if names < 2:
            continue
        paper, line = entry.first_line
        if zh_others:
            ctx.warn(where[paper], line, f"term '{abbr or english}' has several translations: "
                     f"{'、'.join([chinese, *zh_others])}; kept all")
            chinese = "；".join([chinese, *zh_others])
        notes = []
        for _, c in entry.candidates:
            if c.note and c.note not in notes:
                notes.append(c.note)
        label = abbr or english or chinese
        anchor = abbr.replace(" ", "") if abbr else slugify(english or chinese)
        fields = {"term": label, "english": english if abbr else "",
                  "chinese": chinese if label != chinese else "", "note": "；".join(notes)}
        items.append(Item(id=f"term/{anchor}", kind="term", fields=fields, papers=entry.papers,
                          source=f"{where[paper]}:{line}"))
    return items
