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
from collections.abc import Mapping

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..config import MANY_PAPERS, ONE_PAPER, Config
from ..diagnostics import Diagnostic
from ..text.lang import has_cjk
from . import layout
from .model import (LINKS, OTHER, Block, Link, ListItem, NotesFile, Paper, Section,
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
# what every match of _A_OPEN, _A_TAG, _MD_LINK and _BARE_URL holds: a line without it has no link
_MAY_LINK = re.compile(r"<a|\]\(|https?://", re.I)
_TAG = re.compile(r"<[^<>]+>")          # not `<[^>]+>`: quadratic on a line of 50,000 `<`
_SCRIPT = re.compile(r"<(script|style)\b[^<>]*>.*?(?:</\1\s*>|$)", re.I | re.S)   # the element and its code
# `key: value` in a metadata quote. The spaces are read possessively: tried in every split
# between the two leading `\s*` and the key, a line of spaces took cubic time.
# A key holds no link (`🔗 [arXiv](https://…)` is the link row, not a key "🔗 [arXiv](https").
_META = re.compile(r"^\s*+[-*]?\s*+\**([^:：*\[\]()]{1,20})\**\s*+[:：]\s*(.+)$")


_SPACES = re.compile(r"\s+")


def strip_marks(text: str) -> str:
    """Inline Markdown → plain text for titles (bold, code and stray stars removed)."""
    text = _TAG.sub("", _SCRIPT.sub("", text))
    text = _MARKS.sub("", text)
    return _SPACES.sub(" ", text).strip()


def parse_notes(text: str, path: str, config: Config) -> NotesFile:
    """Parse one notes file. ``path`` is how the file is named in messages."""
    lines = text.split("\n")
    tokens = _md.parse(text)
    if layout.is_index(tokens):
        out = NotesFile(path=path)
        out.diagnostics.append(Diagnostic(path, 1, "an index of links to other notes, not a paper; skipped"))
        return out
    roles = _Roles(config)
    level = _paper_level(tokens, config, roles)
    return _Builder(lines, path, config, level, _one_paper(tokens, config, level), roles).run(tokens)


class _Roles(dict):
    """The section role of each heading text (`Config.role_of`), looked up once per parse:
    the same few headings (摘要, 关键词, Method) come back under every paper."""

    def __init__(self, config: Config):
        super().__init__()
        self.config = config

    def __missing__(self, heading: str) -> str | None:
        role = self[heading] = self.config.role_of(heading)
        return role


def _one_paper(tokens: list[Token], config: Config, level: int) -> bool:
    """Whether the file is one paper: set in the config, or its only H1 is the paper."""
    if config.layout != "auto":
        return config.layout == ONE_PAPER
    return level == 1 and sum(t.type == "heading_open" and t.tag == "h1" for t in tokens) == 1


# a paper's metadata quote (authors, date, arXiv id) under a heading says a paper starts there:
# it outweighs a few section-like headings elsewhere
_METADATA_VOTES = 3


def _paper_level(tokens: list[Token], config: Config, roles: Mapping[str, str | None] | None = None) -> int:
    if config.layout == ONE_PAPER:
        return 1
    if config.paper_heading_level != "auto":
        return int(config.paper_heading_level)
    roles = _Roles(config) if roles is None else roles
    votes: Counter[int] = Counter()
    for i, tok in enumerate(tokens):
        level = int(tok.tag[1]) if tok.type == "heading_open" else 0
        heading = strip_marks(tokens[i + 1].content) if level >= 2 else ""
        if heading and (roles[heading] or layout.is_section_numbering(heading) or layout.is_section_word(heading)):
            votes[level] += 1          # a section heading sits one level below its paper
    if config.layout != MANY_PAPERS:
        for level in layout.metadata_levels(tokens):
            votes[level + 1] += _METADATA_VOTES
    if votes:
        best = max(votes.items(), key=lambda kv: (kv[1], kv[0]))[0]
        return best - 1
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    if levels.count(2) >= 1:
        return 2
    return min(levels) if levels else 1


class _Builder:
    def __init__(self, lines: list[str], path: str, config: Config, level: int, one_paper: bool = False,
                 roles: Mapping[str, str | None] | None = None):
        self.lines, self.path, self.config, self.level = lines, path, config, level
        self.roles = _Roles(config) if roles is None else roles
        self.one_paper = one_paper
        self.out = NotesFile(path=path, one_paper=one_paper)
        self.meta_lines: list[tuple[int, int]] = []    # the current paper's metadata quotes
        self.paper: Paper | None = None
        self.section: Section | None = None
        self.sub: Subsection | None = None
        self.skipping = False          # inside a placeholder paper
        self.untitled: list[int] = []  # lines of paper headings with no text
        self.before_sections = True    # between paper heading and its first section

    # -- helpers -----------------------------------------------------------
    def warn(self, line: int, message: str) -> None:
        self.out.diagnostics.append(Diagnostic(self.path, line, message))

    def run(self, tokens: list[Token]) -> NotesFile:
        i = 0
        while i < len(tokens):
            i = self.block(tokens, i)
        self.close_paper(len(self.lines))
        for line in self.untitled:
            self.warn(line, self._between_papers(line))
        if not "".join(self.lines).strip():
            self.warn(0, "file is empty; nothing to read")
        elif not self.out.papers and not self.out.placeholders:
            expected = "'# 简称：中文标题'" if self.one_paper else f"'{'#' * self.level} 1. Paper title'"
            self.warn(1 if self.lines else 0, f"no papers found (expected headings like {expected}); skipped")
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
        if level == self.level and self.one_paper and (self.paper or self.out.papers or self.skipping):
            level += 1                # the file is one paper: a second H1 is one of its sections
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
            role = self.roles[text] or OTHER
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
            if title:
                self.warn(line, f"placeholder paper '{title}' skipped")
            else:
                self.untitled.append(line)
            return
        self.skipping = False
        self.paper = Paper(title=title, line=line, file=self.path, number=number, level=self.level)
        self.meta_lines = []
        if self.one_paper:
            self.paper.short, self.paper.title_zh = layout.split_h1(title)

    def _between_papers(self, line: int) -> str:
        """A heading with no text, placed by its neighbours: a title deleted by a slip, or a
        heading typed too early; what is under it, up to the next paper, is not read."""
        before = [p for p in self.out.papers if p.line < line]
        after = [p for p in self.out.papers if p.line > line]
        where = [f"{side} paper '{p.title}' (line {p.line})" for side, p in
                 (("after", before[-1] if before else None), ("before", after[0] if after else None)) if p]
        return f"paper heading with no text{' ' + ' and '.join(where) if where else ''}: skipped with what is under it"

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
        if self.one_paper:
            _read_metadata(paper)
        paper.links = self.own_links(paper)
        if not paper.sections and not paper.title_zh and not paper.links:
            self.warn(paper.line, f"paper '{paper.title}' has no sections; only its title is used")
        self.out.papers.append(paper)

    # -- blocks ----------------------------------------------------------------
    def add_block(self, block: Block) -> None:
        if self.paper is None:
            return      # text under the file title: an introduction, not a paper
        if self.before_sections:
            if block.kind == "paragraph" and self.paper.title_zh is None and has_cjk(block.text) \
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
                    self.meta_lines.append((block.line, self.quote_end(block.line)))
                    return
            if self.section is None:
                self.section = Section(role=OTHER, heading="", line=block.line)
                self.paper.sections.append(self.section)
        target = self.sub.blocks if self.sub is not None else self.section.blocks
        target.append(block)

    def quote_end(self, start: int) -> int:
        """The last line of the quote that starts at ``start``."""
        end = start
        while end < len(self.lines) and self.lines[end].lstrip().startswith(">"):
            end += 1
        return end

    def own_links(self, paper: Paper) -> list[Link]:
        """The paper's own links (its PDF, arXiv page, code), never another note's.

        A metadata quote with links is the paper's link row: its links, and those of
        a links section, are the paper's. Otherwise every link of the paper is, but
        those of a reference list (other papers) and links to other notes files."""
        rows = [r for r in self.meta_lines if any(_MD_LINK.search(self.lines[n - 1]) or _BARE_URL.search(self.lines[n - 1])
                                                  for n in range(r[0], r[1] + 1))]
        if rows:
            spans = rows + [(s.line, s.end_line) for s in paper.sections if s.role == LINKS]
        else:
            spans, start = [], paper.line
            for sec in paper.sections:
                if layout.is_reference_heading(sec.heading):
                    spans.append((start, sec.line - 1))
                    start = sec.end_line + 1
            spans.append((start, paper.end_line))
        links, seen = [], set()
        for start, end in sorted(spans):
            links += self.scan_links(start, end, seen)
        links = [ln for ln in links if not _NOTES_FILE.search(ln.href)]
        if rows and paper.arxiv is None:
            paper.arxiv = next(filter(None, (layout.arxiv_id(ln.href) for ln in links)), None)
        if paper.arxiv and not any(ln.kind == "arxiv" for ln in links):
            links.insert(0, Link(text="arXiv", href=f"https://arxiv.org/abs/{paper.arxiv}", line=paper.line))
        return links

    def scan_links(self, start: int, end: int, seen: set[str] | None = None) -> list[Link]:
        links: list[Link] = []
        seen = set() if seen is None else seen
        for no in range(start, min(end, len(self.lines)) + 1):
            raw = self.lines[no - 1]
            if not _MAY_LINK.search(raw):
                continue                # most lines: none of the patterns below can match
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


# a link to another notes file (`../dpo/SimPO_2024.md`): the other paper, not this one's link
_NOTES_FILE = re.compile(r"^(?![a-z][a-z0-9+.-]*:)[^?#]*\.(?:md|markdown)(?:#.*)?$", re.I)


def _read_metadata(paper: Paper) -> None:
    """The paper's metadata quote: its English title (the H1 is its short name and
    中文 title), its arXiv id and its tags (`分类标签`)."""
    english = strip_marks(layout.meta_value(paper.meta, layout.TITLE_KEYS)).strip("*_ ")
    if english and english != paper.title:
        if paper.title_zh is None and has_cjk(paper.title):
            paper.title_zh = paper.title
        paper.title = english
    paper.arxiv = layout.arxiv_id(layout.meta_value(paper.meta, layout.DATE_KEYS)) or \
        layout.arxiv_id(" ".join(paper.meta.values()))
    paper.tags = layout.tags_of(layout.meta_value(paper.meta, layout.TAG_KEYS))


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
