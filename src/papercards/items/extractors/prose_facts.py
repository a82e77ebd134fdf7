"""A paragraph of prose, cut into facts: each clause holding the author's **bold**
phrase or a number is a cloze on it, under the paper's name.

``…结果是**容易的样本被过度优化**，而真正难以区分的样本…`` becomes
``MarginPO：…结果是{{c1::容易的样本被过度优化}}``. A long paragraph is many facts,
never a card of its own; sentences with nothing marked are reported, not dropped.
"""

from __future__ import annotations

import re

from ...notes import strip_marks
from ...text import CLOZE_BLANK, split_sentences
from ...text.lang import CJK_CLASS, has_cjk
from ..context import PaperContext
from ...notes.layout import is_metadata_line
from ..blanks import NAME, bracket_depth, gloss_after, narrow_bold, one_of_a_list
from ..fronts import is_generic, is_setup_detail, names_paper, strip_section_number
from ..model import Item, short_hash
from ..terms import long_form
from .claims import _join
from .clauses import CITATION, asked_spans, clause_around, numbers_in, outside_math, paper_name, tidy_clause
from .walk import content_blocks

MIN_SENTENCE = 8          # characters: shorter is a label, not a fact


def extract(pc: PaperContext):
    for block, heading, _ in content_blocks(pc.paper):
        if block.kind != "paragraph" or block.line in pc.consumed or not is_prose(block.text) \
                or is_metadata_line(block.text):
            continue
        made, bare, leaning = 0, 0, 0
        for sentence in split_sentences(CITATION.sub("", narrow_bold(_join(block.text)))):
            items = list(sentence_clozes(pc, sentence, block.line, topic=heading or ""))
            made += len(items)
            if not items and len(strip_marks(sentence)) >= MIN_SENTENCE:
                if _BACK_REFERENCE.match(strip_marks(sentence)):
                    leaning += 1
                else:
                    bare += 1
            yield from items
        pc.consumed.add(block.line)
        if bare:
            pc.ctx.note(pc.paper.file, block.line, f"{bare} sentence(s) of this paragraph have no bold phrase or "
                        "number to ask: not carded")
        if leaning:
            pc.ctx.note(pc.paper.file, block.line, f"{leaning} sentence(s) of this paragraph open on the step "
                        "before them (这一步, 这样, This) under a heading that does not name it: not carded")


def is_prose(text: str) -> bool:
    """Words, not only a formula or an image."""
    plain = outside_math(text).strip()
    return bool(plain) and not plain.startswith("![") and bool(re.search(rf"[A-Za-z{CJK_CLASS}]{{2}}", plain))


# a sentence that opens on what the one before it did: "这一步使穿透率从 23% 降到 4%"
_BACK_REFERENCE = re.compile(r"^\s*(?:这样(?![的子])|这么(?:做|一来)|这一步|这步|这一招|这个操作|这时候?|此时|"
                             r"(?:This|That|Doing so|Its|Their)\b(?!\s+(?:paper|work|study)\b))", re.I)


def sentence_clozes(pc: PaperContext, sentence: str, line: int, numbers_only: bool = False, topic: str = ""):
    """One cloze per clause of ``sentence`` that holds something to ask (its first bold
    phrase, else its last number), the clause trimmed around it. A sentence that opens on
    what the one before it did (这一步, 这样, This step) says which step under the
    ``topic`` of its section (GraspDiff 的物理引导采样：这一步…); under no topic, or a
    generic one, it points at nothing on the card and asks nothing."""
    if is_setup_detail(sentence):
        return                      # how it was trained (a weight ratio, a temperature), not what was found
    name = paper_name(pc)
    stem = name
    if topic and _BACK_REFERENCE.match(strip_marks(sentence)):
        topic = strip_section_number(topic).rstrip("：:。.?？ ")
        if not topic or is_generic(topic):
            return
        stem = f"{name} 的{topic}" if has_cjk(topic) else f"{name}, {topic}"
    names = [name, pc.info.short, *pc.info.methods]
    spans = [s for s in asked_spans(sentence, names)
             if not numbers_only or numbers_in(sentence[s[0]:s[1]].replace("**", "  "))]
    if not spans and not numbers_only:
        spans = named_spans(sentence, names, pc)
    clauses: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
    for start, end, answer in spans:
        clauses.setdefault(clause_around(sentence, start, end), []).append((start, end, answer))
    picked: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
    for (lo, hi), inside in clauses.items():
        # the author's bold phrase, else the clause's last number (the result, after its baseline)
        # unless it is what the result is compared with ("68.3% versus 54.1% for ReAct")
        words = [s for s in inside if sentence[s[0]:s[0] + 2] == "**" and not numbers_in(s[2])]
        pick = next((s for s in (words or _results_first(sentence, inside[::-1]))
                     if _blanked(sentence[lo:s[0]], s[2], sentence[s[1]:hi])), None)
        if pick:
            picked[(lo, hi)] = [pick]
    for (lo, hi), picks in _one_note_per_sentence_part(picked).items():
        text = _blanked_all(sentence, lo, hi, picks)
        if text:
            # the name inside the blank ("[DAPO-Math-17K]") is not on the front
            shown = strip_marks(CLOZE_BLANK.sub(" ", text))
            front = text if names_paper(shown, [n for n in names if n]) and stem == name else f"{stem}：{text}"
            yield Item(id=f"{pc.info.key}/cloze/{short_hash(strip_marks(front))}", kind="cloze",
                       paper=pc.info.key, fields={"text": front, "hint": ""}, source=pc.where(line))


