"""Notes kept one paper per file, in topic folders: the file is the paper (its H1 and
metadata quote), numbered `##` sections are sections, an index README is skipped,
the folders give the deck tree, the key survives a rename or a move, and the link
row holds the paper's own links, absolute."""

from __future__ import annotations

import shutil
from pathlib import Path

from anki_engine import import_apkg, open_collection, strip_html
from click.testing import CliRunner

from papercards.build import build
from papercards.cli import main
from papercards.config import load_config

LAYOUT = Path(__file__).parent / "data" / "notes" / "layout"
GRASP = "source/03-robotics/grasping/GraspFlow_2026.md"
SECTIONS = ("一句话总结", "问题与动机", "核心方法", "实验", "参考", "局限")


def project(tmp_path: Path, config: str = "deck: Robots\n") -> Path:
    root = tmp_path / "proj"
    shutil.copytree(LAYOUT, root / "source")
    (root / "papercards.yaml").write_text(config, encoding="utf-8")
    return root


def run_build(root: Path):
    return build(load_config(root), now=1_700_000_000)


def imported_notes(tmp_path: Path, result) -> dict:
    """item id → (note, {deck names of its cards}) after importing into the real Anki engine."""
    col = open_collection(tmp_path)
    import_apkg(col, result.deck_path)
    out = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        out[note["ItemId"] if "ItemId" in note.keys() else note.guid] = (
            note, {col.decks.name(c.did) for c in note.cards()},
            [(strip_html(c.question()), strip_html(c.answer())) for c in note.cards()])
    col.close()
    return out


def test_each_paper_file_is_one_paper_and_the_index_is_skipped_once(tmp_path):
    result = run_build(project(tmp_path))
    papers = [p for nf in result.notes for p in nf.papers]
    assert sorted(p.short for p in papers) == ["GraspFlow", "PrefMix", "TouchNet"]
    # no paper is named after a section, whether or not the file has a `## 一句话总结`
    assert not [p for p in papers if any(s in p.title for s in SECTIONS)]
    index = [d for d in result.diagnostics if d.file.endswith("03-robotics/README.md")]
    assert [d.message for d in index] == ["an index of links to other notes, not a paper; skipped"]


def test_h1_and_metadata_reach_the_cards(tmp_path):
    result = run_build(project(tmp_path))
    info = result.papers["arxiv-2606.01234"]
    assert (info.short, info.title_zh) == ("GraspFlow", "基于流匹配的灵巧抓取")
    assert info.title == "GraspFlow: Flow Matching for Dexterous Grasp Synthesis"
    assert info.tags[:2] == ["dexterous grasping", "flow matching"]
    notes = imported_notes(tmp_path, result)
    grasp = [v for v in notes.values() if "papercards::paper::GraspFlow" in v[0].tags]
    assert grasp
    for note, _, faces in grasp:
        assert {"dexterous_grasping", "flow_matching"} <= {t.split("::")[-1] for t in note.tags}
        for _, back in faces:
            assert "GraspFlow: Flow Matching for Dexterous Grasp Synthesis" in back    # the English title
            assert "基于流匹配的灵巧抓取" in back


def test_topic_folders_give_the_deck_tree(tmp_path):
    notes = imported_notes(tmp_path, run_build(project(tmp_path)))
    decks = set().union(*(d for _, d, _ in notes.values()))
    assert {"Robots::03 robotics::grasping::GraspFlow", "Robots::03 robotics::grasping::TouchNet",
            "Robots::01 alignment::dpo::PrefMix"} <= decks
    assert not [d for d in decks if any(s in d for s in SECTIONS)]


def test_folder_decks_can_be_switched_off(tmp_path):
    notes = imported_notes(tmp_path, run_build(project(tmp_path, "deck: Robots\nfolder_decks: false\n")))
    decks = set().union(*(d for _, d, _ in notes.values()))
    assert "Robots::GraspFlow" in decks and not [d for d in decks if "robotics" in d]


def test_key_survives_rename_and_move(tmp_path):
    root = project(tmp_path)
    first = run_build(root)
    ids = {r.item.id for r in first.records}
    assert {"arxiv-2606.01234", "ToUcHnEt01", "prefmix-mixing-preferences-for-alignment"} <= set(first.papers)
    # renamed and moved to another topic folder: arXiv id, OpenReview id and title slug hold
    (root / "source/05-new-topic").mkdir()
    (root / GRASP).rename(root / "source/05-new-topic/graspflow-renamed.md")
    (root / "source/01-alignment/dpo/PrefMix_2025.md").rename(root / "source/05-new-topic/mix.md")
    second = run_build(root)
    assert {r.item.id for r in second.records if r.status != "retired"} == ids
    assert not second.report.new and not second.report.retired
    assert second.papers["arxiv-2606.01234"].folders == ["05 new topic"]


