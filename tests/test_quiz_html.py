"""The offline quiz page in a real browser (Debian's chromium, driven by Playwright):
answering everything right gives a perfect score, the page makes no network
request, fits a 375 px phone, and works from the keyboard."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from quiz_fixture import make_quiz, shipped_quiz

from papercards.quiz.render import html as qhtml

@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("html") / "quiz.html"
    path.write_text(qhtml.render(make_quiz()), encoding="utf-8")
    return path


class Session:
    """One page, with every request and script error recorded."""

    def __init__(self, browser, path: Path, **context):
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)

    def data(self) -> dict:
        return json.loads(self.page.locator("#quiz-data").text_content())

    def close(self):
        self.context.close()


@pytest.fixture
def session(browser, page_file):
    s = Session(browser, page_file, viewport={"width": 375, "height": 740}, has_touch=True)
    yield s
    s.close()


def answer_all(page, data: dict, right: bool = True) -> None:
    for q in data["questions"]:
        sel = f"#q{q['n']}"
        if q["type"] in ("mcq", "tf"):
            pick = q["correct"][0] if right else (q["correct"][0] + 1) % len(q["options"])
            page.locator(f"{sel} .opt[data-i='{pick}']").tap()
        elif q["type"] == "cloze":
            for b, accepted in enumerate(q["blanks"]):
                page.locator(f"{sel} input.blank[data-b='{b}']").fill(accepted[-1] if right else "xyz")
            page.locator(f"{sel} .check").tap()
        elif q["type"] == "match":
            for row, col in enumerate(q["match"]):
                page.locator(f"{sel} select[data-row='{row}']").select_option(str(col if right else (col + 1) % len(q["match"])))
            page.locator(f"{sel} .check").tap()


def test_all_right_gives_a_perfect_score_and_no_request(session):
    data = session.data()
    n = len(data["questions"])
    assert n == 30 and {q["type"] for q in data["questions"]} == {"mcq", "cloze", "match", "tf"}
    assert session.page.locator("#score").text_content() == f"0 / {n}"
    answer_all(session.page, data)
    assert session.page.locator("#score").text_content() == f"{n} / {n}"
    assert "Perfect" in session.page.locator("#result-msg").text_content()
    assert session.page.locator(".feedback.right:visible").count() == n
    assert session.page.evaluate("document.documentElement.scrollWidth") <= 375   # still fits, feedback shown
    assert session.requests == [session.url], session.requests
    assert session.errors == []


def test_wrong_answers_show_the_right_one(session):
    data = session.data()
    answer_all(session.page, data, right=False)
    n = len(data["questions"])
    assert session.page.locator("#score").text_content() == f"0 / {n}"
    q1 = session.page.locator("#q1")
    assert q1.locator(".feedback").is_visible()
    assert "直接偏好优化" in q1.locator(".feedback .ans").text_content()
    assert q1.locator(".opt.right").count() == 1 and q1.locator(".opt.wrong").count() == 1
    assert session.page.locator("#q5 .fix").first.text_content() == "→ 在线采样器"
    assert session.errors == []


def test_cloze_answers_are_normalised(session):
    page = session.page
    page.locator("#q5 input.blank[data-b='0']").fill("  ONLINE  Sampler。")     # case, spaces, punctuation
    page.locator("#q5 input.blank[data-b='1']").fill("二次收敛")
    page.locator("#q5 input.blank[data-b='1']").press("Enter")                 # Enter checks
    assert page.locator("#q5 .feedback.right").is_visible()
    page.locator("#q6 input.blank").fill("ＤＲＡＳＴＩＣ")                       # full-width
    page.locator("#q6 .check").click()
    assert page.locator("#q6 .feedback.right").is_visible()
    assert page.locator("#live-score").text_content() == "2"


def test_phone_width_has_no_horizontal_scroll(session):
    page = session.page
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # tap targets: options and buttons at least 44 px high
    for sel in ("#q1 .opt", "#q8 .opt", "#q5 .check", "#q7 select"):
        box = page.locator(sel).first.bounding_box()
        assert box["height"] >= 44, (sel, box)


def test_keyboard_tab_and_space_or_enter_answer(session):
    page = session.page
    data = session.data()
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.closest('.q')?.id]")
    assert focused == ["opt", "q1"]
    right = data["questions"][0]["correct"][0]
    for _ in range(right):
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.locator(f"#q1 .opt[data-i='{right}']").get_attribute("aria-pressed") == "true"
    assert page.locator("#q1 .feedback.right").is_visible()
    # on to question 2 and answer it with Enter
    while page.evaluate("document.activeElement.closest('.q')?.id") != "q2":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.locator("#q2 .opt[data-i='0']").get_attribute("aria-pressed") == "true"
    assert page.locator("#progress").text_content().startswith("2 /")
    # focus is visible
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_dark_mode_and_print(browser, page_file):
    s = Session(browser, page_file, color_scheme="dark")
    try:
        bg = s.page.evaluate("getComputedStyle(document.body).backgroundColor")
        r, g, b = (int(x) for x in re.findall(r"\d+", bg)[:3])
        assert r + g + b < 150, bg
        s.page.emulate_media(media="print")
        assert not s.page.locator(".bar").is_visible()
        assert not s.page.locator("#q1 .check, #result").first.is_visible()
        assert s.page.locator(".fields").is_visible()               # Name / Date / Score lines
        assert not s.page.locator("#key").is_visible()              # the key only when asked for
        assert s.requests == [s.url]
    finally:
        s.close()


def test_page_is_self_contained_and_safe():
    quiz = make_quiz()
    quiz.questions[0].prompt = "</script><script>alert(1)</script> <img src=https://example.com/x.png alt=pic> **DPO**"
    page = qhtml.render(quiz)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "unsafe-eval" not in csp
    assert not re.search(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?:https?:)?//', page)
    assert "@import" not in page and "url(" not in page
    data = page.split('<script type="application/json" id="quiz-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data
    assert json.loads(data)["questions"][0]["type"] == "mcq"
    assert page.count("<script") == 2                       # the data and the page's own script
    assert "alert(1)" not in page                          # the sanitiser drops scripts with their content
    assert "example.com" not in page                       # images are never fetched: alt text only
    assert "<b>DPO</b>" in page


def test_injected_markup_stays_text(browser, tmp_path):
    quiz = make_quiz()
    quiz.questions[0].prompt = "x</script><script>window.pwned=1</script> <b onclick=alert(1)>b</b>"
    path = tmp_path / "q.html"
    path.write_text(qhtml.render(quiz), encoding="utf-8")
    s = Session(browser, path)
    try:
        assert s.page.evaluate("window.pwned") is None
        assert s.page.locator("#q1 .prompt b").get_attribute("onclick") is None
        assert s.errors == []
    finally:
        s.close()


def test_shipped_quiz_page(browser, tmp_path):
    quiz = shipped_quiz(tmp_path / "proj")
    path = tmp_path / "quiz.html"
    path.write_text(qhtml.render(quiz), encoding="utf-8")
    s = Session(browser, path, viewport={"width": 375, "height": 740}, has_touch=True)
    try:
        data = s.data()
        n = len(quiz.questions)
        assert len(data["questions"]) == n
        assert s.page.evaluate("document.documentElement.scrollWidth") <= 375
        answer_all(s.page, data)
        assert s.page.locator("#score").text_content() == f"{n} / {n}"
        assert s.page.evaluate("document.documentElement.scrollWidth") <= 375
        assert s.requests == [s.url], s.requests
        assert s.errors == []
    finally:
        s.close()
