"""`papercards.yaml`: loaded once, validated, with defaults for every key.

Unknown keys and wrong types are reported with the file and line of the
offending key, so a typo in the config never silently changes a build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import InputError
from .kinds import KIND, KINDS_DECLARED
from .fsutil import read_regular

CONFIG_NAME = "papercards.yaml"

DEFAULT_SECTIONS: dict[str, list[str]] = {
    "keywords": ["关键字", "关键词", "Keywords", "Key words", "Tags"],
    "content": ["主要内容", "内容", "Main content", "Content", "Key points", "要点"],
    "links": ["文章链接", "相关链接", "链接", "Links", "Link", "Resources"],
    "abstract": ["摘要", "Abstract"],
    "summary": ["一句话总结", "一句话", "总结", "Summary", "TL;DR", "TLDR"],
    "references": ["参考", "参考文献", "参考资料", "References", "Bibliography"],
}
# How papers sit in files (see notes.layout): told file by file, or set for all files.
AUTO_LAYOUT, ONE_PAPER, MANY_PAPERS = "auto", "one-paper-per-file", "many-papers-per-file"
LAYOUTS = (AUTO_LAYOUT, ONE_PAPER, MANY_PAPERS)
DEFAULT_PLACEHOLDERS = ["占位", "待补充", "TODO", "TBD", "Placeholder"]
CARD_KINDS = list(KIND)          # declared, with their defaults, in items/kinds.py
# Terms a researcher in the field already knows: no glossary card unless listed under glossary.
DEFAULT_KNOWN_TERMS = ["LLM", "LLMs", "Large Language Models", "Large Language Model", "AI", "NLP", "ML",
                       "RL", "OOD", "SOTA", "GPU", "Fine-Tuning", "Fine-tuning",
                       "SFT", "Supervised Fine-Tuning", "Supervised Fine-tuning", "监督微调", "LM", "language model",
                       "CoT", "Chain-of-Thought", "NLL", "negative log-likelihood"]


@dataclass
class GlossaryConfig:
    """Which glossary entries become cards (a term card must teach more than a dictionary)."""
    vocabulary: bool = False          # word-for-word pairs with nothing more (pointwise noise → 逐点噪声)
    known_terms: list[str] = field(default_factory=lambda: list(DEFAULT_KNOWN_TERMS))

    def knows(self, name: str) -> bool:
        """Whether ``name`` is one of the known terms (case-insensitive)."""
        return name.casefold() in {k.casefold() for k in self.known_terms}


@dataclass
class QuizConfig:
    questions: int = 40
    types: list[str] = field(default_factory=lambda: ["mcq", "cloze", "match", "tf"])
    seed: int = 1
    paper: str = "A4"
    direction: str = "mixed"


@dataclass
class Config:
    root: Path = field(default_factory=Path.cwd)
    deck: str = "Paper notes"
    source_dir: str = "source"
    cards_dir: str = "cards"
    decks_dir: str = "decks"
    paper_heading_level: int | str = "auto"     # 1, 2, 3 or "auto"
    layout: str = "auto"              # one-paper-per-file, many-papers-per-file or auto (see notes.layout)
    folder_decks: bool | str = "auto"  # topic folders as sub-decks; auto: for files of one paper
    sections: dict[str, list[str]] = field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_SECTIONS.items()})
    placeholders: list[str] = field(default_factory=lambda: list(DEFAULT_PLACEHOLDERS))
    cards: dict[str, bool] = field(default_factory=lambda: {k.name: k.default for k in KINDS_DECLARED})
    glossary: GlossaryConfig = field(default_factory=GlossaryConfig)
    max_cloze_blanks: int = 2
    remote_images: bool = False       # keep <img> with a web address on cards (fetched when shown)
    ankiconnect_url: str = "http://127.0.0.1:8765"     # papercards push
    speak_terms: bool | str = False   # term cards read aloud by Anki (text to speech): false, english or both
    quiz: QuizConfig = field(default_factory=QuizConfig)
    path: Path | None = None                     # the file it was read from, if any

    @property
    def source_path(self) -> Path:
        return self.root / self.source_dir

    @property
    def cards_path(self) -> Path:
        return self.root / self.cards_dir

    @property
    def decks_path(self) -> Path:
        return self.root / self.decks_dir

    def role_of(self, heading: str) -> str | None:
        """The section role a heading names, through the aliases (case/punctuation-insensitive)."""
        key = _norm_heading(heading)
        for role, aliases in self.sections.items():
            if any(_norm_heading(a) == key for a in aliases):
                return role
        return None

    def is_placeholder(self, text: str) -> bool:
        key = _norm_heading(text)
        return any(_norm_heading(p) == key for p in self.placeholders)


@lru_cache(maxsize=4096)
def _norm_heading(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum() or ch in ";")


# --------------------------------------------------------------------------- loading

_SCALARS: dict[str, type | tuple] = {
    "deck": str, "source_dir": str, "cards_dir": str, "decks_dir": str,
    "max_cloze_blanks": int,
}


def load_config(root: Path) -> Config:
    """Read ``root/papercards.yaml`` if present; defaults otherwise."""
    root = Path(root)
    path = root / CONFIG_NAME
    cfg = Config(root=root)
    if not path.exists():
        return cfg
    shown = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        raw = read_regular(path)                # a FIFO must not hang us
        text = raw.decode("utf-8-sig")
        deep = too_deep(text)
        if deep is not None:
            raise InputError(shown, deep.line + 1, f"config is not valid YAML: {NESTED_TOO_DEEP}")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        alias = find_alias(node)
        if alias is not None:
            raise InputError(shown, alias.start_mark.line + 1, "config is not valid YAML: anchors and "
                             "aliases (&name, *name) are not allowed")
        data = yaml.load(text, Loader=yaml.SafeLoader)
    except OSError as exc:
        raise InputError(shown, 0, f"cannot read the config: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(shown, line, "config is not UTF-8 text; save it as UTF-8") from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "could not determine a constructor" in problem:
            problem = "YAML tags such as !!python/object are not allowed"
        raise InputError(shown, line, f"config is not valid YAML: {problem}") from None
    if data is None:
        cfg.path = path
        return cfg
    if not isinstance(data, dict):
        raise InputError(shown, 1, "config must be a mapping of keys to values")
    lines = _key_lines(node)

    def bad(key: str, msg: str) -> InputError:
        return InputError(shown, lines.get(key, 1), f"config key '{key}': {msg}")

    for key, value in data.items():
        if key in _SCALARS:
            want = _SCALARS[key]
            if not isinstance(value, want) or isinstance(value, bool):
                raise bad(key, f"expected {want.__name__}, got {type(value).__name__}")
            if key == "max_cloze_blanks" and not 1 <= value <= 9:
                raise bad(key, "must be between 1 and 9")
            setattr(cfg, key, value)
        elif key == "paper_heading_level":
            if value != "auto" and (not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5):
                raise bad(key, "must be 'auto' or a heading level from 1 to 5")
            cfg.paper_heading_level = value
        elif key == "layout":
            if value not in LAYOUTS:
                raise bad(key, f"must be one of {', '.join(LAYOUTS)}")
            cfg.layout = value
        elif key == "folder_decks":
            if value != "auto" and not isinstance(value, bool):
                raise bad(key, "expected true, false or auto")
            cfg.folder_decks = value
        elif key == "sections":
            if not isinstance(value, dict):
                raise bad(key, "expected a mapping of role: [aliases]")
            for role, aliases in value.items():
                if role not in DEFAULT_SECTIONS:
                    raise bad(f"sections.{role}" if f"sections.{role}" in lines else key,
                              f"unknown section role '{role}' (known: {', '.join(DEFAULT_SECTIONS)})")
                if isinstance(aliases, str):
                    aliases = [aliases]
                if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                    raise bad(f"sections.{role}", "expected a list of headings")
                cfg.sections[role] = aliases
        elif key == "placeholders":
            if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
                raise bad(key, "expected a list of strings")
            cfg.placeholders = value
        elif key == "cards":
            if not isinstance(value, dict):
                raise bad(key, f"expected a mapping of kind: true/false ({', '.join(CARD_KINDS)})")
            for kind, on in value.items():
                if kind not in CARD_KINDS:
                    raise bad(f"cards.{kind}", f"unknown card kind '{kind}' (known: {', '.join(CARD_KINDS)})")
                if not isinstance(on, bool):
                    raise bad(f"cards.{kind}", "expected true or false")
                cfg.cards[kind] = on
        elif key == "quiz":
            _load_quiz(cfg.quiz, value, bad)
        elif key == "glossary":
            _load_glossary(cfg.glossary, value, bad)
        elif key == "remote_images":
            if not isinstance(value, bool):
                raise bad(key, "expected true or false")
            cfg.remote_images = value
        elif key == "ankiconnect_url":
            if not isinstance(value, str) or not value.startswith(("http://", "https://")) \
                    or len(value.split("://", 1)[1].strip("/")) == 0:
                raise bad(key, "expected an http:// address, like http://127.0.0.1:8765")
            cfg.ankiconnect_url = value
        elif key == "speak_terms":
            if value not in (False, "english", "both"):
                raise bad(key, "expected false, english or both")
            cfg.speak_terms = value
        else:
            known = ", ".join(list(_SCALARS) + ["paper_heading_level", "layout", "folder_decks", "sections", "placeholders", "cards",
                                                "glossary", "quiz", "remote_images", "ankiconnect_url",
                                                "speak_terms"])
            raise bad(key, f"unknown key (known keys: {known})")
    if cfg.layout == ONE_PAPER and cfg.paper_heading_level not in ("auto", 1):
        raise bad("paper_heading_level", f"layout {ONE_PAPER} puts the paper under '# Title' (level 1); "
                  "leave paper_heading_level out or set it to 1")
    cfg.path = path
    return cfg


def _load_quiz(quiz: QuizConfig, value: Any, bad) -> None:
    if not isinstance(value, dict):
        raise bad("quiz", "expected a mapping")
    for key, v in value.items():
        full = f"quiz.{key}"
        if key in ("questions", "seed"):
            if not isinstance(v, int) or isinstance(v, bool) or v < (1 if key == "questions" else 0):
                raise bad(full, "expected a positive whole number")
        elif key == "types":
            if not isinstance(v, list) or not all(t in ("mcq", "cloze", "match", "tf") for t in v):
                raise bad(full, "expected a list from mcq, cloze, match, tf")
        elif key == "paper":
            if v not in ("A4", "Letter"):
                raise bad(full, "expected A4 or Letter")
        elif key == "direction":
            if v not in ("en-zh", "zh-en", "mixed"):
                raise bad(full, "expected en-zh, zh-en or mixed")
        else:
            raise bad(full, "unknown key (known: questions, types, seed, paper, direction)")
        setattr(quiz, key, v)


def _load_glossary(glossary: GlossaryConfig, value: Any, bad) -> None:
    if not isinstance(value, dict):
        raise bad("glossary", "expected a mapping (vocabulary, known_terms)")
    for key, v in value.items():
        full = f"glossary.{key}"
        if key == "vocabulary":
            if not isinstance(v, bool):
                raise bad(full, "expected true or false")
        elif key == "known_terms":
            if not isinstance(v, list) or not all(isinstance(t, str) for t in v):
                raise bad(full, "expected a list of terms")
        else:
            raise bad(full, "unknown key (known: vocabulary, known_terms)")
        setattr(glossary, key, v)


MAX_DEPTH = 64          # lists and mappings inside each other; papercards' own files use 6
NESTED_TOO_DEEP = f"lists or mappings nested more than {MAX_DEPTH} levels deep"


def too_deep(text: str, loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) -> yaml.Mark | None:
    """Where ``text`` first nests lists or mappings more than MAX_DEPTH deep, or None.

    Reads the parser's events, which takes no recursion, so that the composer and the
    constructor, which recurse once per level, never see a file nested 20,000 deep
    (Python's recursion limit or libyaml's C stack would crash). Stops at the first
    level too many: linear, and instant on a hostile file. Invalid YAML is left to the
    loader, which reports it in its own words.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return None


