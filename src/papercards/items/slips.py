"""Copy-paste slips between papers: one text under two papers, an abstract's halves from two papers.

The notes are written by copying: a paper's block as a template for the next,
an abstract from the PDF. A slip leaves one text under two papers (carded
twice, and the learner sees one fact under the wrong paper) or a Chinese
abstract beside another paper's English one. Each is reported once, naming
both places, and the text is carded once, under the paper it belongs to: the
owners of a text are kept in `Context.abstract_owners`, owner first.
"""

from __future__ import annotations

from ..notes import Paper
from ..text import split_sentences
from ..text.lang import overlap_features
from .context import Context, PaperContext, sentence_key
from .extractors.walk import content_texts

MIN_KEY = 20                 # shorter texts ("DPO 的作用效果") are said twice on purpose
# `_score` of a Chinese abstract with an English one: on the shipped notes each paper's
# two halves score 0.91-0.96, halves of two different papers 0.24-0.53
OWN_AGREEMENT, OTHER_AGREEMENT = 0.7, 0.8


def register_owners(pcs: list[PaperContext], ctx: Context) -> None:
    """Fill `Context.abstract_owners`: each abstract sentence, then each sentence of the
    papers' sections, with the papers that hold it. An abstract sentence belongs first to
    the paper whose titles and keywords it fits best (the original, not the paste), then
    to the first in the notes; a section text to the first paper that has it."""
    owners = ctx.abstract_owners
    fit = {pc.info.key: _fit(pc) for pc in pcs}
    order = {pc.info.key: n for n, pc in enumerate(pcs)}
    for pc in pcs:
        for sentence, _ in pc.abstract_en + pc.abstract_zh:
            _add(owners, sentence, pc.info.key)
    for papers in owners.values():
        papers.sort(key=lambda k: (-fit[k], order[k]))
    for pc in pcs:
        for sentence, _ in pc.section_sentences:
            _add(owners, sentence, pc.info.key)


def _add(owners: dict[str, list[str]], sentence: str, key: str) -> None:
    k = sentence_key(sentence)
    if len(k) >= MIN_KEY and key not in owners.setdefault(k, []):
        owners[k].append(key)


def _fit(pc: PaperContext) -> float:
    """How much of what the paper is called (its titles, keywords) its abstract says."""
    name = overlap_features(" ".join([pc.paper.title, pc.paper.title_zh or "", *pc.info.tags]))
    text = overlap_features(" ".join(s for s, _ in pc.abstract_en + pc.abstract_zh))
    return len(name & text) / len(name) if name else 0.0


def section_sentences(paper: Paper) -> list[tuple[str, int]]:
    """The sentences of a paper's sections (sentence, line): a paragraph's one by one, a
    list item whole (`PaperContext.section_sentences`)."""
    return [(sentence, line) for text, line, _, unit in content_texts(paper)
            for sentence in (split_sentences(text) if unit == "paragraph" else [text])]


def slip_warnings(pcs: list[PaperContext], ctx: Context) -> None:
    """One warning per pair of papers that share text, at the copy, naming the original."""
    papers = {pc.info.key: pc for pc in pcs}
    owners = ctx.abstract_owners
    told: set[tuple[str, str]] = set()
    for pc in pcs:
        mine = pc.info.key
        for sentence, line, what in _texts(pc):
            holders = owners.get(sentence_key(sentence), [])
            if len(holders) < 2 or holders[0] == mine or (holders[0], mine) in told:
                continue
            owner = papers[holders[0]]
            where = _line_in(owner, sentence)
            if what == "section" and where[1] == "abstract":
                continue            # the claims report a sentence of another abstract in the sections
            told.add((holders[0], mine))
            place = f"line {where[0]}" if owner.paper.file == pc.paper.file else f"{owner.paper.file}:{where[0]}"
            if what == "abstract":
                message = f"paper '{pc.paper.title}' now holds the abstract of paper '{owner.paper.title}' ({place})"
            else:
                message = (f"paper '{pc.paper.title}' has the same text as paper '{owner.paper.title}' "
                           f"({place}): pasted twice? Carded once, under that paper")
            ctx.warn(pc.paper.file, line, message)
    _crossed_abstracts(pcs, ctx, told)


