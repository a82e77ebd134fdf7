"""The offline quiz page in a real browser (Debian's chromium, driven by Playwright):
answering everything right gives a perfect score, the page makes no network
request, fits a 375 px phone, works from the keyboard, and keeps the learner's
place (answers in local storage) through a reload or a closed tab."""

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
            page.locator(f"{sel} .check").tap()
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
    while page.evaluate("document.activeElement.className") != "check":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.locator("#q1 .feedback.right").is_visible()
    # on to question 2 and answer it with Enter
    while page.evaluate("document.activeElement.closest('.q')?.id") != "q2":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.locator("#q2 .opt[data-i='0']").get_attribute("aria-pressed") == "true"
    while page.evaluate("document.activeElement.className") != "check":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
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


# --------------------------------------------------------------------------- keeping its place

def storage_key(data: dict) -> str:
    return f"papercards:quiz:{data['id']}:{data['version']}"


def progress_of(page) -> tuple[str, str, str]:
    return (page.locator("#progress").text_content(), page.locator("#live-score").text_content(),
            page.locator("#score").text_content())


def test_answers_survive_a_reload_and_a_closed_tab(session):
    page, data = session.page, session.data()
    right = data["questions"][0]["correct"][0]
    page.locator(f"#q1 .opt[data-i='{right}']").tap()
    page.locator("#q1 .check").tap()                                   # checked
    page.locator("#q2 .opt[data-i='2']").tap()                         # picked, not checked
    page.locator("#q5 input.blank[data-b='0']").fill("在线采样器")       # typed, not checked
    match = data["questions"][6]["match"]
    for row, col in enumerate(match):
        page.locator(f"#q7 select[data-row='{row}']").select_option(str(col))
    page.locator("#q7 .check").tap()
    before = progress_of(page)
    assert before == ("2 / 30", "2", "2 / 30")
    assert json.loads(page.evaluate(f"localStorage.getItem({storage_key(data)!r})"))

    def same_place(page):
        assert progress_of(page) == before
        assert page.locator("#q1 .feedback.right").is_visible()
        assert page.locator(f"#q1 .opt[data-i='{right}']").get_attribute("aria-pressed") == "true"
        assert page.locator("#q2 .opt[data-i='2']").get_attribute("aria-pressed") == "true"
        assert not page.locator("#q2 .feedback").is_visible()
        assert page.locator("#q2 .check").is_enabled()
        assert page.locator("#q5 input.blank[data-b='0']").input_value() == "在线采样器"
        assert not page.locator("#q5 .feedback").is_visible()
        assert [page.locator(f"#q7 select[data-row='{r}']").input_value() for r in range(len(match))] \
            == [str(c) for c in match]
        assert page.locator("#q7 .feedback.right").is_visible()

    page.reload()
    same_place(page)
    page.close()                                    # the phone dropped the tab; the learner comes back
    again = session.context.new_page()
    again.goto(session.url)
    same_place(again)
    assert session.errors == []


def test_answers_are_kept_per_quiz_version(browser, tmp_path):
    for version in ("A", "B"):
        (tmp_path / f"quiz-{version}.html").write_text(qhtml.render(make_quiz(version)), encoding="utf-8")
    s = Session(browser, tmp_path / "quiz-A.html", viewport={"width": 375, "height": 740}, has_touch=True)
    try:
        answer_all(s.page, s.data())
        b = s.context.new_page()
        b.goto((tmp_path / "quiz-B.html").resolve().as_uri())
        assert b.locator("#score").text_content() == "0 / 30"
        keys = s.page.evaluate("Object.keys(localStorage)")
        assert keys == [storage_key(s.data())]
    finally:
        s.close()


def test_start_over_asks_first(session):
    page, data = session.page, session.data()
    answer_all(page, data)
    confirm = page.locator("#confirm-restart")
    assert not confirm.is_visible()
    page.locator("#restart").tap()
    assert confirm.is_visible() and "Clear all your answers" in confirm.text_content()
    assert page.locator("#score").text_content() == "30 / 30"          # nothing cleared yet
    page.locator("#restart-no").tap()
    assert not confirm.is_visible()
    page.reload()
    assert page.locator("#score").text_content() == "30 / 30"
    page.locator("#restart").tap()
    page.locator("#restart-yes").tap()
    assert not confirm.is_visible()
    assert progress_of(page) == ("0 / 30", "0", "0 / 30")
    assert page.locator(".feedback:visible").count() == 0
    assert page.locator("#q5 input.blank[data-b='0']").input_value() == ""
    page.reload()                                   # cleared for good, not only on screen
    assert progress_of(page) == ("0 / 30", "0", "0 / 30")
    assert page.locator(".opt[aria-pressed='true']").count() == 0
    assert session.errors == []


def test_an_answer_can_change_until_it_is_checked(session):
    page, data = session.page, session.data()
    right = data["questions"][0]["correct"][0]
    wrong = (right + 1) % 4
    assert page.locator("#q1 .check").is_disabled()                    # nothing picked yet
    page.locator(f"#q1 .opt[data-i='{wrong}']").tap()
    assert not page.locator("#q1 .feedback").is_visible()              # a pick is not an answer yet
    page.locator(f"#q1 .opt[data-i='{right}']").tap()                  # changed mind
    assert page.locator(".opt[aria-pressed='true']").count() == 1
    page.locator("#q1 .check").tap()
    assert page.locator("#q1 .feedback.right").is_visible()
    page.locator(f"#q1 .opt[data-i='{wrong}']").tap(force=True)       # checked: final
    assert page.locator(f"#q1 .opt[data-i='{right}']").get_attribute("aria-pressed") == "true"
    assert page.locator("#live-score").text_content() == "1"
    page.locator("#q6 input.blank").fill("wrong")
    page.locator("#q6 input.blank").fill("drastic")                    # typed over before checking
    page.locator("#q6 .check").tap()
    assert page.locator("#q6 .feedback.right").is_visible()
    assert page.locator("#q6 input.blank").evaluate("i => i.readOnly")


