import re

import pytest

from papercards.text import cloze_safe, plain_inline, render_inline


@pytest.mark.parametrize("md, html", [
    ("**bold** and __bold__", "<b>bold</b> and <b>bold</b>"),
    ("*em* `code`", "<i>em</i> <code>code</code>"),
    ("$x$", "\\(x\\)"),
    ("a $$\\sum_i x_i$$ b", "a \\[\\sum_i x_i\\] b"),
    ("$a<b$", "\\(a&lt;b\\)"),
    ("\\textbf{3D}-properties", "<b>3D</b>-properties"),
    ("\\textbf{D}rastic \\textit{it} \\emph{em}", "<b>D</b>rastic <i>it</i> <i>em</i>"),
    ("\\textbf{a {b} c}", "<b>a {b} c</b>"),
    ("\\texttt{x_y}", "<code>x_y</code>"),
    ("line\nbreak", "line<br>break"),
    ("[OpenReview](https://openreview.net/forum?id=9Hxdixed7p)",
     '<a href="https://openreview.net/forum?id=9Hxdixed7p">OpenReview</a>'),
    ("<a href='./papers/5344_3D_Properties_Identifying.pdf'>查看PDF</a>",
     '<a href="./papers/5344_3D_Properties_Identifying.pdf">查看PDF</a>'),
    ("a < b & c", "a &lt; b &amp; c"),
    ("x<y and y>z", "x&lt;y and y&gt;z"),
    ("\\(x^{2}\\)", "\\(x^{2}\\)"),
])
def test_render(md, html):
    assert render_inline(md) == html


@pytest.mark.parametrize("md", [
    "<script>alert(1)</script>text",
    "<img src=x onerror=alert(1)>text",
    "<a href='javascript:alert(1)'>text</a>",
    "[text](javascript:alert(1))",
    "<iframe src='https://evil.example'></iframe>text",
    "<b onmouseover='alert(1)'>text</b>",
    "<style>body{display:none}</style>text",
    '<a href="JaVaScRiPt:alert(1)">text</a>',
    "<a href='data:text/html,<script>alert(1)</script>'>text</a>",
])
def test_dangerous_html_is_removed(md):
    out = render_inline(md)
    low = out.lower()
    assert "<script" not in low and "<style" not in low and "<iframe" not in low and "<svg" not in low
    assert "javascript:" not in low or "[text](javascript:" in low     # literal text only
    assert "data:" not in low
    assert not re.search(r"\son\w+\s*=", low)
    assert "alert(1)" not in out or "[text](javascript:alert(1))" in out
    assert "text" in out


def test_svg_is_removed_with_its_content():
    assert render_inline("<svg onload=alert(1)><script>x</script></svg>after") == "after"


def test_javascript_link_is_not_a_link():
    assert "<a" not in render_inline("[text](javascript:alert(1))")
    assert render_inline("<a href='javascript:alert(1)'>text</a>") == "text"


@pytest.mark.parametrize("md", ["costs $5 and $10", "unclosed $x + y", "$", "$$", "a $ b $ c $"])
def test_dollars_that_are_not_math_stay_literal(md):
    out = render_inline(md)
    assert "$" not in out                       # written as &#36;
    assert out.count("&#36;") >= 1 or "\\(" in out
    assert not re.search(r"\$[^$]*\$", out)


def test_unclosed_dollar_renders_as_a_dollar_sign():
    assert render_inline("unclosed $x") == "unclosed &#36;x"


def test_math_content_is_untouched_except_escaping():
    out = render_inline("$\\frac{a}{b} < c_{1} \\& **x**$")
    assert out == "\\(\\frac{a}{b} &lt; c_{1} \\&amp; **x**\\)"


def test_plain_inline():
    assert plain_inline("**D**rastic `code` $x^2$ \\textbf{3D} <a href='u'>link</a> &amp; *em*") == \
        "Drastic code x^2 3D link & em"
    assert plain_inline("<script>alert(1)</script>safe") == "safe"
    assert plain_inline("x<y and y>z") == "x<y and y>z"
    assert plain_inline("a\nb") == "a\nb"
    assert plain_inline("") == ""


def test_cloze_safe():
    assert cloze_safe("$\\frac{1}{x^{2}}$") == "$\\frac{1}{x^{2} }$"
    assert cloze_safe("\\(\\hat{x_{1}}\\)") == "\\(\\hat{x_{1} }\\)"
    assert cloze_safe("$$\\mathbf{{x}}}$$") == "$$\\mathbf{{x} } }$$"
    assert cloze_safe("{{c1::word}} and $x$") == "{{c1::word}} and $x$"
    assert "}}" not in cloze_safe("$a^{b^{c}}$")


# --- the plain-text shortcut: the same HTML as the full Markdown → sanitiser path ---

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from papercards.text import inline as inline_module  # noqa: E402


def _full_path(md: str) -> str:
    """render_inline without the shortcut and without the memo."""
    saved = inline_module._PLAIN_TEXT
    inline_module._PLAIN_TEXT = re.compile(r"(?!)")          # matches nothing
    try:
        return inline_module.render_inline.__wrapped__(md)
    finally:
        inline_module._PLAIN_TEXT = saved


_NOTE_LIKE = st.text(st.sampled_from(list("DPO NS-2.5%(),:;?'#+-=/|{}^@ 偏好优化（）。，、：；“”‘’—…é中文ab1")),
                     max_size=40)


@settings(max_examples=400, derandomize=True, database=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.one_of(_NOTE_LIKE, st.text(max_size=30)))
@example("Direct Preference Optimization (DPO): 直接偏好优化")
@example("  leading and trailing  ")
@example("http://example.org/x?y=1 www.example.org user@example.org")
@example("1. not a list 2) # not a heading --- +++ === > not a quote")
@example("\u2028line\u2029separators\u200b\ufeff\ufffe")
def test_plain_text_shortcut_gives_the_full_paths_html(text):
    if inline_module._PLAIN_TEXT.match(text):
        assert render_inline.__wrapped__(text) == text == _full_path(text)
    else:
        assert render_inline.__wrapped__(text) == _full_path(text)


@pytest.mark.parametrize("text", ["a *b*", "x < y", "AT&T", 'say "hi"', "a\u00a0b", "$x$", "a\nb", "a_b_c", "[x](y)"])
def test_text_with_syntax_or_escapes_takes_the_full_path(text):
    assert not inline_module._PLAIN_TEXT.match(text)


@settings(max_examples=300, derandomize=True, database=None)
@given(st.one_of(_NOTE_LIKE, st.text(max_size=30)))
def test_plain_text_shortcut_gives_the_same_plain_text(text):
    saved = inline_module._PLAIN_TEXT
    inline_module._PLAIN_TEXT = re.compile(r"(?!)")
    try:
        full = plain_inline.__wrapped__(text)
    finally:
        inline_module._PLAIN_TEXT = saved
    assert plain_inline.__wrapped__(text) == full
