"""Card kinds, declared once: what each carries, what makes it the same item, where it goes.

A kind touches the store (its fields, in YAML order), identity (which fields say
what the item is about, and whether it is named: a term stays the same term
under a new translation), the config (whether it is carded by default), Anki
(which note type shows it, the deck it goes in, whether its card must hide the
paper's name; a Q&A kind's face in `papercards.anki.fields` is looked up by the
kind's name), quizzes (which question types may ask it) and the checks on
what a card asks (which field holds its blanks, its question, its answer).

Every other module decides by these properties, never by a kind's name
(``tests/test_kinds.py`` scans the source for comparisons with one): adding a
kind is an entry here, the extractor rule that makes it and its Anki face.
``tests/test_kinds.py`` also fails when a kind is missing any part of it.
Forgetting identity used to orphan review history silently: the store could
not match the item back to its id.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    fields: tuple[str, ...]             # what the item carries, in the order written to YAML
    identity: tuple[str, ...]           # fields compared to match an edited item back to its id
    note_type: str                      # "term", "qa" or "cloze": the Anki note type that shows it
    quiz: tuple[str, ...]               # question types that may ask it (() = never quizzed)
    named_by: tuple[str, ...] = ()      # fields that name it: same item only under the same name
    default: bool = True                # carded unless the config turns it off
    glossary: bool = False              # shared by papers: in the deck's glossary, not under a paper
    answer_is_paper: bool = False       # asks for the paper: its card names the paper only in the answer
    paper_title: bool = False           # the paper's own title: says nothing of what the paper says
    translation: bool = False           # English <-> 中文 of one text: a quiz shows one side, asks the other
    blanks: str = ""                    # field whose {{cN::…}} blanks are what the card asks
    question: str = ""                  # field holding the question as the notes ask it (a heading)
    answer: str = ""                    # field holding the card's one answer (checked for length)
    defines: str = ""                   # field naming the term it defines (the glossary may say it already)
    proposes: str = ""                  # field naming what its paper proposes ("A / B"): the paper is found by it
    about: str = ""                     # one line for `papercards init`'s config


KINDS_DECLARED: tuple[Kind, ...] = (
    Kind("term", ("term", "english", "chinese", "note"), identity=("term", "english", "chinese"),
         note_type="term", quiz=("mcq", "match", "tf", "cloze"), named_by=("term", "english"), glossary=True,
         about="glossary: abbreviation / English <-> 中文, both ways, when it teaches more than a dictionary"),
    Kind("definition", ("term", "definition"), identity=("term", "definition"), note_type="qa",
         quiz=("mcq",), named_by=("term",), answer="definition", defines="term", about='"X是指…", "X是一种…"'),
    Kind("claim", ("question", "answer"), identity=("question", "answer"), note_type="qa",
         quiz=("mcq", "cloze"), question="question", answer="answer", about="sub-heading -> its one answer"),
    Kind("cloze", ("text", "hint"), identity=("text",), note_type="cloze", quiz=("cloze",), blanks="text",
         about="a list (one blank per item), key sentences, abstract contributions"),
    Kind("paper", ("english", "chinese"), identity=("english", "chinese"), note_type="qa",
         quiz=("mcq", "match", "tf"), default=False, answer_is_paper=True,
         paper_title=True, translation=True, about="English title <-> 中文标题 (translation only)"),
    Kind("method", ("method", "description"), identity=("method",), note_type="qa", quiz=("mcq", "tf"),
         named_by=("method",), answer_is_paper=True, proposes="method",
         about="method name -> the paper that proposes it"),
    Kind("summary", ("summary",), identity=("summary",), note_type="qa", quiz=("mcq", "cloze"),
         answer="summary", about="the author's one-line summary"),
    Kind("sentence", ("english", "chinese"), identity=("english", "chinese"), note_type="qa",
         quiz=("mcq", "cloze"), default=False, translation=True,
         about="abstract sentence, English <-> 中文 (translation only)"),
)

KIND = {k.name: k for k in KINDS_DECLARED}
KINDS = tuple(KIND)
KIND_FIELDS: dict[str, tuple[str, ...]] = {k.name: k.fields for k in KINDS_DECLARED}

_UNDECLARED = Kind("", (), (), note_type="", quiz=())


def kind_of(item) -> Kind:
    """The declaration of ``item``'s kind (an `Item` or a store `Record`); a kind no longer
    declared has every property off, so code deciding by properties passes it by."""
    return KIND.get(item.kind, _UNDECLARED)
