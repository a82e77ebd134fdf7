"""Abstract: the contribution sentences, English aligned with their 中文 translation.

Only the sentences that carry a finding ("we propose", "we show", numbers)
become items, and only when the aligner is confident in the pair: the whole
abstract on one card is a defect.
"""

from __future__ import annotations

import re

from ..context import PaperContext
from ..model import Item, short_hash

MAX_PER_PAPER = 2
MAX_LENGTH = 300
MIN_SCORE = 0.45
# What makes a sentence a contribution, with its weight: proposing beats showing beats numbers.
_WHO = re.compile(r"\b(?:we|our|this (?:paper|work|study))\b", re.I)
_KEYS = [
    (3, re.compile(r"\b(?:propose|introduce|present)s?\b", re.I)),
    (2, re.compile(r"\b(?:show|demonstrat|prove|find|reveal|identif|categori[sz]|establish)\w*", re.I)),
    (1, re.compile(r"\boutperform\w*|\d+(?:\.\d+)?\s*%", re.I)),
]
_BROKEN = re.compile(r"(?<![\d.])\s%|\ba %")   # "a % improvement": numbers lost in the notes


def _drop_footnote_marks(text: str, pc: PaperContext) -> str:
    """"NS-DPO1" is NS-DPO with a footnote mark pasted from the PDF."""
    for m in pc.methods:
        text = re.sub(re.escape(m.name) + r"\d\b", m.name, text)
    return text


def weight(sentence: str) -> int:
    if not _WHO.search(sentence):
        return 0
    return max((w for w, rx in _KEYS if rx.search(sentence)), default=0)


def extract(pc: PaperContext):
    if not pc.abstract_en or not pc.abstract_zh:
        return
    from ...text import align_sentences
    en_lines = {s: line for s, line in pc.abstract_en}
    pairs = align_sentences([s for s, _ in pc.abstract_en], [s for s, _ in pc.abstract_zh])
    chosen = []
    for n, (en, zh, score) in enumerate(pairs):
        w = weight(en)
        if score < MIN_SCORE or not w or len(en) > MAX_LENGTH or _BROKEN.search(en):
            continue
        chosen.append((-w, n, en, zh))
    chosen = sorted(sorted(chosen)[:MAX_PER_PAPER], key=lambda c: c[1])
    for _, _, en, zh in chosen:
        en, zh = _drop_footnote_marks(en, pc), _drop_footnote_marks(zh, pc)
        line = en_lines.get(en) or next((ln for s, ln in pc.abstract_en if s in en or en.startswith(s)),
                                        pc.abstract_en[0][1])
        yield Item(id=f"{pc.info.key}/sentence/{short_hash(en)}", kind="sentence", paper=pc.info.key,
                   fields={"english": en, "chinese": zh}, source=pc.where(line))
