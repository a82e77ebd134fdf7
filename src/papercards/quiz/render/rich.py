"""Question text (inline Markdown) → styled spans, shared by the HTML page and the PDF.

(The plain renderers' helpers are in `text`; this module is the rich side.)

`papercards.text.render_inline` already turns inline Markdown/LaTeX into
sanitised HTML; this module reads that HTML back into a flat list of spans
(dicts, JSON-ready), so both renderers show exactly the same thing:

    {"t": "text", "b": 1, "i": 1, "u": 1, "s": 1, "code": 1, "sub": 1, "sup": 1,
     "tex": 1, "href": "https://…"}        a run of text and its styles
    {"blank": 2}                            cloze blank {{2}}
    {"br": 1}                               a line break the author wrote

A quiz page works offline and a PDF has no MathJax, so math is shown as clean
text where that is safe: ``$\\beta$`` → β, ``$\\pi_\\theta$`` → π with a
subscript θ, ``\\mathbf{x}`` → bold x. Anything the small converter does not
know (``\\begin{…}``, ``\\\\``, unknown macros) is shown as its TeX source, marked
``tex`` (a code-like span), never half-converted.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from ...text import render_inline
from ..model import BLANK_RE

Span = dict

# Cloze blanks survive Markdown as private-use sentinels, split out at the end.
_BLANK_OPEN, _BLANK_CLOSE = "\ue000", "\ue001"
_BLANK_OUT = re.compile(f"{_BLANK_OPEN}(\\d+){_BLANK_CLOSE}")
_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)

_TAG_STYLE = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "ins": "u", "s": "s",
              "del": "s", "code": "code", "kbd": "code", "sub": "sub", "sup": "sup"}
STYLES = ("b", "i", "u", "s", "code", "sub", "sup", "tex")


def spans(md: str) -> list[Span]:
    """Inline Markdown (with ``{{n}}`` cloze blanks) → a list of spans."""
    if not md:
        return []
    marked = BLANK_RE.sub(lambda m: f"{_BLANK_OPEN}{m.group(1)}{_BLANK_CLOSE}", md)
    parser = _SpanParser()
    parser.feed(render_inline(marked))
    parser.close()
    out: list[Span] = []
    for span in parser.out:
        if "t" not in span:
            out.append(span)
            continue
        style = {k: v for k, v in span.items() if k != "t"}
        pieces = _BLANK_OUT.split(span["t"])
        for i, piece in enumerate(pieces):
            if i % 2:
                out.append({"blank": int(piece)})
            elif piece:
                out.append({"t": piece, **style})
    return _merge(out)


def plain(spans_: list[Span], blank: str = "____") -> str:
    """Spans → plain text (blanks as ``blank``)."""
    parts = []
    for s in spans_:
        if "blank" in s:
            parts.append(blank)
        elif "br" in s:
            parts.append("\n")
        else:
            parts.append(s["t"])
    return "".join(parts)


def to_html(spans_: list[Span], blank=None) -> str:
    """Spans → HTML (every text escaped). ``blank(n)`` makes the HTML of cloze blank n."""
    out = []
    for s in spans_:
        if "blank" in s:
            out.append(blank(s["blank"]) if blank else '<span class="blank">____</span>')
            continue
        if "br" in s:
            out.append("<br>")
            continue
        piece = html.escape(s["t"], quote=False)
        for style, (open_, close) in _HTML_WRAP.items():
            if s.get(style):
                piece = open_ + piece + close
        if s.get("href"):
            piece = f'<a href="{html.escape(s["href"])}" rel="noreferrer noopener">{piece}</a>'
        out.append(piece)
    return "".join(out)


_HTML_WRAP = {
    "sub": ("<sub>", "</sub>"), "sup": ("<sup>", "</sup>"),
    "code": ("<code>", "</code>"), "tex": ('<code class="tex">', "</code>"),
    "i": ("<i>", "</i>"), "b": ("<b>", "</b>"), "u": ("<u>", "</u>"), "s": ("<s>", "</s>"),
}


def _merge(items: list[Span]) -> list[Span]:
    """Adjacent text spans with the same styles become one."""
    out: list[Span] = []
    for s in items:
        if out and "t" in s and "t" in out[-1] and \
                {k: v for k, v in s.items() if k != "t"} == {k: v for k, v in out[-1].items() if k != "t"}:
            out[-1] = {**out[-1], "t": out[-1]["t"] + s["t"]}
        else:
            out.append(s)
    return out


class _SpanParser(HTMLParser):
    """render_inline's sanitised HTML → spans (its tags are a small allow-list)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[Span] = []
        self.stack: list[tuple[str, str | None, str | None]] = []   # (tag, style, href)

    def _style(self) -> Span:
        style: Span = {}
        for _tag, st, href in self.stack:
            if st:
                style[st] = 1
            if href:
                style["href"] = href
        return style

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "br":
            self.out.append({"br": 1})
        elif tag == "img":                  # never fetched offline: its alt text stands in
            alt = a.get("alt") or ""
            if alt:
                self.out.append({"t": alt, **self._style()})
        else:
            href = a.get("href") if tag == "a" else None
            self.stack.append((tag, _TAG_STYLE.get(tag), href))

    def handle_startendtag(self, tag, attrs):
        if tag in ("br", "img"):
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        style = self._style()
        pos = 0
        for m in _MATH.finditer(data):
            if m.start() > pos:
                self.out.append({"t": data[pos:m.start()], **style})
            tex = m.group(1) if m.group(1) is not None else m.group(2)
            self.out.extend(math_spans(tex, style))
            pos = m.end()
        if pos < len(data):
            self.out.append({"t": data[pos:], **style})


