"""Helpers to drive the real Anki engine (the `anki` wheel, same Rust backend as
Anki desktop) from tests. Uses private API (`col._backend`), so `anki` is pinned
in the test extra."""

from __future__ import annotations

import html
import re
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageRequest
from anki.scheduler.v3 import CardAnswer


def open_collection(tmp_path: Path, name: str = "collection.anki2") -> Collection:
    return Collection(str(Path(tmp_path) / name))


def import_apkg(col: Collection, path: Path, **options):
    """Import like the desktop dialog does by default; returns the import log
    (`.new`, `.updated`, `.duplicate`, `.conflicting`, …). Keyword arguments
    override the dialog's options (e.g. ``with_scheduling=True``)."""
    opts = col._backend.get_import_anki_package_presets()
    for name, value in options.items():
        setattr(opts, name, value)
    log = col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=opts)).log
    col.models._clear_cache()   # the Python-side note type cache does not see the import
    return log


def render_all(col: Collection) -> list[tuple[int, str, str]]:
    """(card id, question HTML, answer HTML) for every card; raises on template errors."""
    out = []
    for cid in sorted(col.find_cards("")):
        card = col.get_card(cid)
        out.append((cid, card.question(), card.answer()))
    return out


_BLOCK = re.compile(r"<br\s*/?>|</?(?:div|p|li|ul|ol|h\d|tr|table|pre)\b[^>]*>|<hr[^>]*>", re.I)


def strip_html(s: str) -> str:
    """Visible text: no <style>/<script>, block ends become newlines, entities decoded."""
    s = re.sub(r"<(style|script)\b.*?</\1>", "", s, flags=re.S | re.I)
    s = _BLOCK.sub("\n", s)
    s = re.sub(r"<[^>]+>", "", s)
    s = html.unescape(s).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in s.split("\n")]
    return "\n".join(line for line in lines if line)


def study_all_due(col: Collection, rating: int = CardAnswer.GOOD, max_answers: int = 10_000) -> int:
    """Answer every card the v3 scheduler offers now with `rating` (default Good),
    until the queue is empty. Returns the number of answers given."""
    answers = 0
    # the scheduler serves the selected deck and its children: visit every top-level deck
    for deck in col.decks.all_names_and_ids():
        if "::" in deck.name:
            continue
        col.decks.select(deck.id)
        while answers < max_answers:
            queued = col.sched.get_queued_cards(fetch_limit=1)
            if not queued.cards:
                break
            cid = queued.cards[0].card.id
            card = col.get_card(cid)
            card.start_timer()
            states = col._backend.get_scheduling_states(cid)
            col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=rating))
            answers += 1
    return answers


def _outside_math(text: str) -> str:
    return re.sub(r"\\\(.*?\\\)|\\\[.*?\\\]", " ", text, flags=re.S)


def assert_card_clean(question: str, answer: str, *, is_cloze: bool | None = None) -> None:
    """A rendered card a learner can use: something on the front, no template or
    Markdown residue, no `$…$` math, and a cloze card really shows a blank.
    `is_cloze` defaults to "the question uses the papercards cloze template"."""
    if is_cloze is None:
        is_cloze = "pc-cloze" in question
    q_text, a_text = strip_html(question), strip_html(answer)
    assert q_text.strip(), f"empty front: {question!r}"
    for side, raw, text in (("front", question, q_text), ("back", answer, a_text)):
        plain = _outside_math(text)
        assert "{{" not in plain and "}}" not in plain, f"unreplaced {{{{…}}}} on the {side}: {text!r}"
        assert not re.search(r"\{\{[#/^]?[\w: -]+\}\}", raw), f"template tag left on the {side}: {raw!r}"
        assert "**" not in text, f"raw ** on the {side}: {text!r}"
        assert not re.search(r"(?m)^\s*#{1,6}\s", text), f"raw Markdown heading on the {side}: {text!r}"
        assert not re.search(r"(?m)^\s*[*+]\s", text), f"raw Markdown bullet on the {side}: {text!r}"
        assert not re.search(r"\$[^$\n]+\$", text), f"$…$ math left on the {side}: {text!r}"
    if is_cloze:
        assert 'class="cloze"' in question or "[...]" in q_text, f"cloze card without a blank: {question!r}"


# --------------------------------------------------------------------------- sample data
# Hand-made records shaped like the shipped notes (shared/notes/iclr2025-dpo.md):
# Chinese text, math, a `}}` inside math inside a cloze, bold, a multi-line "- "
# answer, a term without Chinese, a retired and a suspended record, and two
# records that must be skipped (empty answer, cloze without a blank).

DECK = "ICLR 2025 DPO"
T0 = 1_735_000_000          # records' modification times are T0 + n


