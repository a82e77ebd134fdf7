"""Sentence splitting for English, Chinese and the mix of both found in the notes.

Rules (each one exists because of text in the shipped notes):

* **Chinese** – a sentence ends after 。！？ (and after an ASCII ``.!?``
  directly followed by a Chinese character, unless it follows a digit as in
  the list marker ``1.将``, or an abbreviation), together
  with any closing quotes or brackets that follow (``”）」』】》``).
  Semicolons (；/;) do **not** end a sentence, in either language: the
  English abstracts use them to join the parts of one enumerating sentence
  ("UNA can 1. unify …; 2. outperform …; 3. accommodate …") and the
  translation keeps them, so splitting there would only make the two sides
  harder to align and leave half-thoughts on cards.
* **English** – a sentence ends at ``.``, ``!`` or ``?`` (plus closing quotes
  or brackets) followed by whitespace and then a capital letter, a digit, an
  opening quote/bracket or a Chinese character. Not after an abbreviation
  (e.g., i.e., et al., Dr., vs., Fig., Eq., etc., …), a single-letter
  initial, or a list number ("1." at the start of an item), and never inside
  a token (decimals such as 4.5%, footnote-marked names such as ``NS-DPO1``,
  ``e.g.``) since those have no space after the dot.
* Line breaks inside a paragraph are soft wraps: they become one space
  (nothing between two Chinese characters). A blank line always ends a
  sentence.

Sentences come back stripped, with no empty ones.
"""

from __future__ import annotations

import re

from .lang import CJK_CLASS, is_cjk_char

# Words that end with a dot without ending the sentence (compared casefolded,
# without the final dot). "etc." is among them: a sentence ending in it is
# rare in papers, while "…, etc. [citation]" continuing the sentence is common.
ABBREVIATIONS = frozenset("""
e.g i.e et al etc cf vs viz approx resp dr mr mrs ms prof st jr sr inc ltd co
fig figs eq eqs sec secs tab ref refs ch chap vol no nos pp p ed eds app appx
def thm lem prop cor alg est ca
""".split())

_CLOSERS = "\"'”’」』）)】》〉]"
_OPENERS = "\"'“‘「『（(【《〈["
_ZH_END = re.compile(f"[。！？!?]+[{re.escape(_CLOSERS)}]*")
_ZH_DOT = re.compile(f"(?<![\\d\\s])[.!?](?=[{CJK_CLASS}])")
# The lookbehinds start a match only where its run starts: tried from every
# character of a long run of dots or spaces, these took quadratic time, and a
# later start in the run can only fail where the first failed.
_EN_END = re.compile(
    f"(?<![.!?])[.!?]+[{re.escape(_CLOSERS)}]*(?=\\s+[A-Z0-9{re.escape(_OPENERS)}{CJK_CLASS}])")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.'’-")
_SOFT_BREAK = re.compile(r"(?<![ \t])[ \t]*\r?\n[ \t]*")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")


def split_sentences(text: str) -> list[str]:
    """Split English, Chinese or mixed ``text`` into stripped, non-empty sentences."""
    out: list[str] = []
    for para in _PARAGRAPH.split(text.replace("\r\n", "\n")):
        para = _join_soft_breaks(para)
        out.extend(s.strip() for s in _split_paragraph(para))
    return [s for s in out if s]


def _join_soft_breaks(para: str) -> str:
    """Line breaks → one space, or nothing when both sides are Chinese."""
    if "\n" not in para:
        return para
    parts = _SOFT_BREAK.split(para.strip())
    joined = parts[0]
    for part in parts[1:]:
        if joined and part and is_cjk_char(part[0]) and (is_cjk_char(joined[-1]) or joined[-1] in "，。；：！？、"):
            joined += part
        else:
            joined += " " + part
    return joined


def _split_paragraph(para: str) -> list[str]:
    cuts = {m.end() for m in _ZH_END.finditer(para) if not _is_ascii_stop_in_english(para, m)}
    cuts |= {m.end() for m in _ZH_DOT.finditer(para) if _ends_english_sentence(para, m.start())}
    cuts |= {m.end() for m in _EN_END.finditer(para) if _ends_english_sentence(para, m.start())}
    pieces, last = [], 0
    for cut in sorted(cuts):
        pieces.append(para[last:cut])
        last = cut
    pieces.append(para[last:])
    return pieces


def _is_ascii_stop_in_english(para: str, m: re.Match[str]) -> bool:
    """ASCII !/? runs are left to the English rule (which needs a following capital)."""
    return m.group()[0] in "!?" and not re.search(f"[{CJK_CLASS}]", para[max(0, m.start() - 1):m.start()])


def _ends_english_sentence(para: str, dot: int) -> bool:
    """Whether the punctuation at ``dot`` ends a sentence, judged by the word before it."""
    if para[dot] != ".":
        return True
    start = _prev_word_start(para, dot)
    if start == dot:
        return True                          # after a bracket, quote or symbol: "(NS-DPO). By"
    word = para[start:dot]
    key = word.casefold()
    if key in ABBREVIATIONS or key.rstrip(".") in ABBREVIATIONS:
        return False
    if re.fullmatch(r"[A-Z]", word):          # an initial: "J. Smith"
        return False
    if re.fullmatch(r"\d{1,2}", word) and _starts_item(para, start):
        return False                         # a list number: "Results: 1. Unify …"
    return True


def _prev_word_start(para: str, dot: int) -> int:
    """Start of the run of word characters (letters, digits, . ' ’ -) that ends at ``dot``.

    Walked back from ``dot``: a regex anchored there and searched from the
    start of the paragraph tried every position before it, for every full stop.
    """
    start = dot
    while start > 0 and para[start - 1] in _WORD_CHARS:
        start -= 1
    return start


def _starts_item(para: str, start: int) -> bool:
    """Whether only a colon, a full stop or nothing comes before ``start`` (spaces skipped).

    Walked back from ``start``, not ``para[:start].rstrip()``: that copied the
    paragraph up to every list number."""
    while start > 0 and para[start - 1].isspace():
        start -= 1
    return start == 0 or para[start - 1] in ":;：；。.!?！？"