# --- TeX → clean text --------------------------------------------------------

_GREEK = {name: chr(code) for name, code in (
    ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("epsilon", 0x3F5),
    ("varepsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8), ("vartheta", 0x3D1),
    ("iota", 0x3B9), ("kappa", 0x3BA), ("lambda", 0x3BB), ("mu", 0x3BC), ("nu", 0x3BD),
    ("xi", 0x3BE), ("pi", 0x3C0), ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4),
    ("upsilon", 0x3C5), ("phi", 0x3D5), ("varphi", 0x3C6), ("chi", 0x3C7), ("psi", 0x3C8),
    ("omega", 0x3C9), ("Gamma", 0x393), ("Delta", 0x394), ("Theta", 0x398), ("Lambda", 0x39B),
    ("Xi", 0x39E), ("Pi", 0x3A0), ("Sigma", 0x3A3), ("Upsilon", 0x3A5), ("Phi", 0x3A6),
    ("Psi", 0x3A8), ("Omega", 0x3A9))}
_SYMBOLS = {
    **_GREEK,
    "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "le": "≤", "leq": "≤",
    "ge": "≥", "geq": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃",
    "propto": "∝", "equiv": "≡", "ll": "≪", "gg": "≫", "infty": "∞", "to": "→",
    "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "Leftarrow": "⇐",
    "leftrightarrow": "↔", "Leftrightarrow": "⇔", "mapsto": "↦", "in": "∈", "notin": "∉",
    "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "emptyset": "∅", "forall": "∀",
    "exists": "∃", "neg": "¬", "land": "∧", "lor": "∨", "sum": "∑", "prod": "∏", "int": "∫",
    "partial": "∂", "nabla": "∇", "ell": "ℓ", "star": "⋆", "ast": "∗", "circ": "∘",
    "ldots": "…", "cdots": "⋯", "dots": "…", "mid": "|", "|": "‖", "lVert": "‖", "rVert": "‖",
    "Vert": "‖", "lvert": "|", "rvert": "|", "langle": "⟨", "rangle": "⟩", "prime": "′",
    "top": "⊤", "dagger": "†", "%": "%", "{": "{", "}": "}", "_": "_", "&": "&", "#": "#",
    ",": "\u2009", ";": " ", ":": " ", "!": "", " ": " ", "quad": " ", "qquad": "  ",
    "left": "", "right": "", "big": "", "Big": "", "bigl": "", "bigr": "", "Bigl": "", "Bigr": "",
    "log": "log", "ln": "ln", "exp": "exp", "min": "min", "max": "max", "arg": "arg",
    "argmin": "argmin", "argmax": "argmax", "sup": "sup", "inf": "inf", "lim": "lim",
    "sin": "sin", "cos": "cos", "tan": "tan", "det": "det", "Pr": "Pr", "KL": "KL",
}
_FUNCTION_WORDS = {"log", "ln", "exp", "min", "max", "arg", "argmin", "argmax", "sup", "inf",
                   "lim", "sin", "cos", "tan", "det", "Pr", "KL"}
# Relations get a space on each side, as TeX gives them (not inside sub/superscripts).
_RELATIONS = {"le", "leq", "ge", "geq", "neq", "ne", "approx", "sim", "simeq", "propto", "equiv",
              "ll", "gg", "to", "rightarrow", "leftarrow", "Rightarrow", "Leftarrow",
              "leftrightarrow", "Leftrightarrow", "mapsto", "in", "notin", "subset", "subseteq"}
