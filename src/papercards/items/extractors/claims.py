"""Sub-heading → its content: one fact as a question and answer, several as an enumeration.

``#### DPO不稳定的来源`` with its one bullet becomes "3D-Properties：DPO不稳定的来源？" →
"选择和拒绝响应的梯度之间的相互作用会导致不稳定". A list, or a paragraph of
several sentences, becomes one cloze note with a blank per item (see
`papercards.items.enumeration`): one card per fact, the others as cues. A
heading that states a finding with nothing under it is a card of its own.
Lines an earlier rule used (definitions, the one-line summary) are left out.
"""

from __future__ import annotations

import re

from ...notes import OTHER, Block, Subsection, strip_marks
from ...text import CLOZE_BLANK, cloze_answers, split_sentences
from ...text.lang import CJK_CLASS, CJK_RE
from ...text.markup import is_one_display_formula, replace_math
from ..blanks import NAME, expands_own_name
from ..context import PaperContext
from ..dangling import without_notes_asides
from ..enumeration import (MAX_ITEMS, Unit, enumeration_text, has_braces, is_lead_in, is_remark, split_bilingual,
                           typed_blanks_as_bold)
from ..fronts import (is_generic, is_statement, lead_of, names_paper, question_of,
                      states_a_finding, statement_question, strip_section_number)
from ..model import Item, short_hash
from ..terms import split_top_level
from .keyword import keyword_blank
from .walk import SKIP_ROLES, not_carded, report_setup


def unused_blocks(blocks: list[Block]) -> list[Block]:
    """Blocks no rule turns into text: code, raw HTML (links are read elsewhere), images."""
    out = []
    for block in blocks:
        if block.kind == "code" or (block.kind == "html" and "<a" not in block.text.lower()):
            out.append(block)
        elif block.kind == "paragraph" and block.text.strip().startswith("!["):
            out.append(block)
    return out


def _join(text: str) -> str:
    """Soft line breaks: nothing between CJK characters, a space elsewhere."""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    out = ""
    for p in parts:
        # look at the last character only: a search anchored at `$` rescans all of `out`
        # each time, quadratic on a 10,000-line bullet
        if out and not (re.match(rf"[{CJK_CLASS}，。：；]", out[-1]) and CJK_RE.match(p)):
            out += " "
        out += p
    return out


def answer_units(blocks: list[Block], consumed: set[int]) -> list[Unit]:
    """What the answer says, one unit per list item or paragraph sentence.

    Paragraphs another rule used (a definition, the summary) are left out, and
    nested items that became their own card; a paragraph that only leads into
    a list ("RLHF和DPO训练质量由于") is kept as context, not as a fact.
    """
    units: list[Unit] = []
    has_list = any(b.kind == "list" for b in blocks)
    for at, block in enumerate(blocks):
        if block.line in consumed and block.kind != "list":
            continue
        if block.kind == "paragraph" and not block.text.strip().startswith("!["):
            text = without_notes_asides(_join(block.text))
            if units and is_one_display_formula(text) and units[-1].text.rstrip().endswith(("：", ":")):
                units[-1].text = f"{units[-1].text.rstrip()} {text.strip()}"   # "…的交叉熵：" then its formula
            elif has_list and is_lead_in(text):
                units.append(Unit(text, context=True))
            else:
                units.extend(Unit(_standing_alone(s) if n else s, context=is_remark(s), line=block.line)
                             for n, s in enumerate(split_sentences(text)))
        elif block.kind == "list":
            number = 0
            for depth, item, leads in list_lines(block):
                if (depth > 0 and item.line in consumed) or not item.text.strip():
                    continue
                number += depth == 0 and not leads
                mark = f"{number}." if block.ordered and depth == 0 else "-"
                # an item another rule carded (a definition) stays as a cue, not a second card
                units.append(Unit(without_notes_asides(_join(item.text)), depth=depth,
                                  context=leads or item.line in consumed, mark=mark, line=item.line, listed=True,
                                  block=at, carded=item.line in consumed and not leads))
        elif block.kind == "table" and block.rows:
            units.extend(Unit(" | ".join(c.strip() for c in row), line=block.line, table=True)
                         for row in block.rows[1:])
    return [part for unit in units for sentence in sentence_units(unit) for part in _at_semicolons(sentence)]


