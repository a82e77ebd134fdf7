"""Abstract: the contribution sentences, English aligned with their 中文 translation.

Only the sentences that carry a finding ("we propose", "we show", numbers)
become items, and only when the aligner is confident in the pair: the whole
abstract on one card is a defect.
"""

from __future__ import annotations

import re

from ..context import PaperContext
from ..model import Item, short_hash

MAX_PER_PAPER = 3
MIN_SCORE = 0.45
_KEY = re.compile(r"\b(?:we|our (?:method|approach|results?|work)|this (?:paper|work|study))\s+"
                  r"(?:\w+\s+)?(?:propose|introduce|show|demonstrate|prove|find|reveal|identify|categorize|"
                  r"achieve|outperform|establish|present)s?\b|\boutperforms?\b|\d+(?:\.\d+)?\s*%", re.I)


def extract(pc: PaperContext):
    if not pc.abstract_en or not pc.abstract_zh:
        return
    from ...text import align_sentences
    en_lines = {s: line for s, line in pc.abstract_en}
    pairs = align_sentences([s for s, _ in pc.abstract_en], [s for s, _ in pc.abstract_zh])
    chosen = []
    for en, zh, score in pairs:
        if score < MIN_SCORE or not _KEY.search(en) or len(en) > 420:
            continue
        chosen.append((en, zh, score))
    for en, zh, score in chosen[:MAX_PER_PAPER]:
        line = en_lines.get(en) or next((ln for s, ln in pc.abstract_en if s in en or en.startswith(s)),
                                        pc.abstract_en[0][1])
        yield Item(id=f"{pc.info.key}/sentence/{short_hash(en)}", kind="sentence", paper=pc.info.key,
                   fields={"english": en, "chinese": zh}, source=pc.where(line))
