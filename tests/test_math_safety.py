"""Math on cards cannot make links, styles, classes, ids or loads; text cannot become math.

Anki typesets ``\\(…\\)`` and ``\\[…\\]`` with MathJax, whose TeX input has
``\\href``, ``\\style``, ``\\class``, ``\\cssId``, ``\\data``, ``\\require``… The
payloads go in through the notes and through a hand edit in ``cards/``; the
deck is imported into the real Anki engine, its cards rendered, and the
rendered HTML typeset by Anki's own MathJax build and configuration (from the
``aqt`` wheel) in Debian's chromium.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from anki_engine import import_apkg, open_collection, render_all, strip_html
from click.testing import CliRunner
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from papercards.cli import main
from papercards.quiz.render.rich import math_spans
from papercards.text import plain_inline, render_inline
from papercards.text.inline import WORD_JOINER
from papercards.text.markup import scan
from papercards.text.texmath import ALLOWED, ALLOWED_SYMBOLS, ENVIRONMENTS, commands, sanitize

# --------------------------------------------------------------------------- the allow-list

DANGEROUS = ["href", "style", "class", "cssId", "data", "require", "unicode", "url", "html", "bbox",
             "enclose", "color", "def", "newcommand", "let", "mmlToken", "rule", "label", "ref",
             "eqref", "tooltip", "mathtip", "toggle", "verb", "raise", "kern", "Huge", "attr"]


def surviving_commands(tex: str) -> list[str]:
    """Commands MathJax would run in ``tex``, by its rule (``\\`` + letters, or ``\\`` + one
    character), minus those the allow-list lets through."""
    out = []
    for m in re.finditer(r"\\(?:([A-Za-z]+)|(.))?", tex, re.S):
        name, symbol = m.group(1), m.group(2)
        if name in ("begin", "end"):
            env = re.match(r"[ \t]*\{([A-Za-z*]+)\}", tex[m.end():])
            if env and env.group(1) in ENVIRONMENTS:
                continue
        elif name in ALLOWED or (name is None and symbol in ALLOWED_SYMBOLS):
            continue
        out.append(m.group())
    return out


def balanced(tex: str) -> bool:
    """Braces as MathJax counts them when it looks for the closing delimiter."""
    depth = 0
    for m in re.finditer(r"\\.|[{}]", tex, re.S):
        if m.group() == "{":
            depth += 1
        elif m.group() == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def test_allowed_math_is_untouched():
    tex = (r"\frac{\pi_\theta(y|x)}{\pi_{\text{ref}}(y|x)} \le \sum_{i=1}^n \mathbb{E}\left[\log "
           r"\sigma(\beta \hat{r}_i)\right] \quad \begin{aligned} a &= b \\ c &\neq d \end{aligned}")
    assert sanitize(tex) == (tex, ())


@pytest.mark.parametrize("name", DANGEROUS)
def test_a_command_outside_the_list_is_shown_as_text(name):
    safe, refused = sanitize(rf"a + \{name}{{x}}{{y}}")
    assert refused == (f"\\{name}",)
    assert surviving_commands(safe) == []
    assert f"\\text{{{name}}}" in safe               # the reader still sees what was written


tex_text = st.lists(st.sampled_from(
    ["\\", "{", "}", "(", ")", "[", "]", "$", "%", "#", "&", "^", "_", " ", "\n", "a", "x", "1",
     "text", "begin", "end", "{aligned}", "{foo}", "frac", "alpha"] + DANGEROUS), max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(tex_text)
def test_property_no_command_outside_the_list_survives(tex):
    safe, _ = sanitize(tex)
    assert surviving_commands(safe) == [], (tex, safe)
    assert balanced(safe), (tex, safe)
    assert set(commands(safe)) <= {"\\" + c for c in ALLOWED | ALLOWED_SYMBOLS}


def mathjax_spans(text: str) -> list[str]:
    """The formulas MathJax (Anki's configuration: ``\\(…\\)`` and ``\\[…\\]``) finds in a
    text: from a start delimiter to the first closer at brace depth 0, skipping ``\\x`` pairs."""
    found, i = [], 0
    while True:
        m = re.compile(r"\\[(\[]").search(text, i)
        if not m:
            return found
        close = ")" if m.group()[1] == "(" else "]"
        depth, j = 0, m.end()
        for t in re.compile(r"\\.|[{}]", re.S).finditer(text, m.end()):
            if t.group() == "\\" + close and depth == 0:
                found.append(text[m.end():t.start()])
                j = t.end()
                break
            if t.group() == "{":
                depth += 1
            elif t.group() == "}" and depth:
                depth -= 1
        else:
            j = m.end()
        i = j


md_text = st.lists(st.sampled_from(
    ["\\", "\\\\", "$", "$$", "\\(", "\\)", "\\[", "\\]", "`", "{", "}", "*", "&#92;", "&#x5c;", "&bsol;",
     "<code>", "</code>", "<b>", "</b>", " ", "x", "中", "textbf{", "text{"] + DANGEROUS), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(md_text)
def test_property_rendered_text_holds_no_math_outside_the_list(md):
    """Whatever the notes say, every formula MathJax would find on the card is filtered."""
    shown = html.unescape(re.sub(r"<[^>]+>", "", render_inline(md)))
    for tex in mathjax_spans(shown):
        assert surviving_commands(tex) == [], (md, shown)


def test_a_typed_delimiter_is_text():
    for md in (r"\\(\href{javascript:alert(1)}{X}\\)", r"&#92;(\href{javascript:alert(1)}{X}&#92;)",
               r"`\(\href{javascript:alert(1)}{X}\)`", r"\\[\class{c}{X}\\]"):
        out = render_inline(md)
        assert mathjax_spans(html.unescape(out)) == [], out
        assert "\\href" in out or "\\class" in out            # shown as written


# --------------------------------------------------------------------------- deep nesting

def test_deep_nesting_is_rendered_without_recursion():
    deep_text = "\\text{" * 600 + "x" + "}" * 600
    deep_bold = "\\textbf{" * 600 + "x" + "}" * 600
    deep_math = "$" + "{" * 5000 + "x" + "}" * 5000 + "$"
    for md in (deep_text, deep_bold, deep_math, "**" * 600 + "x" + "**" * 600):
        render_inline(md)
        plain_inline(md)
        scan(md)
    assert math_spans("{" * 5000 + "x" + "}" * 5000)[0].get("tex")   # quiz: shown as its source


# --------------------------------------------------------------------------- the whole pipeline

NOTES = r"""# Hostile notes

## 1. SimPO: Simple Preference Optimization \(\href{javascript:alert(3)}{TITLE}\)
SimPO：简单偏好优化

### 关键字
* SimPO (简单偏好优化 Simple Preference Optimization)
* reward margin 奖励间隔
* deep {DEEP} 深层
* nested {DEEPMATH} 嵌套

### 主要内容
#### 奖励
* 奖励是 $\href{javascript:alert(1)}{CLICK}$ 与 $\style{position:fixed;inset:0;background:white}{COVER}$ 的差
#### 攻击
* 类 $\class{pwnedclass}{A} + \cssId{pwnedid}{B} + \data{pwned=1}{C} + \require{pwnedext}$ 和 $\bbox[position:fixed]{D} \unicode{x41}$
#### 文本
* 转义 \\(\href{javascript:alert(2)}{ESC}\\) 和 &#92;[\href{javascript:alert(4)}{ENT}&#92;] 和 `\(\href{javascript:alert(5)}{CODE}\)`
#### 模板
* 模板 {{Front}} 和 {{FrontSide}} 和 {{c1::答案}} 还有 [sound:evil.mp3] 和 [latex]\href{x}{y}[/latex] 和 [$$]z[/$$]
#### 正常
* 目标 $\frac{\pi_\theta(y|x)}{\pi_{\text{ref}}(y|x)} \le \sum_i \mathbb{E}[x_i]$ 和 ${{{{{{{{x}}}}}}}}$

一句话：
SimPO uses $\mathcal{L}_{\text{SimPO}}$ as its loss.

### 相关链接
* <a href='https://arxiv.org/abs/2405.14734?a=1&amp;b=2'>PDF &amp; code</a>
""".replace("{DEEP}", "\\text{" * 600 + "x" + "}" * 600).replace("{DEEPMATH}", "$" + "{" * 3000 + "x" + "}" * 3000 + "$")

HAND = (r"$\href{javascript:alert(9)}{HAND}$ 和 \(\class{pwnedhand}{Y}\) 和 "
        r"\\(\cssId{pwnedhand}{Z}\\) 和 {{Back}}")

PAYLOAD_MARKS = ("pwned", "javascript", "position:fixed", "evil.mp3")


def run(root: Path, *args: str):
    return CliRunner().invoke(main, [*args, "-C", str(root)], catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The hostile notes built, then a hand edit in cards/ built again; the cards rendered by Anki."""
    root = tmp_path_factory.mktemp("hostile") / "proj"
    (root / "source").mkdir(parents=True)
    shutil.copy(ROOT / "papercards.yaml", root / "papercards.yaml")
    (root / "source" / "hostile.md").write_text(NOTES, encoding="utf-8")
    first = run(root, "build")
    assert first.exit_code == 0, first.output
    store = next(p for p in (root / "cards").rglob("*.yaml") if "目标" in p.read_text(encoding="utf-8"))
    doc = yaml.safe_load(store.read_text(encoding="utf-8"))
    item = next(i for i in doc["items"] if "目标" in i["fields"].get("answer", ""))
    item["fields"]["answer"] = HAND
    store.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    edited_line = next(n for n, text in enumerate(store.read_text(encoding="utf-8").split("\n"), 1)
                       if text.startswith(f"- id: {item['id']}"))
    second = run(root, "build")
    assert second.exit_code == 0, second.output
    col = open_collection(tmp_path_factory.mktemp("anki"))
    import_apkg(col, next((root / "decks").glob("*.apkg")))
    cards = render_all(col)
    av = [col.get_card(cid).question_av_tags() + col.get_card(cid).answer_av_tags() for cid, _, _ in cards]
    col.close()
    return {"root": root, "first": first.output, "second": second.output, "store": store,
            "line": edited_line, "cards": cards, "av": av}


def test_deep_nesting_in_the_notes_is_no_internal_error(built):
    """600 nested \\text{ and 3,000 nested { in math: built (exit 0, checked by the
    fixture), and a quiz from them too, never exit 4."""
    quiz = run(built["root"], "quiz", "-n", "3")
    assert quiz.exit_code in (0, 1), quiz.output
    assert "internal error" not in quiz.output


def test_refused_math_is_reported_once_with_its_line(built):
    out = built["first"]
    lines = NOTES.split("\n")
    title = next(n for n, line in enumerate(lines, 1) if line.startswith("## 1."))
    warnings = re.findall(r"source/hostile\.md:(\d+): math commands? (.+?) not allowed on cards", out)
    assert warnings, out
    places = [int(n) for n, _ in warnings]
    assert len(places) == len(set(places)), out                 # one warning per place
    named = ", ".join(names for _, names in warnings)
    for cmd in ("\\href", "\\style", "\\class", "\\cssId", "\\data", "\\require", "\\bbox", "\\unicode"):
        assert cmd in named, out
    assert title in places                                     # the title, on every card: once
    assert out.count(f"source/hostile.md:{title}: ") == 1


def test_a_hand_edit_is_reported_at_its_file_and_line(built):
    out, store = built["second"], built["store"]
    rel = store.relative_to(built["root"]).as_posix()
    assert f"{rel}:{built['line']}: math commands \\href, \\class not allowed on cards" in out, out


def test_cards_in_anki_hold_no_live_math_or_anki_syntax(built):
    cards = built["cards"]
    assert cards
    seen = " ".join(q + a for _, q, a in cards)
    for needle in ("CLICK", "COVER", "TITLE", "HAND", "ESC", "CODE", "答案", "evil.mp3"):
        assert needle in seen, needle                          # every payload reached a card…
    for _, question, answer in cards:
        for side in (question, answer):
            for tex in mathjax_spans(html.unescape(re.sub(r"<[^>]+>", "", side))):
                assert surviving_commands(tex) == [], tex      # …and no formula runs one
            assert "latex-" not in side and "[anki:play" not in side
            assert "&amp;amp;" not in side
    assert all(not tags for tags in built["av"])                # [sound:…] is not played
    shown = "\n".join(strip_html(q + "\n" + a).replace(WORD_JOINER, "") for _, q, a in cards)
    for typed in ("{{Front}}", "{{FrontSide}}", "{{Back}}", "[sound:evil.mp3]", "[latex]"):
        assert typed in shown, typed                           # shown as the author wrote it
    assert 'href="https://arxiv.org/abs/2405.14734?a=1&amp;b=2"' in seen
    assert "PDF &amp; code" in seen


# --------------------------------------------------------------------------- Anki's MathJax

def _aqt_web() -> Path | None:
    spec = importlib.util.find_spec("_aqt")
    if not spec or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "web" / "js"


@pytest.fixture(scope="module")
def mathjax(browser):
    """Anki's MathJax, typeset in the shared chromium (tests/conftest.py)."""
    web = _aqt_web()
    if web is None or not (web / "vendor" / "mathjax" / "tex-chtml-full.js").exists():
        pytest.skip("Anki's MathJax not found: pip install aqt==26.9.3 (the [test] extra has it)")
    return browser, web


def typeset(mathjax, tmp_path: Path, body: str) -> dict:
    """``body`` in a page with Anki's MathJax configuration and build, typeset as Anki's
    reviewer does; what the page holds afterwards, and every request it made."""
    browser, web = mathjax
    vendor = web / "vendor" / "mathjax"
    config = (web / "mathjax.js").read_text(encoding="utf-8")
    page_file = tmp_path / "card.html"
    page_file.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><script>" + config +
        f"\nwindow.MathJax.loader.paths.mathjax = {json.dumps(vendor.as_uri())};</script>"
        f"<script src='{(vendor / 'tex-chtml-full.js').as_uri()}'></script></head>"
        f"<body><div id='qa'>{body}</div></body></html>", encoding="utf-8")
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri())
    result = page.evaluate("""async () => {
        await MathJax.startup.promise;
        await MathJax.typesetPromise([document.getElementById('qa')]);
        const all = [...document.querySelectorAll('#qa *')];
        const inMath = [...document.querySelectorAll('mjx-container *')];
        return {
          math: document.querySelectorAll('mjx-container').length,
          anchors: inMath.filter(e => e.tagName === 'A' || e.hasAttribute('href')).length,
          scriptLinks: all.filter(e => (e.getAttribute('href') || '').includes('javascript')).length,
          fixed: all.filter(e => getComputedStyle(e).position === 'fixed').length,
          payload: all.filter(e => [...e.attributes].some(a =>
                     /pwned/.test(a.name + '=' + a.value))).length,
          styled: inMath.filter(e => /position|inset|background/.test(e.getAttribute('style') || '')).length,
          text: document.getElementById('qa').innerText,
        };
    }""")
    page.close()
    result["requests"] = [u for u in requests if not u.startswith((page_file.as_uri(), vendor.as_uri()))]
    return result


def test_the_typesetting_is_anki_s_and_would_run_the_payload(mathjax, tmp_path):
    """The control: unfiltered, the same TeX makes a live javascript: link, a fixed cover
    and the payload's class, so the test below would see them."""
    got = typeset(mathjax, tmp_path, r"\(\href{javascript:alert(1)}{CLICK}\) "
                  r"\(\style{position:fixed;inset:0;background:white}{X}\) \(\class{pwnedclass}{A}\)")
    assert got["math"] == 3 and got["scriptLinks"] >= 1 and got["fixed"] >= 1 and got["payload"] >= 1


def test_rendered_cards_typeset_by_anki_s_mathjax_are_inert(built, mathjax, tmp_path):
    body = "".join(f"<div class='card'>{q}<hr>{a}</div>" for _, q, a in built["cards"])
    got = typeset(mathjax, tmp_path, body)
    assert got["math"] > 0                                      # the real formulas are typeset
    assert got["anchors"] == 0 and got["scriptLinks"] == 0
    assert got["fixed"] == 0 and got["payload"] == 0 and got["styled"] == 0
    assert got["requests"] == [], got["requests"]               # \require and friends load nothing
    assert "{{Front}}" in got["text"].replace(WORD_JOINER, "")
