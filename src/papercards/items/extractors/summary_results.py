"""The numbers of the one-line summary (``一句话总结``) as result clozes.

The summary itself is the paper's summary card (`summary`); a clause of it with a
number (``…长度控制胜率从 DPO 的 25.4% 提升到 **31.2%**``) is also asked on its own.
"""

from __future__ import annotations

import re

from ...notes import SUMMARY, strip_marks
from ...text import CLOZE_BLANK, cloze_answers, split_sentences
from ..context import PaperContext
from .claims import _join
from .clauses import numbers_in, paper_name
from .prose_facts import sentence_clozes
from .summary import fit


def extract(pc: PaperContext):
    asked: list[str] = []
    for section in pc.paper.sections_by(SUMMARY):
        for block in section.blocks:
            if block.kind == "paragraph":
                for sentence in split_sentences(_join(block.text)):
                    for item in sentence_clozes(pc, sentence, block.line, numbers_only=True):
                        asked.extend(a for answers in cloze_answers(item.fields["text"]).values() for a in answers)
                        item.fields["text"] = results_only(item.fields["text"], paper_name(pc))
                        yield item
    summary = next((i for i in pc.earlier if i.kind == "summary"), None)
    if summary and asked:
        summary.fields["summary"] = without_clauses_asking(summary.fields["summary"], asked)
    if summary:
        fit(pc, summary, int(summary.source.rpartition(":")[2]))     # where the summary is


def results_only(text: str, name: str) -> str:
    """The result cloze without the summary's opening clauses (what the paper does is the
    summary card's answer; printed here it would give that card away): ``GraspDiff：在杂乱
    场景中的真机抓取成功率达到 87%，比此前最好的方法高 {{c1::15 个百分点}}``."""
    blanks = [m.group(0) for m in CLOZE_BLANK.finditer(text)]
    masked = CLOZE_BLANK.sub("\x00", text)            # a blank's "::" is no clause break
    clauses = _CLAUSE.findall(masked)
    first = next((i for i, c in enumerate(clauses) if re.search(r"\d", c) or "\x00" in c), 0)
    if first and _POINTS_BACK.match(clauses[first]):
        return text                   # "这样的课程让…" needs all that came before it
    if first == 0:
        return text
    rest = _OPENING_JOIN.sub("", "".join(clauses[first:]).strip())
    for blank in blanks:
        rest = rest.replace("\x00", blank, 1)
    return rest if name and rest.startswith(name) else f"{name}：{rest}"


# "and solves 68.3% of…": the clause's join to the summary's opening, which is cut off
_OPENING_JOIN = re.compile(r"^(?:and|but|while|whereas|so|并且|而且|并|且|同时)\s*", re.I)
_POINTS_BACK = re.compile(r"\s*(?:这样|这种|这个|这一|这|该|此|其|因此|所以|从而|this|these|it|which)", re.I)
_CLAUSE = re.compile(r"[^，,；;。：:]+[，,；;。：:]?")


def without_clauses_asking(text: str, answers: list[str]) -> str:
    """The summary without the clauses whose numbers are asked on their own cards: the
    summary card says what the paper does, the result cards what it reached (one fact,
    one card). The whole text when nothing else would be left."""
    keys = [strip_marks(a) for a in answers if strip_marks(a)]
    sentences = []
    for sentence in split_sentences(text):
        # a clause with a number is a result (asked, or the setting of one: "经过 3 轮迭代后");
        # a name with a digit in it (Qwen2.5, R1) is no number
        kept = [c for c in _CLAUSE.findall(sentence) if not any(k in strip_marks(c) for k in keys)
                and not numbers_in(strip_marks(c))]
        out = "".join(kept).strip().rstrip("，,；;。.：:")
        if out:
            sentences.append(out + ("." if out[-1].isascii() else "。"))
    if not sentences:
        return text
    return "".join(s if s.endswith("。") or n == len(sentences) - 1 else s + " " for n, s in enumerate(sentences))
