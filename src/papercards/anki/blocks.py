"""A note's Markdown fields → HTML: multi-line blocks (lists, headings) and cloze text.

Each line is rendered with ``papercards.text.render_inline`` (the one
Markdown/LaTeX → HTML renderer of the project); cloze text keeps its
``{{cN::…}}`` markers intact around the rendered HTML.
"""

from __future__ import annotations

import html
import re

from ..text import cloze_safe, render_inline

_LIST_LINE = re.compile(r"^(?P<indent>[ \t]*)(?:(?P<bullet>[-*+])|(?P<num>\d{1,3})[.)])[ \t]+(?P<text>.*)$")
_HEADING_LINE = re.compile(r"^[ \t]*#{1,6}[ \t]+(?P<text>.*?)[ \t#]*$")


def render_block(md: str | None) -> str:
    """Multi-line inline Markdown → HTML: lines starting ``- ``/``* ``/``1. `` become
    ``<ul>``/``<ol>`` (nested by indentation), ``## heading`` lines become bold lines,
    other lines are rendered inline and joined with ``<br>``; a single plain line
    comes back as plain inline HTML (no wrapper)."""
    if not md or not md.strip():
        return ""
    lines = md.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    blocks: list[tuple[str, str]] = []     # ("p" | "list" | "h", html)
    para: list[str] = []
    out: list[str] = []                    # html of the list being built
    stack: list[tuple[int, str]] = []      # open lists: (indent, "ul"/"ol"), each with an open <li>

    def flush_para() -> None:
        if para:
            blocks.append(("p", "<br>".join(render_inline(line) for line in para)))
            para.clear()

    def close_lists(indent: int = -1) -> None:
        while stack and stack[-1][0] > indent:
            out.append(f"</li></{stack.pop()[1]}>")
        if not stack and out:
            blocks.append(("list", "".join(out)))
            out.clear()

    for raw in lines:
        if not raw.strip():
            flush_para()
            continue
        m = _LIST_LINE.match(raw)
        if m:
            flush_para()
            indent = len(m.group("indent").expandtabs(4))
            tag = "ol" if m.group("num") else "ul"
            # close lists nested deeper than this line
            while stack and stack[-1][0] > indent:
                out.append(f"</li></{stack.pop()[1]}>")
            if stack and stack[-1][0] == indent and stack[-1][1] == tag:
                out.append("</li><li>")
            else:
                if stack and stack[-1][0] == indent:      # same level, other list type
                    out.append(f"</li></{stack.pop()[1]}>")
                start = int(m.group("num")) if m.group("num") else 1
                attr = f' start="{start}"' if tag == "ol" and start != 1 else ""
                out.append(f"<{tag}{attr}><li>")
                stack.append((indent, tag))
            out.append(render_inline(m.group("text").strip()))
            continue
        h = _HEADING_LINE.match(raw)
        if h:
            flush_para()
            close_lists()
            blocks.append(("h", f'<div class="pc-h"><b>{render_inline(h.group("text"))}</b></div>'))
            continue
        if stack and raw[:1] in (" ", "\t"):               # continuation of a list item
            out.append("<br>" + render_inline(raw.strip()))
            continue
        close_lists()
        para.append(raw.strip())
    flush_para()
    close_lists()

    if len(blocks) == 1 and blocks[0][0] == "p":
        return blocks[0][1]
    return "".join(f"<div>{h}</div>" if kind == "p" else h for kind, h in blocks)


# Cloze markers are swapped for private-use placeholders while the text is rendered,
# so Markdown may span a blank (``**{{c1::x}}**``) and the blank's inside is rendered too.
_OPEN_PH = "\ue000"
_HINT_PH = "\ue001"
_CLOSE_PH = "\ue002"
_PH_NUM_END = "\ue003"
_CLOZE_OPEN = re.compile(r"\{\{c(\d+)::")
CLOZE_BLANK = re.compile(r"\{\{c[1-9]\d*::.+?\}\}", re.S)      # what makes Anki create a card
_PLACEHOLDER_RE = re.compile(f"{_OPEN_PH}(\\d+){_PH_NUM_END}")


def _protect_clozes(text: str, *, balance: bool) -> tuple[str, bool]:
    """Swap cloze markers for placeholders. With ``balance``, a ``}}`` ends a blank
    only when the braces opened inside it are closed (``{{c1::\\textbf{3D}}}``: the
    macro's brace is not the blank's end). Returns the text and whether every
    blank was closed."""
    out: list[str] = []
    stack: list[list] = []           # open blanks: [brace depth, hint seen]
    i = 0
    while i < len(text):
        m = _CLOZE_OPEN.match(text, i)
        if m:
            out.append(f"{_OPEN_PH}{m.group(1)}{_PH_NUM_END}")
            stack.append([0, False])
            i = m.end()
            continue
        if stack:
            top = stack[-1]
            if text.startswith("}}", i) and (not balance or top[0] == 0):
                out.append(_CLOSE_PH)
                stack.pop()
                i += 2
                continue
            if text.startswith("::", i) and not top[1]:
                out.append(_HINT_PH)
                top[1] = True
                i += 2
                continue
            if balance:
                if text[i] == "\\":            # \{ \} and macros: copied as they are
                    out.append(text[i:i + 2])
                    i += 2
                    continue
                if text[i] == "{":
                    top[0] += 1
                elif text[i] == "}" and top[0]:
                    top[0] -= 1
        out.append(text[i])
        i += 1
    return "".join(out), not stack


def _restore_clozes(rendered: str) -> str:
    rendered = _PLACEHOLDER_RE.sub(lambda m: "{{c" + m.group(1) + "::", rendered)
    return rendered.replace(_HINT_PH, "::").replace(_CLOSE_PH, "}}")


def render_cloze(text: str) -> str:
    """Cloze Markdown → HTML with the ``{{cN::…}}`` (and ``::hint``) markers intact."""
    safe = cloze_safe(text)
    protected, closed = _protect_clozes(safe, balance=True)
    if not closed:                   # unbalanced braces: Anki's own rule, first }} ends a blank
        protected, _ = _protect_clozes(safe, balance=False)
    rendered = _restore_clozes(render_block(protected))
    if any(ph in rendered for ph in (_OPEN_PH, _HINT_PH, _CLOSE_PH, _PH_NUM_END)) or \
            len(_CLOZE_OPEN.findall(rendered)) != len(_CLOZE_OPEN.findall(safe)):
        # the renderer mangled a placeholder: render piece by piece instead
        parts = re.split(r"(\{\{c\d+::|::|\}\})", safe)
        rendered = "".join(p if re.fullmatch(r"\{\{c\d+::|::|\}\}", p) else render_inline(p) for p in parts)
    return rendered


def html_text(fragment: str) -> str:
    """The visible text of an HTML fragment (to tell an empty field)."""
    text = re.sub(r"<[^>]*>", "", fragment)
    return html.unescape(text).replace("\xa0", " ").strip()