def test_matching_scores_each_pair_and_names_the_right_term(session):
    page, data = session.page, session.data()
    q = data["questions"][6]
    assert q["type"] == "match" and len(q["match"]) == 6
    picks = list(q["match"])
    picks[0], picks[1] = picks[1], picks[0]                             # two pairs swapped: 4 of 6
    for row, col in enumerate(picks):
        page.locator(f"#q7 select[data-row='{row}']").select_option(str(col))
    page.locator("#q7 .check").tap()
    fb = page.locator("#q7 .feedback")
    assert "partial" in fb.get_attribute("class")
    assert "4 of 6 pairs right" in fb.locator(".verdict").text_content()
    assert page.locator("#live-score").text_content() == "0.7"           # 4/6 of a point
    assert page.locator("#score").text_content() == "0.7 / 30"
    fixes = page.locator("#q7 .fix").all_text_contents()
    want = [f"→ {chr(65 + q['match'][row])}. {q['choices'][q['match'][row]]}" for row in (0, 1)]
    assert fixes == want, fixes
    assert q["choices"][q["match"][0]] == "直接偏好优化"                   # row 1 is DPO
    page.reload()                                                       # the partial credit is kept
    assert page.locator("#score").text_content() == "0.7 / 30"
    assert session.errors == []


TAPPABLE = "button, select, summary, input.blank, .controls label"


def test_every_option_and_button_is_a_44px_tap_target(session):
    page = session.page
    page.locator("#restart").tap()                  # the confirm buttons too
    page.locator("#key summary").tap()
    small = page.evaluate("""sel => Array.from(document.querySelectorAll(sel))
        .filter(e => e.getClientRects().length)
        .map(e => [e.id || e.className || e.tagName, e.getBoundingClientRect()])
        .filter(([, r]) => r.width < 44 || r.height < 44)
        .map(([n, r]) => n + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))""", TAPPABLE)
    assert small == []
    counted = page.evaluate("sel => Array.from(document.querySelectorAll(sel)).filter(e => e.getClientRects().length).length",
                            TAPPABLE)
    assert counted > 100            # every option of 30 questions, checks, selects, blanks, controls


def test_the_answer_key_says_it_opens(session):
    page = session.page
    summary = page.locator("#key summary")
    assert "Answer key" in summary.inner_text() and "tap to open" in summary.inner_text()
    assert not page.locator("#key ol").is_visible()
    summary.tap()
    assert page.locator("#key ol").is_visible() and "tap to close" in summary.inner_text()


TAMPERED = [
    "not json {",
    "null", "42", '"text"', "[]",
    json.dumps({"answers": None}),
    json.dumps({"answers": {"__proto__": {"checked": True}, "mcq-1": {"pick": 1e9, "checked": True},
                            "mcq-2": {"pick": "1", "checked": "yes"}, "tf-8": {"pick": -1},
                            "cloze-5": {"blanks": ["<img src=x onerror=window.pwned=1>", {"a": 1}],
                                        "checked": True},
                            "cloze-6": {"blanks": "<b>x</b>"},
                            "match-7": {"match": [99, -1, "0", None, 1.5, "<i>"], "checked": True}}}),
]


@pytest.mark.parametrize("value", TAMPERED)
def test_a_tampered_stored_value_neither_breaks_nor_injects(session, value):
    page, data = session.page, session.data()
    markup = "document.querySelectorAll('img, [onerror], .fix *, .verdict *').length"
    clean = page.evaluate(markup)
    # set before the page's script runs (leaving the page saves what it shows, over any value set now)
    session.context.add_init_script(f"""if (!sessionStorage.getItem("tampered")) {{
        sessionStorage.setItem("tampered", "1");
        localStorage.setItem({json.dumps(storage_key(data))}, {json.dumps(value)});
    }}""")
    page.reload()
    assert page.evaluate(f"localStorage.getItem({json.dumps(storage_key(data))})") == value
    assert session.errors == []
    assert page.evaluate("window.pwned") is None
    assert page.evaluate(markup) == clean
    assert page.locator("#q1 .opt[aria-pressed='true']").count() == 0
    if "cloze-5" in value:                          # kept as the text it is
        assert page.locator("#q5 input.blank[data-b='0']").input_value() == "<img src=x onerror=window.pwned=1>"
        assert page.locator("#q5 .feedback.wrong").is_visible()
        assert page.locator("#q7 .feedback.wrong").is_visible()          # all six pairs unanswered
    page.locator("#restart").tap()
    page.locator("#restart-yes").tap()
    answer_all(page, data)                          # and the page still works
    assert page.locator("#score").text_content() == "30 / 30"
    assert session.errors == []


BLOCKED = "Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('denied', 'SecurityError'); }});"
FULL = ("Storage.prototype.setItem = function (k) { if (k.startsWith('papercards:quiz:')) "
        "throw new DOMException('full', 'QuotaExceededError'); };")


@pytest.mark.parametrize("script", [BLOCKED, FULL], ids=["blocked", "full"])
def test_the_quiz_works_without_storage(browser, page_file, script):
    s = Session(browser, page_file, viewport={"width": 375, "height": 740}, has_touch=True)
    try:
        s.context.add_init_script(script)
        s.page.reload()
        answer_all(s.page, s.data())
        assert s.page.locator("#score").text_content() == "30 / 30"
        assert s.page.locator("#keep-note").is_visible()
        assert "cannot be kept" in s.page.locator("#keep-note").text_content()
        assert s.errors == []
    finally:
        s.close()
