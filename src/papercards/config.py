"""`papercards.yaml`: loaded once, checked against the option table, defaults for every key.

The options themselves (names, types, defaults, help) are declared in
`config_schema`. Unknown keys and wrong types are reported with the file and
line of the offending key, so a typo in the config never silently changes a build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .config_schema import (AUTO_LAYOUT, GROUPS, LAYOUTS, MANY_PAPERS, ONE_PAPER, OPTION, TOP_KEYS,  # noqa: F401
                            Option, config_text, default_of, members)
from .diagnostics import InputError
from .fsutil import read_regular
from .kinds import KIND

CONFIG_NAME = "papercards.yaml"
CARD_KINDS = list(KIND)          # declared, with their defaults, in kinds.py


@dataclass
class GlossaryConfig:
    """Which glossary entries become cards (a term card must teach more than a dictionary)."""
    vocabulary: bool = field(default_factory=default_of("glossary.vocabulary"))
    known_terms: list[str] = field(default_factory=default_of("glossary.known_terms"))

    def knows(self, name: str) -> bool:
        """Whether ``name`` is one of the known terms (case-insensitive)."""
        return name.casefold() in {k.casefold() for k in self.known_terms}


@dataclass
class QuizConfig:
    questions: int = field(default_factory=default_of("quiz.questions"))
    types: list[str] = field(default_factory=default_of("quiz.types"))
    seed: int = field(default_factory=default_of("quiz.seed"))
    paper: str = field(default_factory=default_of("quiz.paper"))
    direction: str = field(default_factory=default_of("quiz.direction"))


@dataclass
class Config:
    """The settings of one project; every default comes from `config_schema.OPTIONS`."""
    root: Path = field(default_factory=Path.cwd)
    deck: str = field(default_factory=default_of("deck"))
    source_dir: str = field(default_factory=default_of("source_dir"))
    cards_dir: str = field(default_factory=default_of("cards_dir"))
    decks_dir: str = field(default_factory=default_of("decks_dir"))
    paper_heading_level: int | str = field(default_factory=default_of("paper_heading_level"))
    layout: str = field(default_factory=default_of("layout"))
    folder_decks: bool | str = field(default_factory=default_of("folder_decks"))
    sections: dict[str, list[str]] = field(default_factory=default_of("sections"))
    placeholders: list[str] = field(default_factory=default_of("placeholders"))
    cards: dict[str, bool] = field(default_factory=default_of("cards"))
    glossary: GlossaryConfig = field(default_factory=GlossaryConfig)
    fix_typos: bool = field(default_factory=default_of("fix_typos"))
    max_cloze_blanks: int = field(default_factory=default_of("max_cloze_blanks"))
    remote_images: bool = field(default_factory=default_of("remote_images"))
    ankiconnect_url: str = field(default_factory=default_of("ankiconnect_url"))
    speak_terms: bool | str = field(default_factory=default_of("speak_terms"))
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

def load_config(root: Path) -> Config:
    """Read ``root/papercards.yaml`` if present; defaults otherwise."""
    root = Path(root)
    path = root / CONFIG_NAME
    cfg = Config(root=root)
    if not path.exists():
        return cfg
    shown = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    data, node = _read_yaml(path, shown)
    if data is not None:
        if not isinstance(data, dict):
            raise InputError(shown, 1, "config must be a mapping of keys to values")
        lines = _key_lines(node)

        def bad(key: str, msg: str) -> InputError:
            return InputError(shown, lines.get(key, 1), f"config key '{key}': {msg}")

        _apply(cfg, data, bad)
        _check_together(cfg, bad)
    cfg.path = path
    return cfg


def _read_yaml(path: Path, shown: str) -> tuple[Any, yaml.Node | None]:
    """The config's data and its node tree; unreadable, hostile or invalid YAML is an InputError."""
    raw = b""
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
        return yaml.load(text, Loader=yaml.SafeLoader), node
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


Complaint = Callable[[str, str], InputError]      # (dotted key, message) -> the error to raise


def _apply(cfg: Config, data: dict, bad: Complaint) -> None:
    """Check each key of the file against the option table and set it on ``cfg``."""
    for key, value in data.items():
        if key in GROUPS:
            _apply_group(cfg, key, value, bad)
        elif key in OPTION:
            _set(cfg, OPTION[key], value, bad)
        else:
            raise bad(key, _unknown("key", TOP_KEYS))


def _apply_group(cfg: Config, group: str, value: Any, bad: Complaint) -> None:
    """A group's mapping: only the members it names change."""
    known = [o.key for o in members(group)]
    if not isinstance(value, dict):
        raise bad(group, f"expected a mapping of {GROUPS[group].member}s: {', '.join(known)}")
    for key, v in value.items():
        option = OPTION.get(f"{group}.{key}")
        if option is None:
            raise bad(f"{group}.{key}", _unknown(GROUPS[group].member, known))
        _set(cfg, option, v, bad)


def _unknown(member: str, known) -> str:
    return f"unknown {member} (known {member}s: {', '.join(known)})"


def _set(cfg: Config, option: Option, value: Any, bad: Complaint) -> None:
    """Check ``value`` against the option's type and store it where the Config keeps it."""
    problem = option.type.problem(value)
    if problem:
        raise bad(option.name, problem)
    *path, last = option.name.split(".")
    holder: Any = cfg
    for part in path:
        holder = getattr(holder, part)
    if isinstance(holder, dict):
        holder[last] = option.type.convert(value)
    else:
        setattr(holder, last, option.type.convert(value))


def _check_together(cfg: Config, bad: Complaint) -> None:
    """Options that are each valid but contradict each other."""
    if cfg.layout == ONE_PAPER and cfg.paper_heading_level not in ("auto", 1):
        raise bad("paper_heading_level", f"layout {ONE_PAPER} puts the paper under '# Title' (level 1); "
                  "leave paper_heading_level out or set it to 1")


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


# The commented file `papercards init` writes, with every option at its default.
DEFAULT_CONFIG_TEXT = config_text()
