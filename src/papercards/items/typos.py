"""Typing slips in a paper's notes, and the paper tree with them corrected.

Chinese is typed by sound: a slip of the input method puts in a word of the
same pinyin as the one meant (收到 for 受到, 在先 for 在线, 显示 for 显式), and
a card would teach the slip. The paper's own Chinese abstract (a machine
translation: no such slips) mostly says the same thing in the same words, so a
word of a notes line is a slip when the abstract has, in the same place of the
same phrase (`CONTEXT` characters agreeing on one side at least), a different
word of the same toneless pinyin. A homophone elsewhere in the abstract is a
coincidence, not a correction. An acronym in a mixed case (``DPo``) that the
paper writes in upper case `MIN_UPPER` times and in that case nowhere else is
a slip of the shift key.

Pure: `find_slips` reads a paper tree, `corrected` returns a corrected copy;
the notes file is never changed.
"""

from __future__ import annotations

import pickle
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..notes import ABSTRACT, LINKS, REFERENCES, Paper
from ..text.lang import CJK_CLASS, CJK_RE
from ..text.pinyin import first_reading, readings

CONTEXT = 3          # characters that agree with the abstract on one side of the word
EDGE = 2             # …or fewer, when they are all the line has on that side (显示奖励 alone)
MAX_WORD = 4         # longest word taken for a slip (characters)
MIN_UPPER = 3        # an acronym's upper-case uses before another case is a slip
_NOT_CORRECTED = (ABSTRACT, LINKS, REFERENCES)   # the abstract is the reference; links are addresses
_ACRONYM = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?![A-Za-z0-9])")
_UPPER = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9]+(?![A-Za-z0-9])")
_HAN_WORD = re.compile(f"[{CJK_CLASS}]+")
_CLAUSE_END = "，。；：！？,;:!?\n"


@dataclass(frozen=True)
class Slip:
    line: int
    column: int          # where ``wrong`` starts in that line of its text
    wrong: str
    right: str
    why: str             # what shows it: the abstract's words around ``right``, or a count

    def message(self, fixed: bool) -> str:
        card = f"the card says '{self.right}'" if fixed else "the card keeps it (fix_typos: false)"
        return f"'{self.wrong}' reads like a typo for '{self.right}' ({self.why}); {card}"


def find_slips(paper: Paper, abstract_zh: str, cut: Callable[[str], list[str]]) -> list[Slip]:
    """The slips of the paper's notes lines (sections and keywords, not its abstract),
    in line order; ``abstract_zh`` is its Chinese abstract, ``cut`` jieba's cut."""
    lines = list(_note_lines(paper))
    everything = paper.all_text()
    slips = homophone_slips(lines, abstract_zh, cut) + case_slips(lines, everything)
    found = {(s.line, s.column) for s in slips}
    slips += [s for s in stray_word_slips(lines, everything, cut) if (s.line, s.column) not in found]
    return sorted(slips, key=lambda s: (s.line, s.column))


def corrected(paper: Paper, slips: list[Slip]) -> Paper:
    """A copy of ``paper`` with every slip replaced by its correction (copied through
    pickle: the same tree as ``copy.deepcopy``, several times faster on a paper's)."""
    if not slips:
        return paper
    paper = pickle.loads(pickle.dumps(paper, protocol=pickle.HIGHEST_PROTOCOL))
    by_line: dict[int, list[Slip]] = {}
    for slip in slips:
        by_line.setdefault(slip.line, []).append(slip)
    for holder, attr, first in _texts(paper):
        rows = getattr(holder, attr).split("\n")
        for n in range(len(rows)):
            for slip in sorted(by_line.get(first + n, ()), key=lambda s: -s.column):
                row = rows[n]
                if row[slip.column:slip.column + len(slip.wrong)] == slip.wrong:
                    rows[n] = row[:slip.column] + slip.right + row[slip.column + len(slip.wrong):]
        setattr(holder, attr, "\n".join(rows))
    return paper