_BLACKBOARD = {"E": "𝔼", "R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ"}
_CALLIGRAPHIC = {c: chr(0x1D49C + i) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_CALLIGRAPHIC.update({"B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ"})
_ROMAN_MACROS = {"mathrm", "text", "textrm", "operatorname", "mathsf", "textsf", "mathit", "textit",
                 "mathtt", "texttt", "textnormal"}
_BOLD_MACROS = {"mathbf", "textbf", "boldsymbol", "bm", "mathbold"}
_ACCENTS = {"hat": "\u0302", "tilde": "\u0303", "bar": "\u0304", "overline": "\u0305",
            "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308"}
_MACRO_NAME = re.compile(r"\\([A-Za-z]+|.)")


class _Unsupported(Exception):
    pass


def math_spans(tex: str, style: Span | None = None) -> list[Span]:
    """One math formula → spans of clean text, or its TeX source as a ``tex`` span."""
    style = {k: v for k, v in (style or {}).items() if k not in ("code", "tex")}
    try:
        out = _merge(_TexReader(tex.strip(), style).read())
    except _Unsupported:
        return [{"t": tex.strip(), **style, "tex": 1}]
    return out or [{"t": tex.strip(), **style, "tex": 1}]


class _TexReader:
    """A deliberately small TeX reader: symbols, fonts, accents, one level of sub/superscript.

    Groups and arguments nest at most `MAX_DEPTH` deep (a formula deeper than
    that is shown as its source): the reader recurses, and notes can nest
    ``{`` thousands deep."""

    MAX_DEPTH = 50

    def __init__(self, src: str, style: Span) -> None:
        self.src, self.pos, self.style = src, 0, style
        self.depth = 0

    def read(self) -> list[Span]:
        out = self._sequence(self.style, stop=None)
        if self.pos < len(self.src):
            raise _Unsupported
        return out

    def _sequence(self, style: Span, stop: str | None) -> list[Span]:
        out: list[Span] = []
        while self.pos < len(self.src):
            ch = self.src[self.pos]
            if stop and ch == stop:
                return out
            if ch == "}":
                raise _Unsupported
            if ch in "^_":
                self.pos += 1
                key = "sup" if ch == "^" else "sub"
                if style.get("sup") or style.get("sub"):
                    raise _Unsupported                     # nested scripts: keep the source
                inner = self._atom({**style, key: 1})
                if key == "sup" and all(s.get("t") in ("′", "″") for s in inner):
                    inner = [{k: v for k, v in s.items() if k != "sup"} for s in inner]
                out.extend(inner)
            else:
                out.extend(self._atom(style))
        if stop:
            raise _Unsupported
        return out

    def _atom(self, style: Span) -> list[Span]:
        """One argument: a group {…}, a macro with its arguments, or one character."""
        if self.depth >= self.MAX_DEPTH:
            raise _Unsupported
        self.depth += 1
        try:
            return self._read_atom(style)
        finally:
            self.depth -= 1

    def _read_atom(self, style: Span) -> list[Span]:
        src = self.src
        while self.pos < len(src) and src[self.pos] == " ":
            self.pos += 1
        if self.pos >= len(src):
            raise _Unsupported
        ch = src[self.pos]
        if ch == "{":
            self.pos += 1
            inner = self._sequence(style, stop="}")
            self.pos += 1
            return inner
        if ch == "\\":
            return self._macro(style)
        if ch in "&$#~":
            raise _Unsupported
        self.pos += 1
        scripted = style.get("sub") or style.get("sup")
        if ch == "'":
            return [{"t": "′", **_visible(style)}]
        if ch in "=<>" and not scripted:
            return [{"t": f" {ch} ", **_visible(style)}]
        if ch.isascii() and ch.isalpha() and not style.get("roman"):
            return [{"t": ch, **_visible(style), "i": 1}]
        return [{"t": ch, **_visible(style)}]

    def _macro(self, style: Span) -> list[Span]:
        m = _MACRO_NAME.match(self.src, self.pos)
        if not m:
            raise _Unsupported
        name = m.group(1)
        self.pos = m.end()
        if name in _SYMBOLS:
            text = _SYMBOLS[name]
            if name in _FUNCTION_WORDS and self._next_is_letter():
                text += "\u2009"
            if name in _RELATIONS and not (style.get("sub") or style.get("sup")):
                text = f" {text} "
            return [{"t": text, **_visible(style)}] if text else []
        if name in _ROMAN_MACROS:
            return self._atom({**style, "roman": 1})
        if name in _BOLD_MACROS:
            return [{**s, "b": 1} for s in self._atom({**style, "roman": 1})]
        if name in ("mathbb", "mathcal", "mathscr"):
            table = _BLACKBOARD if name == "mathbb" else _CALLIGRAPHIC
            arg = _text(self._atom({**style, "roman": 1}))
            if arg not in table:
                raise _Unsupported
            return [{"t": table[arg], **_visible(style)}]
        if name in _ACCENTS:
            inner = self._atom(style)
            if len(_text(inner)) != 1:
                raise _Unsupported
            return [{**inner[0], "t": inner[0]["t"] + _ACCENTS[name]}]
        if name in ("frac", "dfrac", "tfrac"):
            num, den = self._atom(style), self._atom(style)
            return _paren(num, style) + [{"t": "/", **_visible(style)}] + _paren(den, style)
        if name == "sqrt":
            inner = self._atom(style)
            return [{"t": "√", **_visible(style)}] + _paren(inner, style)
        raise _Unsupported

    def _next_is_letter(self) -> bool:
        rest = self.src[self.pos:].lstrip()
        return bool(rest) and (rest[0].isalpha() or rest[0] == "\\")


def _visible(style: Span) -> Span:
    return {k: v for k, v in style.items() if k != "roman"}


def _text(items: list[Span]) -> str:
    return "".join(s.get("t", "") for s in items)


def _paren(items: list[Span], style: Span) -> list[Span]:
    if len(_text(items)) <= 1 or _text(items).isalnum():
        return items
    return [{"t": "(", **_visible(style)}] + items + [{"t": ")", **_visible(style)}]