def _one_note_per_sentence_part(picked: dict[tuple[int, int], list]) -> dict[tuple[int, int], list]:
    """A clause that takes the one before it ("…reaches 50 points on AIME 2024, beating the
    previous best (47) with only 50% of the steps": whose steps?) shows that clause's own
    fact: the two are one note, a blank each (each card shows the other's answer, as an
    enumeration does), not two notes that give each other away."""
    out: dict[tuple[int, int], list] = {}
    for span in sorted(picked, key=lambda s: s[0] - s[1]):            # widest first
        inside = next((w for w in out if w[0] <= span[0] and span[1] <= w[1] and len(out[w]) < 2), None)
        if inside:
            out[inside] = sorted(out[inside] + picked[span])
        else:
            out[span] = list(picked[span])
    return dict(sorted(out.items()))


def _blanked_all(sentence: str, lo: int, hi: int, picks: list[tuple[int, int, str]]) -> str | None:
    """The clause [lo, hi) with a blank on each pick, numbered in reading order."""
    if len(picks) == 1:
        start, end, answer = picks[0]
        return _blanked(sentence[lo:start], answer, sentence[end:hi])
    pieces, at = [], lo
    for n, (start, end, answer) in enumerate(picks, 1):
        if start < at:
            return _blanked(sentence[lo:picks[0][0]], picks[0][2], sentence[picks[0][1]:hi])
        pieces += [sentence[at:start], "{{c%d::%s}}" % (n, answer)]
        at = end
    pieces.append(sentence[at:hi])
    text = "".join(pieces)
    rest = strip_marks(CLOZE_BLANK.sub(" ", text)).casefold()
    if any(strip_marks(answer).casefold() in rest for _, _, answer in picks):
        return None
    return tidy_clause(text)


def named_spans(sentence: str, names: list[str], pc: PaperContext) -> list[tuple[int, int, str]]:
    """A sentence with no bold and no number asks the names it holds (``作者用 PaLM 2 作为 AI
    标注器``, ``d-RLAIF``): another paper's, a model's or a method's name is a fact to recall;
    the paper's own name, a name most papers use (furniture) and a bare acronym of two letters
    are not."""
    plain = outside_math(sentence)
    if _BARE_SCORE.search(plain):
        return []                   # "only gets ~30 on AIME": the score is the fact, the name its setting
    own = {n.casefold() for n in names if n}
    out = []
    for m in NAME.finditer(plain):
        word, end = m.group(0), m.end()
        version = _VERSION.match(plain, end)          # "PaLM 2", "Llama 3": the number is part of the name
        if version:
            word, end = word + version.group(0), end + len(version.group(0))
        known = word.casefold() in own or any(m.group(0).casefold() in n for n in own) \
            or m.group(0).casefold() in pc.ctx.furniture or pc.ctx.config.glossary.knows(m.group(0))
        if not known and "**" not in sentence[max(0, m.start() - 2):end + 2] \
                and not _in_a_longer_name(plain, m.start(), end) and not _beside(plain[:m.start()], word, plain[end:]):
            out.append((m.start(), end, word))
    return out


def _in_a_longer_name(plain: str, start: int, end: int) -> bool:
    """Half a name: PointNet++, Qwen2.5-32B, [CLS]."""
    return plain[end:end + 1] in ("+", "-", "]") or bool(re.match(r"\.\d", plain[end:end + 2])) \
        or plain[start - 1:start] in (".", "-")


def _beside(before: str, word: str, after: str) -> bool:
    """What stands around the name says it is no fact of its own: an aside in brackets, one
    name of a list, an example (比如 X, X 等), or an acronym the words before it spell."""
    return bool(bracket_depth(before, len(before)) or one_of_a_list(before, after) or _AN_EXAMPLE.search(before[-6:])
                or re.match(r"\s*等", after) or _spelled_before(word, before))


def _spelled_before(word: str, before: str) -> bool:
    """``Distributionally Robust Optimization, DRO``: the words before an acronym spell it
    (`terms.long_form` of the English just before it)."""
    latin = re.split(rf"[{CJK_CLASS}(（]", before[-120:])[-1].rstrip(" ,，;")
    return word.isupper() and long_form(word, latin) is not None


_AN_EXAMPLE = re.compile(r"(?:比如|例如|如|譬如|such as|e\.g\.,?|like)\s*$", re.I)
_BARE_SCORE = re.compile(r"(?<![\w.^_])(?<![A-Za-z] )[~≈]?(?!(?:19|20)\d\d\b)\d+(?:\.\d+)?(?![\w.]|\.\d)")
_VERSION = re.compile(r" \d+(?:\.\d+)?(?![\d%])(?!\.\d)(?!\s*(?:%|个|B\b|M\b|K\b))")


_COMPARED = re.compile(r"(?:\bversus|\bvs\.?|\bcompared (?:to|with)|\bagainst|\bthan|相比|对比|高于|低于)\s*$", re.I)


def _results_first(sentence: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The spans in the order given, a number the result is compared with (after
    "versus", "than", "相比") moved last: it is the baseline, not the finding."""
    def compared(span: tuple[int, int, str]) -> bool:
        return bool(_COMPARED.search(sentence[max(0, span[0] - 16):span[0]].replace("**", "")))
    return [s for s in spans if not compared(s)] + [s for s in spans if compared(s)]


def _blanked(before: str, answer: str, after: str) -> str | None:
    """The clause with its blank, or None when the answer is printed elsewhere on it."""
    gloss = gloss_after(strip_marks(answer), after.lstrip("*"))
    if gloss:                          # "**特权学习**(privileged learning)": the gloss goes in the blank
        after = after.lstrip("*")[len(gloss):]
        answer = f"{answer}{gloss.strip()}"
    rest = strip_marks(before + " " + after).casefold()
    if strip_marks(answer).casefold() in rest:
        return None
    return tidy_clause(f"{before}{{{{c1::{answer}}}}}{after}")
