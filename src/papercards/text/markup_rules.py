"""What the notes' inline markup means, said once for every piece of code that reads it.

Three readers of inline Markdown must agree on what text survives it: the
renderer (`inline.render_inline`: the card's HTML), plain text
(`inline.plain_inline`: what quizzes compare and the survey reads) and the
cloze scanner (`markup.scan`: the text a blank is chosen on). When they
disagreed, a blank could land on text the card never shows. The quiz's
Markdown form (`quiz.normalize.markdown`) reads the macros too.
``tests/test_markup_agree.py`` checks the three readers against each other
on generated Markdown. Which characters are Chinese is `lang`'s to say.
"""

from __future__ import annotations

# LaTeX text macros outside math (pasted from abstracts): name → the style their
# content takes. "" is no style: the macro goes, its content stays. "code" content
# is literal, like a `code span`.
TEXT_MACROS: dict[str, str] = {
    "textbf": "bold", "textit": "em", "emph": "em", "underline": "underline", "texttt": "code",
    "textsc": "", "textrm": "", "textsf": "", "text": "",
}

# Raw HTML tags, by what a card does with them. A "tag" whose name is in none of
# these (``x<y and y>z`` looks like one) is text, shown as written.

# Kept on the card as formatting.
SHOWN_TAGS = frozenset({
    "a", "b", "strong", "i", "em", "u", "s", "del", "ins", "mark", "small", "code", "kbd",
    "sub", "sup", "br", "span", "img",
})
# Removed together with their text: the sanitiser drops what is inside them, so
# no reader may show it or blank it. (``<embed>`` is empty and ``<frameset>`` is
# ignored inside a card: the text after them is shown, so they are stripped tags.)
DROPPED_TAGS = frozenset({
    "script", "style", "iframe", "object", "noscript", "template", "textarea", "select", "svg",
    "math", "xmp", "title", "applet",
})
# Real HTML elements that a card does not show: the tag is removed, its text kept.
STRIPPED_TAGS = frozenset("""
div p table thead tbody tfoot tr td th caption colgroup col ul ol li dl dt dd h1 h2 h3 h4 h5 h6
blockquote pre hr center font section article header footer nav main aside address details
summary figure figcaption abbr cite q time var samp wbr bdi bdo ruby rt rp big tt strike label
fieldset legend area map picture dfn data output progress meter acronym marquee blink
embed frameset form input button option link meta base audio video source track canvas dialog
plaintext frame head body html
""".split())
KNOWN_TAGS = SHOWN_TAGS | DROPPED_TAGS | STRIPPED_TAGS
