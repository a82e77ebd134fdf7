"""Which of many terms occur in a text, found in one pass over the text.

Why: the glossary grows with the notes (a thousand papers, a few thousand
terms), and asking ``term in sentence`` for every term and every sentence
makes the build quadratic. A `TermFinder` indexes the terms by their first
characters once; each text then costs a few dictionary look-ups per
character, whatever the number of terms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

_PREFIX = 4          # terms are bucketed by their first (up to) 4 characters


def loose_key(text: str) -> str:
    """Casefolded, whitespace removed: a term whose `term_pattern` matches a text
    (flexible inner spaces, case-insensitive names) has its key inside the text's key."""
    return "".join(text.casefold().split())


class TermFinder:
    """The terms whose ``key`` occurs in a text's ``key`` (default: exact substrings)."""

    def __init__(self, terms: Iterable[str], key: Callable[[str], str] = str):
        self.key = key
        self._always: set[str] = set()                       # empty key: in every text
        self._buckets: dict[str, list[tuple[str, list[str]]]] = {}
        by_key: dict[str, list[str]] = {}
        for term in terms:
            by_key.setdefault(key(term), []).append(term)
        for k, same in by_key.items():
            if not k:
                self._always.update(same)
            else:
                self._buckets.setdefault(k[:_PREFIX], []).append((k, same))
        self._lengths = sorted({len(p) for p in self._buckets})

    def found_in(self, text: str) -> set[str]:
        t = self.key(text)
        out = set(self._always)
        buckets, lengths = self._buckets, self._lengths
        for i in range(len(t)):
            for n in lengths:
                bucket = buckets.get(t[i:i + n])
                if bucket:
                    for k, terms in bucket:
                        if t.startswith(k, i):
                            out.update(terms)
        return out