# --------------------------------------------------------------------------- where to look

def _texts(paper: Paper) -> Iterator[tuple[object, str, int]]:
    """Every text of the notes proper as (node, attribute, first line): sub-headings,
    paragraphs, list items of all sections but the abstract, links and references."""
    for section in paper.sections:
        if section.role in _NOT_CORRECTED:
            continue
        for sub in [section, *section.subsections]:
            if sub is not section:
                yield sub, "heading", sub.line
            for block in sub.blocks:
                if block.kind in ("paragraph", "quote"):
                    yield block, "text", block.line
                for _, item in block.walk_items():
                    yield item, "text", item.line


def _note_lines(paper: Paper) -> Iterator[tuple[int, str]]:
    for holder, attr, first in _texts(paper):
        for n, row in enumerate(getattr(holder, attr).split("\n")):
            yield first + n, row


# --------------------------------------------------------------------------- homophones

def homophone_slips(lines: list[tuple[int, str]], abstract_zh: str,
                    cut: Callable[[str], list[str]]) -> list[Slip]:
    """Words of ``lines`` that the abstract writes, in the same phrase, with other
    characters of the same sound."""
    abstract, a_at = _han(abstract_zh), _han_at(abstract_zh)
    grams = {abstract[j:j + CONTEXT] for j in range(len(abstract) - CONTEXT + 1)}
    places: dict[str, list[int]] = {}       # a phrase → where the abstract has it
    slips = []
    for line, text in lines:
        han = _han(text)
        shifts = _mismatches(han, abstract, grams, places) if grams and han else set()
        if shifts:
            slips.extend(_line_slips(line, text, shifts, (abstract, a_at), abstract_zh, cut))
    return slips


def _han(text: str) -> str:
    """The CJK characters of ``text`` alone: a phrase compared across a space, a Latin
    name or a bracket ("DPO 可能会" / "DPO可能")."""
    return "".join(CJK_RE.findall(text))


def _han_at(text: str) -> list[int]:
    """Where each character of `_han` stands in ``text``."""
    return [m.start() for m in CJK_RE.finditer(text)]


def _mismatches(han: str, abstract: str, grams: set[str], places: dict[str, list[int]]) -> set[tuple[int, int]]:
    """(position in ``han``, shift to the abstract) of each character that the abstract
    has another character of the same sound for, right after or right before characters
    the two share: `CONTEXT` of them (``grams``: the abstract's), or `EDGE` that start
    or end the line (a keyword's translation, 显示奖励)."""
    anchors = [(g, None) for g in {han[i:i + CONTEXT] for i in range(len(han) - CONTEXT + 1)} & grams]
    if len(han) > EDGE:
        anchors += [(han[:EDGE], 0), (han[-EDGE:], len(han) - EDGE)]
    found = set()
    for gram, edge in anchors:
        k = len(gram)
        if gram not in places:
            places[gram] = list(_places(abstract, gram))
        for i in [edge] if edge is not None else _places(han, gram):
            for j in places[gram]:
                after, before = i + k, i - 1        # (most neighbours agree: compared first)
                if after < len(han) and j + k < len(abstract) and han[after] != abstract[j + k] \
                        and _homophones(han[after], abstract[j + k]):
                    found.add((after, j - i))
                if before >= 0 and j >= 1 and han[before] != abstract[j - 1] \
                        and _homophones(han[before], abstract[j - 1]):
                    found.add((before, j - i))
    return found


def _places(text: str, part: str) -> Iterator[int]:
    """Every start of ``part`` in ``text``, overlapping ones too."""
    i = text.find(part)
    while i != -1:
        yield i
        i = text.find(part, i + 1)


