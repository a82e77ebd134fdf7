"""A field's HTML, as Anki holds it, back to the inline Markdown items keep (`pull`).

The inverse of `render.render_block` / `render_cloze` for what they make and
what Anki's editor makes of an edit: bold, italics, code, links, MathJax
``\\(…\\)``/``\\[…\\]`` (back to ``$…$``/``$$…$$``), line breaks, ``<div>``
blocks, lists and papercards' headings. Other formatting the cards allow
(``<sub>``, ``<u>``, images …) is kept as HTML, which the renderer passes
through. ``render_block(markdown_of(render_block(md)))`` gives the HTML back.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
_MARKS = {"b": "**", "strong": "**", "i": "*", "em": "*"}
_BLOCKS = ("div", "p")
_SKIPPED = "pc-which"            # what `distinct` adds to a first field: not the learner's text


def markdown_of(field_html: str) -> str:
    """Inline Markdown (one item field) for a field's HTML."""
    parser = _Unrender()
    parser.feed(field_html)
    parser.close()
    return parser.text()


def _escape(text: str) -> str:
    """Text as Markdown that renders as this text: marks escaped, math back to dollars."""
    out, pos = [], 0
    for m in _MATH.finditer(text):
        out.append(_escape_plain(text[pos:m.start()]))
        out.append(f"${m.group(1)}$" if m.group(1) is not None else f"$${m.group(2)}$$")
        pos = m.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    text = text.replace("\xa0", " ")
    # an underscore inside a word is no mark: escape only those that could start or end one
    return re.sub(r"(?<![\w])_|_(?![\w])|[\\*`$]", lambda m: "\\" + m.group(0), text)


class _Unrender(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.pending = ""            # a line break owed before the next text
        self.lists: list[list] = []  # open lists: [tag, next number]
        self.skip = 0                # depth inside a skipped span
        self.heading = 0             # depth inside a papercards heading
        self.links: list[str] = []   # hrefs of open links
        self.code = 0

    # -- output
    def emit(self, text: str) -> None:
        if not text:
            return
        if self.pending and self.out:
            self.out.append(self.pending)
        self.pending = ""
        self.out.append(text)

    def brk(self, sep: str) -> None:
        if len(sep) > len(self.pending):
            self.pending = sep

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in "".join(self.out).split("\n")).strip()

    # -- parser callbacks
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.skip or _SKIPPED in (attrs.get("class") or "").split():
            self.skip += tag not in ("br", "img")
            return
        if tag in _BLOCKS:
            self.brk("\n")
            if "pc-h" in (attrs.get("class") or "").split():
                self.heading = 1
                self.emit("## ")
            elif self.heading:
                self.heading += 1
        elif tag == "br":
            self.brk("\n" + "  " * len(self.lists) if self.lists else "\n")
        elif tag in ("ul", "ol"):
            self.brk("\n")
            start = attrs.get("start") or "1"
            self.lists.append([tag, int(start) if start.isdigit() else 1])
        elif tag == "li" and self.lists:
            kind = self.lists[-1]
            marker = "- " if kind[0] == "ul" else f"{kind[1]}. "
            kind[1] += 1
            self.brk("\n")
            self.emit("  " * (len(self.lists) - 1) + marker)
        elif tag in _MARKS and not (self.heading and tag == "b"):
            self.emit(_MARKS[tag])
        elif tag == "code":
            self.code += 1
            self.emit("`")
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            self.emit("[")
        else:
            self.emit(self.get_starttag_text() or "")
            self.links.append("") if tag == "a" else None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if self.skip:
            self.skip -= 1
            return
        if tag in _BLOCKS:
            if self.heading:
                self.heading -= 1
            self.brk("\n\n")
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.brk("\n\n" if not self.lists else "\n")
        elif tag == "li":
            self.brk("\n")
        elif tag in _MARKS and not (self.heading and tag == "b"):
            self.emit(_MARKS[tag])
        elif tag == "code":
            self.code = max(0, self.code - 1)
            self.emit("`")
        elif tag == "a":
            href = self.links.pop() if self.links else ""
            self.emit(f"]({href})" if href else "</a>")
        elif tag not in ("br", "img"):
            self.emit(f"</{tag}>")

    def handle_data(self, data):
        if self.skip:
            return
        if self.code:
            self.emit(data)
            return
        # the space `distinct` puts before its span is the deck's, not the learner's
        self.emit(_escape(data))
