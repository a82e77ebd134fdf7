"""A card that leans on something it does not say: "Extending this framework, we…",
"大多数文章只解决其中的一个", "绕开了第二个近似". Weeks later, with the notes closed,
nobody knows what "this framework" or "the second approximation" was; reviewers
edit or delete every such card. One home for the patterns: the abstract's
sentences, the notes' sentences and the post-pass over every card use them.
"""

from __future__ import annotations

import re

from ..kinds import kind_of
from ..notes import strip_marks
from ..text.lang import CJK_CLASS
from .context import PaperContext
from .model import Item

# a participle that goes on from the clause before it ("…, beating the previous best (47)"):
# cut from that clause, it has no subject
GOES_ON_FROM_BEFORE = (r"(?:giving|reaching|achieving|yielding|resulting in|leading to|beating|outperforming|"
                       r"surpassing|exceeding|matching|improving|reducing|raising|cutting)\b")

# a referent the sentence does not carry
DANGLING_EN = re.compile(
    r"\b(?:this|these|those|such|the above|the aforementioned)\s+(?:\w+\s+)?"
    r"(?:framework|issues?|problems?|limitations?|phenomena|phenomenon|challenges?|findings?|ability|"
    r"approach|observations?|properties|insights?|gap|setting|settings|results?|approximations?)\b"
    # a sentence opening on a pronoun: "It is trained on…", "They reach…"
    r"|(?:^|\.\s+)(?:It|They|This|These)\s+(?:is|are|was|were|has|have|can|does|do|reaches|reach|uses?)\b"
    # a clause cut from its sentence: "giving 1.9× throughput…", "when it stays below 0.2…"
    r"|^\s*" + GOES_ON_FROM_BEFORE + r"|\b(?:when|if|while|until|once)\s+it\b",
    re.I)
DANGLING_ZH = re.compile(
    r"(?:这些|这一|这种|这三个|这两个|(?<![因如彼从由就借据对为于])此|上述|该)[" + CJK_CLASS + r"]{0,2}?"
    r"(?:问题|框架|限制|局限|现象|能力|挑战|发现|差距|结果|属性|偏差|近似|假设)"
    r"|其中(?:的)?(?:一个|之一|一种|一点)"
    r"|(?:第[一二三四五]|[两三四五])个(?:近似|问题|假设|限制|挑战|缺点|方面)"
    # "把这两个归一化去掉", "把两边的好处结合起来", "上次第19篇说…": what they are is elsewhere
    r"|[这那][两三四五几]个|(?:两边|双方)的|第\s*\d+\s*篇|上一篇|上次那篇"
    # a conclusion without its premise: "所以只需要在SFT的时候…"; a case of what came before
    # ("特别是编辑距离小的数据对…")
    r"|^\s*(?:所以|于是|因而|特别是|尤其是)")
_LISTED = re.compile(r"(?m)^\s*(?:- |\d+\. )")

# the author's aside about the notes themselves, in brackets: "(这是我自己的看法，看下面第3篇)",
# "（…和第19篇说的一致）", "(具体数字没记)": no part of the paper's fact
_NOTES_ASIDE = re.compile(r"\s*[(（][^()（）]*(?:第\s*\d+\s*篇|上一篇|那篇|上次|下面|上面|(?<!自)我|没记|记不清|补课|TODO|待补|待查"
                          r"|只记|还没|没看|论文里还有|文章里还有|原文还有|摘要里|正文|表格里|Table里|数字是|简单记)[^()（）]*[)）]")


def without_notes_asides(text: str, heading: bool = False) -> str:
    """``text`` without the author's bracketed asides about the notes (which paper said it
    before, what they did not note down): they point at nothing the card holds. In a
    ``heading``, a bracket that also says what the figures under it are of keeps that
    part: ``实验结论(MATH，Gemini 1.5 Flash，Table里的数)`` → ``实验结论(MATH，Gemini 1.5 Flash)``."""
    return _NOTES_ASIDE.sub(_what_the_bracket_keeps if heading else "", text)


def _what_the_bracket_keeps(m: re.Match) -> str:
    inner = m.group(0).strip()
    opening, body, closing = inner[0], inner[1:-1], inner[-1]
    parts = re.split(r"([，,；;])", body)
    kept = [p.strip() for p in parts[::2] if p.strip() and not _NOTES_ASIDE.search(f"({p})")]
    if not kept or len(kept) == len(parts[::2]):
        return ""
    return opening + "，".join(kept) + closing


def dangling(text: str) -> bool:
    """Whether ``text`` points at something it does not hold (a list on the card holds
    what "第二个" or "其中的一个" points at)."""
    plain = strip_marks(text)
    if _LISTED.search(plain):
        return False
    return bool(DANGLING_EN.search(plain) or DANGLING_ZH.search(plain))


def asked_part(item: Item) -> str:
    """What the card states, without the question it answers: a heading may count what its
    list holds ("RLHF依赖的两个近似") while each card states one of them."""
    kind = kind_of(item)
    if kind.question:
        return item.fields.get(kind.answer, "")
    text = item.fields.get(kind.blanks, "")
    blank = text.find("{{c")
    stem_end = text.rfind("：", 0, blank) if blank > 0 else -1     # fronts join their stem with "："
    return text[stem_end + 1:] if stem_end >= 0 else text


def without_dangling(items: list[Item], pc: PaperContext) -> list[Item]:
    """The paper's Q&A and cloze cards without those that lean on what they do not say,
    each reported where it stands (the author can name the referent in the notes)."""
    out = []
    for item in items:
        kind = kind_of(item)
        if (kind.question or kind.blanks) and dangling(asked_part(item)):
            file, _, line = item.source.rpartition(":")
            shown = strip_marks(item.fields.get("answer") or item.fields.get("text", ""))[:30]
            pc.ctx.note(file or item.source, int(line) if line.isdigit() else 0,
                        f"'{shown}…' points at something the card does not say (这些/其中/第二个, this, it): "
                        "not carded; name it in the notes to card it")
            continue
        out.append(item)
    return out