def find_alias(node) -> yaml.Node | None:
    """The first node reached twice, i.e. an anchor used through an alias (``*name``), or None.

    papercards never writes aliases; refusing them keeps a "billion laughs" file (aliases of
    aliases, 9**9 nodes from 10 lines) from hanging whatever walks the data. Linear in the text.
    """
    seen: set[int] = set()
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if id(n) in seen:
            return n
        seen.add(id(n))
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                stack += (k, v)
        elif isinstance(n, yaml.SequenceNode):
            stack += n.value
    return None


def _key_lines(node, prefix: str = "") -> dict[str, int]:
    """Map dotted key paths to their 1-based line in the YAML text."""
    out: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            name = f"{prefix}{k.value}"
            out[name] = k.start_mark.line + 1
            out.update(_key_lines(v, name + "."))
    return out


def _cards_block() -> str:
    width = max(len(k.name) for k in KINDS_DECLARED) + 7
    return "\n".join(f"  {f'{k.name}: {str(k.default).lower()}':<{width}} # {k.about}" for k in KINDS_DECLARED)


def _flow(words: list[str]) -> str:
    """A YAML flow list from the defaults themselves: the file `init` writes never drifts from them."""
    return yaml.safe_dump(words, default_flow_style=True, allow_unicode=True, width=10_000).strip()


