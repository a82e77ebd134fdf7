"""What a paper is called: its methods and the short name used for decks and fronts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..notes import Paper
from .model import PaperInfo
from .terms import abbreviations_in, is_abbreviation, long_form

_PROPOSE = re.compile(r"\b(?:we|this paper|this work|our work)\s+(?:further\s+)?(?:propose|introduce|present|develop|call|term|name)s?d?\b"
                      r"|\bpropose[sd]?\b|\bintroduce[sd]?\b|\btermed\b|\bnamed\b|\bcalled\b"
                      r"|\bcall(?:s|ed)?\s+(?:it|the result|the method|this)\b", re.I)
_CLAUSE_END = re.compile(r",|;|\.\s|\.$|\bwhich\b|\bthat\b|\bto\b|\bby\b|\bfor\b|\bwith\b")
# "NS-DPO", "SimPO", "ReST^EM" (a name with its superscript is another method than "ReST")
_METHOD_TOKEN = re.compile(r"\b(?:[A-Z][A-Za-z]*(?:-[A-Z][A-Za-z0-9]*)+|[A-Z][a-z]*[A-Z][A-Za-z0-9]*)(?:\^[A-Za-z0-9]+)?(?![\w^])")
_ZH_PROPOSE = re.compile(r"提出(?:了)?\s*([A-Za-z][A-Za-z0-9.\-]*(?:\s*(?:和|、|与|,|/)\s*[A-Za-z][A-Za-z0-9.\-]*)*)")


@dataclass
class Method:
    name: str
    long_form: str = ""
    sentence: str = ""      # where it is proposed (English)
    line: int = 0


def object_of(text: str, start: int = 0) -> str:
    """What follows a verb (ending at ``start``) up to the end of its clause; brackets
    are never cut ("Distributionally Robustifying DPO (Dr. DPO), which …" keeps "(Dr. DPO)")."""
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch in "(（[":
            depth += 1
        elif ch in ")）]":
            depth = max(0, depth - 1)
        elif depth == 0 and i > start and _CLAUSE_END.match(text, i):
            return text[start:i]
    return text[start:]


def find_methods(paper: Paper, en_sentences: list[tuple[str, int]], common: set[str]) -> list[Method]:
    """Methods the paper itself proposes: ``we propose X (ABBR)``, ``提出RLHF-COV和DPO-COV``.

    An abbreviation the paper defines right after "we propose" is its method
    even when other papers use it too (later papers cite NS-DPO); a bare token
    is one only when it is not in ``common``, the terms several papers share.
    """
    from ..text import plain_inline
    found: dict[str, Method] = {}
    for sentence, line in ((plain_inline(s), ln) for s, ln in en_sentences):
        read_to = 0
        for m in _PROPOSE.finditer(sentence):
            if m.end() < read_to:
                continue         # a verb inside the clause just read: it names nothing new
            window = object_of(sentence, m.end())
            read_to = m.end() + len(window)
            for cand in abbreviations_in(window):
                found.setdefault(cand.abbr, Method(cand.abbr, cand.english, sentence, line))
            for tok in _METHOD_TOKEN.findall(window):
                if tok not in common and tok not in found and _mostly_capitals(tok):
                    found[tok] = Method(tok, "", sentence, line)
    title_head = paper.title.split(":")[0].strip()
    if ":" in paper.title and " " not in title_head and _mostly_capitals(title_head) and title_head not in common:
        found.setdefault(title_head, Method(title_head, "", "", paper.line))
    for method in found.values():
        if not method.long_form:
            method.long_form = _spelled_after(method.name, en_sentences)
    for section in paper.sections:
        for sub in section.subsections:
            for m in _ZH_PROPOSE.finditer(sub.heading):
                for tok in re.split(r"\s*(?:和|、|与|,|/)\s*", m.group(1)):
                    tok = tok.strip(" -")
                    if tok and _mostly_capitals(tok) and tok not in common:
                        found.setdefault(tok, Method(tok, "", "", sub.line))
    return list(found.values())


_ARXIV = re.compile(r"\barxiv[\s:：]*(\d{4}\.\d{4,5})(?:v\d+)?\b", re.I)


def _cited_arxiv(paper: Paper) -> list[dict[str, str]]:
    """The paper's arXiv page when its notes cite it by id and link nothing ("Paper: *…*,
    arXiv 2211.14275", "论文：…（arXiv 2309.00267）"): a card's button that opens the paper."""
    texts = list(paper.meta.values())
    texts += [b.text for s in paper.sections[:1] if not s.heading for b in s.blocks[:2] if b.kind == "paragraph"]
    for text in texts:
        m = _ARXIV.search(text)
        if m:
            return [{"text": "arXiv", "href": f"https://arxiv.org/abs/{m.group(1)}"}]
    return []


def _spelled_after(name: str, en_sentences: list[tuple[str, int]]) -> str:
    """The long form written in brackets right after the name ("**DAPO** (Decoupled Clip and
    Dynamic sAmpling Policy Optimization)"), when its initials spell the name; else ''."""
    from ..notes import strip_marks
    from ..text import plain_inline
    for sentence, _ in en_sentences:
        if name not in sentence:
            continue
        bracketed = _bracketed_after(name, strip_marks(plain_inline(sentence)))
        if bracketed and _spells(name, bracketed.strip()):
            return bracketed.strip()
    return ""