def _line_slips(line: int, text: str, shifts: set[tuple[int, int]], abstract_at: tuple[str, list[int]],
                abstract_zh: str, cut: Callable[[str], list[str]]) -> list[Slip]:
    """The jieba words of one line at those mismatches that are slips: the abstract has
    other characters of the same sound there, in the same phrase. Where two readings of
    the abstract fit a word equally well, it is left alone."""
    han, at = _han(text), _han_at(text)
    abstract, a_at = abstract_at
    index = {offset: n for n, offset in enumerate(at)}
    words = _word_spans(cut(text))
    fits: dict[int, dict[str, tuple[int, int]]] = {}    # word start → correction → (agreement, where)
    for position, shift in sorted(shifts):
        span = next(((s, e) for s, e in words if s <= at[position] < e), None)
        if span is None:
            continue
        start, n = index[span[0]], span[1] - span[0]
        a_start = start + shift
        if a_start < 0 or a_start + n > len(abstract) or a_at[a_start + n - 1] - a_at[a_start] != n - 1:
            continue                                   # the abstract's word is split by other text
        right = abstract[a_start:a_start + n]
        left_agree = _agree(han[:start][::-1], abstract[:a_start][::-1])
        right_agree = _agree(han[start + n:], abstract[a_start + n:])
        if right != han[start:start + n] and same_sound(han[start:start + n], right) \
                and (_context(left_agree, start) or _context(right_agree, len(han) - start - n)):
            kept = fits.setdefault(span[0], {}).get(right, (0, 0))
            fits[span[0]][right] = max(kept, (left_agree + right_agree, -a_start))
    slips = []
    for s, candidates in sorted(fits.items()):
        ranked = sorted(((score, right, -where) for right, (score, where) in candidates.items()), reverse=True)
        if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
            continue
        _, right, a = ranked[0]
        slips.append(Slip(line, s, text[s:s + len(right)], right, _quote(abstract_zh, a_at[a], a_at[a + len(right) - 1] + 1)))
    return slips


def _context(agree: int, available: int) -> bool:
    """Whether the characters on one side of a word agree enough with the abstract:
    `CONTEXT` of them, or all the line has there when that is `EDGE` or more."""
    return agree >= CONTEXT or (agree >= EDGE and agree == available)


def _word_spans(tokens: list[str]) -> list[tuple[int, int]]:
    """(start, end) of the words a slip can be: a jieba word of 2 to `MAX_WORD` Han
    characters, or a run of single characters that long (a slip is often no word,
    and jieba cuts it into characters: 在先 → 在 / 先)."""
    spans, run, offset = [], None, 0
    for tok in tokens:
        end = offset + len(tok)
        han = bool(_HAN_WORD.fullmatch(tok))
        if han and len(tok) == 1:
            run = (run[0], end) if run else (offset, end)
        else:
            if run and 2 <= run[1] - run[0] <= MAX_WORD:
                spans.append(run)
            run = None
            if han and 2 <= len(tok) <= MAX_WORD:
                spans.append((offset, end))
        offset = end
    if run and 2 <= run[1] - run[0] <= MAX_WORD:
        spans.append(run)
    return spans