def list_lines(block: Block):
    """(depth, item, leads) for every item of a list: an item that only leads into the items
    under it ("- **Best combined result** vs. the previous best:", "- 优点") is their lead-in,
    and they are the list's facts, one level up. An item that says something before its
    colon ("用保守的优化目标，…：") stays a fact with its details under it."""
    for top in block.items:
        # a clause that ends inside the line says something itself before it leads in
        leads = bool(top.children) and is_lead_in(top.text) and not _CLAUSE_BREAK.search(top.text)
        for depth, item in top.walk():
            yield (0, item, True) if item is top and leads else (depth - leads, item, False)


# "但是人工逐步标注扩展不了…" after the sentence it turns from: its own card, without the turn
_TURN = re.compile(r"^(?:但是|但|然而|不过|可是)\s*[，,]?\s*(?=[^，,])|^(?:However|But),?\s+")


def _standing_alone(sentence: str) -> str:
    """A sentence of a paragraph as a card of its own: a turn from the sentence before
    ("但是…", "However, …") says nothing without it, so it is left off."""
    rest = _TURN.sub("", sentence, count=1)
    return rest[:1].upper() + rest[1:] if rest is not sentence and rest[:1].isascii() else rest


MIN_CLAUSE = 12           # characters: each side of a "；" this long states a fact of its own
LONG_ITEM = 70            # weight (`item_weight`): a list item this long with several sentences is several facts

# "**Clip-Higher.** Decouple…", "**经验回放**：每一轮…": the name a long item is about
_ITEM_LABEL = re.compile(r"^\*\*(?P<label>[^*\n]{2,40}?)[.:：。]?\*\*[.:：。]?\s*")


def sentence_units(unit: Unit) -> list[Unit]:
    """A long list item of several sentences ("**Clip-Higher.** Decouple the clip range… The
    upper clip limits…") as one unit per sentence, each after the first led by the item's
    bold name ("Clip-Higher：The upper clip limits…"), so each is a card of its own; a
    short item, or one sentence, stays whole."""
    if not unit.fact or item_weight(unit.text) <= LONG_ITEM:
        return [unit]
    sentences = split_sentences(unit.text)
    if len(sentences) < 2:
        return [unit]
    label = _ITEM_LABEL.match(unit.text)
    lead = f"{label.group('label').strip()}：" if label else ""
    return [Unit(text if n == 0 else (lead or _carried(sentences[0], text)) + text, depth=unit.depth, mark=unit.mark,
                 line=unit.line, listed=unit.listed, block=unit.block) for n, text in enumerate(sentences)]


def _carried(first: str, text: str) -> str:
    """"MATH 51.7%是不用外部工具的结果；64个样本做self-consistency能到60.9%": the benchmark the
    first part opens on is the later part's too, unless that part names its own."""
    scored = _SCORE_LABEL.match(strip_marks(first))
    return f"{scored.group('name')}：" if scored and not _SCORE_LABEL.match(strip_marks(text)) \
        and not re.match(r"\s*[A-Z][A-Za-z0-9-]+", strip_marks(text)) else ""


def _something_to_ask(text: str) -> bool:
    """A number, the author's mark or a name (SimPO, GSM8K) that a blank could ask."""
    return bool(re.search(r"\d|\*\*|`", text) or NAME.search(strip_marks(text)))


def _at_semicolons(unit: Unit) -> list[Unit]:
    """"效果持平或更好；而且可以跳过SFT直接KTO" says two things: two units, two cards (a
    semicolon inside math or brackets is not a break)."""
    if not unit.fact or "；" not in unit.text:
        return [unit]
    parts = split_top_level(unit.text, "；")
    if len(parts) < 2 or any(len(strip_marks(p)) < MIN_CLAUSE or not _something_to_ask(p) for p in parts):
        return [unit]                # a part with nothing to ask would be lost: the sentence stays whole
    return [Unit(_carried(parts[0], p) + _standing_alone(p) if n else p, depth=unit.depth, mark=unit.mark,
                 line=unit.line, listed=unit.listed, block=unit.block) for n, p in enumerate(parts)]


# a part that opens on a benchmark and its score: "MATH 51.7%", "GSM8K：88.2%"
_SCORE_LABEL = re.compile(r"^\s*(?P<name>[A-Z][A-Za-z0-9-]{1,20}(?: [A-Z][A-Za-z0-9-]{1,20})?)\s*[：:]?\s*\d+(?:\.\d+)?\s*%")


