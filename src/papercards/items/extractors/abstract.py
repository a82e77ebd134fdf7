"""Abstract: its contribution sentences as clozes, the aligned translation on the back.

A sentence and its bare translation teaches a bilingual reader nothing (the
``sentence`` kind, off by default). A contribution sentence ("we propose",
"we show", a number) is a fact worth a card once a blank asks for its
informative part: a number with its unit, a term of the glossary, the
author's bold. The blank goes in the English original, or in the Chinese
when the English lost what it asks for (numbers dropped in a paste). A
sentence that leans on something it does not say ("this framework", "these
three issues") is not carded, nor one that repeats what the author's own
notes already card.
"""

from __future__ import annotations

import re
from collections.abc import Container

from ...notes import strip_marks
from ...text import cloze_answers, make_cloze
from ...text.lang import CJK_CLASS, overlap_features
from ...text.markup import scan
from ..context import PaperContext, sentence_key
from ..blanks import LEADS_TO, NUMBER_BLANK, hinted
from ..dangling import DANGLING_EN, DANGLING_ZH
from ..model import Item, short_hash
from .cloze import keep_good_blanks, _Either

MAX_PER_PAPER = 3
MAX_SENTENCE_PAIRS = 2
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
# A referent the sentence does not carry: "Extending this framework", "these three issues".
# a referent the sentence does not carry: one home for the patterns (`items.dangling`)


# What "we propose …" proposes, when it is not the method's name: "a preference
# improvement model", "straightforward regularization techniques" (the idea to recall).
_PROPOSED = re.compile(
    r"\bwe (?:propose|introduce|present|develop)s? (?!that\b)(?:to \w+ )?(?:(?:a|an|the|novel|new|simple) )*"
    r"(?P<what>[A-Za-z][\w-]*(?: [A-Za-z][\w-]*){1,3}?)(?= (?:to|that|which|for|by|with|in|on|from)\b|[,.(])",
    re.I)


def _drop_footnote_marks(text: str, pc: PaperContext) -> str:
    """"NS-DPO1" is NS-DPO with a footnote mark pasted from the PDF."""
    for m in pc.methods:
        text = re.sub(re.escape(m.name) + r"\d\b", m.name, text)
    return text


def weight(sentence: str) -> int:
    if not _WHO.search(sentence):
        return 0
    return max((w for w, rx in _KEYS if rx.search(sentence)), default=0)


def dangling(en: str, zh: str) -> bool:
    return bool(DANGLING_EN.search(en) or DANGLING_ZH.search(zh))


def repeats(sentence: str, carded: list[set[str]]) -> bool:
    """Whether the notes already card this fact: most of an item's character pairs
    are in the sentence, or most of the sentence's in one item."""
    mine = overlap_features(sentence)
    if not mine:
        return False
    for other in carded:
        shared = len(mine & other)
        if other and (shared >= 0.6 * len(other) or shared >= 0.6 * len(mine)):
            return True
    return False


def extract(pc: PaperContext):
    if not pc.abstract_en or not pc.abstract_zh:
        return
    from ...text import align_sentences
    # another paper's abstract pasted here is that paper's to card (the paste is reported)
    own_en = [(s, line) for s, line in pc.abstract_en if not pc.pasted_from(s)]
    own_zh = [(s, line) for s, line in pc.abstract_zh if not pc.pasted_from(s)]
    en_lines = {s: line for s, line in own_en}
    if len(own_en) == len(pc.abstract_en) and len(own_zh) == len(pc.abstract_zh):
        pairs = pc.abstract_pairs                   # nothing pasted: the first pass aligned them
    else:
        pairs = align_sentences([s for s, _ in own_en], [s for s, _ in own_zh])
    config = pc.ctx.config
    if config.cards.get("sentence", False):
        yield from _sentence_pairs(pc, pairs, en_lines)
    if not config.cards.get("cloze", True):
        return
    carded = [overlap_features(t) for t in pc.claim_answers]
    # an enumeration's asked lines are in claim_answers; its cues are not carded facts
    carded += [overlap_features(" ".join(v for v in item.fields.values() if v)) for item in pc.earlier
               if item.kind != "cloze"]
    made = 0
    for en, zh, score in pairs:
        if made >= MAX_PER_PAPER:
            break
        if score < MIN_SCORE or not weight(en) or len(en) > MAX_LENGTH or dangling(en, zh):
            continue
        en, zh = _drop_footnote_marks(en, pc), _drop_footnote_marks(zh, pc)
        if repeats(zh, carded) or repeats(en, carded) or _carded_elsewhere(en, pc):
            continue
        repaired = repair_numbers(en, zh) if _BROKEN.search(en) else en
        front, back = (zh, "") if _BROKEN.search(repaired) else (repaired, zh)
        # one result per card: "…提高了 4.5%，…提高了 3.0%; 在迭代提示上…高出 4.2%" is two
        parts = _clauses(front)
        asked = next(((n, t) for n, t in enumerate(map(lambda c: _blanked(c, pc), parts)) if t), None)
        if not asked:
            continue
        n, text = asked
        if _shown_by_the_notes(text, zh, pc):
            continue
        if back and len(parts) > 1:
            # the back says what the front says: its clause of the translation, when they split alike
            zh_parts = [p.strip() for p in re.split(r"\s*[;；]\s*", back) if p.strip()]
            back = zh_parts[n] if len(zh_parts) == len(parts) else back
        made += 1
        carded.append(overlap_features(zh))
        yield Item(id=f"{pc.info.key}/cloze/{short_hash(en)}", kind="cloze", paper=pc.info.key,
                   fields={"text": f"{pc.info.short}：{text}" if pc.info.short else text, "hint": back},
                   source=pc.where(_line_of(en, pc, en_lines)))


