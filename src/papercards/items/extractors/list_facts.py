"""A numbered or bulleted list of phrases as an enumeration: one cloze note, a blank per
item (see `papercards.items.enumeration`), under the paper's name and the line that
leads into the list (``作者把问题归纳为三点``) or, without one, its heading. A list with a long
item (sentences, a paragraph) is a card per fact instead (`claims.several_facts`)."""

from __future__ import annotations

from ...notes import strip_marks
from ...text import CLOZE_BLANK, split_sentences
from ..context import PaperContext
from ..enumeration import MAX_ITEMS, Unit, enumeration_text, is_lead_in
from ..fronts import names_paper, strip_section_number
from ..model import Item, short_hash
from .claims import LONG_ITEM, LONG_LIST, _join, item_weight, list_lines, sentence_units, several_facts
from .keyword import keyword_blank
from .clauses import numbers_in, paper_name
from .walk import content_blocks


def extract(pc: PaperContext):
    name = paper_name(pc)
    previous = None
    for block, heading, _ in content_blocks(pc.paper):
        before, previous = previous, block
        if block.kind != "list" or block.line in pc.consumed:
            continue
        lead, line = strip_section_number(strip_marks(heading)), block.line
        if before is not None and before.kind == "paragraph" and is_lead_in(_join(before.text)) \
                and before.line not in pc.consumed:
            # a paragraph leading into the list: its last sentence is what leads in (the
            # sentences before it are facts of their own, left to the prose rule)
            sentences = split_sentences(_join(before.text))
            lead, line = sentences[-1].rstrip("：: "), before.line
            if len(sentences) == 1:
                pc.consumed.add(before.line)
        if not names_paper(strip_marks(lead), [name]):
            lead = f"{name}：{lead}"
        units = [Unit(_join(item.text), depth=depth, context=leads or item.line in pc.consumed,
                      mark=f"{n}." if block.ordered and depth == 0 else "-", line=item.line, listed=True)
                 for n, (depth, item, leads) in enumerate(list_lines(block), 1) if item.text.strip()]
        pc.consumed.add(block.line)
        if all(item_weight(u.text) <= LONG_ITEM for u in units if u.fact) \
                and sum(item_weight(u.text) for u in units) <= LONG_LIST:
            yield from _cards(pc, lead + "：", units, line, heading)
        else:
            # items that are sentences are facts of their own (a long one, sentence by
            # sentence): on one enumeration each card would show the whole section
            parts = [part for unit in units for part in sentence_units(unit)]
            yield from several_facts(pc, heading, lead, parts, line)


def _cards(pc: PaperContext, lead: str, units: list[Unit], line: int, heading: str):
    for n in range(0, len(units), MAX_ITEMS):
        chunk = units[n:n + MAX_ITEMS]
        text, hint, unasked = enumeration_text(lead, chunk, _item_blank(pc))
        for unit in unasked:
            pc.ctx.note(pc.paper.file, unit.line or line, f"list item '{strip_marks(unit.text)[:30]}' under "
                        f"'{heading}' has no word worth a blank: a cue, not asked")
        if CLOZE_BLANK.search(text):
            yield Item(id=f"{pc.info.key}/cloze/{short_hash(f'{lead}#{n}' if n else lead)}", kind="cloze",
                       paper=pc.info.key, fields={"text": text, "hint": hint}, source=pc.where(line))


SHORT_ITEM = 40           # characters: an item this short with no key word is asked whole


def _item_blank(pc: PaperContext):
    """The enumeration's key word (a term, a name, the author's bold), else the item's
    number (``16 条``), else a short item whole: a list item is one fact to recall."""
    keyword = keyword_blank(pc)

    def blank(text: str, n: int, visible: list[str]) -> str | None:
        made = keyword(text, n, visible)
        if made:
            return made
        found = numbers_in(text)
        if found:
            m = found[-1]
            return text[:m.start()] + "{{c%d::%s}}" % (n, m.group(0).strip()) + text[m.end():]
        label, colon, rest = text.strip().partition("：")
        head, body = (label + colon, rest) if colon and rest.strip() else ("", text.strip())
        short = body.rstrip("；;。.，,")
        if len(strip_marks(short)) <= SHORT_ITEM and "$" not in short:
            return head + "{{c%d::%s}}" % (n, short) + body[len(short):]
        return None
    return blank
