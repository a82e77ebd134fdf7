"""A card's blank: the one word of an item worth asking (`keyword_blank`), with the checks
that it asks something the card does not already show.

Why a module of its own: every rule that turns a line of the notes into a cloze (a
sub-heading's facts, an enumeration's items, a heading that states a finding) asks the
same question of the line, in the same order: the author's bold, a number reached, what
a method brings in or does without, a term, a name; and the same give-aways rule a word
out (`blanks`: printed elsewhere, derivable, a list's label, its name in the other
language on the front).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ...notes import strip_marks
from ...text import CLOZE_BLANK, cloze_answers, make_cloze
from ...text.lang import CJK_RE
from ...text.markup import scan
from ...text.stopwords import is_stopword
from ..blanks import (NAME, NUMBER_BLANK, PHRASE_NAME, acronym_after, around, derivable, expands_own_name, gloss_after,
                      hinted, in_brackets, labels_a_list, named_in_other_words, narrow_bold, one_of_a_list,
                      result_numbers)
from ..context import PaperContext
from ..fronts import is_setup_detail
from .cloze import _not_a_term

TRIES = 4                 # words tried per item before it stays a cue
_YEAR = re.compile(r"(?:19|20)\d\d")


def informative(word: str, pc: PaperContext, marked: list[str]) -> bool:
    """A word worth a blank in a longer item: the author's bold, a glossary term, a
    number with its unit, or a name (SimPO, Bradley-Terry, GSM8K). Ordinary Chinese
    words are not: no frequency table tells 偏移 or 构建 (rare in jieba's dictionary)
    from knowledge, and a blank on them is what reviewers delete."""
    word = strip_marks(word).strip()
    if not word or is_stopword(word) or word in pc.ctx.widespread or pc.ctx.config.glossary.knows(word) \
            or _YEAR.fullmatch(word):
        return False
    if word in marked or NUMBER_BLANK.fullmatch(word):
        return True
    if NAME.fullmatch(word) or PHRASE_NAME.fullmatch(word):
        return True
    # a two-character Chinese word, a plain lowercase English word: in the glossary by
    # accident (属性, rejected), guessable from the sentence
    return word in pc.ctx.specific_terms and not _not_a_term(word)


def _result_everywhere(text: str, number: str, n: int) -> str | None:
    """``text`` with one blank on a result wherever the line says it (``7% → {{c1::33%}}…控制了
    回答长度之后也是{{c1::33%}}``), or None when the number is not in it as a whole. The gain
    that computes it (``绝对提升26%``) stays shown: a second blank on it was "redundant,
    arithmetic from the first" to six reviewed cards, and a blank on the model's name
    instead was weak to three."""
    at = re.compile(r"(?<![\d.])" + re.escape(number) + r"(?![\d.])")
    made = at.sub(lambda m: "{{c%d::%s}}" % (n, m.group(0)), text)
    return made if made != text else None


def _labels_a_list(made: str, n: int) -> bool:
    m = next((m for m in CLOZE_BLANK.finditer(made) if m.group(1) == str(n)), None)
    return bool(m) and labels_a_list(*around(made, m))


def _ends_a_name(made: str, n: int) -> bool:
    """A Latin blank right after a capitalized word it continues: "LMSYS {{c1::Chatbot Arena}}"
    asks the rest of a name its first word already says."""
    m = re.search(r"\{\{c%d::([A-Z][^}:]*)" % n, made)
    return bool(m) and bool(re.search(r"(?:^|[^A-Za-z0-9])[A-Z][A-Za-z0-9]+ $", made[:m.start()]))


def furniture(name: str, pc: PaperContext) -> bool:
    """A name a good share of the notes' papers use (`blanks.furniture_names`)."""
    return name.casefold() in pc.ctx.furniture


def keyword_blank(pc: PaperContext, by_name: bool = False):
    """``keyword(text, n, visible)``: ``text`` with one blank ``{{cN::…}}`` on its most
    informative word that ``visible`` (the rest of the card) does not show, or None.
    ``by_name``: also a blank the paper's own name answers (`blanks.expands_own_name`),
    to tell a sentence that has nothing to ask from one its name gives away."""
    def answered_by_name(answer: str) -> bool:
        return not by_name and expands_own_name(answer, pc.long_names, pc.ctx.other_names)

    def keyword(text: str, n: int, visible: list[str]) -> str | None:
        if is_setup_detail(text):
            return None             # how it was trained, not what was found
        text = narrow_bold(text)
        plain = scan(text).plain
        marked = [m.group(0).strip("*`") for m in re.finditer(r"\*\*[^*]+\*\*|`[^`]+`", text)]
        prefer = marked + [m.group(0) for m in NUMBER_BLANK.finditer(plain)] + \
            sorted(pc.ctx.loose_term_finder.found_in(plain), key=len, reverse=True) + \
            [m.group(0) for m in PHRASE_NAME.finditer(plain)]
        # the paper's own names are on the front already (and its method's expansion spells them)
        names = pc.own_names()
        avoid = [*names, *(w for m in pc.methods for w in m.long_form.split()), *pc.title_acronyms]
        shown = strip_marks(" ".join(visible))
        # a result line asks its number (72.4%, 6.4 points), not the benchmark it was measured on
        for number in result_numbers(plain):
            made = None if number in shown else _result_everywhere(text, number, n)
            if made:
                return made
        def fits(made: str) -> str | None:
            """The blank's answer when it asks something the card does not show, else None."""
            answer = strip_marks(cloze_answers(made)[n][0])
            # the answer printed again in its own sentence ("逆[...]：逆困惑度 = …") is given away
            rest = strip_marks(CLOZE_BLANK.sub(" ", made)).casefold()
            good = informative(answer, pc, marked) and answer not in shown and answer.casefold() not in rest \
                and not hinted(answer, f"{rest} {shown}", names) and not translated_beside(made) \
                and not in_brackets(made) and not named_in_other_words(answer, names, pc.ctx.other_names) \
                and not _ends_a_name(made, n) and not derivable(answer, rest) and not _labels_a_list(made, n) \
                and not answered_by_name(answer)
            return answer if good else None

        def weak(made: str, answer: str) -> bool:
            """A name every paper uses, or one name of a list the notes spell out (KTO in
            "RLHF/PPO, DPO, KTO"): any of the others fits the gap as well."""
            if answer in marked:
                return False
            return furniture(answer, pc) or (first_one_of_a_list(made) and answer.casefold() in pc.ctx.named_terms)

        fallback = None         # a weak blank: asked only when the sentence has nothing better
        for _ in range(TRIES):
            made = make_cloze(text, pc.ctx.segmenter, prefer=prefer, avoid=avoid, max_blanks=1, start=n)
            if not made:
                break
            answer = fits(made)
            if answer and not (first_one_of_a_list(made) and answer not in marked
                               and answer.casefold() not in pc.ctx.named_terms):
                if not weak(made, answer):
                    return made
                fallback = fallback or made
            avoid.append(strip_marks(cloze_answers(made)[n][0]))
        return object_blank(text, n, pc, shown, answered_by_name) or without_blank(text, n, shown) or fallback
    return keyword


# what a method brings in: the object of these verbs is the thing to recall
# ("在损失函数中引入{{c1::discount参数}}", "用{{c1::ELBO}}代替对数似然", "加一个{{c1::校准项}}")
_BRINGS = re.compile(r"(?:引入了?|提出了?|采用了?|使用了?|利用了?|加入了?|加上?了?(?=一[个项种])|设计了?|构建了?|定义了?|称为|称之为|叫做|"
                     r"introduces?|proposes?|uses?|adopts?|adds?)\s*(?P<object>[^，,。；;：:（(\n]{2,24}?)\s*(?=[，,。；;：:（(]|$)")
# a Chinese object is a method's part when it ends in one of these ("指数加权损失", "目标奖励间隔");
# "实际设置" or "很大改进" is not
_TECHNICAL_HEADS = ("参数", "函数", "模型", "损失", "目标", "算法", "机制", "策略", "分数", "正则", "项", "约束",
                    "框架", "奖励", "权重", "间隔", "数据集", "采样器", "估计器", "网络", "矩阵", "分布", "散度")
_QUANTIFIER = re.compile(r"^(?:一个|一种|一套|一类|一项|一些|两个|新的|a |an |the )\s*", re.I)
_OBJECT_OPENS = re.compile(r"^(?:[的了一这那个种些其该此]|a |an |the )", re.I)


def object_blank(text: str, n: int, pc: PaperContext, shown: str,
                 answered_by_name: Callable[[str], bool] = lambda answer: False) -> str | None:
    """``text`` with a blank on what a verb of bringing-in names (the first such object
    that is a name or a compound: Latin letters, or three CJK characters or more), or None."""
    for m in _BRINGS.finditer(text):
        obj = m.group("object").strip()
        quantifier = _QUANTIFIER.match(obj)
        start = m.start("object") + (len(m.group("object")) - len(m.group("object").lstrip()))
        if quantifier:
            obj, start = obj[quantifier.end():], start + quantifier.end()
        named = re.match(r".*?(?:叫做|称为|叫)\s*", obj)      # "一个叫做 CHES 的分数": the name is what follows
        if named:
            obj, start = obj[named.end():], start + named.end()
        plain = strip_marks(obj)
        latin = re.search(r"[A-Za-z]{2,}", plain)
        cjk = sum(len(run) for run in CJK_RE.findall(plain))
        technical = cjk >= 3 and (plain in pc.ctx.specific_terms or plain.endswith(_TECHNICAL_HEADS))
        if _OBJECT_OPENS.match(plain) or not (latin or technical):
            continue
        if plain.casefold() in (pc.info.short or "").casefold() or plain in shown or "$" in obj or "{{" in obj:
            continue
        if len(plain.split()) > 4 or len(plain) > 20:
            continue
        rest = (text[:start] + text[start + len(obj):]).casefold()
        if plain.casefold() in rest or hinted(plain, f"{rest} {shown}", pc.own_names()) \
                or answered_by_name(plain):
            continue
        # its gloss in the other language goes into the blank ("加一个{{c1::探索奖励(exploration bonus)}}")
        end = start + len(obj)
        end += len(gloss_after(plain, text[end:]))
        made = text[:start] + "{{c%d::%s}}" % (n, text[start:end].rstrip()) + text[end:]
        if not in_brackets(made):
            return made
    return None


# what a method does without: "DPO-COV无需{{c1::奖励估计}}即可实现", "不需要{{c1::参考模型}}"
_WITHOUT = re.compile(r"(?:无需|无须|不需要|不依赖|不必|免去了?)\s*(?:额外的?|单独的?|显式的?)?"
                      r"(?P<object>[^，,。；;：:（()）、\n]{2,12}?)(?=即可|就能|就可以|也能|便|来|或者|或|[，,。；;、]|$)")


def without_blank(text: str, n: int, shown: str) -> str | None:
    """``text`` with a blank on what its method does without (a name or a compound of three
    CJK characters or more, not shown elsewhere on the card), or None."""
    for m in _WITHOUT.finditer(text):
        obj = m.group("object").strip()
        plain = strip_marks(obj)
        if "$" in obj or "{{" in obj or "*" in obj or plain in shown:
            continue
        if not (re.search(r"[A-Za-z]{2,}", plain) or sum(len(r) for r in CJK_RE.findall(plain)) >= 3):
            continue
        rest = (text[:m.start("object")] + text[m.end("object"):]).casefold()
        if plain.casefold() in rest or hinted(plain, f"{rest} {shown}", [shown]):
            continue
        made = text[:m.start("object")] + "{{c%d::%s}}" % (n, obj) + text[m.end("object"):]
        if not in_brackets(made):
            return made
    return None


def first_one_of_a_list(cloze_text: str) -> bool:
    m = CLOZE_BLANK.search(cloze_text)
    return bool(m) and one_of_a_list(*around(cloze_text, m))


# a bracket that describes what is before it: a clause, an example
_SAYS_WHAT_IT_IS = re.compile(r"是|比如|例如|那种|这种|包括|\be\.g\.|\bi\.e\.|\bsuch as\b|\bfor example\b", re.I)


def translated_beside(cloze_text: str) -> bool:
    """A blank with its translation in brackets right beside it: ``对比LLM({{c1::contrastive LLMs}})``,
    ``{{c1::长度正则的奖励塑形}}(length-regularized reward shaping)``. Narrower than the
    sentence clozes' check (`extractors.cloze`): a blank opening a bracketed list
    (``(SimPO、ORPO…)``) is an item of that list, not a translation."""
    for m in CLOZE_BLANK.finditer(cloze_text):
        # the author's bold around the blank ("**{{c1::自己生成的数据}}**(in-distribution)") is no gap
        before, after = cloze_text[: m.start()].rstrip().rstrip("*`"), cloze_text[m.end():].lstrip("*` ")
        if before.endswith(("(", "（")) and after.startswith((")", "）")):
            return True
        # "长度归一化({{c1::length normalization}}，来自…)": the name before the bracket is
        # the blank in the other language
        if before.endswith(("(", "（")) and len(before) >= 2 and \
                bool(CJK_RE.match(before[-2])) != bool(CJK_RE.match(m.group(2)[:1] or " ")):
            return True
        # "{{c1::欠约束}}的(under-constrained)": a particle may stand between the blank and its gloss;
        # "{{c1::Chat Hard}}(很多是LLMBar那种故意构造的难对)" says what it holds, not its name
        bracket = re.match(r"[的地]?\s*[(（](?!\s*\d)(?P<inner>[^()（）]*)", after)
        if bracket and not _SAYS_WHAT_IT_IS.search(bracket.group("inner")):
            return True
        if acronym_after(m.group(2), after):
            return True
    return False