_PERCENT = re.compile(r"\d+(?:\.\d+)?\s*%")


def repair_numbers(en: str, zh: str) -> str:
    """An English sentence whose numbers were lost in the paste ("exhibits a % improvement
    over vanilla DPO and a % improvement over on-policy DPO") with them put back from its
    translation, in order, when the two hold as many: the English keeps its own terms
    (on-policy DPO), which a machine translation garbles (政策 DPO). Else as it was."""
    slots = list(_BROKEN.finditer(en))
    numbers = [m.group(0).replace(" ", "") for m in _PERCENT.finditer(zh)]
    if not slots or len(numbers) != len(slots):
        return en
    out, at = [], 0
    for slot, number in zip(slots, numbers):
        out.append(en[at:slot.start()])
        out.append(" " + number if slot.group(0).startswith(" ") else "a " + number)
        at = slot.end()
    return "".join(out) + en[at:]


def _clauses(sentence: str) -> list[str]:
    """A sentence split at its semicolons: each part states its own result."""
    parts = [p.strip() for p in re.split(r"\s*[;；]\s*", sentence) if p.strip()]
    return parts if len(parts) > 1 and all(len(p) >= 12 for p in parts) else [sentence]


def _shown_by_the_notes(cloze_text: str, translation: str, pc: PaperContext) -> bool:
    """The abstract sentence says what a card from the notes of this paper says: its blank
    is printed on that card, and the card holds much of the sentence's translation (Dr.
    DPO's "DPO inherently embeds [DRO] principles, conferring robustness to pointwise
    noise" beside the notes' "发现原始DPO本身就隐含了DRO的思想，β 越小对逐点噪声越鲁棒").
    The same fact twice, each card giving the other's answer away: the notes' card,
    the author's, is kept. The blank counts as printed there when half its words are
    (`blanks.hinted`: "CHES score" beside the notes' "CHES分数"), when its glossary name in
    the other language is ("Nash equilibrium" beside "纳什均衡"), or when it is the same
    number with its unit ("88.7%")."""
    said = [strip_marks(t).casefold() for t in pc.claim_answers]
    said += [strip_marks(" ".join(v for v in item.fields.values() if v)).casefold() for item in pc.earlier
             if item.kind in ("claim", "cloze")]
    wanted = _bigrams(translation)
    for answers in cloze_answers(cloze_text).values():
        for answer in answers:
            key = strip_marks(answer).casefold()
            if len(key) < 3:
                continue
            # a number is printed as it is; a term may be in the notes' language (纳什均衡)
            number = bool(NUMBER_BLANK.fullmatch(key))
            forms = {key, *(n.casefold() for n in pc.ctx.other_names.get(key, ()))}
            for text in said:
                printed = any(f in text for f in forms) or (not number and hinted(answer, text))
                if printed and wanted and len(wanted & _bigrams(text)) >= SAME_FACT * len(wanted):
                    return True
    return False


SAME_FACT = 0.1        # share of the translation's character pairs a card saying the same fact holds


def _bigrams(text: str) -> set[str]:
    runs = re.findall(rf"[{CJK_CLASS}]+", text)
    return {run[i:i + 2] for run in runs for i in range(len(run) - 1)}


def _carded_elsewhere(sentence: str, pc: PaperContext) -> bool:
    """The same abstract sentence under two papers (pasted into both): carded once, under
    the first paper that has it."""
    owners = pc.ctx.abstract_owners.get(sentence_key(sentence), [])
    return bool(owners) and owners[0] != pc.info.key