def _sections_block() -> str:
    return "\n".join(f"  {role}: {_flow(names)}" for role, names in DEFAULT_SECTIONS.items())


DEFAULT_CONFIG_TEXT = """\
# papercards configuration. Every key is optional; these are the defaults
# except for the deck name.
deck: {deck}

# Folders, relative to this file.
source_dir: source      # your Markdown notes
cards_dir: cards        # the item store: reviewable, hand-editable YAML
decks_dir: decks        # built Anki packages and quizzes

# Heading level of one paper: 2 for "## 1. Title" (many papers per file),
# 1 for one paper per file under "# Title", or auto to detect it.
paper_heading_level: auto
# one-paper-per-file: each file is one paper ("# 简称：中文标题", a metadata quote,
# numbered "## 一、…" sections); many-papers-per-file; or auto to tell file by file.
layout: {layout}
# Topic folders of the notes as sub-decks (<deck>::03 robotics::grasping::<paper>):
# true, false, or auto (for files of one paper).
folder_decks: auto

# Section headings, by the role they play. Add your own spellings.
sections:
{sections}

# Paper headings that only hold a place for later.
placeholders: {placeholders}

# Which kinds of items become Anki cards.
cards:
{cards}
# Which glossary terms become cards: a term card must teach more than a dictionary.
glossary:
  vocabulary: false   # word-for-word pairs with no gloss (pointwise noise -> 逐点噪声)
  known_terms: {known_terms}

# Images in the notes: local files (next to the notes, inside this folder) are
# packed into the deck. Images with a web address are left out, because Anki
# would fetch them each time the card is shown; true keeps them.
remote_images: false

# papercards push: where the AnkiConnect add-on of Anki desktop listens.
ankiconnect_url: http://127.0.0.1:8765

# Term cards read their English (english) or English and Chinese (both) aloud
# on the back, with Anki's own text to speech; false: silent.
speak_terms: false

quiz:
  questions: 40
  types: [mcq, cloze, match, tf]
  seed: 1
  paper: A4         # or Letter
  direction: mixed  # en-zh, zh-en or mixed
""".replace("{cards}", _cards_block()).replace("{sections}", _sections_block()) \
    .replace("{placeholders}", _flow(DEFAULT_PLACEHOLDERS)).replace("{known_terms}", _flow(DEFAULT_KNOWN_TERMS))
