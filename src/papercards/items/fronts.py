"""Fronts that stand alone: a sub-heading becomes a question naming its paper.

``#### 技术细节`` under NS-DPO fits dozens of papers; as ``NS-DPO 的技术细节？``
it makes sense weeks later with the notes closed, and two papers' generic
headings never give two notes the same first field. Section numbers
(``2.1``, ``一、``, ``(3)``) are the notes' structure, not the question's.
"""

from __future__ import annotations

import re

from ..notes import strip_marks
from ..text.segment import pos_tags

# "2.1 ", "3.1.2. ", "一、", "（三）", "(3) ", "Step 2: " … at the start of a heading
_SECTION_NUMBER = re.compile(
    r"^\s*(?:"
    r"\d+(?:\.\d+)*[.、)）]?\s+|\d+(?:\.\d+)*[.、)）]\s*"       # 2.1 / 2.1. / 3、
    r"|[一二三四五六七八九十百]+[、.．]\s*"                     # 一、
    r"|[(（][一二三四五六七八九十\d]+[)）]\s*"                  # （三） (3)
    r"|(?:Part|Step|Section)\s+\d+[:：.]?\s*"
    # the notes' own numbering of a label: "发现2：grpo的优化偏差", "Finding 1: …"
    r"|(?:发现|结论|观察|问题|步骤|Finding|Observation|Insight|Takeaway)\s*\d+\s*[:：.]\s*(?=\S)"
    r")", re.I)

# Headings that ask nothing by themselves, with the question they stand for.
# "{p}" is the paper's short name. Keys are compared without punctuation or case.
GENERIC_QUESTIONS: dict[str, str] = {
    "作用效果": "{p} 的作用效果？",
    "效果": "{p} 的效果？",
    "实验效果": "{p} 的实验效果？",
    "实验结果": "{p} 的实验结果？",
    "实验结论": "{p} 的实验结论？",
    "结果": "{p} 的结果？",
    "主要结果": "{p} 的主要结果？",
    "技术细节": "{p} 的技术细节？",
    "细节": "{p} 的细节？",
    "方法": "{p} 的方法？",
    "核心方法": "{p} 的核心方法？",
    "方法细节": "{p} 的方法细节？",
    "实现细节": "{p} 的实现细节？",
    "问题": "{p} 针对的问题？",
    "存在的问题": "{p} 指出的问题？",
    "动机": "{p} 的动机？",
    "问题与动机": "{p} 的问题与动机？",
    "背景": "{p} 的研究背景？",
    "研究背景": "{p} 的研究背景？",
    "如何解决": "{p} 如何解决问题？",
    "解决方法": "{p} 的解决方法？",
    "解决方案": "{p} 的解决方案？",
    "解决措施": "{p} 的解决措施？",
    "贡献": "{p} 的贡献？",
    "主要贡献": "{p} 的主要贡献？",
    "创新点": "{p} 的创新点？",
    "要点": "{p} 的要点？",
    "结论": "{p} 的结论？",
    "局限": "{p} 的局限？",
    "局限性": "{p} 的局限？",
    "这个工作做了什么": "{p} 这个工作做了什么？",
    "这篇文章做了什么": "{p} 这篇文章做了什么？",
    "本文做了什么": "{p} 做了什么？",
    "做了什么": "{p} 做了什么？",
    "主要思想": "{p} 的主要思想？",
    "核心思想": "{p} 的核心思想？",
    "核心思路": "{p} 的核心思路？",
    "怎么做": "{p} 怎么做？",
    "思路": "{p} 的思路？",
    "发现": "{p} 的发现？",
    "主要发现": "{p} 的主要发现？",
    "观点": "{p} 的观点？",
    "文章的观点": "{p} 的观点？",
    "结论与发现": "{p} 的结论与发现？",
    "解释": "{p} 的解释？",
    "作者的解释": "{p} 的解释？",
    "分析": "{p} 的分析？",
    "理论分析": "{p} 的理论分析？",
    "讨论": "{p} 的讨论？",
    "直觉": "{p} 的直觉？",
    "启示": "{p} 的启示？",
    "数据": "{p} 的数据？",
    "数据部分": "{p} 的数据？",
    "数据集": "{p} 的数据集？",
    "method": "{p}: method?",
    "results": "{p}: results?",
    "findings": "{p}: findings?",
    "problem": "{p}: problem?",
    "motivation": "{p}: motivation?",
    "contributions": "{p}: contributions?",
    "details": "{p}: details?",
    "analysis": "{p}: analysis?",
    "discussion": "{p}: discussion?",
    "insights": "{p}: insights?",
    "intuition": "{p}: intuition?",
    "keyidea": "{p}: key idea?",          # keys are compared as `_key` makes them
}

