"""Record + PaperInfo → the note type and its field values (HTML): one function per note type,
and on the Q&A note type one face per kind (`papercards.kinds` says which kind goes where)."""

from __future__ import annotations

from collections.abc import Mapping

import genanki

from ..items.model import Item, PaperInfo
from ..kinds import KIND, Kind
from ..store.model import Record
from ..text import render_inline
from ..text.lang import has_cjk
from .blocks import CLOZE_BLANK, html_text, render_block, render_cloze
from .notetypes import CLOZE_FIELDS, QA_FIELDS, TERM_FIELDS, cloze_model, qa_model, term_model
from .papers import card_place, escaped, links_html, paper_html, papers_of, short_name

SHOWN_PAPERS = 3          # a term used by more papers shows this many names and a count


class SkipRecord(ValueError):
    """The record would make an empty or unanswerable card; the reason is the message."""


def _f(item: Item, name: str) -> str:
    return (item.fields.get(name) or "").strip()


def render_fields(record: Record, papers: Mapping[str, PaperInfo]) -> tuple[genanki.Model, dict[str, str]]:
    """The note type and its field values (HTML) for one record: the kind's note type
    (`papercards.kinds`) says which of the functions below fills them.

    Raises SkipRecord when the card's front (or answer) would be empty."""
    item = record.item
    kind = KIND.get(item.kind)
    if kind is None:
        raise SkipRecord(f"unknown kind {item.kind!r}")
    common = {"Source": escaped(card_place(item, papers)), "ItemId": escaped(item.id)}
    return NOTE_TYPE_FIELDS[kind.note_type](item, papers, common)


def _term_fields(item: Item, papers: Mapping[str, PaperInfo], common: dict) -> tuple[genanki.Model, dict[str, str]]:
    papers_field, links = _term_papers([(k, papers.get(k)) for k in papers_of(item)])
    values = {
        "Term": render_inline(_f(item, "term")),
        "English": render_inline(_f(item, "english")),
        "Chinese": render_inline(_f(item, "chinese")),
        "Note": render_block(_f(item, "note")),
        "Papers": papers_field, "Links": links, "Extra": "", **common,
    }
    if not html_text(values["Term"]):
        raise SkipRecord("empty term")
    if not any(html_text(values[k]) for k in ("English", "Chinese", "Note")):
        raise SkipRecord("term without meaning")
    return term_model(), {name: values[name] for name in TERM_FIELDS}


def _term_papers(infos: list[tuple[str, PaperInfo | None]]) -> tuple[str, str]:
    """The Papers and Links fields of a term: a term shared by several papers says how
    many and names a few, without their titles and links."""
    if len(infos) < 2:
        return "".join(paper_html(info, k) for k, info in infos), "".join(links_html(info) for k, info in infos)
    shown = infos if len(infos) == 2 else infos[:SHOWN_PAPERS]
    names = "、".join(escaped(short_name(info, k)) for k, info in shown)
    more = "…" if len(infos) > len(shown) else ""
    return f'<div class="papers">{len(infos)} papers 篇论文: {names}{more}</div>', ""


def _paper_base(item: Item, papers: Mapping[str, PaperInfo], common: dict) -> tuple[PaperInfo | None, str, dict]:
    """The item's paper, its short name, and the fields every card of a paper has."""
    info = papers.get(item.paper) if item.paper else None
    short = short_name(info, item.paper)
    base = {"Context": escaped(short), "Paper": paper_html(info, item.paper), "Links": links_html(info),
            "Extra": "", **common}
    return info, short, base


def _cloze_fields(item: Item, papers: Mapping[str, PaperInfo], common: dict) -> tuple[genanki.Model, dict[str, str]]:
    info, short, base = _paper_base(item, papers, common)
    text = render_cloze(_f(item, "text"))
    if not CLOZE_BLANK.search(text, 0, text.rfind("}}") + 2):     # none closes past the last }}
        raise SkipRecord("cloze without a blank")
    values = {**base, "Text": text, "Extra": render_block(_f(item, "hint"))}
    if _names(text, short):
        values["Context"] = ""           # the first field names the paper already
    return cloze_model(), {name: values[name] for name in CLOZE_FIELDS}