def extract(pc: PaperContext):
    """Each sub-heading of the paper (and each other section with text) becomes its cards:
    one fact as a Q&A or a cloze, a list as an enumeration, sentences as a card each."""
    report_unused_blocks(pc)
    report_setup(pc)
    for heading, line, blocks in headed_blocks(pc):
        if not heading or not_carded(heading):
            continue
        parts = answer_parts(pc, heading, line, blocks)
        facts = [u for u in parts if u.fact]
        if not facts:
            if not blocks:
                yield from heading_claim(pc, heading, line)
            continue
        if len(facts) == 1 and rates_the_heading(facts[0].text) and states_a_finding(heading):
            # "#### 价值网络…几乎不比随机基线好" over "这是最重要的一个发现": the heading is the fact
            pc.ctx.note(pc.paper.file, facts[0].line or line, f"'{_short(facts[0].text)}' under '{heading}' says "
                        "what the finding means to the author: the heading is carded, not this")
            yield from heading_claim(pc, heading, line)
            continue
        names = [m.name for m in pc.methods]
        question = lead_of(heading, pc.info.short, names) if is_statement(heading) and len(facts) > 1 \
            else question_of(heading, pc.info.short, names)
        if len(facts) == 1 and len(parts) == 1:
            yield one_fact(pc, heading, question, facts[0].text, line)
        else:
            yield from several_facts(pc, heading, question, parts, line)


# what a line under a finding says of it: "这是最重要的一个发现", "this is the key result"
_RATES_IT = re.compile(r"这(?:是|就是|也是)[^，,。；;]{0,12}(?:发现|结论|结果|出发点|动机|重点|关键)"
                       r"|\b(?:this|which) is (?:the|a|our) (?:\w+ ){0,3}(?:finding|result|motivation|takeaway|point)\b",
                       re.I)


def rates_the_heading(text: str) -> bool:
    """Whether a line says what the finding above it means (its weight, where the paper
    starts from), not a fact of its own: the heading asked as a question would be
    answered with that remark."""
    return bool(_RATES_IT.search(strip_marks(text)))


def headed_blocks(pc: PaperContext) -> list[tuple[str, int, list[Block]]]:
    """(heading, line, blocks) of each sub-heading, and of each other section with text; a
    heading without the author's note to self in brackets ("实验结论(摘要里的数，正文表格还没看)"),
    which would stand on every card of it."""
    units: list[tuple[str, int, list[Block]]] = []
    for section in pc.paper.sections:
        if section.role in SKIP_ROLES:
            continue
        if section.role == OTHER and section.heading and section.blocks:
            units.append((section.heading, section.line, section.blocks))
        for sub in section.subsections:
            units.append(_unit(sub))
    return [(without_notes_asides(heading, heading=True), line, blocks) for heading, line, blocks in units]


def report_unused_blocks(pc: PaperContext) -> None:
    for section in pc.paper.sections:
        if section.role not in SKIP_ROLES:
            for block in unused_blocks(section.blocks + [b for sub in section.subsections for b in sub.blocks]):
                what = {"code": "code block", "html": "raw HTML block"}.get(block.kind, "image")
                pc.ctx.warn(pc.paper.file, block.line, f"{what} is not carded")


def answer_parts(pc: PaperContext, heading: str, line: int, blocks: list[Block]) -> list[Unit]:
    """What the heading's text says, unit by unit; a unit too long for a card, or pasted
    from another paper, is reported and left out."""
    parts = []
    for unit in answer_units(blocks, pc.consumed):
        if len(unit.text) > MAX_FACT:
            pc.ctx.warn(pc.paper.file, line, f"'{heading}' is too long for one card ({len(unit.text)} characters) "
                        "in one item; split it into bullets to card it")
            continue
        owner = pc.pasted_from(unit.text)
        if owner:
            pc.ctx.warn(pc.paper.file, unit.line or line, f"'{unit.text[:40]}…' under '{heading}' is also in paper "
                        f"{owner}: pasted here by mistake? Not carded under this paper")
            continue
        unit.text = typed_blanks_as_bold(unit.text)
        # "{{Front}}" typed in the notes is shown as typed (rendering defuses it), but a
        # blank around it would end at its "}}": such a line is a cue, never asked
        unit.braced = has_braces(unit.text)
        parts.append(unit)
    return parts