# A heading that states what the paper does ("探索采样器对DPO收敛率的影响"): the verb
# leads, its object is the fact.
_STATEMENT_VERBS = ("提出", "探索", "研究", "分析", "证明", "设计", "构建", "引入", "揭示", "比较", "对比")
_EFFECT_ON = re.compile(r"^(?P<cause>[^对，,]{2,})对(?P<target>[^，,]{2,}?)的(?P<what>影响|作用|贡献|效果)$")
_STATEMENT = re.compile(r"^(?P<verb>" + "|".join(_STATEMENT_VERBS) + r")了?(?P<object>.{2,})$")


# Headings over setup details (epochs, learning rates, base models, data sizes): what a
# paper was trained with, not what it found; CARDS.md: "not a hyperparameter list"
_SETUP = re.compile(r"^(?:训练细节|训练设置|实验设置|超参数(?:设置)?|实验细节|training details|training setup|"
                    r"experimental setup|experiment(?:al)? details|hyper-?parameters?)$", re.I)


# A line that says how a model was trained rather than what the paper found ("训练 1 个 epoch，
# 学习率 5e-7", "用 SFT 模型初始化策略", "电机强度随机化 ±10%", "权重比为 1:4"): a cue, never asked
_SETUP_DETAIL = re.compile(r"\bepochs?\b|学习率|learning[- ]rate|\blr\b|batch[- ]size|批(?:量)?大小|warm-?up|"
                           r"weight decay|权重比|超参|初始化|initiali[sz](?:e|ed|ation)\b|随机化|randomi[sz]", re.I)


def is_setup_detail(text: str) -> bool:
    return bool(_SETUP_DETAIL.search(text))


def is_setup(heading: str) -> bool:
    return bool(_SETUP.match(strip_section_number(strip_marks(heading)).rstrip("：:。.?？ ")))


# the author's own view of the paper ("#### 我的理解", "## 四、思考", "## My notes"): opinions,
# pointers to other notes, open questions; reviewers keep none of it as a fact of the paper
_COMMENTARY = re.compile(r"^(?:我的|个人)?(?:理解|想法|思考|看法|评价|感想|笔记|疑问)$|^吐槽$|^(?:my|personal)\s+"
                         r"(?:notes?|thoughts?|take|view|comments?|questions?)$|^(?:thoughts|comments|open questions)$",
                         re.I)


def is_commentary(heading: str) -> bool:
    """Whether a heading holds the author's own view, not the paper's facts."""
    return bool(_COMMENTARY.match(strip_section_number(strip_marks(heading)).rstrip("：:。.?？ ")))


def strip_section_number(heading: str) -> str:
    return _SECTION_NUMBER.sub("", heading, count=1).strip()


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def names_paper(text: str, names: list[str]) -> bool:
    """Whether ``text`` already names the paper (its short name or a method)."""
    folded = text.casefold()
    return any(n and n.casefold() in folded for n in names)


def question_of(heading: str, short: str, names: list[str] | None = None) -> str:
    """The front a sub-heading stands for, naming the paper when it does not already.

    ``技术细节`` → ``NS-DPO 的技术细节？``; ``DPO不稳定的来源`` → ``3D-Properties：DPO不稳定的来源？``;
    ``RLHF-COV: COV 是什么？`` stays as it is.
    """
    names = [short, *(names or [])]
    q = strip_section_number(heading).rstrip("：:。. ")
    about = _ABOUT.match(q)
    if about:
        # "对SFT的解释" asks how the paper explains SFT
        q = f"如何{_ABOUT_VERBS[about.group('what')]}{about.group('topic')}？"
        return q if not short or names_paper(q, names) else f"{short}：{q}"
    verdict = _VERDICT.match(q)
    if verdict and states_a_finding(verdict.group("claim")):
        # "结论：KL正则不够" states the finding; what follows it says why
        q = f"为什么{verdict.group('claim')}？"
        return q if not short or names_paper(q, names) else f"{short}：{q}"
    base, context = _with_context(q.rstrip("?？"))
    template = GENERIC_QUESTIONS.get(_key(base))
    if template and short:
        asked = template.format(p=short)
        # "实验结论(MATH，Gemini 1.5 Flash)": what the figures are of stays on the front
        return asked[:-1] + context + asked[-1] if context and asked.endswith(("？", "?")) else asked
    if not q.endswith(("?", "？")):
        q += "？"
    if short and not names_paper(q, names):
        q = f"{short}：{q}"
    return q


