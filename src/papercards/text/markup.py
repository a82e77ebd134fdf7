"""Inline Markdown → plain text with a map back to the source, so blanks land on words, not marks.

A cloze is chosen on the *plain* text (that is what jieba segments and what
the learner reads) but written into the *source* (which keeps ``**bold**``,
`` `code` ``, ``$math$``). This scanner produces both views and the
correspondence between them. It follows the same conventions as
``inline.render_inline`` (commonmark emphasis, dollarmath, and the LaTeX text
macros and raw tags as `markup_rules` describes them) closely enough for that
purpose; it never changes text.

* every plain character knows the source range it came from (an escape
  ``\\*`` or an entity ``&amp;`` is one plain character from several source
  characters);
* math and code are *atoms*: one private-use placeholder character each in
  the plain text, covering the whole source span, so no blank can go inside;
* emphasis, links and LaTeX text macros are *spans*: their marks are not in
  the plain text, their content is;
* raw HTML tags are *barriers*: zero-width positions a blank may not cross;
* spans nest at most `MAX_NESTING` deep, like markdown-it's: deeper marks are
  plain text (hostile notes nest ``\\text{`` hundreds deep).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from .inline import _matching_brace, find_next
from .markup_rules import DROPPED_TAGS, KNOWN_TAGS, TEXT_MACROS

ATOM_FIRST = 0xF000          # placeholder characters for atoms: U+F000, U+F001, …
ATOM_COUNT = 0x800           # at most this many atoms in one text (the rest is plain text)
ATOM_CLASS = f"{chr(ATOM_FIRST)}-{chr(ATOM_FIRST + ATOM_COUNT - 1)}"     # for a regex character class
MAX_NESTING = 20             # markdown-it's maxNesting (commonmark), which `inline` renders with


@dataclass
class Span:
    kind: str                # bold | em | link | underline | code | math
    start: int               # plain range [start, end)
    end: int
    src_start: int           # whole source range, marks included
    src_end: int
    inner_start: int = 0     # source range of the content, marks excluded
    inner_end: int = 0


@dataclass
class Markup:
    source: str
    plain: str = ""
    src_starts: list[int] = field(default_factory=list)   # per plain char
    src_ends: list[int] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)       # bold, em, links, …
    atoms: list[Span] = field(default_factory=list)       # math and code, one plain char each
    barriers: set[int] = field(default_factory=set)       # plain positions of raw tags


_MACRO = re.compile(r"\\([a-z]+)\{")
_ESCAPABLE = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")
_LINK = re.compile(r"\[((?:\\.|[^\]\\\n])*)\]\(\s*<?[^)\s>]*>?(?:\s+\"[^\"]*\")?\s*\)")


def scan(source: str) -> Markup:
    """Plain text, spans, atoms and barriers of one piece of inline Markdown."""
    out = Markup(source)
    _Scanner(source, out).run(0, len(source))
    return out


@lru_cache(maxsize=8192)
def math_spans(source: str) -> tuple[tuple[int, int], ...]:
    """Source ranges of the formulas in ``source`` (``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``).

    The one description of where math is: the scanner's, which follows the
    renderer's dollarmath rules (``$5 and $10`` is no formula, a ``$`` in code
    is a dollar). Every rule that must not read inside TeX asks this.
    """
    if "$" not in source and "\\(" not in source and "\\[" not in source:
        return ()
    return tuple((a.src_start, a.src_end) for a in scan(source).atoms if a.kind == "math")


def is_display(formula: str) -> bool:
    """``$$…$$`` or ``\\[…\\]``: a formula set on its own line."""
    return formula.startswith(("$$", "\\["))


def display_formulas(source: str) -> list[tuple[int, int]]:
    """Source ranges of the display formulas (``$$…$$``, ``\\[…\\]``) in ``source``."""
    return [(s, e) for s, e in math_spans(source) if is_display(source[s:e])]


def is_one_display_formula(source: str) -> bool:
    """``source`` is one display formula and nothing else (a paragraph that is a formula)."""
    text = source.strip()
    return display_formulas(text) == [(0, len(text))]


def replace_math(source: str, fill: Callable[[str], str]) -> str:
    """``source`` with each formula replaced by ``fill(formula)``."""
    out: list[str] = []
    at = 0
    for s, e in math_spans(source):
        out += [source[at:s], fill(source[s:e])]
        at = e
    return "".join(out) + source[at:] if out else source


def cloze_safe(text: str) -> str:
    """Rewrite ``}}`` inside math as ``} }`` so it cannot end an Anki cloze early."""
    def fix(span: str) -> str:
        while "}}" in span:
            span = span.replace("}}", "} }")
        return span
    return replace_math(text, fix)


class _Scanner:
    def __init__(self, src: str, out: Markup):
        self.src, self.out = src, out
        self.chars: list[str] = []
        self.depth = 0

    def emit(self, text: str, s: int, e: int) -> None:
        for ch in text:
            self.chars.append(ch)
            self.out.src_starts.append(s)
            self.out.src_ends.append(e)

    @property
    def pos(self) -> int:
        return len(self.chars)

    def atom(self, kind: str, s: int, e: int, inner_s: int, inner_e: int) -> None:
        p = self.pos
        self.emit(chr(ATOM_FIRST + len(self.out.atoms)), s, e)
        self.out.atoms.append(Span(kind, p, p + 1, s, e, inner_s, inner_e))

    def span(self, kind: str, s: int, e: int, inner_s: int, inner_e: int) -> None:
        """A span of ``kind`` (``""``: content only, no span) around the content's plain text."""
        if self.depth >= MAX_NESTING:
            for k in range(s, e):                # too deep: marks and all as plain text
                self.emit(self.src[k], k, k + 1)
            return
        p = self.pos
        self.depth += 1
        self.run(inner_s, inner_e)
        self.depth -= 1
        if kind:
            self.out.spans.append(Span(kind, p, self.pos, s, e, inner_s, inner_e))

    def run(self, i: int, end: int) -> None:
        src = self.src
        while i < end:
            ch = src[i]
            j = None
            if ch == "\\":
                j = self.backslash(i, end)
            elif ch == "$":
                j = self.dollar(i, end)
            elif ch == "`":
                j = self.code(i, end)
            elif ch in "*_":
                j = self.emphasis(i, end)
            elif ch == "[":
                j = self.link(i, end)
            elif ch == "<":
                j = self.tag(i, end)
            elif ch == "&":
                m = _ENTITY.match(src, i, end)
                if m:
                    self.emit(html.unescape(m.group()), i, m.end())
                    j = m.end()
            if j is None:
                self.emit(ch, i, i + 1)
                j = i + 1
            i = j
        self.out.plain = "".join(self.chars)

    # -- constructs ----------------------------------------------------------
    def backslash(self, i: int, end: int) -> int | None:
        src = self.src
        if src.startswith(("\\(", "\\["), i):
            closer = "\\)" if src[i + 1] == "(" else "\\]"
            k = find_next(src, closer, i + 2, end)
            if k >= 0:
                self.atom("math", i, k + 2, i + 2, k)
                return k + 2
        m = _MACRO.match(src, i, end)
        if m and m.group(1) in TEXT_MACROS:
            close = _matching_brace(src, m.end(), end)
            if close is not None:
                kind = TEXT_MACROS[m.group(1)]
                if kind == "code":
                    self.atom("code", i, close + 1, m.end(), close)
                else:
                    self.span(kind, i, close + 1, m.end(), close)
                return close + 1
        if i + 1 < end and src[i + 1] in _ESCAPABLE:
            self.emit(src[i + 1], i, i + 2)
            return i + 2
        return None

    def dollar(self, i: int, end: int) -> int | None:
        """Math by the renderer's dollarmath rules: no digit before ``$`` or after the closer,
        and no space inside a single ``$`` pair's edges (``$ 5 and $``)."""
        src = self.src
        if i > 0 and src[i - 1].isdigit():
            return None
        double = src.startswith("$$", i)
        if not double and (i + 1 >= end or src[i + 1].isspace()):
            return None
        k = i + (2 if double else 1)
        while True:
            k = src.find("$", k, end)
            if k < 0:
                return None
            if _escaped(src, k):
                k += 1
                continue
            if double:
                if k + 1 >= end or src[k + 1] != "$":
                    k += 1
                    continue
                close = k + 2
            else:
                if src[k - 1].isspace():
                    return None
                close = k + 1
            break
        if close < len(src) and src[close].isdigit():
            return None
        inner_s, inner_e = i + (2 if double else 1), k
        if inner_e <= inner_s:
            return None
        self.atom("math", i, close, inner_s, inner_e)
        return close

    def code(self, i: int, end: int) -> int | None:
        src = self.src
        n = len(src[i:end]) - len(src[i:end].lstrip("`"))
        fence = "`" * n
        k = i + n
        while True:
            k = src.find(fence, k, end)
            if k < 0:
                return None
            after = k + n
            if after < end and src[after] == "`":        # a longer run: not our closer
                while after < end and src[after] == "`":
                    after += 1
                k = after
                continue
            self.atom("code", i, after, i + n, k)
            return after

    def emphasis(self, i: int, end: int) -> int | None:
        src, ch = self.src, self.src[i]
        run = 2 if src.startswith(ch * 2, i) else 1
        if ch == "_" and i > 0 and src[i - 1].isalnum():
            return None                                   # snake_case, not emphasis
        return self.delimited(i, end, ch * run, "bold" if run == 2 else "em")

    def delimited(self, i: int, end: int, mark: str, kind: str) -> int | None:
        src, n = self.src, len(mark)
        start = i + n
        if start >= end or src[start].isspace():
            return None
        k = start
        while True:
            k = src.find(mark, k + 1, end)
            if k < 0:
                return None
            if src[k - 1].isspace() or _escaped(src, k):       # ``\*`` is a star, not a closer
                continue
            if n == 1 and k + 1 < end and src[k + 1] == mark:   # "**" is not the closer of "*"
                k += 1
                continue
            if mark[0] == "_" and k + n < end and src[k + n].isalnum():
                continue
            self.span(kind, i, k + n, start, k)
            return k + n

    def link(self, i: int, end: int) -> int | None:
        m = _LINK.match(self.src, i, end)
        if not m:
            return None
        self.span("link", i, m.end(), i + 1, m.end(1))
        return m.end()

    def tag(self, i: int, end: int) -> int | None:
        if self.src.startswith("<!--", i):
            k = find_next(self.src, "-->", i + 4, end)     # not `<!--.*?-->`: each unclosed one read to the end
            if k < 0:
                return None
            self.out.barriers.add(self.pos)
            return k + 3
        m = _TAG.match(self.src, i, end)
        if not m:
            return None
        name = (m.group(1) or "").lower()
        if name in KNOWN_TAGS:
            self.out.barriers.add(self.pos)
            if name in DROPPED_TAGS and not m.group().startswith("</"):
                close = re.compile(rf"</\s*{name}\s*>", re.I).search(self.src, m.end(), end)
                return close.end() if close else end
            return m.end()
        return None


def _escaped(src: str, pos: int) -> bool:
    n = 0
    while pos - n - 1 >= 0 and src[pos - n - 1] == "\\":
        n += 1
    return n % 2 == 1
