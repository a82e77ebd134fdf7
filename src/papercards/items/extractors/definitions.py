"""Definitions written inline: ``COV是指:(…)``, ``logit混合是一种集成方法，…``, ``逐点噪声(pointwise noise)：…``."""

from __future__ import annotations

import re

from ...notes import slugify, strip_marks
from ..context import PaperContext
from ..model import Item
from .walk import content_texts

_IS = re.compile(r"^(?P<term>[^，,。；;：:]{1,20}?)\s*(?P<verb>是指|指的是|是一种|是一个|是一类|定义为|即为|refers to|is defined as|means)"
                 r"\s*[:：]?\s*(?P<body>.{4,})$", re.S)
_GLOSS = re.compile(r"^(?P<term>[^，,。；;：:(（]{1,16}?\s*[(（][A-Za-z][^)）]{1,60}[)）])\s*[:：]\s*(?P<body>.{4,})$", re.S)


def parse_definition(text: str) -> tuple[str, str] | None:
    """(term, definition) if the sentence defines something, else None."""
    plain = text.strip()
    m = _IS.match(plain)
    if m:
        term, body = m.group("term").strip(), m.group("body").strip()
        if m.group("verb") in ("是一种", "是一个", "是一类"):
            body = m.group("verb")[1:] + body
        if body[:1] in "(（" and body[-1:] in ")）":
            body = body[1:-1].strip()
        if _looks_like_term(term):
            return term, body
    m = _GLOSS.match(plain)
    if m and not re.search(r"[是的了]", m.group("term").split("(")[0].split("（")[0]):   # a statement, not a name
        term = re.sub(r"\s*[(（]\s*", " (", _named(m.group("term"))).replace("）", ")").strip()
        return term, m.group("body").strip()
    return None


# "作者引入**元评判**（meta-judge）：…": the verb that brings the term in is no part of its name
_BRINGS_IN = re.compile(r"^(?:作者|我们|文章|论文|本文)?(?:引入|提出|定义|设计|使用|采用)了?\s*")


def _named(term: str) -> str:
    """The name a glossed label defines: the author's bold in it, else the label without
    the verb that introduces it."""
    name, bracket, gloss = re.split(r"([(（])", term, maxsplit=1) if re.search(r"[(（]", term) else (term, "", "")
    bold = re.search(r"\*\*([^*]+)\*\*", name)
    name = bold.group(1) if bold else _BRINGS_IN.sub("", name)
    return f"{name.strip()}{bracket}{gloss}"


def _looks_like_term(term: str) -> bool:
    plain = strip_marks(term)
    return 1 <= len(plain) <= 20 and not re.search(r"[，。！？]", plain) and not plain.startswith(("这", "那", "它", "其"))


def extract(pc: PaperContext):
    for text, line, _, _ in content_texts(pc.paper):
        if line in pc.consumed:
            continue
        found = parse_definition(text)
        if not found:
            continue
        term, body = found
        pc.consumed.add(line)
        yield Item(id=f"{pc.info.key}/definition/{slugify(term) or line}", kind="definition",
                   paper=pc.info.key, fields={"term": term, "definition": body},
                   source=pc.where(line))
