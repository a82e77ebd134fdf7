"""One paper per file: what the file's shape says about its paper.

Notes kept one paper per file (``03-robotics/grasping/X_2026.md``) put the
paper in the H1 (``# 简称：中文标题``) and its facts in a metadata quote
(``> **论文**：*English Title*``, ``> **发布时间**：2026 年 06 月（arXiv 2601.01234）``,
``> 🔗 [arXiv](…) | [PDF](…)``, ``> **分类标签**：`tag` `tag```); its ``##``
headings, numbered ``一、问题与动机``, are sections. This module tells such
a file from notes with many papers per file, reads the H1 and the metadata,
and tells an index (a README of links to other notes) from a paper.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from ..text.lang import has_cjk

# `## 一、问题与动机`, `## （二）方法`, `## 第三章 实验`: the numbering of a paper's sections, never of papers
_ZH_ORDINAL = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十]{1,3}[、.．)）]|第[一二三四五六七八九十]{1,3}[章节部分])")
# what a paper's metadata quote names (a quote of "作者: …" under a heading makes it a paper)
_PAPER_FIELDS = {"论文", "标题", "英文标题", "title", "paper", "作者", "authors", "author", "机构",
                 "affiliations", "发布时间", "发表时间", "时间", "date", "published", "分类标签", "标签", "tags",
                 "会议", "venue", "arxiv"}
# fields of the metadata, by what they hold (keys compared casefolded, without spaces)
TITLE_KEYS = ("论文", "英文标题", "标题", "title", "paper")
AUTHOR_KEYS = ("作者", "authors", "author")
AFFILIATION_KEYS = ("机构", "affiliations", "affiliation")
DATE_KEYS = ("发布时间", "发表时间", "时间", "date", "published")
TAG_KEYS = ("分类标签", "标签", "tags")
_ARXIV_ID = re.compile(r"(?:arxiv[\s:：]*|arxiv\.org/(?:abs|pdf)/)(\d{4}\.\d{4,5})(?:v\d+)?", re.I)
_BACKTICKED = re.compile(r"`([^`\n]+)`")
_REFERENCE_HEADINGS = {"参考", "参考文献", "参考资料", "引用", "references", "reference", "bibliography"}
# linear on a hostile line (`[a](` 20,000 times): no run of characters reaches past a bracket
_LINK_LINE = re.compile(r"\]\(|<a\s|https?://", re.I)
_NOTES_LINK = re.compile(r"\]\(\s*<?(?![a-z][a-z0-9+.-]*:)[^()\s<>\[\]]*\.(?:md|markdown)(?:#[^()\s<>\[\]]*)?>?\s*\)", re.I)


def field_key(name: str) -> str:
    """A metadata key as compared: casefolded, marks and spaces removed."""
    return re.sub(r"[\s*_`]", "", name).casefold()


def meta_value(meta: dict[str, str], keys: tuple[str, ...]) -> str:
    """The first of ``keys`` the metadata has, or ''."""
    by_key = {field_key(k): v for k, v in meta.items()}
    return next((by_key[k] for k in keys if by_key.get(k)), "")


def is_section_numbering(heading: str) -> bool:
    """``一、问题与动机``: a section of a paper, whatever level it sits at."""
    return bool(_ZH_ORDINAL.match(heading))


def is_reference_heading(heading: str) -> bool:
    """``## 参考``, ``## References``: a list of other papers, whose links are not this paper's."""
    return re.sub(r"[\W\d_]+", "", heading).casefold() in _REFERENCE_HEADINGS


def is_metadata_line(text: str) -> bool:
    """``Paper: *Title* — authors``, ``论文：…``, ``作者：…``: a line citing the paper, not a fact of it."""
    m = re.match(r"^\W*\**([^:：*\n]{1,20})\**\s*[:：]", text)
    return bool(m) and field_key(m.group(1)) in _PAPER_FIELDS