def _qa_fields(item: Item, papers: Mapping[str, PaperInfo], common: dict) -> tuple[genanki.Model, dict[str, str]]:
    info, short, base = _paper_base(item, papers, common)
    front, back, reverse = QA_FACES[item.kind](item, info, short)
    if not html_text(front):
        raise SkipRecord("empty front")
    if not html_text(back):
        raise SkipRecord("empty answer")
    values = {**base, "Front": front, "Back": back, "Reverse": reverse}
    if KIND[item.kind].answer_is_paper:
        values["Context"] = values["Paper"] = ""     # the paper's name or title would give the answer away
    elif _names(front, short):
        values["Context"] = ""               # the first field names the paper already
    return qa_model(), {name: values[name] for name in QA_FIELDS}


NOTE_TYPE_FIELDS = {"term": _term_fields, "cloze": _cloze_fields, "qa": _qa_fields}


# --------------------------------------------------------------------------- Q&A faces
# One function per kind shown on the Q&A note type (kinds.py says which): the front, the
# back and whether a reverse card is made.

def _definition_face(item: Item, info: PaperInfo | None, short: str) -> tuple[str, str, str]:
    # asked in the language of its answer ("DNO 是什么？" → 一个批量在策略的算法…), and the
    # paper's own name is not said twice ("DNO：what is DNO?")
    term = render_inline(_f(item, "term"))
    said = html_text(term)
    asked = f"<b>{term}</b> 是什么？" if has_cjk(said) or has_cjk(_f(item, "definition")) else f"what is <b>{term}</b>?"
    named = short and said.strip().casefold() != short.strip().casefold()
    front = f"{escaped(short)}：{asked}" if named and said else (asked if said else "")
    return front, render_block(_f(item, "definition")), ""


def _claim_face(item: Item, info: PaperInfo | None, short: str) -> tuple[str, str, str]:
    return render_block(_f(item, "question")), render_block(_f(item, "answer")), ""


def _paper_face(item: Item, info: PaperInfo | None, short: str) -> tuple[str, str, str]:
    front, back = render_inline(_f(item, "english")), render_inline(_f(item, "chinese"))
    return front, back, "1" if html_text(front) and html_text(back) else ""


def _method_face(item: Item, info: PaperInfo | None, short: str) -> tuple[str, str, str]:
    method = render_inline(_f(item, "method"))
    front = f"Which paper proposes <b>{method}</b>? 哪篇论文提出了 <b>{method}</b>？" if html_text(method) else ""
    back = ""
    if info is not None or item.paper:
        title = render_inline(info.title or info.key) if info else escaped(item.paper)
        zh = f'<div class="paper-zh">{render_inline(info.title_zh)}</div>' if info and info.title_zh else ""
        back = f'<div class="pc-answer-paper">{title}</div>{zh}{render_block(_f(item, "description"))}'
    return front, back, ""


def _summary_face(item: Item, info: PaperInfo | None, short: str) -> tuple[str, str, str]:
    return (f"{escaped(short)} 一句话概括？" if short else ""), render_block(_f(item, "summary")), ""


def _sentence_face(item: Item, info: PaperInfo | None, short: str) -> tuple[str, str, str]:
    # one direction: recalling a whole English sentence from its translation is busywork
    return render_block(_f(item, "english")), render_block(_f(item, "chinese")), ""


QA_FACES = {"definition": _definition_face, "claim": _claim_face, "paper": _paper_face,
            "method": _method_face, "summary": _summary_face, "sentence": _sentence_face}


# --------------------------------------------------------------------------- back from Anki
# Which Anki field shows which item field (the inverse of the functions above), per note type
# and, on the Q&A note type, per kind: what `papercards pull` takes back. A field papercards
# composes (a front naming the paper, a method's answer) has no item field.
NOTE_TYPE_EDITABLE = {"term": {"Term": "term", "English": "english", "Chinese": "chinese", "Note": "note"},
                      "cloze": {"Text": "text", "Extra": "hint"}}
QA_EDITABLE = {"definition": {"Back": "definition"}, "claim": {"Front": "question", "Back": "answer"},
               "paper": {"Front": "english", "Back": "chinese"}, "method": {}, "summary": {"Back": "summary"},
               "sentence": {"Front": "english", "Back": "chinese"}}


def editable_fields(kind: Kind) -> dict[str, str]:
    """Anki field name -> the item field it shows, on a note of this kind."""
    if kind.note_type == "qa":
        return QA_EDITABLE.get(kind.name, {})
    return NOTE_TYPE_EDITABLE.get(kind.note_type, {})


def _names(field_html: str, short: str) -> bool:
    return bool(short) and short.casefold() in html_text(field_html).casefold()