def _without_own_label(text: str, stem: str, pc: PaperContext) -> str:
    """"SCoRe 的实验结论：SCoRe：第一次 60.0% → …": the item's label says again the paper the
    stem already names; the card drops it (a row labelled otherwise, base模型：…, keeps its own)."""
    if not text.startswith(stem):
        return text
    rest = text[len(stem):]
    for name in filter(None, pc.own_names()):
        m = re.match(rf"(\s*(?:[-*+]\s+|\d+[.)]\s+)?)(?:\*\*)?{re.escape(name)}(?:\*\*)?\s*[：:]\s*", rest)
        if m and names_paper(stem, [name]) and CLOZE_BLANK.search(rest[m.end():]):
            return stem + m.group(1) + rest[m.end():]
    return text


def one_fact(pc: PaperContext, heading: str, question: str, answer: str, line: int) -> Item:
    """A heading with one fact under it: its question and answer, or under a heading that
    asks nothing (技术细节), a cloze on the fact's key word, or the sentence's own subject
    as the question ("TIS-DPO 的观点？" → "最优的数据应该是…")."""
    pc.claim_answers.add(answer)
    generic = is_generic(heading)
    blanked = keyword_blank(pc)(answer, 1, [question]) if generic else None
    if blanked:
        return Item(id=f"{pc.info.key}/cloze/{short_hash(question)}", kind="cloze", paper=pc.info.key,
                    fields={"text": f"{question.rstrip('？?')}：{blanked}", "hint": ""}, source=pc.where(line))
    asked = copula_question(answer, pc.info.short, pc.ctx.config.glossary.knows) if generic else None
    return _qa(pc, *(asked or (question, answer)), line)


def several_facts(pc: PaperContext, heading: str, question: str, parts: list[Unit], line: int):
    """Short parallel items (3D: Drastic…, Degradation…, Dispersion…) are one list to
    recall, an enumeration; sentences are separate facts, each its own card with its
    lead-in. An item with nothing to blank asks its subject, or is reported as a cue."""
    groups = fact_groups(parts)
    lists = 0
    by_heading = False        # the heading asked one sentence whose blank the paper's name gives away
    for chunk, is_list in groups:
        separate = not is_list
        stem = question.rstrip("？?：: ")
        if separate and len(groups) > 1 and _COUNTED.search(stem):
            stem += "之一"        # "SimPO的两个设计" over one of them promises what the card lacks
        stem = stem + "：" if separate else question
        text, hint, unasked = enumeration_text(stem, chunk, keyword_blank(pc))
        if separate:
            text = _inline_first(_without_own_label(text, stem, pc))
        else:
            n, lists = lists, lists + 1
        answer = _as_answer(chunk)
        if not CLOZE_BLANK.search(text) and len(answer) <= MAX_ANSWER and (len(groups) == 1 or is_list) \
                and any(u.table or "$" in u.text for u in chunk):
            # a formula or a table has no word to blank: the whole short answer is one
            # card rather than none (prose with nothing to ask is reported instead)
            pc.claim_answers.update(u.text for u in chunk)
            yield _qa(pc, question.rstrip("：:") + ("" if question.endswith(("？", "?")) else "？"), answer, line)
            continue
        # what is asked is carded; a cue is not (an abstract sentence may still ask it)
        pc.claim_answers.update(u.text for u in chunk if u.blankable and u not in unasked)
        if CLOZE_BLANK.search(text):
            if separate:
                anchor = short_hash(f"{question}#" + "".join(u.text for u in chunk if u.fact))
            else:
                anchor = short_hash(f"{question}#{n}" if n else question)
            at = next((u.line for u in chunk if u.fact and u.line), line) if separate else line
            yield Item(id=f"{pc.info.key}/cloze/{anchor}", kind="cloze", paper=pc.info.key,
                       fields={"text": text, "hint": hint}, source=pc.where(at))
        for unit in unasked:
            asked = own_method_question(question, unit.text, pc) or subject_question(question, unit.text, pc, heading)
            if not asked and not by_heading and len(unit.text) <= MAX_ANSWER \
                    and _answered_by_name(pc, unit.text, question):
                # "Cal-DPO 的核心思路：…加一个[校准项]": the name on the front answers the blank;
                # the heading asks the sentence instead ("Cal-DPO 的核心思路？"), once
                by_heading = True
                asked = question.rstrip("：:") + ("" if question.endswith(("？", "?")) else "？"), unit.text
            if asked:
                pc.claim_answers.add(unit.text)
                yield _qa(pc, *asked, line)
            else:
                pc.ctx.note(pc.paper.file, unit.line or line, f"'{_short(unit.text)}' under '{heading}' has no "
                            "word worth a blank (a term, a number, a name, the author's bold): a cue, not asked")


