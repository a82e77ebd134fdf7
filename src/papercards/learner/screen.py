"""Text laid out for a terminal: display widths (a Chinese character takes two columns),
cut and padded cells, wrapped lines, and card HTML as plain text.

Everything that comes from notes passes `printable` first, so no escape sequence or
control character from a note reaches the terminal; widths are measured after that.
"""

from __future__ import annotations

import html
import re
import shutil

from wcwidth import wcwidth

from ..diagnostics import printable

COLUMNS = 80          # the widest line papercards prints for the learner (fits an SSH window)


def columns() -> int:
    """The width to lay out for: the terminal's, at most `COLUMNS`."""
    return max(20, min(COLUMNS, shutil.get_terminal_size((COLUMNS, 24)).columns))


def char_width(ch: str) -> int:
    return max(0, wcwidth(ch))       # combining marks take none; controls are escaped before


def width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


def cell(text: str, size: int, *, right: bool = False) -> str:
    """``text`` on one line in exactly ``size`` columns: cut with … when longer, padded."""
    text = printable(" ".join(text.split()))
    if width(text) > size:
        out, used = [], 0
        for ch in text:
            if used + char_width(ch) > size - 1:
                break
            out.append(ch)
            used += char_width(ch)
        text = "".join(out) + "…"
    pad = " " * (size - width(text))
    return pad + text if right else text + pad


def wrap(text: str, size: int, indent: str = "") -> list[str]:
    """``text`` broken into lines of at most ``size`` columns (``indent`` included): at
    spaces in Latin text, between any two characters in Chinese."""
    lines: list[str] = []
    room = max(4, size - width(indent))
    for para in printable(text).split("\n"):
        line, used = "", 0
        for word in re.findall(r"[^\s\u3000-\u9fff\uff00-\uffef]+\s*|\S\s*|\s+", para):
            w = width(word.rstrip())
            if used + w > room and line.strip():
                lines.append(indent + line.rstrip())
                line, used = "", 0
                word = word.lstrip()
            while width(word.rstrip()) > room:          # one word longer than the line
                head = _prefix(word, room)
                lines.append(indent + head)
                word = word[len(head):]
            line += word
            used += width(word)
        lines.append(indent + line.rstrip())
    return lines


def _prefix(word: str, size: int) -> str:
    out, used = [], 0
    for ch in word:
        if used + char_width(ch) > size:
            break
        out.append(ch)
        used += char_width(ch)
    return "".join(out)


_BLOCK = re.compile(r"<br\s*/?>|</?(?:div|p|ul|ol|h\d|tr|table|pre)\b[^>]*>|<hr[^>]*>", re.I)


def plain(fragment: str) -> str:
    """A card field's HTML as the text Anki shows: blocks on their own lines, list
    items with a bullet, tags dropped, entities decoded."""
    text = re.sub(r"<(style|script)\b.*?</\1>", "", fragment, flags=re.S | re.I)
    text = re.sub(r"<li\b[^>]*>", "\n• ", text, flags=re.I)
    text = _BLOCK.sub("\n", text)
    text = re.sub(r"<[^>]*>", "", text)
    text = html.unescape(text).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)
