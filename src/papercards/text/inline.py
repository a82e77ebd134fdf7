"""Inline Markdown/LaTeX from the notes → safe HTML (PLACEHOLDER: to be completed)."""

from __future__ import annotations

import html
import re

_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)


def render_inline(text: str) -> str:
    out = html.escape(text, quote=False)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    out = re.sub(r"`(.+?)`", r"<code>\1</code>", out)
    out = _MATH.sub(lambda m: f"\\[{m.group(1)}\\]" if m.group(1) else f"\\({m.group(2)}\\)", out)
    return out.replace("\n", "<br>")


def plain_inline(text: str) -> str:
    return re.sub(r"\*\*|`", "", text)
