"""A list answer as one cloze note with a blank per item: one card per item, the others visible.

``DPO三个关键属性`` with three bullets is one fact per item, not one card
holding all three: each card hides one item and shows the rest as cues. What
an item's blank covers (each rule answers a defect seen on real cards):

* ``label：content`` (a gloss) hides the content, the label is the cue;
* a result (``…实现二次收敛``, ``… achieves quadratic convergence``) hides
  what is achieved, not the subject;
* the author's **bold** hides the bold word (``**D**rastic`` → ``Drastic``),
  and a translation beside it leaves the front (it would give the answer away);
* otherwise its key word (a term, a number, a name), or nothing: the item stays a cue.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..text import CLOZE_BLANK
from ..text.lang import CJK_RE, cjk_ratio, has_cjk
from ..text.markup import replace_math
from .blanks import gloss_after, hinted, labels_a_list, narrow_bold, result_numbers
from .fronts import is_setup_detail

SHORT_GLOSS = 16         # characters: a gloss after its label this short is the answer whole
MAX_ITEMS = 9            # cloze numbers c1…c9 stay stable; longer lists are split
_LABEL = re.compile(r"^(?P<label>[^：:，,。；;]{1,24}?)\s*[：:]\s*(?P<body>\S.{1,})$", re.S)
# what a result sentence achieves: the object of these verbs, to the end of its clause
_RESULT_ZH = re.compile(r"(?P<verb>实现了?|达到了?|取得了?|提升了?|提高了?|降低了?|优于|超过了?)"
                        r"(?P<object>[^，,。；;：:（(]{2,16})\s*[。.]?$")
_RESULT_EN = re.compile(r"\b(?P<verb>achieves?|attains?|reach(?:es)?|improves?|outperforms?|reduces?)\s+"
                        r"(?P<object>[A-Za-z0-9][^,;:.()]{2,40}?)\s*\.?$", re.I)
# a result stated by degree alone ("取得很大改进", "achieves significant gains") names no fact to recall
_VAGUE_RESULT = re.compile(r"^(?:很|更|较|大幅|显著|明显|极大|巨大|重大|大大|一定|良好|有效|稳定|差不多|相当|类似|相近|接近|同等|"
                           r"自己|自身|它|其他|别的|所有|任何|现有|现成|已有|之前|以往|基线|baseline|"
                           r"significant|substantial|better|strong|good|great|notable|large|competitive|improved|"
                           r"comparable|similar)",
                           re.I)
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
# a number with its unit or range in a short gloss (38.77%, 6.4分, 2×)
_NUMBER_IN = re.compile(r"\d+(?:\.\d+)?\s*(?:%|个百分点|倍|分(?![钟之类布])|[xX×])")
_LEAD_IN = re.compile(r"(?:[：:]|由于|因为|包括|如下|其中|分为|as follows|include|includes)\s*$", re.I)


@dataclass
class Unit:
    """One thing the answer says: a list item or a sentence of a paragraph."""
    text: str
    depth: int = 0            # nested list items are shown, not blanked
    context: bool = False     # a lead-in ("RLHF和DPO训练质量由于") is shown, not blanked
    mark: str = "-"           # "-" or "3." (a numbered list keeps its numbers: order can matter)
    line: int = 0             # where it is in the notes
    table: bool = False       # a row of a table
    braced: bool = False      # holds "{{"/"}}" typed in the notes: a blank around it would end there
    listed: bool = False      # an item of a Markdown list (not a sentence of a paragraph)
    block: int = 0            # which block of the answer it stands in (a lead-in leads one list)
    carded: bool = False      # another rule carded it (a definition): a cue, never a lead-in

    @property
    def fact(self) -> bool:
        """Says something itself (not a lead-in, an aside or nested detail)."""
        return not self.context and self.depth == 0

    @property
    def blankable(self) -> bool:
        return self.fact and not self.braced


def is_lead_in(text: str) -> bool:
    """A line that introduces what follows rather than saying something itself."""
    plain = text.strip()
    return bool(_LEAD_IN.search(plain)) or len(_plain(plain)) <= 6


def is_remark(text: str) -> bool:
    """The author's aside in brackets ("（NeurIPS 2024的，不是ICLR）"): context, not a fact."""
    plain = text.strip()
    return bool(re.fullmatch(r"[(（].*[)）][。.]?", plain, re.S)) or plain.startswith(("（", "("))