def metadata_levels(tokens: list[Token]) -> list[int]:
    """Heading levels directly followed by a paper's metadata: a quote (authors, date, …)
    or a first paragraph that cites the paper (``Paper: *Title* — authors, arXiv 2211.14275``,
    ``论文：…（arXiv 2309.00267）``)."""
    out = []
    for i, tok in enumerate(tokens):
        if tok.type != "heading_open" or i + 3 >= len(tokens):
            continue
        if tokens[i + 3].type == "blockquote_open":
            quote = "\n".join(t.content for t in tokens[i + 3:i + 40] if t.type == "inline")
        elif tokens[i + 3].type == "paragraph_open" and i + 4 < len(tokens):
            quote = tokens[i + 4].content
        else:
            continue
        keys = {field_key(m.group(1)) for m in re.finditer(r"^\W*\**([^:：*\n]{1,20})\**\s*[:：]", quote, re.M)}
        if keys & _PAPER_FIELDS or _ARXIV_ID.search(quote):
            out.append(int(tok.tag[1]))
    return out


# the sections of one paper's notes, in the words other students use: a heading that is one
# of these sits one level below its paper ("## Key idea" under "# Outcome vs. process…")
_SECTION_WORDS = {
    "background", "motivation", "problem", "keyidea", "keyideas", "idea", "method", "methods", "approach",
    "setup", "experiments", "experiment", "results", "findings", "keyfindings", "analysis", "discussion",
    "limitations", "conclusion", "conclusions", "openquestions", "questions", "mynotes", "notes", "thoughts",
    "glossary", "takeaways", "contributions", "relatedwork", "overview",
    "背景", "动机", "问题", "方法", "核心方法", "实验", "实验设置", "结果", "实验结果", "发现", "结论", "局限", "局限性",
    "思考", "讨论", "总结", "术语", "术语表", "名词解释", "贡献", "相关工作", "我的理解", "个人思考"}


def is_section_word(heading: str) -> bool:
    """``Key idea``, ``Findings``, ``方法``: a section of a paper's notes, never a paper."""
    return re.sub(r"[\W\d_]+", "", heading).casefold() in _SECTION_WORDS


def is_index(tokens: list[Token]) -> bool:
    """A folder's README or index: its text is links to other notes files, not a paper.

    At least one link to a ``.md`` file, and two thirds of its lines (headings
    aside) carry a link."""
    lines, linked, notes_links = 0, 0, 0
    for i, tok in enumerate(tokens):
        if tok.type != "inline" or (i and tokens[i - 1].type == "heading_open"):
            continue
        for line in tok.content.split("\n"):
            if line.strip():
                lines += 1
                linked += bool(_LINK_LINE.search(line))
                notes_links += len(_NOTES_LINK.findall(line))
    return notes_links > 0 and linked * 3 >= lines * 2


def split_h1(heading: str) -> tuple[str | None, str | None]:
    """``简称：中文标题`` → (short name, 中文 title); (None, None) when the heading is not that.

    The short name is what comes before the first colon, when it is short and
    the rest is Chinese (``SimPO：无参考模型奖励的简单偏好优化``), or when it is one
    name the author gave the paper (``RewardEnsemble: Conservative Reward Ensembles…``,
    the paper's own title in its metadata): (that name, None)."""
    m = re.match(r"^\s*([^:：]{1,40}?)\s*[:：]\s*(.+)$", heading)
    if not m:
        return None, None
    if not has_cjk(m.group(2)):
        return (m.group(1), None) if _ONE_NAME.fullmatch(m.group(1)) else (None, None)
    return m.group(1).strip(), m.group(2).strip()


# one name, written as a name: RewardEnsemble, GraspDiff, ProcessRM (two capitals at least, no space)
_ONE_NAME = re.compile(r"(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z][A-Za-z0-9-]{2,23}")


def arxiv_id(text: str) -> str | None:
    """``arXiv 2601.01234`` or an arxiv.org/abs|pdf address → ``2601.01234`` (version dropped)."""
    m = _ARXIV_ID.search(text or "")
    return m.group(1) if m else None


def tags_of(value: str) -> list[str]:
    """``\\`reward model\\` \\`benchmark\\``` → ['reward model', 'benchmark'] (or split on commas)."""
    found = _BACKTICKED.findall(value)
    if not found:
        found = re.split(r"\s*[,，、;；]\s*", value)
    return [t.strip() for t in found if t.strip()]


def deck_folder(name: str) -> str:
    """A topic folder as a deck name: ``03-robotics`` → ``03 robotics``."""
    return re.sub(r"[\s_\-]+", " ", name).strip()
