"""The author's own questions: ``**Q:** …`` with ``**A:** …`` on the next line is a Q&A card
as the author asked it, not a cloze cut across its markers.

The shapes people write: ``Q:``/``A:``, ``**Q:**``, ``**Q**:``, ``Q1.``/``A1.``, ``问：``/``答：``,
in a paragraph, a list item, or the answer in the paragraph after its question. The front
is the question, naming the paper when it does not; the back is the answer. An answer
too long for one fact (`judge.MAX_ANSWER`) is cut: its first sentence answers the
question, a later sentence with something to ask (bold, a number) is a cloze under the
question (`prose_facts.sentence_clozes`), the rest is reported. A question the author
asks of themselves ("When would I pick…?", "Open question for me?") or answers with a
question is the author's opinion, not the paper's: reported, not carded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...notes import GLOSSARY, strip_marks
from ...text import split_sentences
from ...text.lang import CJK_RE
from ..blanks import narrow_bold
from ..context import PaperContext
from ..enumeration import has_braces, typed_blanks_as_bold
from ..fronts import names_paper
from ..judge import MAX_ANSWER
from ..model import Item, short_hash
from .claims import _join
from .clauses import CITATION, paper_name
from .prose_facts import MIN_SENTENCE, sentence_clozes
from .walk import content_blocks

# "**Q:**", "**Q**:", "Q1.", "Question 2:", "问：", "问题1：" at the start of a line, and the answer's
_MARKER = r"^\s*(?:\*\*|__)?\s*(?:{words})\s*\d{{0,3}}\s*(?:\*\*|__)?\s*[:：.、)）]\s*(?:\*\*|__)?\s*(?P<text>.*)$"
QUESTION = re.compile(_MARKER.format(words=r"Q|Question|问|问题"), re.I)
ANSWER = re.compile(_MARKER.format(words=r"A|Answer|答|回答"), re.I)

LONGEST_SENTENCE = MAX_ANSWER * 5 // 4    # characters: a longer first sentence is cut at a clause

# asked of the author, not of the paper: "When would I pick…?", "Open question for me?", "我的疑问"
_OWN_QUESTION = re.compile(r"\b(?:I|I'd|I'm|me|my|myself)\b|(?i:\bopen question|我(?!们)|疑问)")


@dataclass
class Pair:
    question: str
    line: int
    answer: list[str] = field(default_factory=list)
    answered: bool = False       # an answer marker or line was read (the answer may still be empty)


def extract(pc: PaperContext):
    pending: Pair | None = None       # a question whose answer may open the next block
    for block, _, _ in content_blocks(pc.paper):
        lines = _lines(block)
        pairs = _pairs(lines, pending) if lines and block.line not in pc.consumed else None
        if pairs is None:
            if pending is not None:
                yield from _cards(pc, pending)      # reported: a question with no answer
            pending = None
            continue
        _consume(pc, block)
        done = pairs[:-1] if pairs and not pairs[-1].answered else pairs
        pending = pairs[-1] if pairs and not pairs[-1].answered else None
        for pair in done:
            yield from _cards(pc, pair)
    if pending is not None:
        yield from _cards(pc, pending)


def _lines(block) -> list[tuple[str, int]]:
    """(text, line) of a paragraph's lines, or of a list's items."""
    if block.kind == "paragraph":
        return [(t, block.line + n) for n, t in enumerate(block.text.split("\n")) if t.strip()]
    if block.kind == "list":
        return [(t, item.line + n) for _, item in block.walk_items()
                for n, t in enumerate(item.text.split("\n")) if t.strip()]
    return []


def _pairs(lines: list[tuple[str, int]], pending: Pair | None) -> list[Pair] | None:
    """The Q&A pairs of a block that opens on a question (or on the answer of the question
    just before it); None when it is no Q&A block: a label (``问题：DPO会过拟合``) asks
    nothing and has no answer marker."""
    first = lines[0][0]
    asked = QUESTION.match(first)
    if asked and (_asks(asked.group("text")) or _asks(lines[-1][0]) or any(ANSWER.match(t) for t, _ in lines)):
        pairs: list[Pair] = []
    elif pending and ANSWER.match(first):
        pairs = [pending]
    else:
        return None
    for text, line in lines:
        q = QUESTION.match(text)
        if q:
            pairs.append(Pair(q.group("text"), line))
            continue
        pair = pairs[-1]
        a = ANSWER.match(text)
        if a and not pair.answered:
            pair.answer.append(a.group("text"))
            pair.answered = True
        elif pair.answered or _asks(pair.question):
            pair.answer.append(text)            # "Q1. …?" with the answer on the next line, unmarked
            pair.answered = True
        else:
            pair.question += " " + text.strip()  # a question wrapped over two lines
    return pairs


def _asks(question: str) -> bool:
    return question.rstrip("* ").endswith(("?", "？"))


def _consume(pc: PaperContext, block) -> None:
    """The block and its list items: no other rule cards them again."""
    pc.consumed.add(block.line)
    if block.kind == "list":
        pc.consumed.update(item.line for _, item in block.walk_items())


def _unbold(text: str) -> str:
    """A marker's leftover ``**`` (``**A: yes**`` → ``yes**``) dropped: bold stays paired."""
    text = text.strip()
    if text.count("**") % 2:
        text = text[:-2] if text.endswith("**") else text.removeprefix("**")
    return text.strip()


# "How did KTO handle it?", "How does it compare…?": a question that needs the one before it
# ("they" is mostly the authors: "Which models did they fine-tune?")
_LEANS_BACK = re.compile(r"\b(?:it|these|those)\b(?![-'’])|\bthis\b(?!\s+(?:paper|work|method|study))", re.I)
_WHAT_IS = re.compile(r"^\s*(?:what\s+(?:is|are)\s+(?:the\s+|an?\s+)?|什么是\s*)(?P<term>[^?？]{2,40}?)\s*(?:是什么)?[?？]\s*$",
                      re.I)