def sample_papers():
    from papercards.items.model import PaperInfo
    p1 = PaperInfo(
        key="9Hxdixed7p",
        title="3D-Properties: Identifying Challenges in DPO and Charting a Path Forward",
        title_zh="3D 属性：识别 DPO 中的挑战并规划前进道路",
        short="3D-Properties", number=1,
        pdf="./papers/5344_3D_Properties_Identifying.pdf",
        openreview="https://openreview.net/forum?id=9Hxdixed7p",
        links=[{"text": "bad", "href": "javascript:alert(1)"},
               {"text": "Code & data", "href": "https://example.org/3d?a=1&b=\"2\""}],
        source="source/iclr2025-dpo.md:3")
    p2 = PaperInfo(
        key="PabAln0jjB",
        title="Right Now, Wrong Then: Non-Stationary Direct Preference Optimization under Preference Drift",
        title_zh="偏好漂移下的非平稳直接偏好优化",
        short="NS-DPO", number=2,
        pdf="./papers/3195_Right_Now_Wrong_Then_Non_.pdf",
        openreview="https://openreview.net/forum?id=PabAln0jjB",
        source="source/iclr2025-dpo.md:40")
    return {p1.key: p1, p2.key: p2}


def sample_records():
    from papercards.items.model import Item
    from papercards.store.model import Record
    P1, P2 = "9Hxdixed7p", "PabAln0jjB"

    def rec(n, id, kind, fields, paper=None, **kw):
        item_kw = {k: kw.pop(k) for k in ("papers", "tags") if k in kw}
        item = Item(id=id, kind=kind, fields=fields, paper=paper,
                    source=f"source/iclr2025-dpo.md:{10 + n}", **item_kw)
        return Record(item=item, modified=T0 + n, **kw)

    return [
        rec(1, "term/DRO", "term",
            {"term": "DRO", "english": "Distributionally Robust Optimization", "chinese": "分布稳健优化",
             "note": ""},
            papers=[P1, P2], tags=["DRO", "稳健 优化"]),
        rec(2, "term/LLM", "term",
            {"term": "LLM", "english": "Large Language Model", "chinese": "",
             "note": "DPO 主要用于**大模型**微调"},
            papers=[P1, P2], tags=["LLM"]),
        rec(3, f"{P1}/definition/3D-properties", "definition",
            {"term": "3D-properties",
             "definition": "DPO 的三个关键属性：\n- **D**rastic drop 被拒绝响应的可能性急剧下降\n"
                           "- **D**egradation 降级为响应抑制\n- **D**ispersion 对看不见的响应的影响"},
            paper=P1, tags=["DPO", "3D属性"]),
        rec(4, f"{P1}/claim/5b1c0e2a", "claim",
            {"question": "3D-Properties 论文：DPO 不稳定的来源？",
             "answer": "选择和拒绝响应的梯度之间的**相互作用**"},
            paper=P1, tags=["DPO"]),
        rec(5, f"{P1}/cloze/0d9e4f11", "cloze",
            {"text": "DPO 的隐式奖励是 {{c1::$\\beta \\log \\frac{\\pi_\\theta(y|x)}{\\pi_{\\text{ref}}(y|x)}$}}，"
                     "其中 {{c2::**参考策略**}} 固定不变",
             "hint": "温度 $\\beta$"},
            paper=P1, tags=["DPO"]),
        rec(6, f"{P2}/cloze/77aa0b3c", "cloze",
            {"text": "NS-DPO 在损失函数中引入{{c1::discount 参数}}，对数据点做{{c2::指数加权}}",
             "hint": ""},
            paper=P2, tags=["偏好漂移"], suspended=True),
        rec(7, f"{P1}/paper/title", "paper",
            {"english": "3D-Properties: Identifying Challenges in DPO and Charting a Path Forward",
             "chinese": "3D 属性：识别 DPO 中的挑战并规划前进道路"},
            paper=P1),
        rec(8, f"{P2}/method/NS-DPO", "method",
            {"method": "NS-DPO",
             "description": "Non-Stationary DPO (非平稳直接偏好优化): exponential reweighting with a "
                            "discount parameter $\\gamma \\in (0, 1)$, for preference drift"},
            paper=P2, tags=["non-stationarity"]),
        rec(9, f"{P2}/summary/one-line", "summary",
            {"summary": "address the non-stationarity preference drift using exponential reweighting "
                        "strategy (指数再加权策略) for LLMs."},
            paper=P2),
        rec(10, f"{P1}/sentence/3c6e8d90", "sentence",
            {"english": "We identify three critical properties—termed the **3D**-properties—that arise "
                        "from DPO’s learning process.",
             "chinese": "我们确定了 DPO 学习过程中产生的三个关键属性（称为 **3D** 属性）。"},
            paper=P1),
        rec(11, f"{P1}/claim/9f00aa01", "claim",
            {"question": "3D-Properties 论文：这个工作做了什么？",
             "answer": "1. 联系观察结果和相关研究\n2. 为潜在机制提供理论解释"},
            paper=P1, status="retired"),
        # skipped: an empty section and a cloze that lost its blanks
        rec(12, f"{P2}/claim/empty", "claim", {"question": "如何解决", "answer": "  "}, paper=P2),
        rec(13, f"{P2}/cloze/noblank", "cloze", {"text": "没有空格的句子", "hint": ""}, paper=P2),
    ]
