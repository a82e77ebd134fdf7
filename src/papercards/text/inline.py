"""Inline Markdown/LaTeX from the notes → safe HTML for Anki, plain text, cloze-safe text.

The notes mix Markdown (``**bold**``, `` `code` ``, links), LaTeX pasted from
abstracts (``\\textbf{3D}``, ``$x^2$``) and raw HTML (``<a href=…>``). One
parser reads all three so the HTML, the plain text and the cloze logic agree
on what is math and what is markup:

* markdown-it-py (commonmark rules, raw HTML allowed) with mdit-py-plugins'
  dollarmath for ``$…$``/``$$…$$`` and a small rule of ours for
  ``\\textbf{}``, ``\\textit{}``, ``\\emph{}``, ``\\texttt{}``, ``\\underline{}``;
* math is written out as MathJax ``\\(…\\)`` / ``\\[…\\]`` (what Anki
  renders), its content HTML-escaped and filtered by the TeX allow-list of
  `texmath` (MathJax can make links, styles and loads from TeX);
* the HTML then goes through nh3 (Rust's ammonia sanitiser): an allow-list of
  formatting tags, ``href``/``src`` only with http(s) or relative URLs, and
  ``<script>``/``<style>``/``<iframe>`` removed with their content. A raw tag
  that is neither allowed nor dangerous (``x<y and y>z`` looks like a tag) is
  shown as text rather than silently dropped.
* a ``$`` that is not math (an unclosed one, a price) stays a literal dollar,
  written ``&#36;`` so no raw ``$…$`` pair ever reaches the card;
* any other text that Anki or MathJax would act on (a ``\\(`` typed as text,
  ``{{Front}}``, ``[sound:…]``, ``[latex]``) is made inert (`inert`): shown as
  written, acted on by nothing.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from .markup_rules import DROPPED_TAGS, KNOWN_TAGS, SHOWN_TAGS, TEXT_MACROS
from .texmath import sanitize as sanitize_tex

# Of the tags a card shows (`markup_rules`), these attributes and URL schemes are kept.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
URL_SCHEMES = frozenset({"http", "https"})

# What each LaTeX text macro's style becomes in HTML (None: no tag, the content only).
_STYLE_TAG = {"bold": "b", "em": "i", "underline": "u", "code": "code", "": None}
_MACRO_RE = re.compile(r"\\([a-z]+)\{")
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")


def _latex_text_rule(state: StateInline, silent: bool) -> bool:
    """``\\textbf{…}`` and friends → the matching inline tokens (content parsed as Markdown)."""
    src, pos = state.src, state.pos
    if src[pos] != "\\":
        return False
    m = _MACRO_RE.match(src, pos)
    if not m or m.group(1) not in TEXT_MACROS:
        return False
    start = m.end()
    end = _matching_brace(src, start, state.posMax)
    if end is None:
        return False
    if not silent:
        tag = _STYLE_TAG[TEXT_MACROS[m.group(1)]]
        if tag == "code":
            token = state.push("code_inline", "code", 0)
            token.content = src[start:end]
            token.markup = "\\texttt"
        else:
            # one nesting level per macro, tag or not: markdown-it's maxNesting then stops
            # \text{\text{…}} a few hundred deep as it stops **…** (the rest stays text)
            if tag:
                token = state.push("latex_open", tag, 1)
                token.markup = m.group(1)
            else:
                state.level += 1
            old_max = state.posMax
            state.pos, state.posMax = start, end
            state.md.inline.tokenize(state)
            state.posMax = old_max
            if tag:
                token = state.push("latex_close", tag, -1)
                token.markup = m.group(1)
            else:
                state.level -= 1
    state.pos = end + 1
    return True


def _latex_math_rule(state: StateInline, silent: bool) -> bool:
    """``\\(…\\)`` and ``\\[…\\]`` written directly in the notes are math too."""
    src, pos = state.src, state.pos
    if not src.startswith(("\\(", "\\["), pos):
        return False
    closer = "\\)" if src[pos + 1] == "(" else "\\]"
    end = find_next(src, closer, pos + 2, state.posMax)
    if end < 0:
        return False
    if not silent:
        token = state.push("math_inline" if closer == "\\)" else "math_inline_double", "math", 0)
        token.content = src[pos + 2:end]
        token.markup = src[pos:pos + 2]
    state.pos = end + 2
    return True


# A rule below runs at every ``\textbf{`` or ``\(`` of a line; looking for the
# closer from each would read the rest of the line every time (quadratic on a
# long line of unclosed ones). Both lookups read the line once and then answer
# from what they found.

def _matching_brace(src: str, start: int, limit: int) -> int | None:
    """Index (before ``limit``) of the ``}`` closing the group that starts at ``start``
    (just after a ``{`` that no backslash escapes)."""
    end = _closing_braces(src).get(start - 1)
    return end if end is not None and end < limit else None


@lru_cache(maxsize=8)
def _closing_braces(src: str) -> dict[int, int]:
    """``{`` index → index of its ``}``, in one pass; a backslash escapes the next character."""
    out: dict[int, int] = {}
    opened: list[int] = []
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            opened.append(i)
        elif ch == "}" and opened:
            out[opened.pop()] = i
        i += 1
    return out


def find_next(src: str, needle: str, start: int, limit: int) -> int:
    """``src.find(needle, start, limit)`` for a needle that cannot overlap itself."""
    found = _occurrences(src, needle)
    k = bisect_left(found, start)
    return found[k] if k < len(found) and found[k] + len(needle) <= limit else -1


@lru_cache(maxsize=8)
def _occurrences(src: str, needle: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(needle), src)]


# Math leaves the renderer between private-use marks and gets its real delimiters
# last (`_finish`): any \( or \[ left in the HTML is then text, and made inert.
_INLINE_OPEN, _INLINE_CLOSE, _DISPLAY_OPEN, _DISPLAY_CLOSE = "\ue0f0", "\ue0f1", "\ue0f2", "\ue0f3"
_MARKS = re.compile("[\ue0f0-\ue0f3]")
_MARKED_MATH = re.compile("\ue0f0([^\ue0f0-\ue0f3]*)\ue0f1|\ue0f2([^\ue0f0-\ue0f3]*)\ue0f3")


def _render_math_inline(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return _INLINE_OPEN + _math_html(tokens[idx].content) + _INLINE_CLOSE


def _render_math_display(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return _DISPLAY_OPEN + _math_html(tokens[idx].content) + _DISPLAY_CLOSE


def _math_html(tex: str) -> str:
    return html.escape(sanitize_tex(tex)[0], quote=False)


def _render_latex_tag(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    tok = tokens[idx]
    return f"<{tok.tag}>" if tok.nesting == 1 else f"</{tok.tag}>"


def _render_html_inline(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    raw = tokens[idx].content
    m = _TAG_NAME.match(raw)
    if raw.startswith("<!--") or (m and m.group(1).lower() in KNOWN_TAGS):
        return raw                      # nh3 decides: keeps, cleans or removes it
    return html.escape(raw)             # not a tag we know: show it as written


def _render_as(tag: str):
    """Markdown's strong/em written as Anki's own <b>/<i> (what its editor produces)."""
    def render(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return f"<{tag}>" if tokens[idx].nesting == 1 else f"</{tag}>"
    return render


def _render_break(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return "<br>"


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True})
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False,
           double_inline=True)
    md.inline.ruler.before("escape", "latex_text", _latex_text_rule)
    md.inline.ruler.before("escape", "latex_math", _latex_math_rule)
    md.add_render_rule("math_inline", _render_math_inline)
    md.add_render_rule("math_inline_double", _render_math_display)
    md.add_render_rule("latex_open", _render_latex_tag)
    md.add_render_rule("latex_close", _render_latex_tag)
    md.add_render_rule("html_inline", _render_html_inline)
    for name, tag in (("strong", "b"), ("em", "i"), ("s", "s")):
        md.add_render_rule(f"{name}_open", _render_as(tag))
        md.add_render_rule(f"{name}_close", _render_as(tag))
    md.add_render_rule("softbreak", _render_break)
    md.add_render_rule("hardbreak", _render_break)
    return md


_md = _build()
_EMPTY_LINK = re.compile(r"<a(?:\s+rel=\"[^\"]*\")?>(.*?)</a>", re.S)


def _inline_tokens(md: str) -> list[Token]:
    # dollarmath (0.7) refuses a `$` with a digit before it by reading src[pos - 1],
    # which at pos 0 is the *last* character: "$x$ 设为0.1" was not math. A leading
    # space gives it a real character to read; it is taken off the first token again.
    lead = md.startswith("$")
    tokens = _md.parseInline(" " + md if lead else md)
    children = tokens[0].children or [] if tokens else []
    if lead and children and children[0].type == "text" and children[0].content.startswith(" "):
        children[0].content = children[0].content[1:]
        if not children[0].content:
            children = children[1:]
    return children


# Text with none of these renders as itself: no Markdown or HTML syntax, nothing
# that HTML escapes (& < > " and no-break space), no line breaks or controls, no
# math. Most of the notes' text is like that (95% of it at 100× the shipped
# notes), and parsing it was a fifth of rendering the notes; a property test
# checks the shortcut against the full path.
_PLAIN_TEXT = re.compile(r'[^*_`$<>&\[\]{}!~\\"\x00-\x1f\x7f-\x9f\xa0\ue0f0-\ue0f3]*\Z')


@lru_cache(maxsize=1 << 16)
def render_inline(md: str) -> str:
    """Inline Markdown/LaTeX → sanitised HTML with MathJax delimiters; newlines → ``<br>``.

    Memoised (a pure function of the text): a paper's title and links are on
    every one of its notes, and a build renders thousands of notes.
    """
    if not md:
        return ""
    if _PLAIN_TEXT.match(md):
        return md
    raw = _md.renderer.render(_inline_tokens(_MARKS.sub("", md)), _md.options, {})
    clean = nh3.clean(raw, tags=set(SHOWN_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                      url_schemes=set(URL_SCHEMES), clean_content_tags=set(DROPPED_TAGS),
                      link_rel=None, strip_comments=True)
    clean = _EMPTY_LINK.sub(r"\1", clean)        # a link whose href was unsafe: keep its text
    return _finish(clean)


def _finish(marked: str) -> str:
    """The sanitised HTML with its math between real delimiters, and everything else inert."""
    out: list[str] = []
    last = 0
    for m in _MARKED_MATH.finditer(marked):
        out.append(inert(marked[last:m.start()]))
        out.append("\\(" + m.group(1) + "\\)" if m.group(1) is not None else "\\[" + m.group(2) + "\\]")
        last = m.end()
    out.append(inert(marked[last:]))
    return _MARKS.sub("", "".join(out)).replace("$", "&#36;")


# Joins two characters without a visible mark; Anki's MathJax, template, sound and
# LaTeX syntax all need the two characters side by side.
WORD_JOINER = "\u2060"
# Text that Anki (``{{…}}``, ``[sound:…]``, ``[anki:tts]``, ``[latex]``, ``[$]``, ``[$$]``)
# or its MathJax (``\(``, ``\)``, ``\[``, ``\]``, ``$$``) would act on: the
# first character of each, where a word joiner goes after it.
_ACTIVE = re.compile(r"\\(?=[()\[\]])|\{(?=\{)|\}(?=\})|\$(?=\$)"
                     r"|\[(?=/?(?:sound:|anki:|latex\]|\$\$?\]))", re.I)


def inert(text: str) -> str:
    """Text (HTML) that shows as written and that neither Anki nor MathJax acts on."""
    return _ACTIVE.sub(lambda m: m.group() + WORD_JOINER, text)


def escape_text(text: str) -> str:
    """Plain text → HTML that shows it as written: escaped, and `inert`."""
    return inert(html.escape(text, quote=True))


@lru_cache(maxsize=1 << 14)
def refused_tex(md: str) -> tuple[str, ...]:
    """The TeX commands in the math of ``md`` that a card shows as text (`texmath`)."""
    if "\\" not in md:
        return ()
    found: dict[str, None] = {}
    for tok in _inline_tokens(_MARKS.sub("", md)):
        if tok.type in ("math_inline", "math_inline_double", "math_block"):
            found.update(dict.fromkeys(sanitize_tex(tok.content)[1]))
    return tuple(found)


@lru_cache(maxsize=1 << 16)
def plain_inline(md: str) -> str:
    """Inline Markdown → plain text: marks and tags removed, math as its TeX source, entities decoded
    (outside code and math, which show them as written: the card's text, `markup_rules`).

    Memoised like `render_inline`: the survey reads each abstract sentence several times."""
    if not md:
        return ""
    if _PLAIN_TEXT.match(md):
        return md
    out: list[str] = []
    skip = 0                                     # inside <script>/<style>: drop the content
    for tok in _inline_tokens(md):
        if tok.type == "html_inline":
            m = _TAG_NAME.match(tok.content)
            name = m.group(1).lower() if m else ""
            if name in DROPPED_TAGS:
                skip += -1 if tok.content.startswith("</") else 1
                skip = max(skip, 0)
            elif name == "br":
                out.append("\n")
            elif name not in KNOWN_TAGS and not tok.content.startswith("<!--"):
                out.append(tok.content)          # not a real tag: rendered as text too
            continue
        if skip:
            continue
        if tok.type in ("text", "code_inline", "math_inline", "math_inline_double"):
            out.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif tok.type == "image":
            out.append(html.unescape(tok.content))     # its alt text, as written
    return "".join(out)                          # text tokens come with entities decoded, once
