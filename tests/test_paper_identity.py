"""A paper keeps its key (so its items' ids and Anki GUIDs) when one of its signals
changes and the others hold, on real edits of the shipped notes; copy-paste slips
between papers are reported with both places, and carded once."""

from __future__ import annotations

import re

import pytest

from conftest import SHIPPED, shipped_project
from papercards.build import build
from papercards.config import load_config

NOTES = "source/iclr2025-dpo.md"
P3, P4 = "KJF3h0OpQ7", "K2OWrXUVby"            # Iterative DPO…, Provably Mitigating…
P6, P7 = "F6z3utfcYw", "CbfsKHiWEn"            # Crucial Role of Samplers…, Towards Robust Alignment…


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def paper_block(text: str, number: int) -> str:
    """The lines of paper ``number`` (its `## N.` heading to the next `## `)."""
    m = re.search(rf"^## {number}\. .*?(?=^## )", text, re.S | re.M)
    assert m, number
    return m.group(0)


def abstract_of(text: str, number: int) -> str:
    block = paper_block(text, number)
    return block[block.index("### 摘要\n") + len("### 摘要\n"):].strip("\n")


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


class Project:
    """The shipped project in tmp_path, built once per version of its notes."""

    def __init__(self, root):
        self.root = shipped_project(root)
        self.now = 1_750_000_000
        self.result = build(load_config(self.root), now=self.now)

    def rebuild(self, files: dict[str, str]):
        for name, text in files.items():
            (self.root / "source" / name).write_text(text, encoding="utf-8")
        self.now += 86_400
        self.result = build(load_config(self.root), now=self.now)
        return self.result

    def ids(self, status=None) -> dict[str, str]:
        return {r.id: r.status for r in self.result.records if status is None or r.status == status}

    def key_of(self, title_start: str) -> str:
        return next(k for k, p in self.result.papers.items() if p.title.startswith(title_start)
                    and any(r.item.paper == k and r.status != "retired" for r in self.result.records))

    def warnings(self) -> list[str]:
        return [str(d) for d in self.result.diagnostics]


@pytest.fixture
def proj(tmp_path):
    return Project(tmp_path / "proj")


def _kept_every_item(proj, before: dict[str, str]) -> None:
    after = proj.ids()
    lost = [i for i in before if before[i] != "retired" and after.get(i) in (None, "retired")]
    assert not lost, lost
    assert not proj.result.report.new, "no item was made anew"


def test_two_papers_that_trade_links_keep_their_keys_and_ids(proj, shipped_text):
    before = proj.ids()
    a = f"https://openreview.net/forum?id={P3}"
    b = f"https://openreview.net/forum?id={P4}"
    text = replace_once(shipped_text, a, "@A@").replace(b, a).replace("@A@", b)
    text = replace_once(text, "./papers/1368_Iterative_DPO_with_An_Imp.pdf", "@A@")
    text = replace_once(text, "./papers/11600_Provably_Mitigating_Corr.pdf",
                        "./papers/1368_Iterative_DPO_with_An_Imp.pdf").replace("@A@", "./papers/11600_Provably_Mitigating_Corr.pdf")
    proj.rebuild({SHIPPED.name: text})
    assert proj.key_of("Iterative DPO") == P3 and proj.key_of("Provably Mitigating") == P4
    assert proj.result.papers[P3].openreview == b          # the header shows the link as written now
    _kept_every_item(proj, before)


def test_a_fixed_title_keeps_the_key_of_a_paper_without_link(proj, shipped_text):
    text = replace_once(shipped_text, '* <a href="https://openreview.net/forum?id=F6z3utfcYw">ICLR链接</a>\n', "")
    text = replace_once(text, "The Crucial Role of Samplers", "The Crucal Role of Sampler")
    proj.rebuild({SHIPPED.name: text})
    key, before = proj.key_of("The Crucal Role"), proj.ids()
    proj.rebuild({SHIPPED.name: replace_once(text, "The Crucal Role of Sampler", "The Crucial Role of Samplers")})
    assert proj.key_of("The Crucial Role") == key
    _kept_every_item(proj, before)


def test_a_link_corrected_to_a_new_id_keeps_the_key(proj, shipped_text):
    before = proj.ids()
    proj.rebuild({SHIPPED.name: replace_once(shipped_text, f"id={P6}", "id=Zz9Corrected")})
    assert proj.key_of("The Crucial Role") == P6
    _kept_every_item(proj, before)


def test_a_paper_moved_to_another_file_keeps_its_key(proj, shipped_text):
    before = proj.ids()
    block = paper_block(shipped_text, 6)
    rest = replace_once(shipped_text, block, "")
    proj.rebuild({SHIPPED.name: rest, "later.md": "# Later\n\n" + block.replace("## 6.", "## 1.")})
    assert proj.key_of("The Crucial Role") == P6
    _kept_every_item(proj, before)


