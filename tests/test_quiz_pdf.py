"""The printable quiz (Typst → PDF), checked with poppler's own tools: page size,
extractable Chinese text, embedded fonts, the key on its own page, no question
split across pages, the clear message when no CJK font is installed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from quiz_fixture import LONG_ZH, make_quiz, shipped_quiz

from papercards.quiz.render import fonts, pdf, rich


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def squash(s: str) -> str:
    """Text without any whitespace: pdftotext puts spaces and line ends where the layout has them."""
    return re.sub(r"\s+", "", s)


def pages(path: Path) -> list[str]:
    n = int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(path)), re.MULTILINE).group(1))
    return [_run("pdftotext", "-layout", "-f", str(i), "-l", str(i), "-enc", "UTF-8", str(path), "-") for i in range(1, n + 1)]


@pytest.fixture(scope="module")
def quiz():
    return make_quiz()


@pytest.fixture(scope="module")
def a4(quiz, tmp_path_factory, cjk_font, poppler) -> Path:
    """The quiz as an A4 PDF (made with the machine's Chinese font, read back with poppler)."""
    path = tmp_path_factory.mktemp("pdf") / "quiz-a4.pdf"
    path.write_bytes(pdf.render(quiz, paper="A4"))
    return path


def test_a4_and_letter_page_sizes(quiz, a4, tmp_path):
    assert "(A4)" in _run("pdfinfo", str(a4))
    letter = tmp_path / "quiz-letter.pdf"
    letter.write_bytes(pdf.render(quiz, paper="Letter"))
    info = _run("pdfinfo", str(letter))
    assert re.search(r"Page size:\s+612 x 792 pts \(letter\)", info), info
    with pytest.raises(ValueError, match="A4 or Letter"):
        pdf.render(quiz, paper="A5")


def test_chinese_text_is_extractable(a4):
    text = squash("".join(pages(a4)))
    assert squash(LONG_ZH) in text                    # a long Chinese paragraph, whole
    assert "DPO的中文是？" in text
    assert "近端策略优化" in text and "直接偏好优化" in text
    assert "Answerkey答案" in text


def test_every_font_is_embedded(a4):
    rows = _run("pdffonts", str(a4)).splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        # name type [type] encoding emb sub uni id gen: "emb" is the 5th field from the end
        fields = row.split()
        assert fields[-5] == "yes", f"font not embedded: {row}"
        assert fields[-3] == "yes", f"font without a ToUnicode map: {row}"
    assert any("CJK" in row for row in rows), rows


def test_answer_key_starts_on_its_own_page(quiz, a4):
    texts = [squash(p) for p in pages(a4)]
    key_pages = [i for i, t in enumerate(texts) if t.startswith("Answerkey答案")]
    assert len(key_pages) == 1, "the key must start at the top of a page"
    k = key_pages[0]
    assert k >= 1
    for page in texts[k:]:                            # no question text on the key pages
        assert "Name姓名" not in page
        assert squash(LONG_ZH)[:20] not in page
    last = quiz.questions[-1]
    assert _head(last) in texts[k - 1]                # the last question is just before the key
    # the key lists every question with its source paper
    key_text = "".join(texts[k:])
    assert "NS-DPO" in key_text and "Glossary术语" in key_text
    assert "(1)在线采样器/onlinesampler" in key_text


def _head(q) -> str:
    return squash(rich.plain(rich.spans(q.prompt), blank="\0").split("\0")[0])[:30]


def _tail(q) -> str:
    """The last words of a question as printed (its last option, pair or words)."""
    if q.type in ("mcq", "tf"):
        last = q.options[-1]
    elif q.type == "match":
        last = q.pairs[q.right_order[-1]][1]
    else:
        last = q.prompt.rsplit("}}", 1)[-1]
    return squash(rich.plain(rich.spans(last), blank=""))[-10:]


def test_no_question_is_split_across_pages(quiz, a4):
    assert_whole_questions(quiz, a4)


def assert_whole_questions(quiz, path: Path) -> None:
    """Each question's first words and last words are on the same page."""
    texts = [squash(p) for p in pages(path)]
    body = [t for t in texts if not t.startswith("Answerkey")]
    assert len(body) >= 2, "the quiz should run over more than one page"
    qs = quiz.questions

    def at(q, page: str, after: int = 0):
        """Where question q starts on a page: its number, then its first words."""
        m = re.compile(rf"(?<!\d){q.number}\.{re.escape(_head(q))}").search(page, after)
        return m.start() if m else None

    for i, q in enumerate(qs):
        found = [n for n, t in enumerate(body) if at(q, t) is not None]
        assert len(found) == 1, f"question {q.number} found on pages {found}"
        page = body[found[0]]
        start = at(q, page)
        end = at(qs[i + 1], page, start) if i + 1 < len(qs) else None
        assert _tail(q) in page[start:end], f"question {q.number} does not end on the page it starts on"


def test_same_quiz_same_bytes(quiz, a4):
    assert pdf.render(quiz, paper="A4") == a4.read_bytes()


def test_note_text_is_never_typst_markup(a4):
    text = squash("".join(pages(a4)))
    # Typst's markup characters (# * _ $ [ ] < > @ &) printed as written; Markdown still applies
    for literal in ("#notmarkup*", "linkunder", "html&@ref", "$x$", "price5$"):
        assert literal in text
    assert "β" in text and "≤" in text                  # simple math as clean text
    assert "\\begin{matrix}" in text


def test_missing_cjk_font_says_what_to_install(quiz, monkeypatch):
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    monkeypatch.setattr(fonts, "_fontconfig_faces", list)
    monkeypatch.setattr(fonts, "_FONT_DIRS", ())
    fonts._find_cached.cache_clear()
    try:
        with pytest.raises(fonts.FontNotFound) as exc:
            pdf.render(quiz, paper="A4")
    finally:
        fonts._find_cached.cache_clear()
    message = str(exc.value)
    assert "fonts-noto-cjk" in message and "Noto Sans CJK SC" in message and fonts.ENV_VAR in message
    assert isinstance(exc.value, fonts.InputError)     # the CLI reports it, exit code 1


def test_font_override(quiz, monkeypatch, tmp_path, cjk_font):
    monkeypatch.setenv(fonts.ENV_VAR, str(tmp_path / "nope.ttf"))
    with pytest.raises(fonts.FontNotFound, match="no such font file"):
        fonts.find_cjk_font()
    found = fonts._find_cached()
    monkeypatch.setenv(fonts.ENV_VAR, str(found.files[0]))
    assert fonts.find_cjk_font().family == found.family


# --- the shipped notes, end to end ------------------------------------------------

@pytest.fixture(scope="module")
def shipped(tmp_path_factory, cjk_font, poppler):
    root = tmp_path_factory.mktemp("shipped") / "proj"
    quiz = shipped_quiz(root)
    paths = {}
    for paper in ("A4", "Letter"):
        paths[paper] = root / f"quiz-{paper}.pdf"
        paths[paper].write_bytes(pdf.render(quiz, paper=paper))
    return quiz, paths


def test_shipped_quiz_pdf(shipped):
    quiz, paths = shipped
    assert "(A4)" in _run("pdfinfo", str(paths["A4"]))
    assert "612 x 792 pts (letter)" in _run("pdfinfo", str(paths["Letter"]))
    for path in paths.values():
        rows = _run("pdffonts", str(path)).splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows), rows
        texts = [squash(p) for p in pages(path)]
        everything = "".join(texts)
        chinese = [q for q in quiz.questions if rich.plain(rich.spans(q.prompt)).count("的") or
                   any("\u4e00" <= ch <= "\u9fff" for ch in q.prompt)]
        assert chinese, "the shipped quiz has Chinese questions"
        for q in chinese:                             # every Chinese prompt comes back out of the PDF
            assert _head(q) in everything, q.prompt
        key = [i for i, t in enumerate(texts) if t.startswith("Answerkey答案")]
        assert len(key) == 1 and key[0] >= 1
        assert all(_head(q) not in "".join(texts[key[0]:]) or q.type == "tf" for q in quiz.questions[:3])
        assert_whole_questions(quiz, path)


def test_cli_without_cjk_font(project, monkeypatch):
    from click.testing import CliRunner

    from papercards.build import build
    from papercards.cli import main
    from papercards.config import load_config

    build(load_config(project))
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    monkeypatch.setattr(fonts, "_fontconfig_faces", list)
    monkeypatch.setattr(fonts, "_FONT_DIRS", ())
    fonts._find_cached.cache_clear()
    try:
        result = CliRunner().invoke(main, ["quiz", "-C", str(project), "-n", "10", "--formats", "html,pdf"])
    finally:
        fonts._find_cached.cache_clear()
    assert result.exit_code == 1, result.output
    assert "no Chinese (CJK) font found" in result.output and "fonts-noto-cjk" in result.output
    assert "Traceback" not in result.output
    assert not list((project / "decks").glob("quizzes/*"))        # nothing half-written