def test_link_row_is_the_papers_own_links_absolute(tmp_path):
    result = run_build(project(tmp_path))
    info = result.papers["arxiv-2606.01234"]
    hrefs = [info.pdf] + [link["href"] for link in info.links]
    assert hrefs == ["https://arxiv.org/pdf/2606.01234", "https://arxiv.org/abs/2606.01234",
                     "https://github.com/example/graspflow", "https://graspflow.example.org"]
    # the reference list's arXiv link and the relative link to another note are not the paper's
    assert result.papers["ToUcHnEt01"].openreview == "https://openreview.net/forum?id=ToUcHnEt01"
    for item in result.extraction.items:
        for value in item.fields.values():
            assert ".md" not in (value or "")     # a link to another note is its paper's name
    summary = next(i for i in result.extraction.items if i.paper == "arxiv-2606.01234" and "这篇" in str(i.fields))
    assert "这篇（PrefMix）" in str(summary.fields)
    notes = imported_notes(tmp_path, result)
    for note, _, _ in notes.values():
        for field in note.fields:
            assert 'href="./' not in field and 'href="../' not in field and ".md\"" not in field


def test_layout_set_in_config_reads_every_h1_after_the_first_as_a_section(tmp_path):
    root = project(tmp_path, "deck: Robots\nlayout: one-paper-per-file\n")
    extra = root / "source/03-robotics/grasping/TwoH1.md"
    extra.write_text("# TwoH1：两个一级标题\n\n> **论文**：*Two H1 Paper*\n\n## 一、方法\n\n正文有**要点**。\n\n"
                     "# 附录\n\n附录里的**细节**。\n", encoding="utf-8")
    result = run_build(root)
    two = [p for nf in result.notes if nf.path.endswith("TwoH1.md") for p in nf.papers]
    assert [p.title for p in two] == ["Two H1 Paper"]
    assert [s.heading for s in two[0].sections] == ["一、方法", "附录"]


def test_bad_layout_is_a_plain_error(tmp_path):
    root = project(tmp_path, "deck: Robots\nlayout: one-per-file\n")
    out = CliRunner().invoke(main, ["build", "-C", str(root)])
    assert out.exit_code == 1
    assert "papercards.yaml:2: config key 'layout': must be one of auto, one-paper-per-file, " \
           "many-papers-per-file" in out.output


def test_init_one_paper_per_file(tmp_path):
    target = tmp_path / "new"
    out = CliRunner().invoke(main, ["init", str(target), "--layout", "one-paper-per-file"])
    assert out.exit_code == 0, out.output
    assert "layout: one-paper-per-file" in (target / "papercards.yaml").read_text(encoding="utf-8")
    result = run_build(target)
    [paper] = [p for nf in result.notes for p in nf.papers]
    assert (paper.short, paper.arxiv, paper.tags) == ("MUP", "2601.00001", ["planning", "example"])
    notes = imported_notes(tmp_path, result)
    decks = set().union(*(d for _, d, _ in notes.values()))
    assert "Paper notes::01 example topic::planning::MUP" in decks


def test_a_paper_whose_sections_are_plain_words_is_one_paper(tmp_path):
    """"# Title" then a paragraph citing the paper, then "## Key idea", "## Setup",
    "## Findings": one paper with its sections, never papers named "Setup"."""
    text = ("# Outcome vs. process supervision\n\nPaper: *Solving math word problems with process- and "
            "outcome-based feedback*, arXiv 2211.14275.\n\n## Key idea\n\n- **Outcome-based**: only check the "
            "final answer\n\n## Setup\n\n- **Dataset**: GSM8K\n\n## Findings\n\n- final-answer error 16.8% → 12.7%\n")
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    (root / "source" / "orm.md").write_text(text, encoding="utf-8")
    (root / "papercards.yaml").write_text("deck: T\n", encoding="utf-8")
    result = run_build(root)
    assert [p.title for p in result.extraction.papers.values()] == ["Outcome vs. process supervision"]


def test_a_one_name_head_of_an_english_h1_is_the_papers_short_name():
    from papercards.notes.layout import split_h1
    assert split_h1("RewardEnsemble: Conservative Reward Ensembles Against Overoptimization") == ("RewardEnsemble", None)
    assert split_h1("SimPO：无参考模型奖励的简单偏好优化") == ("SimPO", "无参考模型奖励的简单偏好优化")
    assert split_h1("KTO follow-up: Binary Classifier Optimization (BCO)") == (None, None)
    assert split_h1("Attention: a study of heads") == (None, None)
