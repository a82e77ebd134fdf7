"""The plain exports: CSV, TSV, Markdown, JSON, the write step and `papercards quiz --help`."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from papercards.cli import main
from papercards.quiz import write_quiz
from papercards.quiz.render import jsonout, markdown, table
from papercards.quiz.render.plain import one_line

from quiz_helpers import QUIZ_N, built_project, quizzes


@pytest.fixture(scope="module")
def quiz(tmp_path_factory):
    root = built_project(tmp_path_factory.mktemp("exports") / "proj")
    return quizzes(root, versions=2)


def _expected_rows(q) -> int:
    return sum(len(x.pairs) if x.type == "match" else 1 for x in q.questions)


def test_csv_parses_two_columns(quiz):
    text = table.render_csv(quiz[0])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == _expected_rows(quiz[0])
    assert all(len(r) == 2 and r[0] and r[1] for r in rows)
    assert any("," in r[0] or "," in r[1] for r in rows)          # quoting was needed, and worked


def test_tsv_one_card_per_line(quiz):
    text = table.render_tsv(quiz[0])
    lines = text.splitlines()
    assert lines[:2] == ["#separator:tab", "#html:false"]
    cards = lines[2:]
    assert len(cards) == _expected_rows(quiz[0])
    for line in cards:
        front, back = line.split("\t")                           # exactly two columns
        assert front.strip() and back.strip()
        assert "**" not in front and "{{" not in front            # plain text, blanks drawn as ____
    assert text.endswith("\n") and "\r" not in text


def test_markdown_has_questions_then_the_key(quiz):
    md = markdown.render(quiz[0])
    head, key = md.split("## Answer key", 1)
    for q in quiz[0].questions:
        assert f"**{q.number}.**" in head
        m = re.search(rf"^{q.number}\. (.+)$", key, re.M)
        assert m, q.number
        assert quiz[0].paper_label(q.paper) in m.group(1)          # the source paper of each answer
        if q.type == "mcq":
            assert m.group(1).startswith(q.answer_letters()[0] + ".")
    assert "{{" not in head and "\\text" not in md
    assert "Name" in head and "Score" in head


def test_json_schema(quiz):
    data = json.loads(jsonout.render(quiz[1]))
    assert data["version"] == "B" and data["seed"] == 1 and data["count"] == QUIZ_N
    assert set(data) >= {"title", "version", "seed", "direction", "papers", "questions"}
    for q in data["questions"]:
        assert set(q) >= {"number", "id", "type", "prompt", "options", "correct", "answer", "sources", "paper"}
        assert q["sources"]
        if q["type"] == "mcq":
            assert len(q["correct"]) == 1 and q["answer"] == one_line(q["options"][q["correct"][0]])
        if q["type"] == "cloze":
            assert q["blanks"] and all(q["blanks"])
        if q["type"] == "match":
            assert len(q["pairs"]) == len(q["right_order"]) == len(q["match_key"])
    assert jsonout.render(quiz[1]) == json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    assert "\\u" not in jsonout.render(quiz[1])                    # Chinese as Chinese


def test_write_only_the_formats_asked(quiz, tmp_path):
    paths = write_quiz(quiz, tmp_path / "out", ["md", "csv", "tsv", "gift", "json"], name="week 3")
    names = [p.name for p in paths]
    assert names == [f"week-3-{v}{s}" for v in "AB" for s in (".md", ".csv", ".tsv", ".gift.txt", ".json")]
    assert all(p.exists() and p.stat().st_size for p in paths)
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]   # no temp files left


def test_quiz_help():
    result = CliRunner().invoke(main, ["quiz", "--help"])
    assert result.exit_code == 0
    for option in ("--papers", "--questions", "--types", "--seed", "--versions", "--direction",
                   "--paper-size", "--formats", "--out", "-C, --project"):
        assert option in result.output
    assert "quiz" in CliRunner().invoke(main, ["--help"]).output