def _answered_by_name(pc: PaperContext, text: str, question: str) -> bool:
    """``text``'s one blank is what the paper's own name stands for (`blanks.expands_own_name`)."""
    made = keyword_blank(pc, by_name=True)(text, 1, [question])
    return bool(made) and any(expands_own_name(strip_marks(a), pc.long_names, pc.ctx.other_names)
                              for a in cloze_answers(made).get(1, []))


# a heading that counts what follows: "两个设计", "三个关键属性", "3点发现"
_COUNTED = re.compile(r"(?:[两二三四五六七八九十几]|\d+)\s*(?:个|种|项|点|类|条|大|方面|步)")

MAX_ANSWER = 200          # characters: the longest answer one card may ask whole
MAX_FACT = 600            # characters: one list item or sentence longer than this is a document, not a fact


def heading_claim(pc: PaperContext, heading: str, line: int):
    """A sub-heading with nothing under it that is itself a claim is the card: a heading of
    what the paper did (``探索采样器对DPO收敛率的影响``) asks what was done; a finding
    (``只用3.3%的人工偏好标签…``) asks its key word, with the paper named in front.
    A topic with nothing under it is reported."""
    short = pc.info.short
    text = strip_section_number(heading).rstrip("：:。. ")
    # what the paper did asks what was done (a keyword the notes add later keeps that card)
    stated = statement_question(heading, short)
    if stated:
        yield _qa(pc, *stated, line)
        return
    if states_a_finding(text):
        lead = "" if names_paper(text, [short, *(m.name for m in pc.methods)]) else f"{short}："
        blanked = keyword_blank(pc)(text, 1, [short])
        if blanked:
            yield Item(id=f"{pc.info.key}/cloze/{short_hash(heading)}", kind="cloze", paper=pc.info.key,
                       fields={"text": lead + blanked, "hint": ""}, source=pc.where(line))
            return
        pc.ctx.note(pc.paper.file, line, f"sub-heading '{heading}' states a finding with no word worth a blank "
                    "(a term, a number, a name, the author's bold): a cue, not asked")
        return
    pc.ctx.warn(pc.paper.file, line, f"sub-heading '{heading}' has no content; no card made")


# linear: the word's characters and the space between words are disjoint, so no position
# is tried two ways (a "-" in both made a long "A-A-A-…" line exponential)
_SUBJECT = re.compile(r"^(?P<subject>[A-Za-z][A-Za-z0-9_.+/-]{0,40}(?: [A-Z0-9][A-Za-z0-9_.+/-]{0,40}){0,4})\s*"
                      rf"(?P<rest>[{CJK_CLASS}].{{5,}})$", re.S)


# a heading that asks a property of whatever a sentence is about (RLHF 的问题, DPO-COV 的作用效果);
# 动机, 思路, 我的理解 belong to the paper, not to the name a sentence opens with
_A_PROPERTY = re.compile(r"问题|局限|缺点|不足|缺陷|效果|结果|优势|优点|特点|区别|limitation|drawback|problem|"
                         r"weakness|result|effect|advantage", re.I)
_ASKS_A_FLAW = re.compile(r"局限|问题|缺点|不足|缺陷|limitation|drawback|problem|weakness", re.I)
# what a flaw sounds like: a negation, a difficulty, a cost
_SAYS_A_FLAW = re.compile(r"不|没|无法|难|问题|但|缺|差|低|慢|贵|费|偏|错|冲突|过拟合|局限|限制|依赖|受限|cannot|can't|fails?|"
                          r"lacks?|poor|hard|costly|expensive|unstable|limited|only|bias", re.I)
# what a method's cost sounds like (narrower than a flaw: "不加在reward里" is no cost)
_COSTS = re.compile(r"很占|占用|开销|费(?:时|力|钱|资源)|很慢|太慢|很贵|不稳定|难以|方差大|\b(?:unstable|costly|expensive|slow)\b",
                    re.I)
