"""Text as a quiz compares and shows it: one comparison key, one plain form.

Two options are "the same" when a reader could not tell them apart: equal
after NFKC (full-width → half-width), casefolding, and with punctuation,
spaces and inline Markdown removed (``**DPO**`` = ``ＤＰＯ`` = ``dpo.``).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from ..text import plain_inline
from ..text.markup_rules import TEXT_MACROS

# LaTeX text macros pasted from abstracts, as Markdown: \textbf{3D} → **3D**.
_STYLE_MARK = {"bold": "**", "em": "*", "code": "`", "underline": "", "": ""}
_MACROS = {name: _STYLE_MARK[style] for name, style in TEXT_MACROS.items()}
_MACRO = re.compile(r"\\(%s)\{([^{}$]*)\}" % "|".join(_MACROS))
_LIST_MARK = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)、])\s+", re.M)


def markdown(text: str) -> str:
    """Item text as quiz Markdown: LaTeX text macros → Markdown marks, nothing else changed."""
    return _MACRO.sub(lambda m: f"{_MACROS[m.group(1)]}{m.group(2)}{_MACROS[m.group(1)]}", text or "")


@functools.lru_cache(maxsize=16384)      # the same few hundred texts are compared thousands of times
def plain(text: str) -> str:
    """Inline Markdown (and LaTeX text macros) → one line of plain text; list markers dropped."""
    text = _LIST_MARK.sub("", markdown(text))
    return " ".join(plain_inline(text).split())


def lines(text: str) -> list[str]:
    """The lines of a (possibly listed) answer, list markers removed, blank lines dropped."""
    return [ln for ln in (_LIST_MARK.sub("", raw).strip() for raw in (text or "").splitlines()) if ln]


@functools.lru_cache(maxsize=16384)
def key(text: str) -> str:
    """Comparison key: NFKC width, casefold, inline Markdown, punctuation and spaces removed."""
    s = unicodedata.normalize("NFKC", plain(text)).casefold()
    return "".join(ch for ch in s if not (ch.isspace() or unicodedata.category(ch)[0] in "PS"))


def same(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` read as the same option."""
    return key(a) == key(b)