def _texts(pc: PaperContext):
    for sentence, line in pc.abstract_en + pc.abstract_zh:
        yield sentence, line, "abstract"
    for sentence, line in pc.section_sentences:
        yield sentence, line, "section"


def _line_in(pc: PaperContext, sentence: str) -> tuple[int, str]:
    """Where ``pc`` has ``sentence``: (line, "abstract" or "section")."""
    key = sentence_key(sentence)
    for s, line, what in _texts(pc):
        if sentence_key(s) == key:
            return line, what
    return pc.paper.line, "section"


def _crossed_abstracts(pcs: list[PaperContext], ctx: Context, told: set[tuple[str, str]]) -> None:
    """A paper whose Chinese abstract translates another paper's English one, not its own."""
    low = tuple(n for n, pc in enumerate(pcs) if pc.own_agreement is not None and pc.own_agreement < OWN_AGREEMENT)
    if not low:
        return
    abstracts = tuple((tuple(s for s, _ in pc.abstract_en), tuple(s for s, _ in pc.abstract_zh)) for pc in pcs)
    # every English abstract against each doubtful Chinese one: kept by the abstracts, so a
    # build after an edit elsewhere aligns none of them again
    scores = ctx.memo("crossed abstracts", _agreements)(abstracts, low)
    for n, row in zip(low, scores):
        pc = pcs[n]
        others = [(score, m, pcs[m]) for m, score in enumerate(row)
                  if m != n and pcs[m].abstract_en and (pcs[m].info.key, pc.info.key) not in told]
        score, _, other = max(others, key=lambda o: (o[0], -o[1]), default=(0.0, 0, None))
        if other is not None and score >= OTHER_AGREEMENT:
            place = f"line {other.abstract_en[0][1]}" if other.paper.file == pc.paper.file \
                else f"{other.paper.file}:{other.abstract_en[0][1]}"
            ctx.warn(pc.paper.file, pc.abstract_zh[0][1],
                     f"the Chinese abstract of paper '{pc.paper.title}' translates the abstract of paper "
                     f"'{other.paper.title}' ({place}), not its own (line {pc.abstract_en[0][1]}): pasted "
                     "under the wrong paper?")


def own_agreement(pc: PaperContext) -> tuple[float | None, list[tuple[str, str, float]]]:
    """`_score` of a paper's abstracts (None: it lacks one) and their aligned pairs:
    read of the paper alone, so the build keeps them with the paper's first pass
    (`PaperContext.own_agreement`, `PaperContext.abstract_pairs`)."""
    if not pc.abstract_en or not pc.abstract_zh:
        return None, []
    pairs = _aligned(pc, pc)
    return _score(pairs, len(pc.abstract_en), len(pc.abstract_zh)), pairs


def _agreements(abstracts: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...],
                low: tuple[int, ...]) -> list[list[float]]:
    """For each paper ``low`` names (an index into ``abstracts``: (English, Chinese)
    sentences per paper), how well its Chinese abstract translates each paper's English one
    (0 for a paper without one, and for its own): a pure function of its arguments, for
    `Context.memo`."""
    from ..text import align_sentences
    rows = []
    for n in low:
        zh = list(abstracts[n][1])
        rows.append([_score(align_sentences(list(en), zh), len(en), len(zh)) if en and m != n else 0.0
                     for m, (en, _) in enumerate(abstracts)])
    return rows


def _aligned(english: PaperContext, chinese: PaperContext) -> list[tuple[str, str, float]]:
    from ..text import align_sentences
    return align_sentences([s for s, _ in english.abstract_en], [s for s, _ in chinese.abstract_zh])


def _score(pairs: list[tuple[str, str, float]], english: int, chinese: int) -> float:
    """How well a Chinese abstract translates an English one: the aligner's confidence
    summed over its ``pairs``, per sentence of the longer side (``english``, ``chinese``:
    how many sentences each has)."""
    return sum(c for _, _, c in pairs) / max(english, chinese)