_BUT = re.compile(r"[，,]\s*(?:但是|但|然而|不过)\s*")
# "off-policy DPO里rejected…": a word that binds to the name before it, which is no subject
_POSTPOSITIONS = ("里", "中", "上", "下", "的", "时", "后", "前", "内", "外", "之", "和", "与", "及", "、", "或",
                  "当", "作为")       # "LLM当自动评委…": the subject is the role, not the name
# the name opens a longer noun: "DPO训出来的模型…" (what DPO trained), "IMDb情感生成和Anthropic HH
# 单轮对话上，…" (where it was measured; "KL惩罚不加在reward里，…" is a clause of KL's)
_NAME_IN_A_NOUN = re.compile(r"^[^，,。；;]{1,6}的|^(?![^，,。；;]*在)[^，,。；;]{0,24}[上中里]\s*[，,]")


# "最优的数据应该是X", "关键在于X": a subject, its copula, what it is
_COPULA = re.compile(r"^(?P<subject>[^，,。；;：:（()）]{2,14}?)(?P<copula>应该是|就是|在于|是)(?P<rest>[^是].{5,})$", re.S)
_NO_SUBJECT = re.compile(r"^(?:这|那|它|其|此|该|因为|所以|但|而|如果|虽然|不|没有|也|都|还)")
# "自我纠错是很想要的能力，但是现在的LLM基本纠不了": what it is worth, then a turn: a claim, no definition
_TURNS = re.compile(r"[，,；;]\s*(?:但是|但|然而|不过|可是|却)")


def copula_question(answer: str, short: str, knows=lambda name: False) -> tuple[str, str] | None:
    """A sentence "X 是 Y" under a heading that asks nothing, as "{short}：X是什么？" → Y:
    ``TIS-DPO 的观点？`` becomes ``TIS-DPO：最优的数据应该是什么？``. None when the sentence
    has no such subject (a pronoun, a clause opening on a conjunction), or its subject is
    a term the field knows (``knows``: "奖励模型是RLHF成功的关键" says what it is to the
    paper, not what it is)."""
    m = _COPULA.match(strip_marks(answer).strip())
    if not m or not short or _NO_SUBJECT.match(m.group("subject")) or "$" in m.group("subject") \
            or _TURNS.search(m.group("rest")) \
            or sum(len(run) for run in CJK_RE.findall(m.group("subject"))) < 2 or knows(m.group("subject").strip()):
        return None                   # "DPO是把整个回答当成…" describes DPO, it does not define it
    return f"{short}：{m.group('subject')}{m.group('copula')}什么？", m.group("rest").strip()


_LABELLED = re.compile(r"^(?P<label>[^：:，,。]{2,30}?)\s*[：:]\s*(?P<rest>.{8,})$", re.S)


def own_method_question(question: str, text: str, pc: PaperContext) -> tuple[str, str] | None:
    """An item labelled with the paper's own method (``GRPO：对同一个问题采样一组输出，用组内奖励
    的均值和标准差归一化得到优势``) under a heading asking how it works: the method's idea,
    asked by the heading (``GRPO核心思路？``, ``GRPO 的核心思路？``) even with no word to blank.
    Left a cue, the paper's method had no card."""
    m = _LABELLED.match(strip_marks(text).strip())
    if not m or not _ASKS_THE_IDEA.search(question):
        return None
    label = m.group("label").strip()
    if label.casefold() not in {n.casefold() for n in pc.own_names() if n}:
        return None
    stem = question.rstrip("？?：: ")
    if label.casefold() not in stem.casefold():
        stem = f"{label} 的{strip_section_number(stem.split('：')[-1].split(':')[-1]).strip()}"
    return f"{stem}？", m.group("rest").strip()


# a heading that asks how the paper's method works
_ASKS_THE_IDEA = re.compile(r"思路|方法|怎么做|如何做|做法|核心|idea|method|approach|how", re.I)


