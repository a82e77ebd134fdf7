"""Markdown notes → `Paper` trees, using markdown-it-py's token stream.

Tolerant by design: headings may be numbered (``## 1. Title``, ``## 2、``),
starred or plain; the Chinese title line may be missing; sections are
recognised by role through the config's aliases and unknown ones are kept as
content; lists may nest; links are raw ``<a href>`` tags with either quote.
What cannot be used (placeholders, empty sections) is reported once and left
out, never turned into cards.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..config import Config
from ..diagnostics import Diagnostic
from .model import (OTHER, Block, Link, ListItem, NotesFile, Paper, Section,
                    Subsection)

# Block structure only: the builder reads block tokens and the raw text of inline
# tokens (`.content`); inline Markdown is read later, sentence by sentence
# (papercards.text). Parsing every inline token's children here was half the parse.
_md = MarkdownIt("commonmark", {"html": True}).enable("table").disable(["inline", "text_join"])

_NUMBERING = re.compile(r"^\s*(?:\\?\*+\s*)?(?:(?:No\.|第)?\s*(\d{1,4})\s*(?:[.、)）:：]|篇)\s*)?")
_MARKS = re.compile(r"(\*\*|__|(?<![\w\\])\*|(?<!\w)_(?!\w)|`)")
# The link text stops at the next <a or </a, the attributes at the next < or >, and a Markdown
# label or URL at the next bracket: each match attempt then scans only to the next candidate,
# never to the end of the line (`<a>`, `<a ` or `[a](` repeated 20,000 times on one line took
# minutes with `.*?`, `[^>]*` and `[^)\s>]+`).
_A_TAG = re.compile(r"<a\b([^<>]*)>([^<]*(?:<(?!/?a\b)[^<]*)*)</a\s*>", re.I)
_A_OPEN = re.compile(r"<a\b([^<>]*)>", re.I)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_MD_LINK = re.compile(r"(?<!!)\[([^\[\]\n]*)\]\(\s*<?((?:[^()\s<>\[\]]|\([^()\s]*\))+)>?(?:\s+\"[^\"]*\")?\s*\)")
_BARE_URL = re.compile(r"(?<![\"'(=<])\bhttps?://[^\s<>\"')\]]+")
_TAG = re.compile(r"<[^<>]+>")          # not `<[^>]+>`: quadratic on a line of 50,000 `<`
_SCRIPT = re.compile(r"<(script|style)\b[^<>]*>.*?(?:</\1\s*>|$)", re.I | re.S)   # the element and its code
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# `key: value` in a metadata quote. The spaces are read possessively: tried in every split
# between the two leading `\s*` and the key, a line of spaces took cubic time.
_META = re.compile(r"^\s*+[-*]?\s*+\**([^:：*]{1,20})\**\s*+[:：]\s*(.+)$")


def strip_marks(text: str) -> str:
    """Inline Markdown → plain text for titles (bold, code and stray stars removed)."""
    text = _TAG.sub("", _SCRIPT.sub("", text))
    text = _MARKS.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_notes(text: str, path: str, config: Config) -> NotesFile:
    """Parse one notes file. ``path`` is how the file is named in messages."""
    lines = text.split("\n")
    tokens = _md.parse(text)
    level = _paper_level(tokens, config)
    return _Builder(lines, path, config, level).run(tokens)


def _paper_level(tokens: list[Token], config: Config) -> int:
    if config.paper_heading_level != "auto":
        return int(config.paper_heading_level)
    votes: Counter[int] = Counter()
    for i, tok in enumerate(tokens):
        level = int(tok.tag[1]) if tok.type == "heading_open" else 0
        if level >= 2 and config.role_of(strip_marks(tokens[i + 1].content)):
            votes[level] += 1          # a section heading sits one level below its paper
    if votes:
        best = max(votes.items(), key=lambda kv: (kv[1], kv[0]))[0]
        return best - 1
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    if levels.count(2) >= 1:
        return 2
    return min(levels) if levels else 1


class _Builder:
    def __init__(self, lines: list[str], path: str, config: Config, level: int):
        self.lines, self.path, self.config, self.level = lines, path, config, level
        self.out = NotesFile(path=path)
        self.paper: Paper | None = None
        self.section: Section | None = None
        self.sub: Subsection | None = None
        self.skipping = False          # inside a placeholder paper
        self.before_sections = True    # between paper heading and its first section

    # -- helpers -----------------------------------------------------------
    def warn(self, line: int, message: str) -> None:
        self.out.diagnostics.append(Diagnostic(self.path, line, message))

    def run(self, tokens: list[Token]) -> NotesFile:
        i = 0
        while i < len(tokens):
            i = self.block(tokens, i)
        self.close_paper(len(self.lines))
        if not "".join(self.lines).strip():
            self.warn(0, "file is empty; nothing to read")
        elif not self.out.papers and not self.out.placeholders:
            self.warn(1 if self.lines else 0, "no papers found (expected headings like "
                      f"'{'#' * self.level} 1. Paper title')")
        return self.out

    def block(self, tokens: list[Token], i: int) -> int:
        tok = tokens[i]
        line = tok.map[0] + 1 if tok.map else 0
        if tok.type == "heading_open":
            self.heading(int(tok.tag[1]), tokens[i + 1].content, line)
            return i + 3
        end = _close_index(tokens, i)
        if self.skipping:
            return end + 1
        block = _to_block(tokens, i, end, self.lines)
        for part in getattr(block, "parts", [block] if block is not None else []):
            self.add_block(part)
        return end + 1

    # -- headings ------------------------------------------------------------
    def heading(self, level: int, raw: str, line: int) -> None:
        text = strip_marks(raw)
        if level < self.level:
            self.close_paper(line - 1)
            if self.out.title is None:
                self.out.title = text
            return
        if level == self.level:
            self.close_paper(line - 1)
            self.start_paper(text, line)
            return
        if self.skipping:
            return
        if self.paper is None:
            self.warn(line, f"heading '{text or '#' * level}' comes before any paper heading; ignored")
            return
        if level == self.level + 1:
            self.close_section(line - 1)
            role = self.config.role_of(text) or OTHER
            self.section = Section(role=role, heading=text, line=line)
            self.paper.sections.append(self.section)
            self.sub = None
            self.before_sections = False
        else:
            if self.section is None:
                self.section = Section(role=OTHER, heading="", line=line)
                self.paper.sections.append(self.section)
                self.before_sections = False
            self.sub = Subsection(heading=text, line=line)
            self.section.subsections.append(self.sub)

    def start_paper(self, text: str, line: int) -> None:
        m = _NUMBERING.match(text)
        number = int(m.group(1)) if m and m.group(1) else None
        title = text[m.end():].strip() if m else text
        self.section = self.sub = None
        self.before_sections = True
        if not title or self.config.is_placeholder(title):
            self.skipping = True
            self.paper = None
            self.out.placeholders += 1
            what = f"placeholder paper '{title}'" if title else "paper heading with no text"
            self.warn(line, f"{what} skipped")
            return
        self.skipping = False
        self.paper = Paper(title=title, line=line, file=self.path, number=number, level=self.level)

    def close_section(self, end: int) -> None:
        sec = self.section
        if sec is None or self.paper is None:
            return
        sec.end_line = end
        if sec.is_empty:
            self.warn(sec.line, f"section {sec.heading or '(untitled)'} is empty")
        elif not sec.heading and self.lines[sec.line - 1].strip() == "#" * (self.level + 1):   # a bare `### `
            self.warn(sec.line, "section heading has no text; its content is kept as untitled notes")
        for sub in sec.subsections:
            if not sub.heading and not sub.blocks:
                self.warn(sub.line, "sub-heading with no text and no content; skipped")
            elif not sub.heading:
                self.warn(sub.line, "sub-heading has no text; its content is kept as a section note")

    def close_paper(self, end: int) -> None:
        self.close_section(end)
        paper, self.paper = self.paper, None
        self.section = self.sub = None
        if paper is None:
            return
        paper.end_line = end
        paper.links = self.scan_links(paper.line, end)
        if not paper.sections and not paper.title_zh and not paper.links:
            self.warn(paper.line, f"paper '{paper.title}' has no sections; only its title is used")
        self.out.papers.append(paper)

    # -- blocks ----------------------------------------------------------------
    def add_block(self, block: Block) -> None:
        if self.paper is None:
            return      # text under the file title: an introduction, not a paper
        if self.before_sections:
            if block.kind == "paragraph" and self.paper.title_zh is None and _CJK.search(block.text) \
                    and not self.paper.sections:
                first, _, rest = block.text.partition("\n")
                self.paper.title_zh = strip_marks(first)
                if not rest.strip():
                    return
                block = Block(kind="paragraph", line=block.line + 1, text=rest)
            if block.kind == "quote":
                meta = _meta(block.text)
                if meta:
                    self.paper.meta.update(meta)
                    return
            if self.section is None:
                self.section = Section(role=OTHER, heading="", line=block.line)
                self.paper.sections.append(self.section)
        target = self.sub.blocks if self.sub is not None else self.section.blocks
        target.append(block)

    def scan_links(self, start: int, end: int) -> list[Link]:
        links: list[Link] = []
        seen: set[str] = set()
        for no in range(start, min(end, len(self.lines)) + 1):
            raw = self.lines[no - 1]
            if "<a" in raw.lower():
                for m in _A_OPEN.finditer(raw):
                    href = _HREF.search(m.group(1))
                    if not href:
                        self.warn(no, "link <a> without href; ignored")
            for m in _A_TAG.finditer(raw):
                href = _HREF.search(m.group(1))
                if href:
                    self._add_link(links, seen, strip_marks(m.group(2)), next(g for g in href.groups() if g is not None), no)
            for m in _MD_LINK.finditer(raw):
                self._add_link(links, seen, strip_marks(m.group(1)), m.group(2), no)
            for m in _BARE_URL.finditer(_A_TAG.sub("", raw)):
                self._add_link(links, seen, "", m.group(0).rstrip(".,;，。"), no)
        return links

    @staticmethod
    def _add_link(links, seen, text, href, line):
        # an attribute or a URL in the notes' HTML is escaped (``&amp;``): keep what it means,
        # so the card escapes it once
        text, href = html.unescape(text), html.unescape(href).strip()
        if not href or href in seen or href.lower().startswith(("javascript:", "data:", "vbscript:")):
            return
        seen.add(href)
        links.append(Link(text=text, href=href, line=line))


def _meta(text: str) -> dict[str, str]:
    meta = {}
    for line in text.split("\n"):
        m = _META.match(line)
        if m:
            meta[m.group(1).strip()] = m.group(2).strip()
    return meta


def _close_index(tokens: list[Token], i: int) -> int:
    """Index of the token closing the block that opens at ``i``."""
    tok = tokens[i]
    if tok.nesting != 1:
        return i
    close = tok.type.replace("_open", "_close")
    for j in range(i + 1, len(tokens)):
        if tokens[j].level == tok.level and tokens[j].type == close:
            return j
    return len(tokens) - 1


def _to_block(tokens: list[Token], i: int, end: int, lines: list[str]) -> Block | None:
    tok = tokens[i]
    line = tok.map[0] + 1 if tok.map else 0
    t = tok.type
    if t == "paragraph_open":
        return Block(kind="paragraph", line=line, text=tokens[i + 1].content)
    if t in ("bullet_list_open", "ordered_list_open"):
        items, lazy = _list_items(tokens, i, end, lines)
        block = Block(kind="list", line=line, items=items, ordered=t == "ordered_list_open")
        if lazy:
            # A line after the list with no indent: markdown-it glues it to the
            # last item ("lazy continuation"); the author meant a new paragraph.
            return _Multi([block] + [Block(kind="paragraph", line=ln, text=tx) for ln, tx in lazy])
        return block
    if t in ("fence", "code_block"):
        return Block(kind="code", line=line, text=tok.content)
    if t == "html_block":
        return Block(kind="html", line=line, text=tok.content)
    if t == "table_open":
        rows, row = [], None
        for k in range(i, end):
            if tokens[k].type == "tr_open":
                row = []
            elif tokens[k].type == "inline" and row is not None:
                row.append(tokens[k].content)
            elif tokens[k].type == "tr_close" and row is not None:
                rows.append(row)
                row = None
        return Block(kind="table", line=line, rows=rows)
    if t == "blockquote_open":
        text = "\n".join(tokens[k].content for k in range(i, end) if tokens[k].type == "inline")
        return Block(kind="quote", line=line, text=text)
    return None


class _Multi(Block):
    """Several blocks produced from one token run (a list plus lazy lines)."""

    def __init__(self, blocks: list[Block]):
        super().__init__(kind="multi", line=blocks[0].line)
        self.parts = blocks


def _list_items(tokens: list[Token], i: int, end: int, lines: list[str]):
    """Build the ListItem tree of the list spanning tokens[i..end]."""
    root: list[ListItem] = []
    stack: list[list[ListItem]] = [root]
    current: list[ListItem | None] = [None]
    ordered_stack: list[bool] = []
    lazy: list[tuple[int, str]] = []
    for k in range(i, end + 1):
        tok = tokens[k]
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            ordered_stack.append(tok.type == "ordered_list_open")
            if k != i:
                parent = current[-1]
                if parent is not None:
                    parent.ordered = ordered_stack[-1]
                    stack.append(parent.children)
                else:
                    stack.append(stack[-1])
                current.append(None)
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            ordered_stack.pop()
            if k != end:
                stack.pop()
                current.pop()
        elif tok.type == "list_item_open":
            item = ListItem(text="", line=tok.map[0] + 1 if tok.map else 0)
            stack[-1].append(item)
            current[-1] = item
        elif tok.type == "inline" and current[-1] is not None:
            item = current[-1]
            text = tok.content
            if tok.map and "\n" in text:
                parts = text.split("\n")
                keep = [parts[0]]
                for n, part in enumerate(parts[1:], start=1):
                    src = tok.map[0] + n
                    raw = lines[src] if src < len(lines) else ""
                    if raw and not raw[0].isspace() and len(ordered_stack) == 1 \
                            and not any(t.type == "list_item_open" for t in tokens[k:end]):
                        lazy.append((src + 1, "\n".join(parts[n:])))
                        break
                    keep.append(part)
                text = "\n".join(keep)
            if item.text:
                item.text += "\n" + text
            else:
                item.text = text
        elif tok.type in ("fence", "code_block") and current[-1] is not None:
            current[-1].text += "\n" + tok.content
    return root, lazy
