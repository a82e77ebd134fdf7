"""The config `papercards init` writes says what a project with no config does."""

from __future__ import annotations

import yaml

from papercards.config import DEFAULT_CONFIG_TEXT, Config, load_config


def test_init_config_equals_the_defaults(tmp_path):
    (tmp_path / "papercards.yaml").write_text(DEFAULT_CONFIG_TEXT.format(deck="Paper notes", layout="auto"), encoding="utf-8")
    written, default = load_config(tmp_path), Config(root=tmp_path)
    assert written.sections == default.sections            # 要点, Content, Tags, Resources, TLDR too
    assert written.placeholders == default.placeholders    # Placeholder too
    assert written.cards == default.cards
    assert written.glossary.known_terms == default.glossary.known_terms
    assert written.glossary.vocabulary == default.glossary.vocabulary
    assert written.quiz == default.quiz


def test_init_config_is_plain_yaml_with_every_key(tmp_path):
    data = yaml.safe_load(DEFAULT_CONFIG_TEXT.format(deck="X", layout="auto"))
    assert {"sections", "placeholders", "cards", "glossary", "quiz"} <= set(data)