def _plain(text: str) -> str:
    return re.sub(r"\*\*|`", "", text).strip()


def split_bilingual(text: str) -> tuple[str, str] | None:
    """(English, 中文) when an item is a phrase followed by its translation
    (``Degradation into response suppression 降级为响应抑制``), else None."""
    m = CJK_RE.search(text)
    if not m or m.start() < 3:
        return None
    en, zh = text[: m.start()].rstrip(), text[m.start():].strip()
    if has_cjk(en) or re.search(r"[A-Za-z]{3,}", zh) or len(en.split()) < 2:
        return None                     # "DPO-COV无需奖励估计" is a subject and what it does
    if en.count("(") + en.count("（") > en.count(")") + en.count("）"):
        return None                     # "…exploration dies（熵一下子就掉没了）": an aside, not a translation
    return en, zh


# keyword(text, n, avoid) → the text with one blank {{cN::…}} on its most informative
# word (a term, a number, a rare word) that is not one of ``avoid``, or None
KeywordBlank = Callable[[str, int, list[str]], "str | None"]


def blank_item(text: str, n: int, keyword: KeywordBlank | None = None,
               avoid: list[str] | None = None) -> tuple[str, str | None] | None:
    """The item with its blank ``{{cN::…}}``, and the text left off the front (a
    translation that would give the answer away), if any; None when nothing in it
    is worth asking (it stays on the card as a cue)."""
    made = _blanked_item(text, n, keyword, avoid)
    return _aside_off(*made) if made else None


# an English line's last words: the author's aside in Chinese, in brackets
_CHINESE_ASIDE = re.compile(r"\s*[（(](?P<aside>[^（）()]+)[）)]\s*$")


def _aside_off(front: str, removed: str | None) -> tuple[str, str | None]:
    """An English line that ends on the author's aside in Chinese ("entropy collapse — …
    exploration dies（熵一下子就掉没了）") says its blank again in the other language: the
    aside goes to the back with what else was taken off the front."""
    m = _CHINESE_ASIDE.search(front)
    if not m or has_cjk(front[:m.start()]) or cjk_ratio(m.group("aside")) < 0.5 or CLOZE_BLANK.search(m.group(0)):
        return front, removed
    return front[:m.start()], "；".join(filter(None, [removed, m.group("aside").strip()]))


def _blanked_item(text: str, n: int, keyword: KeywordBlank | None = None,
                  avoid: list[str] | None = None) -> tuple[str, str | None] | None:
    plain = narrow_bold(text.strip())
    avoid = avoid or []
    if is_setup_detail(plain):
        return None                 # how it was trained (epochs, learning rate), not what was found
    m = _LABEL.match(plain)
    if m and not re.search(r"\d$", m.group("label")):
        body = m.group("body").strip()
        # "Llama-3-8B-Instruct：LC胜率38.77%": the number is the fact, its metric the cue; in
        # "算法类任务：5% → 45.3%" the number reached, not the baseline
        number = next((x for x in result_numbers(body) if body.count(x) == 1), None)
        if number and len(_plain(body)) <= SHORT_GLOSS:
            at = body.index(number)
            return f"{m.group('label')}：{body[:at]}{{{{c{n}::{number}}}}}{body[at + len(number):]}", None
        if len(_plain(body)) <= SHORT_GLOSS or keyword is None:
            return f"{m.group('label')}：{{{{c{n}::{body}}}}}", None
        inner = keyword(body, n, avoid + [m.group("label")])      # the label is on the card too
        return (f"{m.group('label')}：{inner}", None) if inner else None
    for rx in (_RESULT_ZH, _RESULT_EN):
        m = rx.search(plain)
        if m and m.start("verb") >= 2 and not _VAGUE_RESULT.match(m.group("object").strip()):
            obj = m.group("object").strip()
            start = plain.index(obj, m.start("object"))
            number = _NUMBER_IN.search(obj)
            if number:                            # "超过80%的开源模型": the number is what was reached
                start, obj = start + number.start(), number.group(0)
            return plain[:start] + f"{{{{c{n}::{obj}}}}}" + plain[start + len(obj):], None
    bold = _BOLD.search(plain)
    if bold and (hinted(_plain(bold.group(1)), " ".join(avoid)) or labels_a_list(plain[:bold.start()], plain[bold.end():])):
        # "**Reward models**" over "ORM — outcome reward model…", "从**不同来源**拿多个回答：模型自己
        # 采样的、别的LLM的、人写的": the rest of the card gives it away
        bold = None
    if bold and len(_plain(plain)) > 30:
        pair = split_bilingual(_plain(plain))
        front, removed = plain, None
        if pair and not has_cjk(bold.group(1)):
            cut = CJK_RE.search(plain)
            front, removed = plain[: cut.start()].rstrip(), pair[1]
        return _blank_bold_word(front, n), removed
    if keyword is None:
        return f"{{{{c{n}::{plain}}}}}", None
    # the blank asks for the item's key word, the rest is the cue: a whole line with no
    # term in it ("联系观察结果和相关研究", "之后说明UNA的作用") is not worth recalling
    blanked = keyword(plain, n, avoid)
    return (blanked, None) if blanked else None