def subject_question(question: str, text: str, pc: PaperContext, heading: str = "") -> tuple[str, str] | None:
    """An item that opens with what it is about, a name (``RLHF需要同时分别训练…``), as its
    own question and answer: ``UNA：各种alignment技术的局限性 — RLHF？`` → the rest; under a
    heading that asks nothing, the name takes the heading's place: ``RLHF-COV：DPO-COV 的作用效果？``
    → ``DPO-COV无需奖励估计即可实现`` (a whole sentence). A lowercase word (``chosen和rejected…``)
    is the start of a sentence, not its subject."""
    m = _SUBJECT.match(strip_marks(text))
    if not m or not re.search(r"[A-Z]", m.group("subject")) or m.group("rest").startswith(_POSTPOSITIONS) \
            or m.group("subject").casefold() in (pc.info.short or "").casefold() \
            or _NAME_IN_A_NOUN.match(m.group("rest")) or split_bilingual(strip_marks(text)):
        return None                     # "Reward Overoptimization 奖励过度优化" is a translation, not a fact
    answer = m.group("rest").strip()
    if _ASKS_A_FLAW.search(question) and not _SAYS_A_FLAW.search(answer):
        return None                     # "RLHF先从成对比较里学…" under 问题 describes, it names no flaw
    if _ASKS_A_FLAW.search(question):
        # "提出…从而简化RLHF的训练过程，但是不能充分利用模型" under 局限性: the flaw is after 但是
        turn = _BUT.search(answer)
        if turn and len(answer) - turn.end() >= 6:
            answer = answer[turn.end():].strip()
    if heading and is_generic(heading):
        topic = strip_section_number(heading).rstrip("：:。.?？ ")
        if not _A_PROPERTY.search(topic):
            return None                 # "BT这种逐点奖励…" under 动机 is DNO's motive, not BT's
        subject = m.group("subject")
        if topic.isascii():
            return f"{pc.info.short}: {topic} of {subject}?", answer
        return f"{pc.info.short}：{subject} 的{topic}？", subject + answer if answer == m.group("rest").strip() \
            else answer
    if not _A_PROPERTY.search(question) and _COSTS.search(answer):
        # "PPO要一个和策略模型差不多大的value model，很占显存" under GRPO核心思路: the idea's
        # starting point, another method's flaw
        return f"{question.rstrip('？?：: ')}：{m.group('subject')} 的问题？", answer
    return f"{question.rstrip('？?：: ')} — {m.group('subject')}？", answer


SHORT_ITEM = 30           # weight (a CJK character 1, a Latin word 2): an item a list recalls whole


def item_weight(text: str) -> int:
    """How long an item reads: CJK characters plus two per Latin word, math as one word."""
    prose = replace_math(strip_marks(text), lambda formula: " x ")
    return sum(len(run) for run in CJK_RE.findall(prose)) + 2 * len(re.findall(r"[A-Za-z0-9][\w.+-]*", prose))


# a clause break inside an item: "…60k个prompt，不做prompt增强" says two things
_CLAUSE_BREAK = re.compile(r"[，,；;。：:](?=.)")


def is_phrase(text: str) -> bool:
    """A short item with no clause break: a name or a phrase, not a sentence."""
    plain = re.sub(r"[(（][^()（）]*[)）]", "x", replace_math(strip_marks(text), lambda formula: "x")).strip()
    return item_weight(text) <= SHORT_ITEM and not _CLAUSE_BREAK.search(plain)


_LABELLED_RESULT = re.compile(r"^[^：:，,。]{1,40}[：:][^：:]*\d")


def list_shape(text: str) -> str | None:
    """"phrase" for a short phrase, "row" for a result row ("Llama-3-8B-Instruct：LC胜率38.77%"),
    else None (a sentence). A run of one shape is one list: rows read as one table, the
    first row's metric the cue of the next (which often leaves it out)."""
    if is_phrase(text):
        return "phrase"
    if _LABELLED_RESULT.match(strip_marks(text)) and item_weight(text) <= 2 * SHORT_ITEM:
        return "row"
    return None


def is_enumeration(facts: list[Unit]) -> bool:
    """Phrases recalled as one list, one blank each with the others as cues (``Drastic
    drop…`` / ``Degradation…`` / ``Dispersion…``). Sentences are facts of their own: on one
    note each card would show every other item (a whole section)."""
    return len(facts) >= 2 and all(is_phrase(u.text) for u in facts)


_COUNTS = re.compile(r"[两三四五六七八九十\d]+\s*(?:个|点|种|条|类|方面|步)|\b(?:two|three|four|five)\b", re.I)


