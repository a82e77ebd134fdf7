"""The author's one-line summary: ``一句话：…`` anywhere, or a summary section."""

from __future__ import annotations

import re

from ...notes import SUMMARY, strip_marks
from ...text import has_cjk, split_sentences
from ..context import PaperContext
from ..judge import MAX_ANSWER
from ..model import Item

_ONE_LINE = re.compile(r"^\s*(?:\*\*)?(?:一句话(?:总结|概括)?|TL;?DR|One[- ]line(?: summary)?)(?:\*\*)?\s*[:：]\s*(?:\*\*)?\s*",
                       re.I)


def extract(pc: PaperContext):
    found: list[tuple[str, int]] = []
    for section in pc.paper.sections:
        blocks = [(b, section) for b in section.blocks]
        blocks += [(b, section) for sub in section.subsections for b in sub.blocks]
        for block, sec in blocks:
            if block.kind != "paragraph":
                continue
            m = _ONE_LINE.match(block.text)
            if m:
                text = block.text[m.end():].strip()
                if text:
                    found.append((text, block.line))
                    pc.consumed.add(block.line)
            elif sec.role == SUMMARY:
                found.append((block.text.strip(), block.line))
                pc.consumed.add(block.line)
    if found:
        text = " ".join(t for t, _ in found).replace("\n", " ")
        if lists_phrases(text):
            pc.ctx.note(pc.paper.file, found[0][1], "the one-line summary is a list of phrases, not a sentence "
                        "(a whole list on one card): not carded")
            return
        summary = Item(id=f"{pc.info.key}/summary/one-line", kind="summary", paper=pc.info.key,
                       fields={"summary": text}, source=pc.where(found[0][1]))
        if pc.paper.level != 1:         # a document's summary is cut after its results left it (`summary_results`)
            fit(pc, summary, found[0][1])
        yield summary


_PHRASE_BREAK = re.compile(r"\s*(?:[,，;；、+]|\band\b)\s*")


def lists_phrases(text: str) -> bool:
    """A "summary" that only strings short phrases together (``contrastive-learning simplicity
    + general-preference (Nash) theory, batched on-policy, monotonic improvement``): three
    or more, none of more than four words. Its card asks a whole list at once, and each
    phrase is a fact the paper's other cards ask. English only: Chinese clauses this
    short are sentences (``用组内平均代替critic，省显存``)."""
    plain = re.sub(r"[(（][^()（）]*[)）]", "", strip_marks(text)).strip().rstrip(".。")
    parts = [p for p in _PHRASE_BREAK.split(plain) if p.strip()]
    if has_cjk(plain):
        return False        # "用组内平均代替critic，省显存，效果更好": Chinese clauses are short sentences
    return len(parts) >= 3 and all(len(p.split()) <= 4 and len(p) <= 40 for p in parts)


def fit(pc: PaperContext, summary: Item, line: int) -> None:
    """Cut a summary too long for one card; what it leaves off is reported (a TL;DR says
    again what the paper's sections say: asked from there, its clauses were the same fact
    twice, cut from the sentence that said whose fact it was)."""
    summary.fields["summary"], rest = _leading_sentences(summary.fields["summary"])
    if rest:
        pc.ctx.note(pc.paper.file, line, f"{len(rest)} sentence(s) of the one-line summary are too much for its "
                    "card: not carded (its first sentences are)")


def _leading_sentences(text: str) -> tuple[str, list[str]]:
    """A summary too long for one card (a TL;DR paragraph of several facts) answers with
    its leading sentences up to `MAX_ANSWER` (at least the first): (those, the rest)."""
    if len(strip_marks(text)) <= MAX_ANSWER:
        return text, []
    sentences = split_sentences(text)
    n = 1
    while n < len(sentences) and len(strip_marks(" ".join(sentences[:n + 1]))) <= MAX_ANSWER:
        n += 1
    return " ".join(sentences[:n]), sentences[n:]