def _glossary_terms(pc: PaperContext) -> set[str]:
    """The terms the paper's glossary section defines (casefolded), each its own card."""
    terms = set()
    for section in pc.paper.sections_by(GLOSSARY):
        for block in section.blocks:
            if block.kind == "list":
                for _, item in block.walk_items():
                    head = re.split(r"\s+[—–-]\s+|[:：]", strip_marks(item.text), maxsplit=1)[0]
                    terms.add(re.sub(r"\s*[(（].*?[)）]\s*", " ", head).strip().casefold())
    return terms


def front_of(pc: PaperContext, question: str) -> str:
    """The author's question, naming the paper when it does not (as `fronts.question_of`)."""
    names = [paper_name(pc), pc.info.short, *pc.info.methods]
    if names_paper(question, names):
        return question
    name = paper_name(pc)
    return f"{name}：{question}" if CJK_RE.search(question) else f"{name}: {question}"


def _cards(pc: PaperContext, pair: Pair):
    file = pc.paper.file
    question = strip_marks(pair.question)
    answer = _unbold(typed_blanks_as_bold(_join("\n".join(pair.answer))))
    if not question or not strip_marks(answer):
        pc.ctx.note(file, pair.line, f"'{question}' is a question with no answer: not carded" if question
                    else "a question marker (Q:, 问：) with no question after it: not carded")
        return
    if _OWN_QUESTION.search(question) or strip_marks(answer).endswith(("?", "？")):
        pc.ctx.note(file, pair.line, f"'{question}' is the author's own question (asked of themselves, or "
                    "answered with a question): an opinion, not what the paper says; not carded")
        return
    if _LEANS_BACK.search(question):
        pc.ctx.note(file, pair.line, f"'{question}' leans on the question before it (it, this, these): "
                    "name what it asks about to card it")
        return
    asked = _WHAT_IS.match(question)
    if asked and asked.group("term").casefold() in _glossary_terms(pc):
        pc.ctx.note(file, pair.line, f"'{question}' asks what the glossary's card of "
                    f"'{asked.group('term')}' asks: carded once, there")
        return
    front = front_of(pc, question)
    if len(strip_marks(answer)) <= MAX_ANSWER:
        yield _claim(pc, front, answer, pair.line)
        return
    sentences = split_sentences(CITATION.sub("", narrow_bold(answer)))
    head, rest = first_fact(sentences[0])
    if head:
        sentences = [rest, *sentences[1:]] if rest else sentences[1:]
    bare, made = 0, []
    for sentence in sentences:
        clozes = [] if has_braces(sentence) else \
            [_under(pc, front, c) for c in sentence_clozes(pc, sentence, pair.line)]
        bare += not clozes and len(strip_marks(sentence)) >= MIN_SENTENCE
        made += clozes
    if head and made and _ANSWERS_BY_POINTING.match(strip_marks(head)):
        # "What if the prompts differ? — That breaks the link to DPO." beside the cloze that
        # asks the remedy under the same question: one front, two answers; the remedy is
        # what the question asks
        pc.ctx.note(file, pair.line, f"the first sentence of the answer to '{question}' points back at the "
                    "question (That…, 这…): its other sentences are asked under it instead")
    elif head:
        yield _claim(pc, front, head, pair.line)
    yield from made
    if bare:
        pc.ctx.note(file, pair.line, f"{bare} sentence(s) of the answer to '{question}' have no bold phrase or "
                    "number to ask: not carded")


# an answer that opens by pointing at what the question described: "That breaks the link…"
# ("It is…" answering "What is X?" is a definition, and stays)
_ANSWERS_BY_POINTING = re.compile(r"^\s*(?:(?:That|Then)\b|这样|那样|那就|这就|那会|这会)", re.I)


def first_fact(sentence: str) -> tuple[str, str]:
    """(what answers the question, what is left): the sentence (one statement: a little
    over `MAX_ANSWER` is kept whole, and `papercards check` lists it), or when it is far
    too long its leading clauses up to `MAX_ANSWER`, cut at a comma or semicolon outside
    brackets and bold; ('', sentence) when even its first clause is too long."""
    if len(strip_marks(sentence)) <= LONGEST_SENTENCE:
        return sentence, ""
    depth, bold, cut = 0, False, 0
    for i, ch in enumerate(sentence):
        if sentence.startswith("**", i):
            bold = not bold
        if ch in "(（[":
            depth += 1
        elif ch in ")）]" and depth:
            depth -= 1
        elif ch in ",;，；" and not depth and not bold:
            if len(strip_marks(sentence[:i])) > MAX_ANSWER:
                break
            cut = i
    if not cut:
        return "", sentence
    return sentence[:cut].rstrip(), sentence[cut + 1:].strip()


def _claim(pc: PaperContext, front: str, answer: str, line: int) -> Item:
    pc.claim_answers.add(answer)
    return Item(id=f"{pc.info.key}/claim/{short_hash(front)}", kind="claim", paper=pc.info.key,
                fields={"question": front, "answer": answer}, source=pc.where(line))


def _under(pc: PaperContext, front: str, item: Item) -> Item:
    """A cloze of the answer asked under its question, in place of the paper's name."""
    text = item.fields["text"].removeprefix(f"{paper_name(pc)}：")
    text = f"{front} {text}"
    item.fields["text"] = text
    item.id = f"{pc.info.key}/cloze/{short_hash(strip_marks(text))}"
    return item
