"""text: language helpers (no papers, no files).

Pure functions over strings: which script a character is in, sentences in
both languages, an abstract's English and Chinese halves and their sentence
pairs, jieba segmentation that keeps the notes' terms whole (loaded lazily:
importing this package does not import jieba), inline Markdown/LaTeX → safe
HTML, and cloze deletions on whole words.
"""

from .abstract import align_sentences, split_abstract
from .cloze import CLOZE_BLANK, cloze_answers, make_cloze
from .inline import plain_inline, render_inline
from .markup import cloze_safe
from .lang import cjk_ratio, has_cjk, is_cjk_char, normalize
from .segment import Segmenter, words
from .sentences import split_sentences
from .stopwords import is_stopword

__all__ = [
    "render_inline", "plain_inline", "cloze_safe",
    "is_cjk_char", "has_cjk", "cjk_ratio", "normalize",
    "split_sentences",
    "split_abstract", "align_sentences",
    "Segmenter", "words",
    "make_cloze", "cloze_answers", "CLOZE_BLANK",
    "is_stopword",
]