def _answer_of(cloze_line: str) -> str | None:
    m = CLOZE_BLANK.search(cloze_line)
    return _plain(m.group(2)).casefold() if m else None


def _shown_in(answer: str, others: list[str]) -> bool:
    return len(answer) >= 2 and any(answer in _plain(o).casefold() for o in others)


def _blank_bold_word(text: str, n: int) -> str:
    """Blank the word the author's bold falls in: ``**D**rastic drop`` → ``{{c1::Drastic}} drop``."""
    m = _BOLD.search(text)
    start, end = m.start(), m.end()
    inner = m.group(1)
    latin = lambda ch: ch.isalnum() and not CJK_RE.match(ch)      # noqa: E731
    # a Latin word goes on past its bold (**D**rastic); a Chinese one stops at the bold
    # ("**模拟**on-policy" asks 模拟, not "模拟on")
    while inner and latin(inner[-1]) and end < len(text) and latin(text[end]):
        end += 1
    while inner and latin(inner[0]) and start > 0 and latin(text[start - 1]):
        start -= 1
    word = _plain(text[start:end])
    gloss = gloss_after(word, text[end:])         # the gloss beside it would give it away
    return text[:start] + f"{{{{c{n}::{word}{gloss.strip()}}}}}" + text[end + len(gloss):]


def typed_blanks_as_bold(text: str) -> str:
    """Anki cloze markup typed in the notes (``{{c1::模板}}``) marks a word the author
    wants asked, like **bold**: it is never wrapped in a new blank (nested blanks)."""
    return CLOZE_BLANK.sub(lambda m: f"**{m.group(2)}**" if m.group(2) else m.group(0), text)


def has_braces(text: str) -> bool:
    """``{{``/``}}`` left in an item (outside its math, where ``\frac{a}{b}}`` is TeX and
    is written safely later) would end or open a blank where Anki reads it."""
    prose = replace_math(text, lambda formula: " ")
    return "{{" in prose or "}}" in prose


def enumeration_text(lead: str, units: list[Unit], keyword: KeywordBlank | None = None
                     ) -> tuple[str, str, list[Unit]]:
    """The cloze text (``lead`` then one line per unit, a blank in each blankable
    one, numbered c1… in order), the hint (what was taken off the front) and the
    units left without a blank (nothing in them worth asking). A blank never asks
    for a word the other lines show (they would give it away)."""
    lines = [lead]
    removed: list[str] = []
    unasked: list[Unit] = []
    answers: set[str] = set()        # two blanks of one note never share an answer (Anki's card
    #                                   for each is found again by its answer when the notes change)
    n = 0
    for i, unit in enumerate(units):
        indent = "  " * unit.depth
        made = None
        if unit.blankable:
            others = [lead] + [u.text for j, u in enumerate(units) if j != i]
            made = blank_item(unit.text, n + 1, keyword, avoid=others)
            answer = _answer_of(made[0]) if made else None
            if answer is not None and (answer in answers or _shown_in(answer, others)):
                made = None                # asked by another line, or printed there
            elif answer is not None:
                answers.add(answer)
        if made is not None:
            n += 1
            text, off = made
            if off:
                removed.append(off)
            lines.append(f"{indent}{unit.mark} {text}")
        else:
            if unit.blankable:
                unasked.append(unit)
            shown_as_item = unit.depth or unit.mark != "-" or unit.fact
            lines.append(f"{indent}{unit.mark} {unit.text}" if shown_as_item else unit.text)
    return "\n".join(lines), "；".join(removed), unasked
