"""Which of many keys occur in a text, every key searched for at once (Aho–Corasick).

The quiz asks "does this text contain that name?" for every pair of a few
thousand names and texts; asked pair by pair that is quadratic in the store.
The automaton reads each text once, whatever the number of keys.
"""

from __future__ import annotations

from collections.abc import Iterable


class Finder:
    """An automaton over ``keys`` (non-empty strings)."""

    def __init__(self, keys: Iterable[str]):
        goto: list[dict[str, int]] = [{}]
        ends: list[list[str]] = [[]]
        for key in sorted(set(keys)):
            node = 0
            for ch in key:
                if ch not in goto[node]:
                    goto[node][ch] = len(goto)
                    goto.append({})
                    ends.append([])
                node = goto[node][ch]
            ends[node].append(key)
        fail = [0] * len(goto)
        out: list[tuple[str, ...]] = [()] * len(goto)
        queue = list(goto[0].values())
        for node in queue:                   # breadth first: a fallback is done before its users
            out[node] = tuple(ends[node]) + out[fail[node]]
            for ch, child in goto[node].items():
                back = fail[node]
                while back and ch not in goto[back]:
                    back = fail[back]
                fail[child] = goto[back].get(ch, 0)
                queue.append(child)
        self._goto, self._fail, self._out = goto, fail, out

    def keys_in(self, text: str) -> set[str]:
        """The keys that occur in ``text``."""
        goto, fail, out = self._goto, self._fail, self._out
        found: set[str] = set()
        node = 0
        for ch in text:
            while node and ch not in goto[node]:
                node = fail[node]
            node = goto[node].get(ch, 0)
            if out[node]:
                found.update(out[node])
        return found
