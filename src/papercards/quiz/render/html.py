"""The quiz as one offline HTML page: tap to answer, instant feedback, a score, printable.

Everything is inside the file (CSS, JS, the question data as JSON); the page
makes no network request at all, and its Content-Security-Policy says so
(``default-src 'none'``; the inline style and script are allowed by their
SHA-256 hashes, so nothing injected could run). Questions are rendered as
HTML here, not by the script: the page reads and prints without JavaScript;
the script only checks answers against the key in
``<script type="application/json" id="quiz-data">``.

Text comes from the notes through `papercards.text.render_inline` (the
sanitiser's allow-list) and `text.spans`; every string is escaped again on
output. Math is shown as clean text (β, π with a subscript θ) or as its TeX
source, since an offline page has no MathJax.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib import resources

from ..model import Question, Quiz
from . import rich

TYPE_LABELS = {"mcq": "Multiple choice · 选择题", "cloze": "Fill in the blanks · 填空题",
               "match": "Matching · 配对题", "tf": "True or false · 判断题"}
_MARKER = re.compile(r"@@([a-z]+)@@")


def render(quiz: Quiz, **_opts) -> str:
    """The whole page as a string (UTF-8 when written)."""
    style = _template("quiz.css")
    script = _template("quiz.js")
    csp = ("default-src 'none'; "
           f"style-src '{_sha256(style)}'; script-src '{_sha256(script)}'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    n = len(quiz.questions)
    meta = " · ".join(filter(None, [f"Version {quiz.version}" if quiz.version else "",
                                    f"{n} question{'s' * (n != 1)}", f"seed {quiz.seed}"]))
    values = {
        "csp": csp,
        "title": html.escape(quiz.title or "Quiz"),
        "meta": html.escape(meta),
        "total": str(n),
        "style": style,
        "script": script,
        "questions": "\n".join(question_html(q, i + 1, quiz) for i, q in enumerate(quiz.questions)),
        "key": "\n".join(key_html(q, i + 1, quiz) for i, q in enumerate(quiz.questions)),
        "data": script_json(quiz_json(quiz)),
    }
    return _MARKER.sub(lambda m: values[m.group(1)], _template("quiz.html"))


def quiz_json(quiz: Quiz) -> dict:
    """The answer key the page checks against (and the tests read)."""
    questions = []
    for i, q in enumerate(quiz.questions):
        d = {"n": q.number or i + 1, "id": q.id, "type": q.type, "paper": q.paper,
             "sources": list(q.sources)}
        if q.type in ("mcq", "tf"):
            d["correct"] = list(q.correct)
            d["options"] = [rich.plain(rich.spans(o)) for o in q.options]
        elif q.type == "cloze":
            d["blanks"] = [[rich.plain(rich.spans(a)) for a in accepted] for accepted in q.blanks]
        elif q.type == "match":
            d["match"] = [q.right_order.index(row) for row in range(len(q.pairs))]
            d["choices"] = [rich.plain(rich.spans(q.pairs[i][1])) for i in q.right_order]
        questions.append(d)
    return {"id": quiz_id(quiz), "title": quiz.title, "version": quiz.version, "seed": quiz.seed,
            "questions": questions}


def quiz_id(quiz: Quiz) -> str:
    """What the page keeps the learner's answers under (with the version): the same
    quiz rebuilt keeps its answers; another quiz, or the same title with other
    questions, starts empty."""
    ids = [quiz.title, str(quiz.seed), quiz.direction, *sorted(q.id for q in quiz.questions)]
    return hashlib.sha256("\0".join(ids).encode("utf-8")).hexdigest()[:16]


def script_json(data: dict) -> str:
    """JSON safe inside <script>: no ``<`` at all (so no ``</script>`` or ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
               .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def question_html(q: Question, n: int, quiz: Quiz) -> str:
    num = q.number or n
    qid = f"q{num}"
    label = f'<span class="type">{html.escape(TYPE_LABELS.get(q.type, q.type))}</span>'
    several = len(q.blanks) > 1
    blank_html = (lambda b: f'<input type="text" class="blank" data-b="{b - 1}" '
                            f'aria-label="Blank {b} 第{b}空" autocomplete="off" autocapitalize="off" '
                            f'autocorrect="off" spellcheck="false" enterkeyhint="done">'
                            + (f'<span class="blank-n" aria-hidden="true">({b})</span>' if several else ""))
    prompt = rich.to_html(rich.spans(q.prompt), blank=blank_html)
    parts = [f'<section class="q {html.escape(q.type)}" id="{qid}" aria-labelledby="{qid}-p">',
             f'{label}<p class="prompt" id="{qid}-p"><span class="num">{num}.</span>{prompt}</p>']
    if q.instructions and q.instructions != q.prompt:
        parts.append(f'<p class="meta">{rich.to_html(rich.spans(q.instructions))}</p>')
    if q.type in ("mcq", "tf"):
        parts.append(f'<div class="options" role="group" aria-labelledby="{qid}-p">')
        for i, option in enumerate(q.options):
            parts.append(f'<button type="button" class="opt" data-i="{i}" aria-pressed="false">'
                         f'<span class="letter">{chr(65 + i)}</span>'
                         f'<span class="text">{rich.to_html(rich.spans(option))}</span></button>')
        parts.append("</div>")
        # a pick can change until it is checked; nothing to check before a pick
        parts.append('<div class="actions"><button type="button" class="check" disabled>Check 检查</button></div>')
    elif q.type == "cloze":
        parts.append('<div class="actions"><button type="button" class="check">Check 检查</button></div>')
    elif q.type == "match":
        right = [q.pairs[i][1] for i in q.right_order]
        parts.append('<ul class="choices">' + "".join(
            f"<li><b>{chr(65 + j)}.</b> {rich.to_html(rich.spans(r))}</li>" for j, r in enumerate(right))
            + "</ul>")
        parts.append('<div class="pairs">')
        choices = "".join(f'<option value="{j}">{chr(65 + j)}. {html.escape(rich.plain(rich.spans(r)))}</option>'
                          for j, r in enumerate(right))
        for row, (left, _) in enumerate(q.pairs):
            rid = f"{qid}-r{row}"
            parts.append(f'<div class="pair"><label class="left" for="{rid}"><span class="num">{row + 1}.</span>'
                         f'{rich.to_html(rich.spans(left))}</label>'
                         f'<span class="print-line"></span>'
                         f'<select id="{rid}" data-row="{row}"><option value="">Choose 选择…</option>{choices}'
                         f'</select></div>')
        parts.append("</div>")
        parts.append('<div class="actions"><button type="button" class="check">Check 检查</button></div>')
    parts.append(f'<div class="feedback" role="status" tabindex="-1" hidden><span class="verdict"></span>'
                 f'<span class="ans">{answer_html(q)}</span>{_why(q, quiz)}</div>')
    parts.append("</section>")
    return "\n".join(parts)


def answer_html(q: Question) -> str:
    """The right answer, as the feedback and the key show it."""
    if q.type in ("mcq", "tf"):
        return "; ".join(f"<b>{chr(65 + i)}</b> {rich.to_html(rich.spans(q.options[i]))}" for i in q.correct)
    if q.type == "cloze":
        return " &nbsp; ".join(
            (f"<b>({b + 1})</b> " if len(q.blanks) > 1 else "") + " / ".join(rich.to_html(rich.spans(a)) for a in accepted)
            for b, accepted in enumerate(q.blanks))
    if q.type == "match":
        return " &nbsp; ".join(f"{row + 1}–<b>{letter}</b>" for row, letter in enumerate(q.match_key()))
    return ""


def _why(q: Question, quiz: Quiz) -> str:
    out = ""
    if q.explanation:
        out += f'<span class="why">{rich.to_html(rich.spans(q.explanation))}</span>'
    out += f'<span class="src">Source 出处: {html.escape(quiz.paper_label(q.paper))}</span>'
    return out


def key_html(q: Question, n: int, quiz: Quiz) -> str:
    return (f'<li value="{q.number or n}">{answer_html(q)} '
            f'<span class="src">— {html.escape(quiz.paper_label(q.paper))}</span></li>')


def _template(name: str) -> str:
    return resources.files("papercards.quiz").joinpath("templates", name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
