"""One source for every default: the option table in `papercards.config_schema`.

The file `papercards init` writes lists every option with its help, and a
project made by `init` builds exactly like a project with no config; a value of
the wrong type is refused at its line, exit 1.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import SHIPPED

from papercards.build import build
from papercards.cli import main
from papercards.config import DEFAULT_CONFIG_TEXT, Config, load_config
from papercards.config_schema import GROUPS, OPTIONS, config_text, members
from papercards.diagnostics import InputError

T0 = 1_767_000_000

# A paper whose sections are headed by the less common spellings of each role, and a
# placeholder spelled in English: read the same with or without init's config.
ALIASES_NOTE = """\
# Notes in English headings

## 1. Margin Sheep: Counting Sheep by Their Margins
边际数羊：按间隔数羊

### Tags
* MSC (间隔数羊 Margin Sheep Counting)

### Content
#### What problem does it solve
* Counting sheep one by one is slow; **MSC** counts the margin between two sheep instead

### 要点
* The counter stops at **the 100th sheep**

### Resources
* [OpenReview](https://openreview.net/forum?id=MarginSheep1)

### TLDR
MSC counts the margins between sheep and stops at the hundredth.

## Placeholder
"""


def _init(target: Path) -> Path:
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    shutil.copy(SHIPPED, target / "source" / SHIPPED.name)
    (target / "source" / "aliases.md").write_text(ALIASES_NOTE, encoding="utf-8")
    return target


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_project_made_by_init_builds_like_one_with_no_config(tmp_path):
    with_init, without = _init(tmp_path / "init"), _init(tmp_path / "bare")
    (without / "papercards.yaml").unlink()
    results = [build(load_config(root), now=T0) for root in (with_init, without)]
    store = _files(with_init / "cards")
    assert store and store == _files(without / "cards")          # byte-identical store
    aliases = "\n".join(t.decode() for name, t in store.items() if name.startswith("aliases"))
    assert "MSC" in aliases and "hundredth" in aliases            # Tags, Content/要点, TLDR were read
    said = [sorted(str(d) for d in r.diagnostics) for r in results]
    assert said[0] == said[1]
    assert any("placeholder" in line and "aliases.md" in line for line in said[0])   # '## Placeholder'


def test_init_config_loads_to_the_defaults(tmp_path):
    (tmp_path / "papercards.yaml").write_text(config_text(), encoding="utf-8")
    written, default = dataclasses.asdict(load_config(tmp_path)), dataclasses.asdict(Config(root=tmp_path))
    written.pop("path"), default.pop("path")
    assert written == default


def test_every_option_is_in_inits_file_with_its_help():
    text = config_text()
    data = yaml.safe_load(text)
    flat = " ".join(line.strip().removeprefix("# ") for line in text.splitlines())
    for option in OPTIONS:
        value = data[option.group][option.key] if option.group else data[option.name]
        assert value == option.default, option.name
        assert option.help in flat, option.name
    for name, group in GROUPS.items():
        assert group.help in flat and members(name), name
    assert DEFAULT_CONFIG_TEXT == text


def test_every_setting_of_config_is_a_row_of_the_table():
    """Config's settings (groups flattened to group.member) are the table's options, at their defaults."""
    settings = dataclasses.asdict(Config())
    del settings["root"], settings["path"]
    flat = {}
    for name, value in settings.items():
        flat.update({f"{name}.{k}": v for k, v in value.items()} if name in GROUPS else {name: value})
    assert flat == {o.name: o.default for o in OPTIONS}


def test_init_keeps_the_chosen_deck_and_layout(tmp_path):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "p"), "--deck", 'Mes notes: "论文"',
                                       "--layout", "one-paper-per-file"])
    assert result.exit_code == 0, result.output
    cfg = load_config(tmp_path / "p")
    assert (cfg.deck, cfg.layout) == ('Mes notes: "论文"', "one-paper-per-file")


@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: o.name)
def test_a_wrong_type_is_refused_at_its_line(tmp_path, option):
    """No option takes a mapping: each one refuses it, naming the file, line and key."""
    key = f"{option.group}:\n  {option.key}" if option.group else option.name
    (tmp_path / "papercards.yaml").write_text(f"# a comment\ndeck: Mine\n{key}: {{wrong: 1}}\n",
                                              encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_config(tmp_path)
    line = 4 if option.group else 3
    assert str(err.value).startswith(f"papercards.yaml:{line}: config key '{option.name}': ")


def test_a_wrong_type_stops_the_build_with_exit_1(tmp_path):
    root = _init(tmp_path / "p")
    text = (root / "papercards.yaml").read_text(encoding="utf-8")
    line = text.splitlines().index("  seed: 1  # the same seed gives the same quiz") + 1
    (root / "papercards.yaml").write_text(text.replace("  seed: 1 ", "  seed: one "), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-C", str(root)])
    assert result.exit_code == 1
    assert f"papercards.yaml:{line}: config key 'quiz.seed': expected a positive whole number" in result.output
    assert "Traceback" not in result.output and not any((root / "cards").iterdir())


@pytest.mark.parametrize("text, message", [
    ("quiz:\n  sead: 3\n", "papercards.yaml:2: config key 'quiz.sead': unknown key (known keys: questions, "),
    ("cards:\n  terms: true\n", ("papercards.yaml:2: config key 'cards.terms': unknown card kind (known card "
                                "kinds: term, ")),
    ("sections:\n  keyword: [KW]\n", "papercards.yaml:2: config key 'sections.keyword': unknown section role"),
    ("quiz: 3\n", "papercards.yaml:1: config key 'quiz': expected a mapping of keys: questions, types, "),
    ("max_cloze_blanks: 12\n", "papercards.yaml:1: config key 'max_cloze_blanks': must be between 1 and 9"),
    ("paper_heading_level: true\n", "config key 'paper_heading_level': must be 'auto' or a heading level"),
    ("layout: one-paper-per-file\npaper_heading_level: 2\n", ("papercards.yaml:2: config key "
                                                              "'paper_heading_level': layout one-paper-per-file")),
])
def test_unknown_keys_and_bad_values_name_the_key(tmp_path, text, message):
    (tmp_path / "papercards.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_config(tmp_path)
    assert message in str(err.value)


def test_a_group_sets_only_the_members_it_names(tmp_path):
    (tmp_path / "papercards.yaml").write_text("sections:\n  keywords: 词\nquiz:\n  seed: 7\n", encoding="utf-8")
    cfg, default = load_config(tmp_path), Config()
    assert cfg.sections["keywords"] == ["词"] and cfg.sections["content"] == default.sections["content"]
    assert cfg.quiz.seed == 7 and cfg.quiz.questions == default.quiz.questions