def test_a_new_paper_that_took_another_papers_link_gets_its_own_key(proj, shipped_text):
    new_paper = ("## 8. KTO: Model Alignment as Prospect Theoretic Optimization\nKTO：前景理论优化\n"
                 "### 关键字\n* Prospect theory 前景理论\n### 主要内容\n#### 核心思想\n"
                 "* 只需要二元的好坏反馈，不需要成对偏好数据\n"
                 f'### 文章链接\n* <a href="https://openreview.net/forum?id={P7}">ICLR链接</a>\n')
    proj.rebuild({SHIPPED.name: shipped_text.replace("## 占位\n", new_paper + "\n## 占位\n", 1)})
    assert proj.key_of("Towards Robust Alignment") == P7
    assert proj.key_of("KTO") != P7


def test_an_abstract_pasted_into_another_paper_is_reported_and_carded_once(proj, shipped_text):
    own, pasted = abstract_of(shipped_text, 3), abstract_of(shipped_text, 6)
    clozes = {i: s for i, s in proj.ids().items() if i.startswith(f"{P6}/cloze/")}
    text = replace_once(shipped_text, own, pasted)
    proj.rebuild({SHIPPED.name: text})
    a_line = line_of(text, pasted)                                      # paper 3's abstract now
    b_line = text.index(pasted, text.index("## 6.")); b_line = text[:b_line].count("\n") + 1
    message = (f"{NOTES}:{a_line}: paper 'Iterative DPO with An Improvement Model for Fine-tuning "
               f"Diffusion Models' now holds the abstract of paper 'The Crucial Role of Samplers in Online "
               f"Direct Preference Optimization' (line {b_line})")
    assert message in proj.warnings(), proj.warnings()
    assert proj.key_of("Iterative DPO") == P3 and proj.key_of("The Crucial Role") == P6
    after = proj.ids()
    assert clozes and {i: after.get(i) for i in clozes} == clozes                # still paper 6's
    assert not [i for i in proj.result.report.new if i.startswith(f"{P3}/cloze/")]
    texts = [r.item.fields.get("text", "") for r in proj.result.records
             if r.status != "retired" and r.item.kind == "cloze"]
    assert len(texts) == len(set(texts))


def test_a_heading_with_no_text_between_two_papers_is_reported_with_both(proj, shipped_text):
    text = replace_once(shipped_text, "## 3. Iterative DPO", "## \n\n## 3. Iterative DPO")
    proj.rebuild({SHIPPED.name: text})
    line = line_of(text, "## \n")
    assert (f"{NOTES}:{line}: paper heading with no text after paper 'Right Now, Wrong Then: Non-Stationary "
            f"Direct Preference Optimization under Preference Drift' (line 34) and before paper 'Iterative DPO "
            f"with An Improvement Model for Fine-tuning Diffusion Models' (line {line + 2}): skipped with what "
            "is under it") in proj.warnings(), proj.warnings()


def test_section_text_pasted_into_another_paper_is_reported_and_carded_once(proj, shipped_text):
    bullet = "* 选择和拒绝响应的梯度之间的相互作用会导致不稳定\n"             # paper 1's, under DPO不稳定的来源
    text = replace_once(shipped_text, "#### 作用效果\n可以直接迭代", "#### 不稳定的来源\n" + bullet + "#### 作用效果\n可以直接迭代")
    proj.rebuild({SHIPPED.name: text})
    pasted = line_of(text, "#### 不稳定的来源\n") + 1
    assert (f"{NOTES}:{pasted}: paper 'Iterative DPO with An Improvement Model for Fine-tuning Diffusion Models' "
            f"has the same text as paper '3D-Properties: Identifying Challenges in DPO and Charting a Path "
            f"Forward' (line {line_of(text, bullet)}): pasted twice? Carded once, under that paper"
            ) in proj.warnings(), proj.warnings()
    answers = [r.item.fields.get("answer", "") for r in proj.result.records if r.status != "retired"]
    assert sum("梯度之间的相互作用" in a for a in answers) == 1


def test_a_chinese_abstract_pasted_under_another_paper_is_reported(proj, shipped_text):
    own_zh = abstract_of(shipped_text, 3).split("\n")[-1]
    other_zh = abstract_of(shipped_text, 6).split("\n")[-1]
    text = replace_once(shipped_text, own_zh, "@@")
    text = replace_once(text, other_zh, "").replace("@@", other_zh)      # moved, not copied
    proj.rebuild({SHIPPED.name: text})
    warned = [w for w in proj.warnings() if "translates the abstract of paper" in w]
    assert warned == [f"{NOTES}:{line_of(text, other_zh)}: the Chinese abstract of paper 'Iterative DPO with An "
                      "Improvement Model for Fine-tuning Diffusion Models' translates the abstract of paper 'The "
                      "Crucial Role of Samplers in Online Direct Preference Optimization' (line "
                      f"{line_of(text, abstract_of(text, 6))}), not its own (line {line_of(text, abstract_of(text, 3))}): "
                      "pasted under the wrong paper?"], proj.warnings()


def test_the_shipped_notes_have_no_slip(proj):
    assert not [w for w in proj.warnings() if "now holds" in w or "same text as" in w or "translates" in w]
