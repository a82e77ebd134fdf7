"""Every option of `papercards.yaml`, declared once: its name, type, default and help.

The defaults of `papercards.config.Config`, the checks `load_config` makes and
the commented file `papercards init` writes are all read from `OPTIONS`, so
they cannot drift apart (they did: a project made by `init` once missed five
section headings that a project with no config recognised). Adding an option
is a row here, plus the code that reads it from the `Config`.

A dotted name (``quiz.seed``) is a key inside one of the `GROUPS`, mappings
whose members are options of their own: a file sets only the members it names.
"""

from __future__ import annotations

import copy
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from .kinds import KINDS_DECLARED

# How papers sit in files (see notes.layout): told file by file, or set for all files.
AUTO_LAYOUT, ONE_PAPER, MANY_PAPERS = "auto", "one-paper-per-file", "many-papers-per-file"
LAYOUTS = (AUTO_LAYOUT, ONE_PAPER, MANY_PAPERS)
QUIZ_TYPES = ("mcq", "cloze", "match", "tf")


# --------------------------------------------------------------------------- types

@dataclass(frozen=True)
class Type:
    """The values an option takes: why a value does not fit (None when it does), and
    how a fitting value is stored (a single heading becomes a list of one)."""
    problem: Callable[[Any], str | None]
    convert: Callable[[Any], Any] = lambda value: value