def fact_groups(units: list[Unit]) -> list[tuple[list[Unit], bool]]:
    """The answer cut into cards: (units, is_list). A run of short phrases is one list
    (an enumeration note); a sentence is a fact of its own, with the lead-in before it
    (``每一轮：``; not a paragraph after the list it led into) and the nested lines under it."""
    groups: list[tuple[list[Unit], bool]] = []
    lead: Unit | None = None
    run: list[Unit] | None = None         # the run of phrases (or rows) being read
    shape = None                          # …and what it is a run of
    led = None                            # the list the lead-in leads: what comes after it is not led
    for unit in units:
        if unit.fact and lead and led is not None and not (unit.listed and unit.block == led):
            lead = None
        if unit.fact and unit.listed and lead is not None and led is None:
            led = unit.block
        if unit.fact and run is not None and list_shape(unit.text) == shape:
            run.append(unit)
        elif unit.fact:
            group = [lead, unit] if lead else [unit]
            shape = list_shape(unit.text)
            run = group if shape else None
            groups.append((group, False))
        elif unit.depth and groups:
            groups[-1][0].append(unit)
        elif unit.carded:
            lead = None             # "DNO是一个批量在策略的算法…" is its own card: no lead of the next item
        elif unit.context and not is_remark(unit.text):
            # a long paragraph leading into the list: its last sentence is what leads in; one
            # that counts the items ("会有两个意外后果：") is no lead for a card holding one
            last = split_sentences(unit.text)[-1:] or [unit.text]
            lead = None if _COUNTS.search(last[0]) else Unit(last[0], context=True, line=unit.line)
            led = None
            run = None
    out: list[tuple[list[Unit], bool]] = []
    for group, _ in groups:
        phrases = [u for u in group if u.fact]
        if len(phrases) >= 2 and all(len(_FIGURES.findall(strip_marks(u.text))) >= DENSE_ROW for u in phrases):
            # rows of results, each a table's worth ("long-CoT：AIME 77.5，MATH 500 96.2，…"): one
            # card per row, not every row on every card
            out.extend((part, False) for part in _by_item(group))
        elif len(phrases) >= 2 and sum(item_weight(u.text) for u in group) <= LONG_LIST:
            out.extend((chunk, True) for chunk in _chunks(group))
        elif len(phrases) >= 2:
            # short items each with lines of their own under them: a section, each item a card
            out.extend((part, False) for part in _by_item(group))
        else:
            out.append((group, False))
    return out


LONG_LIST = 160           # weight (`item_weight`), nested lines included: a longer list is a section, not one note
DENSE_ROW = 3             # figures in a list item that make it a row of results
_FIGURES = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")


def _by_item(group: list[Unit]) -> list[list[Unit]]:
    """A group cut before each of its items: the item with the lines nested under it (and
    the lead-in, first)."""
    parts: list[list[Unit]] = []
    lead = [u for u in group[:1] if not u.fact and not u.depth]
    for unit in group[len(lead):]:
        if unit.fact or not parts:
            parts.append([*lead, unit])
        else:
            parts[-1].append(unit)
    return parts


def _inline_first(text: str) -> str:
    """The question, the lead-in and the one item on one line (``SPPO 的作用效果：Llama-3-8B：
    LC胜率{{c1::38.77%}}``); nested lines stay below it."""
    lines = text.split("\n")
    at = next((i for i, ln in enumerate(lines) if i and CLOZE_BLANK.search(ln)), None)
    if at is None:
        return text
    head = "".join(re.sub(r"^(?:- |\d+\. )", "", ln) for ln in lines[: at + 1])
    return "\n".join([head, *lines[at + 1:]])


def _as_answer(units: list[Unit]) -> str:
    """Units as a Q&A answer: list items as bullets (numbers kept), other lines as they are."""
    return "\n".join(("  " * u.depth + f"{u.mark} {u.text}") if (u.depth or u.mark != "-" or not u.context)
                     else u.text for u in units)


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _qa(pc: PaperContext, question: str, answer: str, line: int) -> Item:
    return Item(id=f"{pc.info.key}/claim/{short_hash(question)}", kind="claim", paper=pc.info.key,
                fields={"question": question, "answer": answer}, source=pc.where(line))


def _chunks(units: list[Unit]) -> list[list[Unit]]:
    """At most MAX_ITEMS blanks per note (c1…c9); context lines go with the item after them."""
    chunks: list[list[Unit]] = [[]]
    blanks = 0
    for unit in units:
        if unit.blankable:
            if blanks == MAX_ITEMS:
                chunks.append([])
                blanks = 0
            blanks += 1
        chunks[-1].append(unit)
    return [c for c in chunks if any(u.blankable for u in c)]


def _unit(sub: Subsection):
    return sub.heading, sub.line, sub.blocks