_WORDLIKE = re.compile(r"[\w-]")
_BRACKETED = re.compile(r"\s*[(（]([^()（）]{4,80})[)）]")


def _bracketed_after(name: str, text: str) -> str | None:
    """What the brackets right after the first whole-word ``name`` in ``text`` hold (4 to 80
    characters), if any. Found without a pattern per name: compiling one for each of a
    collection's methods cost more than the search."""
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        if not (start and _WORDLIKE.match(text, start - 1)) and not _WORDLIKE.match(text, end):
            m = _BRACKETED.match(text, end)
            if m:
                return m.group(1)
        start = text.find(name, start + 1)
    return None


def _spells(name: str, phrase: str) -> bool:
    """Whether ``phrase`` is a long form of ``name`` (`terms.long_form` finds one in it) that
    starts where the name does ("Decoupled Clip and Dynamic sAmpling Policy Optimization"
    for DAPO)."""
    return bool(phrase) and phrase[0].upper() == name[:1].upper() and long_form(name, phrase) is not None


def _mostly_capitals(token: str) -> bool:
    """RLHF-COV, NS-DPO, UNA — not Non-Stationary or Bradley-Terry."""
    letters = [c for c in token if c.isalpha()]
    return is_abbreviation(token) and sum(c.isupper() for c in letters) * 2 > len(letters)


def short_title(paper: Paper, methods: list[Method], expansions: dict[str, str],
                own_terms: dict[str, str] | None = None) -> str:
    """A name that fits a deck and a card front, the paper's own name first:

    * the title's head when it is one name (``KTO: Model Alignment as …``), even
      when other papers cite it: the title says whose it is;
    * a method the paper proposes;
    * a keyword whose expansion the title spells (``χPO (Chi-Squared Preference
      Optimization)`` under "… via Chi-Squared Preference Optimization");
    * a name in brackets closing the 中文 title (``…通用理论范式(IPO)``);
    * else the title's head, or the title cut.
    The author's own short name (``# SimPO：中文标题`` in one-paper-per-file notes) wins.
    ``own_terms`` maps the paper's keyword abbreviations to their English expansions."""
    # "KTO follow-up: Binary Classifier Optimization (BCO)": the paper's name closes its title
    closing = re.search(r"[(（]\s*([A-Za-z][\w-]{1,15})\s*[)）]\s*$", paper.title or "")
    head = (paper.short or paper.title.split(":")[0]).strip()
    if closing and _mostly_capitals(closing.group(1)) and " " in head:
        return closing.group(1)
    if paper.short:
        return paper.short
    title = paper.title
    head = title.split(":")[0].strip()
    if ":" in title and " " not in head and _mostly_capitals(head):
        return head
    if methods:
        named = [m for m in methods if m.long_form] or methods
        return named[0].name
    for abbr, english in (own_terms or {}).items():
        if len(english.split()) >= 2 and re.search(r"\b" + re.escape(english) + r"\b", title, re.I):
            return abbr
    bracket = re.search(r"[(（]\s*\**\s*([^()（）*\s]{2,16})\s*\**\s*[)）]\s*$", paper.title_zh or "")
    if bracket and _mostly_capitals(bracket.group(1)):
        return bracket.group(1)
    if ":" in title and len(head) <= 40:
        return head
    # "A Common Pitfall of Margin-based Language Model Alignment: Gradient Entanglement": a long
    # head, and after it the short name of what the paper is about
    tail = title.split(":", 1)[1].strip() if ":" in title else ""
    if tail and len(tail) <= 30 and len(tail.split()) <= 4 and all(w[:1].isupper() for w in tail.split()):
        return tail
    title = re.sub(r"^(?:The|A|An|Towards?|On)\s+", "", title)
    # the name a title starts with, before what it is applied to or how
    # ("Iterative DPO with An Improvement Model for …" → "Iterative DPO")
    head = re.split(r"\s+(?:with|for|via|by|under|using|through|in|on|from)\s+", title, maxsplit=1)[0]
    if len(head.split()) >= 2 and len(head) <= 40:
        return head
    for long, abbr in sorted(expansions.items(), key=lambda kv: -len(kv[0])):
        title = re.sub(re.escape(long), abbr, title, flags=re.I)
    if len(title) <= 56:
        return title
    cut = title[:40].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def make_info(paper: Paper, key: str) -> PaperInfo:
    other = [{"text": ln.text, "href": ln.href} for ln in paper.links
             if ln.kind not in ("pdf", "openreview")]
    if not paper.links:
        other += _cited_arxiv(paper)
    return PaperInfo(key=key, title=paper.title, title_zh=paper.title_zh, number=paper.number,
                     pdf=paper.link_of("pdf"), openreview=paper.link_of("openreview"),
                     links=other, source=paper.where, file=paper.file, folders=list(paper.folders))
