"""Term cards that speak (config ``speak_terms``), checked in the REAL Anki engine:
Anki renders ``{{tts en_US:English}}`` on the back into ``[anki:tts …]…[/anki:tts]``
and hands that to the player as a TTS tag, leaving ``[anki:play:a:N]`` in the HTML;
switching it on in a project whose deck the learner already studies changes the
note type's templates only, so the reviews stay and no note is orphaned."""

from __future__ import annotations

import pytest
from anki_engine import DECK, import_apkg, open_collection, sample_papers, sample_records, study_all_due
from click.testing import CliRunner
from conftest import shipped_project

from papercards.anki import write_package
from papercards.anki.notetypes import TERM_NAME
from papercards.cli import main
from papercards.config import load_config
from papercards.diagnostics import InputError

TTS = "[anki:play:a:"


@pytest.fixture
def col(tmp_path):
    c = open_collection(tmp_path)
    yield c
    c.close()


def answers(col, model_name: str) -> dict[tuple[str, int], str]:
    """(ItemId, template ordinal) -> the card's back as Anki renders it, with what
    it speaks put back in Anki's own tag form: ``[anki:tts lang=en_US]text[/anki:tts]``."""
    out = {}
    for cid in col.find_cards(f'"note:{model_name}"'):
        card = col.get_card(cid)
        render = card.render_output()
        back = card.answer()
        for i, tag in enumerate(render.answer_av_tags):
            assert type(tag).__name__ == "TTSTag", tag       # anki.sound.TTSTag, not a sound file
            back = back.replace(f"[anki:play:a:{i}]", f"[anki:tts lang={tag.lang}]{tag.field_text}[/anki:tts]")
        assert TTS not in back
        out[(card.note()["ItemId"], card.ord)] = back
    return out


def imported(tmp_path, col, speak, name="deck.apkg"):
    path = tmp_path / name
    write_package(sample_records(), sample_papers(), DECK, path, speak=speak)
    return import_apkg(col, path)


def test_silent_by_default(tmp_path, col):
    imported(tmp_path, col, False)
    backs = answers(col, TERM_NAME)
    assert backs and not any("anki:tts" in back for back in backs.values())
    assert load_config(tmp_path).speak_terms is False


def test_english_is_spoken_on_the_back_of_term_cards(tmp_path, col):
    imported(tmp_path, col, "english")
    backs = answers(col, TERM_NAME)
    assert "[anki:tts lang=en_US]Distributionally Robust Optimization[/anki:tts]" in backs[("term/DRO", 0)]
    assert "[anki:tts lang=en_US]Distributionally Robust Optimization[/anki:tts]" in backs[("term/DRO", 1)]
    assert "[anki:tts lang=en_US]Large Language Model[/anki:tts]" in backs[("term/LLM", 0)]
    assert "zh_CN" not in "".join(backs.values())
    renders = {cid: col.get_card(cid).render_output() for cid in col.find_cards("")}
    assert not any(r.question_av_tags for r in renders.values())       # the front stays silent
    others = col.find_cards(f'-"note:{TERM_NAME}"')
    assert others and not any(renders[cid].answer_av_tags for cid in others)   # only term cards speak


def test_both_adds_the_chinese(tmp_path, col):
    imported(tmp_path, col, "both")
    backs = answers(col, TERM_NAME)
    dro = backs[("term/DRO", 0)]
    assert "[anki:tts lang=en_US]Distributionally Robust Optimization[/anki:tts]" in dro
    assert "[anki:tts lang=zh_CN]分布稳健优化[/anki:tts]" in dro
    assert "zh_CN" not in backs[("term/LLM", 0)]                       # no Chinese, nothing to say


def review_state(col):
    cards = {cid: (c.ivl, c.due, c.queue, c.type, c.reps, c.lapses)
             for cid in col.find_cards("") for c in [col.get_card(cid)]}
    notes = {nid: list(col.get_note(nid).items()) for nid in col.find_notes("")}
    return col.db.scalar("select count() from revlog"), cards, notes


def build(root, speak: str | None):
    """`papercards build` of the project, with ``speak_terms`` set (None: left out)."""
    config = root / "papercards.yaml"
    lines = [line for line in config.read_text(encoding="utf-8").splitlines() if not line.startswith("speak_terms:")]
    if speak is not None:
        lines.append(f"speak_terms: {speak}")
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-C", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (deck,) = (root / "decks").glob("*.apkg")
    return deck


def test_switching_speech_keeps_the_reviews(tmp_path, col):
    """The learner studies the deck, turns speech on, rebuilds and imports: the term
    note type gains the speech in place (no "papercards Term+" copy, no conflicting
    note), and every card keeps its schedule and every review its log line."""
    root = shipped_project(tmp_path / "proj")
    import_apkg(col, build(root, None))
    assert study_all_due(col) > 20
    before = review_state(col)
    notetypes = sorted(m.name for m in col.models.all_names_and_ids())

    log = import_apkg(col, build(root, "english"))
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 0, 0)
    assert sorted(m.name for m in col.models.all_names_and_ids()) == notetypes
    assert review_state(col) == before
    backs = answers(col, TERM_NAME)
    assert backs and all("[anki:tts lang=en_US]" in back for back in backs.values())

    log = import_apkg(col, build(root, "both"))                       # a second change reaches it too
    assert len(log.conflicting) == 0 and review_state(col) == before
    assert any("lang=zh_CN" in back for back in answers(col, TERM_NAME).values())

    # Off again: reviews are safe; Anki keeps the speaking templates until the next
    # template change is newer (see notetypes.notetype_mod and README).
    log = import_apkg(col, build(root, "false"))
    assert len(log.conflicting) == 0 and review_state(col) == before
    assert sorted(m.name for m in col.models.all_names_and_ids()) == notetypes


def test_a_bad_value_names_the_line(tmp_path):
    (tmp_path / "papercards.yaml").write_text("deck: X\nspeak_terms: loud\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_config(tmp_path)
    assert str(err.value) == "papercards.yaml:2: config key 'speak_terms': expected false, english or both"
    (tmp_path / "papercards.yaml").write_text("speak_terms: both\n", encoding="utf-8")
    assert load_config(tmp_path).speak_terms == "both"