def _blanked(sentence: str, pc: PaperContext) -> str | None:
    """The sentence with blanks on its numbers and specific terms only, or None."""
    terms = pc.ctx.specific_terms
    avoid = [*pc.own_names(), *pc.title_acronyms]
    plain = scan(sentence).plain
    # what was reached is asked, not where it started ("from 55.6% to 81.6%")
    numbers = [m.group(0) for m in NUMBER_BLANK.finditer(plain)
               if not LEADS_TO.match(plain, m.end())]
    # a term that says nothing alone ("a unified framework that demystifies…") is no answer
    present = sorted((t for t in pc.ctx.loose_term_finder.found_in(plain) if not _says_nothing(t)), key=len, reverse=True)
    proposed = [m.group("what") for m in _PROPOSED.finditer(plain)
                if not any(a and a.casefold() in m.group("what").casefold() for a in avoid)
                and not _spelled_by_its_name(m.group("what"), pc) and not _says_nothing(m.group("what"))]
    if not numbers and not present and not proposed:
        return None
    if proposed and not numbers and proposed[0] in sentence:
        # the idea the paper proposes is the answer, whole (it is a phrase, not one word)
        return sentence.replace(proposed[0], "{{c1::%s}}" % proposed[0], 1)
    if numbers:
        # a result sentence asks its numbers; the benchmark they were measured on is their cue
        present = [t for t in present if t.casefold() in pc.ctx.named_terms]
    wanted = _Either(set(numbers), set(proposed), set(present) if numbers else _Telling(terms))
    best, passed = None, list(avoid)
    for _ in range(TRIES):
        # a blank given away ("noise" beside "noise resistance") leaves its place to the next word
        text = make_cloze(sentence, pc.ctx.segmenter, prefer=numbers + proposed + present, avoid=passed,
                          max_blanks=pc.ctx.config.max_cloze_blanks)
        if not text:
            break
        kept = keep_good_blanks(text, wanted, names=avoid, other_names=pc.ctx.other_names,
                                long_names=pc.long_names)
        asked = _answers(kept)
        if kept and (best is None or len(asked) > len(_answers(best))):
            best = kept
        dropped = _answers(text) - asked
        if not dropped:
            break
        passed += sorted(dropped)
    return best


TRIES = 3                 # makings of a sentence's blanks, each without the ones given away before


def _answers(cloze_text: str | None) -> set[str]:
    return {a for answers in cloze_answers(cloze_text).values() for a in answers} if cloze_text else set()


_GENERIC_WORDS = {"preference", "optimization", "optimisation", "method", "model", "models", "learning", "alignment",
                  "policy", "direct", "language", "reward", "based", "approach", "algorithm", "framework"}


# what an abstract proposes when it says nothing yet: "an alternative pipeline", "a novel
# algorithmic solution", "many findings"
_EMPTY_WORDS = {"alternative", "algorithmic", "solution", "solutions", "pipeline", "approach", "approaches", "method",
                "methods", "framework", "technique", "paradigm", "way", "ways", "findings", "finding", "results",
                "many", "several", "various", "novel", "new", "simple", "effective", "efficient", "general",
                "unified", "principled", "straightforward", "recipe", "system", "strategy", "scheme", "family"}


def _says_nothing(phrase: str) -> bool:
    """A phrase of only such words: a blank on it asks for filler."""
    words = [w for w in re.findall(r"[a-z]+", phrase.casefold()) if len(w) >= 3]
    return bool(words) and all(w in _EMPTY_WORDS for w in words)


class _Telling:
    """The glossary's terms that say something alone: a keyword "unified framework" asked
    in "we propose RainbowPO, a [...] that…" is filler."""

    def __init__(self, terms: Container[str]):
        self.terms = terms

    def __contains__(self, term: object) -> bool:
        return term in self.terms and not _says_nothing(str(term))


def _spelled_by_its_name(phrase: str, pc: PaperContext) -> bool:
    """"a self-play-based method" under SPPO (Self-Play Preference Optimization): the name on
    the front spells the answer out."""
    spelled = " ".join([m.long_form for m in pc.methods] + [_title_expansion(pc.info.short or "", pc.paper.title)])
    named = set(re.findall(r"[a-z]{4,}", spelled.casefold())) - _GENERIC_WORDS
    return bool(named & set(re.findall(r"[a-z]{4,}", phrase.casefold())))


def _title_expansion(short: str, title: str) -> str:
    """The title's first words when their initials spell the short name (SPPO → Self-Play
    Preference Optimization …), else ""."""
    letters = re.sub(r"[^a-z]", "", short.casefold())
    parts = re.findall(r"[A-Za-z]+", title)
    initials = ""
    for k, part in enumerate(parts):
        initials += part[0].casefold()
        if initials == letters:
            return " ".join(parts[: k + 1])
        if not letters.startswith(initials):
            return ""
    return ""


def _line_of(en: str, pc: PaperContext, en_lines: dict[str, int]) -> int:
    return en_lines.get(en) or next((ln for s, ln in pc.abstract_en if s in en or en.startswith(s)),
                                    pc.abstract_en[0][1])


def _sentence_pairs(pc: PaperContext, pairs, en_lines):
    """English sentence → its translation, when the config asks for them."""
    chosen = []
    for n, (en, zh, score) in enumerate(pairs):
        w = weight(en)
        if score < MIN_SCORE or not w or len(en) > MAX_LENGTH or _BROKEN.search(en):
            continue
        chosen.append((-w, n, en, zh))
    chosen = sorted(sorted(chosen)[:MAX_SENTENCE_PAIRS], key=lambda c: c[1])
    for _, _, en, zh in chosen:
        en, zh = _drop_footnote_marks(en, pc), _drop_footnote_marks(zh, pc)
        yield Item(id=f"{pc.info.key}/sentence/{short_hash(en)}", kind="sentence", paper=pc.info.key,
                   fields={"english": en, "chinese": zh}, source=pc.where(_line_of(en, pc, en_lines)))
