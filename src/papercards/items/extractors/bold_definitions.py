"""``**term**：definition`` (a bold name, then what it is) as a definition card."""

from __future__ import annotations

import re

from ...notes import slugify, strip_marks
from ..context import PaperContext
from ..glossary import clean_name
from ..model import Item
from .plain_idea import PLAIN_WORDS
from .walk import content_texts

_BOLD_TERM = re.compile(r"^\s*\*\*(?P<term>[^*\n]{2,40}?)\*\*\s*(?P<gloss>[(（][^)）\n]{1,60}[)）])?\s*[：:]\s*"
                        r"(?P<body>\S.{3,})$", re.S)


# "**Dataset**: GSM8K", "**Decoding**: majority voting": a field of the setup, not a term to
# define ("what is Dataset?" asks nothing); the line is left to the other rules
_FIELD = re.compile(r"(?:datasets?|data|benchmarks?|policy|models?|base model|decoding|metrics?|baselines?|"
                    r"training|evaluation|setup|settings?|cost|results?|task|tasks|compute|hardware|"
                    r"数据集?|基准|模型|基座模型|指标|基线|训练|评测|设置|任务|结果|成本)", re.I)


def extract(pc: PaperContext):
    for text, line, _, _ in content_texts(pc.paper):
        if line in pc.consumed or PLAIN_WORDS.match(text):
            continue
        m = _BOLD_TERM.match(text)
        if not m or not clean_name(strip_marks(m.group("term"))) or "$" in m.group("term") \
                or _FIELD.fullmatch(strip_marks(m.group("term")).strip()):
            continue
        term = strip_marks(m.group("term")) + (" " + m.group("gloss").replace("（", "(").replace("）", ")")
                                               if m.group("gloss") else "")
        pc.consumed.add(line)
        yield Item(id=f"{pc.info.key}/definition/{slugify(term) or line}", kind="definition",
                   paper=pc.info.key, fields={"term": term, "definition": m.group("body").strip()},
                   source=pc.where(line))
