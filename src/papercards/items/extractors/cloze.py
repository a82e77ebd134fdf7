"""Key sentences of the content as cloze deletions on whole words.

A sentence qualifies when the author marked it (**bold**, `code`) or it holds
a glossary term or a number; the blanks go on jieba word boundaries and
prefer the author's marks, then terms, then numbers. Sentences that already
are the whole answer of a Q&A card are not carded twice.
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping, Sequence
from types import MappingProxyType

from ...notes import strip_marks
from ...text import CLOZE_BLANK, make_cloze, split_sentences
from ...text.lang import CJK_CLASS
from ...text.markup import scan
from ..blanks import (acronym_after, around, bracket_depth, derivable, expands_own_name, hinted, labels_a_list,
                      named_in_other_words, narrow_bold, one_of_a_list)
from ..context import PaperContext
from ..model import Item, short_hash
from .walk import content_texts

MAX_PER_PAPER = 6
_MARKED = re.compile(r"\*\*[^*]+\*\*|`[^`]+`")
_NUMBER = re.compile(r"\d+(?:\.\d+)?\s*%|\b\d+(?:\.\d+)?[xX×]\b")
# A number worth a blank: with its unit or range (4.5%, 2×, 6.4 points, 10–20%), never half of one.


def _score(sentence: str, pc: PaperContext) -> int:
    score = 0
    if _MARKED.search(sentence) and not re.search(r"\*\*\w\*\*\w", sentence):
        score += 4
    if _NUMBER.search(sentence):
        score += 2
    plain = strip_marks(sentence)
    score += min(2, len(pc.ctx.term_finder.found_in(plain)))     # terms of 2+ characters in it
    return score


_INTRO_END = ("由于", "因为", "：", ":", "如下", "包括", "其中", "，")
_BRACKET_AFTER = re.compile(r"\s*+的?\s*+[(（]")     # possessive: a long run of spaces is read once


def _opens_bracket(text: str, end: int) -> bool:
    """Whether an opening bracket (then only spaces) comes right before ``end``: walked
    back, since searching the text before every blank was quadratic."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end > 0 and text[end - 1] in "(（"




class _Either:
    """``x in _Either(a, b)``: in a or in b, without copying the glossary into a new set per sentence."""

    def __init__(self, *containers: Container[str]):
        self.containers = containers

    def __contains__(self, x: object) -> bool:
        return any(x in c for c in self.containers)


def keep_good_blanks(text: str, wanted: Container[str], listed_ok: Container[str] = frozenset(),
                     names: list[str] = (), other_names: Mapping[str, set[str]] = MappingProxyType({}),
                     long_names: Sequence[str] = ()) -> str | None:
    """Unwrap every blank that is not a word the author marked, a specific term
    or a number, every blank whose translation stands right beside it
    ("隐形奖励({{c1::implicit reward}})", "{{c1::离线偏好数据集}}的(offline …)"), every
    blank the rest of the card half-spells (`blanks.hinted`, with the paper's ``names``),
    computes (`blanks.derivable`) or lists (`blanks.labels_a_list`), that spells out what the
    paper's own name stands for (``long_names``, `blanks.expands_own_name`), and a version after a name ("AlpacaEval {{c1::2.0}}");
    renumber what is left from c1. An unwrapped blank leaves its answer, not its hint
    (``{{c2::hint::提示}}`` typed in the notes → ``hint``). None when no blank is left."""
    kept: list[str] = []

    def visit(m: re.Match) -> str:
        value = strip_marks(m.group(2))
        giveaway = _opens_bracket(text, m.start()) or _BRACKET_AFTER.match(text, m.end()) \
            or _shown_elsewhere(value, text, m) or bracket_depth(text, m.start()) > 0 \
            or acronym_after(value, around(text, m)[1]) or hinted(value, " ".join(around(text, m)), names) \
            or derivable(value, " ".join(around(text, m))) or labels_a_list(*around(text, m)) \
            or named_in_other_words(value, names, other_names) or expands_own_name(value, long_names, other_names) \
            or (one_of_a_list(*around(text, m)) and value.casefold() not in listed_ok and not _NUMBER.search(value))
        version = re.fullmatch(r"\d+(?:\.\d+)?", value) and re.search(r"[A-Za-z][\w-]*[\s-]?$", text[: m.start()])
        good = value in wanted or _NUMBER.search(value) or (re.fullmatch(r"\d+(?:\.\d+)?%?", value) and not version)
        good = good and not _not_a_term(value)
        if good and not giveaway and value not in kept:
            kept.append(value)
            return "{{c%d::%s}}" % (len(kept), m.group(2) + (f"::{m.group(3)}" if m.group(3) is not None else ""))
        return m.group(2)

    out = CLOZE_BLANK.sub(visit, text)
    return out if kept else None


def _shown_elsewhere(value: str, text: str, m: re.Match) -> bool:
    """The answer printed elsewhere on the card ("refusal" beside "refusal rate")."""
    rest = CLOZE_BLANK.sub(lambda x: x.group(2), text[: m.start()] + " " + text[m.end():]).casefold()
    return len(value) >= 2 and value.casefold() in rest


def _not_a_term(value: str) -> bool:
    """Words a glossary holds by accident: one or two Chinese characters (差, 的数据 cut
    short), one plain lowercase English word (rejected, refusal): vocabulary; or a year."""
    return bool(re.fullmatch(rf"[{CJK_CLASS}]{{1,2}}", value) or re.fullmatch(r"[a-z]+", value)
                or re.match(r"[的了和与在对把被从是]", value) or re.fullmatch(r"(?:19|20)\d\d", value))


def _typed_blank(m: re.Match) -> str:
    """Anki cloze markup typed in the notes marks a word the author wants blanked: it
    is read as **bold** (preferred when blanks are chosen), never nested inside a new
    blank; an empty one stays as typed."""
    return f"**{m.group(2)}**" if m.group(2) else m.group(0)


def _unspaced(text: str) -> str:
    return re.sub(r"\s+", "", text)


def extract(pc: PaperContext):
    # Terms all over the deck (DPO in a DPO deck) make blanks anyone can fill.
    terms = pc.ctx.specific_terms
    avoid = [*pc.own_names(), *pc.title_acronyms]
    candidates: list[tuple[int, int, str, int]] = []
    # compared without spaces: a Q&A answer joins a paragraph's lines with a space, the
    # sentences here are read with the lines run together
    carded = [_unspaced(strip_marks(t)) for t in pc.claim_answers if t.strip()]
    for text, line, _, _ in content_texts(pc.paper):
        if line in pc.consumed:
            continue
        text = narrow_bold(CLOZE_BLANK.sub(_typed_blank, text))
        for sentence in split_sentences(text.replace("\n", "")):
            plain = strip_marks(sentence)
            if not 12 <= len(plain) <= 100 or plain.endswith(_INTRO_END + ("？", "?")):
                continue
            bare = _unspaced(plain)
            if any(bare in done or done in bare for done in carded):
                continue                 # already a Q&A answer or an enumeration item: one fact, one card
            if pc.pasted_from(sentence):
                continue                 # another paper's abstract pasted here: reported by the claims rule
            score = _score(sentence, pc)
            if score >= 1:
                candidates.append((-score, line, sentence, len(candidates)))
    candidates.sort()
    made = 0
    seen: set[str] = set()
    for _, line, sentence, _ in candidates:
        if made >= MAX_PER_PAPER:
            break
        marked = [m.group(0).strip("*`") for m in _MARKED.finditer(sentence)]
        # only the terms that can occur in this sentence: make_cloze tries each one
        present = pc.ctx.loose_term_finder.found_in(scan(sentence).plain)
        prefer = marked + sorted(present, key=len, reverse=True)
        text = make_cloze(sentence, pc.ctx.segmenter, prefer=prefer, avoid=avoid,
                          max_blanks=pc.ctx.config.max_cloze_blanks)
        # one name of a list is asked only when the author marked it: any of them fits the gap
        text = keep_good_blanks(text, _Either(set(marked), terms), {w.casefold() for w in marked}, avoid,
                                pc.ctx.other_names, pc.long_names) if text else None
        if not text:
            continue
        anchor = short_hash(strip_marks(sentence))
        if anchor in seen:
            continue
        seen.add(anchor)
        made += 1
        yield Item(id=f"{pc.info.key}/cloze/{anchor}", kind="cloze", paper=pc.info.key,
                   fields={"text": text, "hint": ""}, source=pc.where(line))
