"""Telling Chinese from Latin text, and a comparison key for deduplication.

The notes mix both scripts in one line (``DPO主要用于大模型微调``), so every
decision downstream (which half of an abstract is Chinese, whether a line break
between two characters is a space) starts from these character tests.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Han ideographs (with extensions and compatibility forms), plus kana and
# hangul so that Japanese/Korean fragments are not mistaken for Latin text.
# CJK punctuation (。，「」) is deliberately *not* included: it carries no
# language signal once the text is known to be mixed.
_CJK_RANGES = (
    (0x3040, 0x30FF),    # hiragana, katakana
    (0x3400, 0x4DBF),    # CJK extension A
    (0x4E00, 0x9FFF),    # CJK unified ideographs
    (0xAC00, 0xD7AF),    # hangul syllables
    (0xF900, 0xFAFF),    # CJK compatibility ideographs
    (0x20000, 0x3134F),  # CJK extensions B–G
)
CJK_CLASS = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in _CJK_RANGES)
CJK_RE = re.compile(f"[{CJK_CLASS}]")   # the one CJK range: write no other
_LATIN_RE = re.compile(r"[A-Za-z]")


def is_cjk_char(ch: str) -> bool:
    """True for one Han/kana/hangul character (not CJK punctuation)."""
    if len(ch) != 1:
        return False
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def has_cjk(s: str) -> bool:
    """True when ``s`` contains at least one CJK character."""
    return CJK_RE.search(s) is not None


def cjk_ratio(s: str) -> float:
    """Share of CJK characters among the CJK characters and Latin letters of ``s``.

    Digits, spaces and punctuation are ignored, so ``DPO 是一种方法`` is 5/8.
    An empty or letterless string has ratio 0.0.
    """
    cjk = len(CJK_RE.findall(s))
    latin = len(_LATIN_RE.findall(s))
    total = cjk + latin
    return cjk / total if total else 0.0


_SPACE_NEAR_CJK = re.compile(f"(?<=[{CJK_CLASS}]) | (?=[{CJK_CLASS}])")


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P")


@lru_cache(maxsize=65536)
def normalize(s: str) -> str:
    """Comparison key: NFKC, casefolded, punctuation of both widths removed, spaces collapsed.

    Used to decide that two texts are "the same" (deduplication, matching an
    edited claim back to its id). Punctuation becomes a space so words do not
    glue together (``end.Start`` → ``end start``), and spaces touching a CJK
    character are dropped, because machine translation sprinkles them at
    random (``DPO 是`` and ``DPO是`` compare equal). Kept per text: the cloze chooser asks
    it of the same words over and over, character by character.
    """
    s = unicodedata.normalize("NFKC", s).casefold()
    s = "".join(" " if _is_punct(ch) else ch for ch in s)
    s = " ".join(s.split())
    return _SPACE_NEAR_CJK.sub("", s)


CJK_RUN = re.compile(f"[{CJK_CLASS}]+")       # a run of CJK characters


def overlap_features(text: str) -> set[str]:
    """What two texts in either language share, to tell one fact said twice: their
    Chinese character pairs and their English words (three characters or more,
    digits included), case folded."""
    text = text.casefold()
    pairs = {run[i:i + 2] for run in CJK_RUN.findall(text) for i in range(len(run) - 1)}
    return pairs | set(re.findall(r"[a-z0-9][a-z0-9-]{2,}", text))