def _agree(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` share from their start, at most `CONTEXT`."""
    n = 0
    while n < min(len(a), len(b), CONTEXT) and a[n] == b[n]:
        n += 1
    return n


def _homophones(a: str, b: str) -> bool:
    return a != b and bool(readings(a) & readings(b))


def same_sound(a: str, b: str) -> bool:
    """Whether two words of as many characters can be read alike, tones aside (each
    character by any of its readings: 显示 / 显式, xian shi)."""
    return len(a) == len(b) and all(x == y or readings(x) & readings(y) for x, y in zip(a, b))


def _quote(text: str, start: int, end: int) -> str:
    """The abstract's clause around a word, cut short: '…会受到离线偏好数据集的约束'."""
    left = start
    while left > 0 and start - left < 10 and text[left - 1] not in _CLAUSE_END:
        left -= 1
    right = end
    while right < len(text) and right - end < 12 and text[right] not in _CLAUSE_END:
        right += 1
    quote = text[left:right].strip()
    opened = "…" if left > 0 and text[left - 1] not in _CLAUSE_END else ""
    closed = "…" if right < len(text) and text[right] not in _CLAUSE_END else ""
    return f"this paper's Chinese abstract: '{opened}{quote}{closed}'"


# --------------------------------------------------------------------------- stray words

def stray_word_slips(lines: list[tuple[int, str]], everything: str, cut: Callable[[str], list[str]]) -> list[Slip]:
    """Two-character words jieba's dictionary does not know, written once in the paper,
    that read like a word it knows well and the paper writes `MIN_WRITTEN` times or more
    (将励 / 奖励, 均恒 / 均衡, 模形 / 模型): each character by its usual reading, so that a
    rare reading does not make a slip (一波 is no 一般, though 般 may be read bo)."""
    from ..text.segment import word_frequency
    han = _HAN_WORD.findall(everything)
    written = Counter(run[i:i + 2] for run in han for i in range(len(run) - 1))
    known: dict[tuple[str, ...], list[str]] = {}
    for word, n in written.items():
        if n >= MIN_WRITTEN and word_frequency(word) >= KNOWN_WORD:
            known.setdefault(_sound(word), []).append(word)
    def stray(word: str) -> bool:
        return written[word] == 1 and not word_frequency(word) and _sound(word) in known

    slips = []
    for line, text in lines:
        # jieba cuts only a line that holds a stray pair of characters at all: most hold none
        if not any(stray(run[i:i + 2]) for run in _HAN_WORD.findall(text) for i in range(len(run) - 1)):
            continue
        for start, word in _two_characters(text, cut):
            if not stray(word):
                continue
            right = [w for w in known.get(_sound(word), ()) if w != word]
            if len(right) == 1:
                slips.append(Slip(line, start, word, right[0], f"the paper writes '{right[0]}' "
                                  f"{written[right[0]]} times, '{word}' only here"))
    return slips


def _two_characters(text: str, cut: Callable[[str], list[str]]) -> Iterator[tuple[int, str]]:
    """(where, word) for each word of two CJK characters jieba cuts ``text`` into (将励,
    模形), and each pair of characters it leaves alone side by side (在/先, 均/恒: a slip
    may leave jieba nothing to join)."""
    at, single = 0, None
    for word in cut(text):
        start = text.find(word, at)
        if start < 0:
            continue
        at = start + len(word)
        if not _HAN_WORD.fullmatch(word):
            single = None
        elif len(word) == 2:
            yield start, word
            single = None
        elif len(word) == 1:
            if single is not None and single + 1 == start:
                yield single, text[single:start + 1]
            single = start
        else:
            single = None


MIN_WRITTEN = 2          # times the paper writes the word a stray one reads like
KNOWN_WORD = 100         # its frequency in jieba's dictionary at least


def _sound(word: str) -> tuple[str, ...]:
    return tuple(first_reading(ch) for ch in word)


# --------------------------------------------------------------------------- acronym case

def case_slips(lines: list[tuple[int, str]], everything: str) -> list[Slip]:
    """Mixed-case spellings (DPo) of an acronym ``everything`` writes in upper case
    `MIN_UPPER` times or more, and in this case only once."""
    upper_case = Counter(_UPPER.findall(everything))
    written: dict[str, int] = {}
    slips = []
    for line, text in lines:
        for m in _ACRONYM.finditer(text):
            word, upper = m.group(0), m.group(0).upper()
            if word == upper or word == word.lower() or upper_case[upper] < MIN_UPPER:
                continue
            if word not in written:
                written[word] = len(re.findall(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", everything))
            if written[word] == 1:
                slips.append(Slip(line, m.start(), word, upper,
                                  f"the paper writes '{upper}' {upper_case[upper]} times, '{word}' only here"))
    return slips