def is_generic(heading: str) -> bool:
    """A heading that asks nothing by itself (作用效果, 技术细节, 发现), also with what it is
    of in brackets after it (``实验结论(Best-of-N)``)."""
    return _key(_with_context(strip_section_number(heading).rstrip("：:。.?？ "))[0]) in GENERIC_QUESTIONS


_CONTEXT = re.compile(r"\s*[(（][^()（）]{1,40}[)）]$")


def _with_context(heading: str) -> tuple[str, str]:
    """(the heading, its bracket at the end): ``实验结论(Best-of-N)`` → (实验结论, (Best-of-N))."""
    m = _CONTEXT.search(heading)
    if not m or not m.start():
        return heading, ""
    return heading[:m.start()], m.group(0).strip()


def is_statement(heading: str) -> bool:
    """A heading that states what the paper does (``提出UNA``, ``探索…的影响``), not a topic."""
    return bool(_STATEMENT.match(strip_section_number(heading).rstrip("：:。. ")))


# "对SFT的解释", "对长度偏差的分析": what the paper says about a topic
_ABOUT_VERBS = {"解释": "解释", "分析": "分析", "理解": "理解", "看法": "看待", "观点": "看待"}
_ABOUT = re.compile(r"^(?:作者)?对(?P<topic>[^，,。；;：:？?]{1,20})的(?P<what>" + "|".join(_ABOUT_VERBS) + r")$")

# "结论：KL正则不够", "发现: …": a heading that names its finding after a generic word
_VERDICT = re.compile(r"^(?:结论|发现|主要发现|观点|核心观点|结果)\s*[：:]\s*(?P<claim>.{4,})$")

# parts of speech that make a heading say something: a verb (下降, 读出), an adjective (最好)
_PREDICATES = ("v", "a", "ad")


def states_a_finding(heading: str) -> bool:
    """A heading that is a sentence, not a topic: ``DPO跑太久连chosen的概率也会下降``,
    ``没有一个HALO是普遍最好的`` have a verb or an adjective after their first word;
    ``挤压效应(squeezing effect)``, ``实验设置``, ``与SimPO的区别`` do not (a compound
    noun may start with a verb: 挤压效应)."""
    text = strip_section_number(heading).rstrip("：:。.?？ ")
    if is_generic(text) or len(strip_marks(text)) < 6:
        return False
    tags = [flag for word, flag in pos_tags(strip_marks(text)) if word.strip()]
    return any(flag in _PREDICATES for flag in tags[1:])


def lead_of(heading: str, short: str, names: list[str] | None = None) -> str:
    """A statement heading as the lead of its list: ``提出UNA--Unified Alignment：``
    (a question mark after a statement asks nothing)."""
    lead = strip_section_number(heading).rstrip("：:。.?？ ")
    if short and not names_paper(lead, [short, *(names or [])]):
        lead = f"{short}：{lead}"
    return lead + "："


def statement_question(heading: str, short: str) -> tuple[str, str] | None:
    """A heading that is itself a claim (a verb and its object) as (question, answer):
    ``探索采样器对DPO收敛率的影响`` → (``Samplers 探索了什么？``, ``采样器对DPO收敛率的影响``)."""
    m = _STATEMENT.match(strip_section_number(heading).rstrip("：:。. "))
    if not m or not short:
        return None
    verb, obj = m.group("verb"), m.group("object").strip()
    # "采样器对DPO收敛率的影响": the learner recalls what is affected, the cause stays shown
    # (the paper's short name often says it already: "Crucial Role of Samplers")
    effect = _EFFECT_ON.match(obj)
    if effect:
        return f"{short} {verb}了{effect.group('cause')}对什么的{effect.group('what')}？", effect.group("target")
    if names_paper(obj, [short]):
        return None          # "提出UNA" under UNA: the question would show its answer
    return f"{short} {verb}了什么？", obj