def _name(value: Any) -> str:
    return type(value).__name__


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_words(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


TEXT = Type(lambda v: None if isinstance(v, str) else f"expected str, got {_name(v)}")
FLAG = Type(lambda v: None if isinstance(v, bool) else "expected true or false")


def words(expected: str = "expected a list of strings") -> Type:
    """A list of strings (headings, terms)."""
    return Type(lambda v: None if _is_words(v) else expected)


def headings() -> Type:
    """A list of headings; one heading alone is a list of one."""
    return Type(lambda v: None if isinstance(v, str) or _is_words(v) else "expected a list of headings",
                lambda v: [v] if isinstance(v, str) else v)


def whole(low: int, high: int | None = None, expected: str | None = None) -> Type:
    """A whole number from ``low`` (to ``high``); ``expected`` replaces both messages."""
    def problem(v: Any) -> str | None:
        if not _is_int(v):
            return expected or f"expected int, got {_name(v)}"
        if v < low or (high is not None and v > high):
            return expected or f"must be between {low} and {high}"
        return None
    return Type(problem)


def choice(values: tuple, expected: str) -> Type:
    """One of ``values``, of the same YAML type (``true`` is not the level 1)."""
    return Type(lambda v: None if any(v == c and type(v) is type(c) for c in values) else expected)


def subset(values: tuple) -> Type:
    """A list whose members are all among ``values``."""
    expected = f"expected a list from {', '.join(values)}"
    return Type(lambda v: None if isinstance(v, list) and all(x in values for x in v) else expected)


def web_address() -> Type:
    def problem(v: Any) -> str | None:
        if isinstance(v, str) and v.startswith(("http://", "https://")) and v.split("://", 1)[1].strip("/"):
            return None
        return "expected an http:// address, like http://127.0.0.1:8765"
    return Type(problem)


# --------------------------------------------------------------------------- the table

@dataclass(frozen=True)
class Option:
    name: str           # top-level key, or group.member
    type: Type
    default: Any
    help: str           # one line or a few sentences: written above (or beside) the key by `init`

    @property
    def group(self) -> str | None:
        return self.name.split(".", 1)[0] if "." in self.name else None

    @property
    def key(self) -> str:
        return self.name.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Group:
    """A mapping of options (``quiz:``): a file names only the members it changes."""
    help: str
    member: str = "key"          # what a member is called, in "unknown …" messages


GROUPS: dict[str, Group] = {
    "sections": Group("Section headings, by the role they play. Add your own spellings; a "
                      "references section is reported and never carded.", member="section role"),
    "cards": Group("Which kinds of items become Anki cards.", member="card kind"),
    "glossary": Group("Which glossary terms become cards: a term card must teach more than a dictionary."),
    "quiz": Group("Defaults of `papercards quiz` (its options override them)."),
}

# Terms a researcher in the field already knows: no glossary card unless listed under glossary.
_KNOWN_TERMS = ["LLM", "LLMs", "Large Language Models", "Large Language Model", "AI", "NLP", "ML",
                "RL", "OOD", "SOTA", "GPU", "Fine-Tuning", "Fine-tuning",
                "SFT", "Supervised Fine-Tuning", "Supervised Fine-tuning", "监督微调", "LM", "language model",
                "CoT", "Chain-of-Thought", "NLL", "negative log-likelihood", "API", "CPU", "URL",
                # the vocabulary of machine learning every student of these papers has
                "logit", "logits", "softmax", "sigmoid", "upper bound", "lower bound", "cross-entropy",
                "cross entropy", "binary cross-entropy", "BCE", "gradient descent", "learning rate",
                "density ratio", "Likert scale", "Likert-5", "baseline", "ablation", "fine-tuning",
                "EM", "Expectation-Maximization", "expectation maximization", "MLE",
                "maximum likelihood estimation", "MSE", "mean squared error", "KL divergence",
                # …and of aligning language models
                "RM", "reward model", "reward models", "奖励模型",
                "RLHF", "Reinforcement Learning from Human Feedback", "PPO", "Proximal Policy Optimization",
                "DPO", "Direct Preference Optimization"]

OPTIONS: tuple[Option, ...] = (
    Option("deck", TEXT, "Paper notes", "Name of the Anki deck (papers are its sub-decks)."),
    Option("source_dir", TEXT, "source", "Folder of your Markdown notes, relative to this file."),
    Option("cards_dir", TEXT, "cards", "The item store: reviewable, hand-editable YAML."),
    Option("decks_dir", TEXT, "decks", "Built Anki packages and quizzes."),
    Option("paper_heading_level", choice(("auto", 1, 2, 3, 4, 5), "must be 'auto' or a heading level from 1 to 5"),
           "auto", 'Heading level of one paper: 2 for "## 1. Title" (many papers per file), '
           '1 for one paper per file under "# Title", or auto to detect it.'),
    Option("layout", choice(LAYOUTS, f"must be one of {', '.join(LAYOUTS)}"), AUTO_LAYOUT,
           f'{ONE_PAPER}: each file is one paper ("# 简称：中文标题", a metadata quote, numbered '
           f'"## 一、…" sections); {MANY_PAPERS}; or auto to tell file by file.'),
    Option("folder_decks", choice((True, False, "auto"), "expected true, false or auto"), "auto",
           "Topic folders of the notes as sub-decks (<deck>::03 robotics::grasping::<paper>): "
           "true, false, or auto (for files of one paper)."),
    Option("sections.keywords", headings(), ["关键字", "关键词", "Keywords", "Key words", "Tags"],
           "terms of the paper: glossary cards and Anki tags"),
    Option("sections.glossary", headings(), ["Glossary", "Terms", "Key terms", "术语", "术语表", "名词解释"],
           "'Term — meaning' lines: a term card each, its meaning on the back"),
    Option("sections.content", headings(), ["主要内容", "内容", "Main content", "Content", "Key points", "要点"],
           "the notes proper: claims, lists, clozes"),
    Option("sections.links", headings(), ["文章链接", "相关链接", "链接", "Links", "Link", "Resources"],
           "the paper's links: its key and the link on every card"),
    Option("sections.abstract", headings(), ["摘要", "Abstract"],
           "the abstract, English and 中文: sentence clozes"),
    Option("sections.summary", headings(), ["一句话总结", "一句话", "总结", "Summary", "TL;DR", "TLDR"],
           "the one-line summary: the summary card"),
    Option("sections.references", headings(), ["参考", "参考文献", "参考资料", "References", "Bibliography"],
           "other papers cited: never carded"),
    Option("placeholders", words(), ["占位", "待补充", "TODO", "TBD", "Placeholder"],
           "Paper headings that only hold a place for later."),
    *(Option(f"cards.{k.name}", FLAG, k.default, k.about) for k in KINDS_DECLARED),
    Option("glossary.vocabulary", FLAG, False,
           "word-for-word pairs with no gloss (pointwise noise -> 逐点噪声)"),
    Option("glossary.known_terms", words("expected a list of terms"), _KNOWN_TERMS,
           "terms a researcher in the field knows: no term card and no blank (check --all lists them)"),
    Option("fix_typos", FLAG, True,
           "Typing slips in the notes are corrected on the cards (not in the notes), each with a "
           "warning: a word the paper's own Chinese abstract writes, in the same phrase, with other "
           "characters of the same pinyin (收到 for 受到), a word no dictionary has that sounds like one "
           "the paper writes often (将励 for 奖励), an acronym in a stray case (DPo for DPO). "
           "false: the cards say what the notes say."),
    Option("max_cloze_blanks", whole(1, 9), 2, "At most this many blanks on one cloze card (1 to 9)."),
    Option("remote_images", FLAG, False,
           "Images in the notes: local files (next to the notes, inside this folder) are packed into "
           "the deck. Images with a web address are left out, because Anki would fetch them each time "
           "the card is shown; true keeps them."),
    Option("ankiconnect_url", web_address(), "http://127.0.0.1:8765",
           "papercards push: where the AnkiConnect add-on of Anki desktop listens."),
    Option("speak_terms", choice((False, "english", "both"), "expected false, english or both"), False,
           "Term cards read their English (english) or English and Chinese (both) aloud on the back, "
           "with Anki's own text to speech; false: silent."),
    Option("quiz.questions", whole(1, expected="expected a positive whole number"), 40, "questions per quiz"),
    Option("quiz.types", subset(QUIZ_TYPES), list(QUIZ_TYPES), "question types: " + ", ".join(QUIZ_TYPES)),
    Option("quiz.seed", whole(0, expected="expected a positive whole number"), 1,
           "the same seed gives the same quiz"),
    Option("quiz.paper", choice(("A4", "Letter"), "expected A4 or Letter"), "A4", "A4 or Letter"),
    Option("quiz.direction", choice(("en-zh", "zh-en", "mixed"), "expected en-zh, zh-en or mixed"), "mixed",
           "en-zh, zh-en or mixed"),
)

OPTION: dict[str, Option] = {o.name: o for o in OPTIONS}
TOP_KEYS: tuple[str, ...] = tuple(dict.fromkeys(o.group or o.name for o in OPTIONS))


def members(group: str) -> tuple[Option, ...]:
    return tuple(o for o in OPTIONS if o.group == group)


def default(name: str) -> Any:
    """The default of an option (a fresh copy: callers may change lists), or of a whole group."""
    if name in GROUPS:
        return {o.key: default(o.name) for o in members(name)}
    return copy.deepcopy(OPTION[name].default)


def default_of(name: str) -> Callable[[], Any]:
    """A dataclass ``default_factory`` for an option or group."""
    return lambda: default(name)


# --------------------------------------------------------------------------- the file `init` writes

HEADER = ("papercards configuration. Every key is optional; the values below are the defaults, "
          "except those chosen when the file was made (deck, layout).")


def config_text(chosen: dict[str, Any] | None = None) -> str:
    """The commented `papercards.yaml` with every option at its default, or as ``chosen``."""
    chosen = chosen or {}
    parts = [_comment(HEADER, "")]
    for key in TOP_KEYS:
        if key in GROUPS:
            lines = [_comment(GROUPS[key].help, ""), f"{key}:"]
            lines += [_member(o, chosen.get(o.name, o.default)) for o in members(key)]
        else:
            o = OPTION[key]
            lines = [_comment(o.help, ""), f"{key}: {_yaml(chosen.get(key, o.default))}"]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _member(option: Option, value: Any) -> str:
    """A group member's line, its help beside it (above it when that would be too long)."""
    line = f"  {option.key}: {_yaml(value)}"
    if len(line) + len(option.help) > 110:
        return f"{_comment(option.help, '  ')}\n{line}"
    return f"{line}  # {option.help}"


def _comment(text: str, indent: str) -> str:
    return "\n".join(textwrap.wrap(text, 88, initial_indent=f"{indent}# ", subsequent_indent=f"{indent}# "))


def _yaml(value: Any) -> str:
    """A value as YAML on one line (flow style), quoted only where YAML needs it."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    return text.removesuffix("\n...\n").strip()
