"""Quiz questions from the shipped notes: reproducible, fair, true to the store."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from papercards.cli import main
from papercards.quiz import load_pool, normalize
from papercards.quiz.pool import select_papers
from papercards.quiz.render import jsonout
from papercards.diagnostics import InputError

from quiz_helpers import QUIZ_N, built_project, items_by_id, papers, quizzes, texts_of


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_project(tmp_path_factory.mktemp("quiz") / "proj")


@pytest.fixture(scope="module")
def quiz40(built):
    return quizzes(built, versions=2)


def _all_questions(built):
    """Questions of several seeds and directions: what the checks below run over."""
    out = []
    for seed in (1, 2, 3):
        for direction in ("mixed", "en-zh", "zh-en"):
            try:
                qs = quizzes(built, seed=seed, direction=direction, questions=20)
            except InputError:
                continue
            out += qs[0].questions
    return out


@pytest.fixture(scope="module")
def many(built, quiz40):
    return quiz40[0].questions + _all_questions(built)


def test_a_full_quiz_of_every_type(quiz40):
    qs = quiz40[0].questions
    assert len(qs) == QUIZ_N
    kinds = {q.type for q in qs}
    assert kinds == {"mcq", "cloze", "match", "tf"}
    assert [q.number for q in qs] == list(range(1, QUIZ_N + 1))


def test_same_seed_same_bytes(built, quiz40):
    again = quizzes(built, versions=2)
    assert [jsonout.render(q) for q in again] == [jsonout.render(q) for q in quiz40]


def test_other_seed_other_quiz(built, quiz40):
    other = quizzes(built, seed=2)
    assert jsonout.render(other[0]) != jsonout.render(quiz40[0])


def test_mcq_one_right_option_no_duplicates(many):
    mcqs = [q for q in many if q.type == "mcq"]
    assert mcqs
    for q in mcqs:
        assert len(q.correct) == 1, q.prompt
        assert 4 <= len(q.options) <= 5, q.prompt
        keys = [normalize.key(o) for o in q.options]
        assert len(set(keys)) == len(keys), q.options
        assert normalize.key(q.prompt) not in keys
        assert not any(re.search(r"all of the above|以上都", o, re.I) for o in q.options)
        for o in q.options:
            assert not re.search(r"\\text[a-z]+\{", o), o           # no LaTeX source shown
            assert not re.match(r"\s*(?:[-*+]|\d+\.)\s", o), o     # no list markers


def test_cloze_answers_are_in_their_source_items(built, many):
    items = items_by_id(built)
    clozes = [q for q in many if q.type == "cloze"]
    assert clozes
    for q in clozes:
        assert q.blanks and len(re.findall(r"\{\{\d+\}\}", q.prompt)) == len(q.blanks)
        first = items[q.sources[0]].item
        for accepted in q.blanks:
            assert normalize.key(accepted[0]) in normalize.key(" ".join(texts_of(first))), (accepted, first.id)
            for answer in accepted:
                assert any(normalize.key(answer) in normalize.key(" ".join(texts_of(items[s].item)))
                           for s in q.sources), (answer, q.sources)
            # the blank is not visible elsewhere in the prompt
            assert normalize.key(accepted[0]) not in normalize.key(re.sub(r"\{\{\d+\}\}", " ", q.prompt))


def _names(item) -> set[str]:
    f = item.fields
    out = {normalize.key(v) for k, v in f.items() if k in ("term", "english", "chinese", "definition") and v}
    if f.get("term") and f.get("english"):
        out.add(normalize.key(f"{f['english']} ({f['term']})"))
    return out


def test_matching_pairs_are_true_pairs(built, many):
    items = items_by_id(built)
    matches = [q for q in many if q.type == "match"]
    assert matches
    for q in matches:
        assert 5 <= len(q.pairs) <= 8
        assert sorted(q.right_order) == list(range(len(q.pairs)))
        rights = [normalize.key(r) for _, r in q.pairs]
        assert len(set(rights)) == len(rights)
        for (left, right), source in zip(q.pairs, q.sources):
            names = _names(items[source].item)
            assert normalize.key(left) in names and normalize.key(right) in names, (left, right, source)


_TF = [
    (r"The Chinese term for \*\*(?P<shown>.+?)\*\* is (?P<partner>.+)\.", "zh"),
    (r"\*\*(?P<shown>.+?)\*\* 的英文是 (?P<partner>.+)。", "en"),
    (r"\*\*(?P<shown>.+?)\*\* (?:is|are) proposed in \*(?P<partner>.+)\*\.", "paper-en"),
    (r"\*\*(?P<shown>.+?)\*\* 是在《(?P<partner>.+)》中提出的。", "paper-zh"),
    (r"\*\*(?P<shown>.+?)\*\* is discussed in \*(?P<partner>.+)\*\.", "paper-en"),
    (r"《(?P<partner>.+)》讨论了 \*\*(?P<shown>.+?)\*\*。", "paper-zh"),
    (r"The Chinese title of \*(?P<shown>.+)\* is 《(?P<partner>.+)》\.", "zh"),
    (r"《(?P<shown>.+)》的英文标题是 \*(?P<partner>.+)\*。", "en"),
]


def test_true_false_statements_are_what_the_key_says(built, many):
    items = items_by_id(built)
    info = papers(built)
    tfs = [q for q in many if q.type == "tf"]
    assert {q.correct[0] for q in tfs} == {0, 1}           # both true and false statements
    for q in tfs:
        item = items[q.sources[0]].item
        for pattern, side in _TF:
            m = re.fullmatch(pattern, q.prompt)
            if m:
                break
        else:
            pytest.fail(f"unknown statement shape: {q.prompt}")
        partner = m.group("partner")
        if side.startswith("paper"):
            key = item.papers[0] if item.kind == "term" else item.paper
            truth = info[key].title if side == "paper-en" else info[key].title_zh
        elif item.kind == "term":
            truth = item.fields.get("chinese") if side == "zh" else (item.fields.get("english") or item.fields["term"])
        else:
            truth = item.fields["chinese"] if side == "zh" else item.fields["english"]
        assert (normalize.key(partner) == normalize.key(truth)) == (q.correct == [0]), q.prompt
        assert normalize.key(truth) in normalize.key(q.explanation)


def test_suspended_items_never_appear(tmp_path):
    root = built_project(tmp_path / "proj")
    glossary = root / "cards" / "glossary.yaml"
    text = glossary.read_text(encoding="utf-8")
    suspended = ["term/DRO", "term/preference-drift", "term/pairwise-noise"]
    for item_id in suspended:
        text = text.replace(f"- id: {item_id}\n", f"- id: {item_id}\n  suspended: true\n", 1)
    glossary.write_text(text, encoding="utf-8")
    paper_file = root / "cards" / "iclr2025-dpo" / "PabAln0jjB.yaml"
    text = paper_file.read_text(encoding="utf-8")
    for item_id in ("PabAln0jjB/method/ns-dpo", "PabAln0jjB/cloze/e261d6ff"):
        text = text.replace(f"- id: {item_id}\n", f"- id: {item_id}\n  suspended: true\n", 1)
        suspended.append(item_id)
    paper_file.write_text(text, encoding="utf-8")
    pool = load_pool(root / "cards")
    assert not {i.id for i in pool.items} & set(suspended)
    for seed in (1, 2, 3, 4):
        for q in quizzes(root, seed=seed, questions=QUIZ_N)[0].questions:
            assert not set(q.sources) & set(suspended), (q.prompt, q.sources)
            assert "分布稳健优化" not in [normalize.plain(r) for _, r in q.pairs]


def test_papers_by_key_title_and_method(built):
    pool = load_pool(built / "cards")
    assert select_papers(pool.papers, pool.items, ["PabAln0jjB"]) == ("PabAln0jjB",)
    assert select_papers(pool.papers, pool.items, ["ns-dpo"]) == ("PabAln0jjB",)          # short / method
    assert select_papers(pool.papers, pool.items, ["right now, wrong"]) == ("PabAln0jjB",)  # title substring
    assert select_papers(pool.papers, pool.items, ["偏好漂移"]) == ("PabAln0jjB",)          # 中文 title
    assert select_papers(pool.papers, pool.items, ["DPO-COV"]) == ("K2OWrXUVby",)          # method name
    assert select_papers(pool.papers, pool.items, ["Samplers"]) == ("F6z3utfcYw",)


def test_quiz_on_two_papers_asks_only_about_them(built):
    qs = quizzes(built, papers=("NS-DPO", "UNA"), questions=10)[0].questions
    assert len(qs) == 10
    items = items_by_id(built)
    for q in qs:
        assert q.paper in ("PabAln0jjB", "ZSbsX1sFo3", None), q.prompt
        for s in q.sources:
            item = items[s].item
            assert item.paper in ("PabAln0jjB", "ZSbsX1sFo3") or \
                set(item.papers) & {"PabAln0jjB", "ZSbsX1sFo3"}, s


def test_versions_same_questions_other_order(quiz40):
    a, b = quiz40
    assert (a.version, b.version) == ("A", "B")
    assert sorted(q.id for q in a.questions) == sorted(q.id for q in b.questions)
    assert [q.id for q in a.questions] != [q.id for q in b.questions]
    by_id = {q.id: q for q in b.questions}
    for q in a.questions:
        other = by_id[q.id]
        if q.type == "mcq":
            assert sorted(q.options) == sorted(other.options)
            assert q.options[q.correct[0]] == other.options[other.correct[0]]
        if q.type == "match":
            assert q.pairs == other.pairs
            assert [q.pairs[i] for i in q.right_order] and sorted(q.right_order) == sorted(other.right_order)


def _run(*args):
    return CliRunner().invoke(main, ["quiz", *args])


def test_unknown_paper_is_bad_input(built, tmp_path):
    result = _run("-C", str(built), "--papers", "No Such Paper", "--formats", "json", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "no paper matches 'No Such Paper'" in result.output
    assert "NS-DPO" in result.output and "UNA" in result.output      # the papers there are
    assert not list(tmp_path.iterdir())


def test_too_many_questions_says_how_many(built, tmp_path):
    result = _run("-C", str(built), "-n", "500", "--formats", "json", "--out", str(tmp_path))
    assert result.exit_code == 1
    m = re.search(r"only (\d+) question\(s\) can be made", result.output)
    assert m and QUIZ_N <= int(m.group(1)) < 500
    result = _run("-C", str(built), "-n", "30", "--types", "match", "--formats", "json", "--out", str(tmp_path))
    assert result.exit_code == 1 and "with types match" in result.output


def test_cli_writes_the_formats_asked(built, tmp_path):
    result = _run("-C", str(built), "-n", "8", "--seed", "7", "--versions", "2", "--types", "mcq,cloze,tf",
                  "--papers", "NS-DPO,UNA", "--formats", "md,json", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["quiz-A.json", "quiz-A.md", "quiz-B.json", "quiz-B.md"]
    assert "Quiz:  8 questions" in result.output and "quiz-B.json" in result.output


def test_cli_bad_type_is_usage_error(built):
    assert _run("-C", str(built), "--types", "essay").exit_code == 2
    assert _run("-C", str(built), "--formats", "docx").exit_code == 2


def test_empty_store_builds_first(project, tmp_path):
    result = _run("-C", str(project), "-n", "10", "--formats", "json", "--out", str(tmp_path / "q"))
    assert result.exit_code == 0, result.output
    assert "building the notes first" in result.output
    assert (project / "cards" / "glossary.yaml").exists()
    assert (tmp_path / "q" / "quiz-A.json").exists()


def _quizzes_per_seed(built):
    out = []
    for seed in range(1, 9):
        for direction in ("mixed", "zh-en"):
            out.append(quizzes(built, seed=seed, direction=direction, questions=QUIZ_N)[0].questions)
    return out


def test_no_question_tells_where_another_questions_wrong_option_comes_from(built):
    """A wrong option that is another item's text (a claim's answer) is never quoted by
    another question of the same quiz ("Which paper says: …?"): that would tell a
    careful student the option belongs to another paper."""
    titles = {normalize.key(t) for info in papers(built).values() for t in (info.title, info.title_zh) if t}
    checked = 0
    for questions in _quizzes_per_seed(built):
        prompts = [(q, normalize.key(q.prompt)) for q in questions]
        for q in questions:
            if q.type != "mcq":
                continue
            for i, option in enumerate(q.options):
                key = normalize.key(option)
                statement = len(option.split()) >= 6 or len(re.findall(r"[\u4e00-\u9fff]", option)) >= 15
                if i in q.correct or not statement or key in titles:    # names and titles are everywhere
                    continue
                checked += 1
                quoting = [p.number for p, pk in prompts if p is not q and key in pk]
                assert not quoting, f"Q{q.number} option {option!r} is quoted by Q{quoting}"
    assert checked > 20                              # the test looked at something
