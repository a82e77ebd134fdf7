"""The three readers of inline Markdown agree on what text survives it.

The card's HTML (`render_inline`), plain text (`plain_inline`) and the cloze
scanner (`markup.scan`, the text a blank is chosen on) read the same
description of markup (`text.markup_rules`). When they disagreed, the scanner
kept the text of ``<object>…</object>`` that the card drops: a blank could land
on words the learner never sees.
"""

import html
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papercards.text import plain_inline, render_inline
from papercards.text.cloze import make_cloze
from papercards.text.inline import WORD_JOINER
from papercards.text.markup import ATOM_FIRST, scan
from papercards.text.markup_rules import DROPPED_TAGS, KNOWN_TAGS, STRIPPED_TAGS, TEXT_MACROS
from papercards.text.segment import Segmenter

_WORDS = st.sampled_from(["DPO", "reward", "模型", "偏好优化", "3D", "x", "4.5%", "数据集", "loss"])
_MATH = st.sampled_from(["x^2", "a+b", r"\alpha", "f(x)", "n"])
# <br>, <img> and <a> are generated below; <plaintext> makes the rest of a card text, its
# own closing tag included, which no reader imitates (no notes write it)
_TAGS = sorted(KNOWN_TAGS - DROPPED_TAGS - {"br", "img", "a", "plaintext"})


_ATOMS = st.one_of(
    _WORDS,
    _WORDS.map(lambda t: f"`{t}`"),
    _MATH.map(lambda t: f"${t}$"),
    _MATH.map(lambda t: f"$${t}$$"),
    _MATH.map(lambda t: f"\\({t}\\)"),
    st.sampled_from(["<br>", "&amp;", "&lt;", r"\*", "a<b", "<!-- note -->", "x_y", "~~DPO~~"]),
)
# Emphasis holds words at its edges and no emphasis inside, as notes write it:
# commonmark's rules for runs of marks (``****x****``, ``**a **b** c**``) are not
# what the scanner follows.
_FLAT = st.tuples(_WORDS, st.lists(_ATOMS, max_size=3).map(" ".join), _WORDS).map(" ".join)


def _pieces(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """One construct around ``inner`` (recursively generated Markdown)."""
    return st.one_of(
        _FLAT.map(lambda t: f"**{t}**"),
        _FLAT.map(lambda t: f"*{t}*"),
        st.tuples(st.sampled_from(sorted(TEXT_MACROS)), inner).map(lambda p: f"\\{p[0]}{{{p[1]}}}"),
        st.tuples(st.sampled_from(_TAGS), inner).map(lambda p: f"<{p[0]}>{p[1]}</{p[0]}>"),
        # words only inside: HTML's parser lets a <code> break out of <math>, ends a <select>
        # at a second one, and so on
        st.tuples(st.sampled_from(sorted(DROPPED_TAGS)), st.lists(_WORDS, min_size=1, max_size=3).map(" ".join))
        .map(lambda p: f"<{p[0]}>{p[1]}</{p[0]}>"),
        _FLAT.map(lambda t: f'<a href="https://example.org/x">{t}</a>'),      # no link in a link
        _FLAT.map(lambda t: f"[{t}](https://example.org/y)"),
    )


_INLINE = st.recursive(_ATOMS, lambda inner: st.lists(st.one_of(_ATOMS, _pieces(inner)), min_size=1, max_size=4)
                       .map(" ".join), max_leaves=8)
_MATH_HTML = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.S)


def _card_text(md: str) -> str:
    """The text a card shows: tags removed, math as its TeX."""
    out = render_inline(md)
    out = _MATH_HTML.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), out)
    return html.unescape(re.sub(r"<[^>]*>", "", out)).replace(WORD_JOINER, "")


def _scanned_text(md: str) -> str:
    """The scanner's plain text, each atom (math, code) written as its source."""
    found = scan(md)
    return "".join(found.source[a.inner_start:a.inner_end] if ATOM_FIRST <= ord(ch) < ATOM_FIRST + 0x800
                   and (a := found.atoms[ord(ch) - ATOM_FIRST]) else ch for ch in found.plain)


def _squeezed(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_INLINE)
def test_card_plain_text_and_cloze_scanner_keep_the_same_text(md):
    card = _squeezed(_card_text(md))
    assert _squeezed(plain_inline(md)) == card
    assert _squeezed(_scanned_text(md)) == card


def test_text_inside_a_dropped_tag_is_never_blanked():
    """The card drops ``<object>``'s text: the scanner must not offer it for a blank."""
    md = "文章提出的方法<object>在线采样器实现二次收敛</object>显著提高了偏好优化的效率和稳定性"
    assert "在线采样器" not in render_inline(md)
    assert "在线采样器" not in scan(md).plain
    cloze = make_cloze(md, Segmenter(), max_blanks=3, prefer=["在线采样器"])
    assert cloze is not None and "{{c1::在线采样器" not in cloze


def test_tags_that_keep_their_text_keep_it_everywhere():
    """``<embed>`` is empty and ``<frameset>`` means nothing in a card: the text after them shows."""
    for tag in ("embed", "frameset"):
        md = f"偏好<{tag}>优化</{tag}>方法"
        assert tag in STRIPPED_TAGS and tag not in DROPPED_TAGS
        assert _card_text(md) == plain_inline(md) == scan(md).plain == "偏好优化方法"


def test_the_scanner_finds_the_formulas_the_card_typesets():
    """`markup.math_spans` is what every rule asks before reading inside TeX: it must find
    exactly the formulas the renderer typesets (dollarmath's rules: no space inside a single
    pair's edges, no digit before the opener or after the closer, a `$` in code is a dollar)."""
    from papercards.text.markup import math_spans
    cases = ["a $x$ b", "$x$ 设为0.1", "a $$ x $$ b", r"a \(x\) and \[y\]", "a $ x $ b", "a $x $ b",
             "a $ x$ b", "costs $5 and $ 10", "costs 5$ or 10$", "1$x$", "$x$2", "`$x$` code", r"\$x\$",
             "价格$5，$x^2$ 是公式"]
    for md in cases:
        typeset = re.findall(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", render_inline(md), re.S)
        found = [md[s:e] for s, e in math_spans(md)]
        assert len(found) == len(typeset), (md, found, typeset)
