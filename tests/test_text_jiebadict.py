"""papercards' cache of jieba's dictionary: the same dictionary as jieba's own load, or jieba's own load."""

from __future__ import annotations

import jieba
import pytest

from papercards.text import jiebadict


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERCARDS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def reference():
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


def loaded() -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    jiebadict.load_dictionary(tok, jieba)
    return tok


def test_first_load_writes_the_cache_and_the_second_reads_the_same_dictionary(cache, reference, monkeypatch):
    first = loaded()
    path = jiebadict.cache_file(jieba)
    assert path.parent == cache and path.is_file()
    monkeypatch.setattr(jieba.Tokenizer, "initialize", lambda self, *a: pytest.fail("jieba loaded again"))
    second = loaded()
    for tok in (first, second):
        assert tok.initialized and tok.total == reference.total
        assert list(tok.FREQ.items()) == list(reference.FREQ.items())
    assert second.lcut("我们提出了非平稳直接偏好优化") == reference.lcut("我们提出了非平稳直接偏好优化")


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "bad utf-8"])
def test_a_damaged_cache_is_ignored_and_rewritten(cache, reference, damage):
    loaded()
    path = jiebadict.cache_file(jieba)
    data = path.read_bytes()
    path.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"\x00" * 100, "empty": b"",
                      "bad utf-8": data[:-3] + b"\xff\xfe\xfd"}[damage])
    tok = loaded()
    assert tok.total == reference.total and tok.FREQ == reference.FREQ
    assert path.read_bytes() == data                    # written again, whole


def test_off_or_an_unwritable_folder_falls_back_to_jieba(tmp_path, monkeypatch, reference):
    monkeypatch.setenv("PAPERCARDS_CACHE_DIR", "off")
    assert jiebadict.cache_file(jieba) is None
    assert loaded().FREQ == reference.FREQ
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PAPERCARDS_CACHE_DIR", str(blocker / "cache"))
    assert loaded().FREQ == reference.FREQ             # no error: the cache only saves time


def test_the_cache_name_follows_jieba_and_its_dictionary(cache, monkeypatch):
    name = jiebadict.cache_file(jieba).name
    monkeypatch.setattr(jieba, "__version__", "0.0.0-other")
    assert jiebadict.cache_file(jieba).name != name


def test_default_folder_is_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("PAPERCARDS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert jiebadict.cache_dir() == tmp_path / "xdg" / "papercards"


def test_lookups_read_the_table_without_building_the_dictionary(cache, reference, monkeypatch):
    loaded()                                            # writes the cache
    monkeypatch.setattr(jiebadict._Table, "load", lambda self: pytest.fail("the whole dictionary was built"))
    tok = loaded()
    assert isinstance(tok.FREQ, jiebadict.Dictionary)
    words = ["偏好", "直接", "优化", "模型", "非平稳", "不是一个词吧", "DPO", "a", "的"]
    for word in words:
        assert tok.FREQ.get(word) == reference.FREQ.get(word)
        assert (word in tok.FREQ) == (word in reference.FREQ)
    with pytest.raises(KeyError):
        tok.FREQ["不是一个词吧"]
    text = "我们提出了非平稳直接偏好优化，模型越大，过度优化越轻一点但是不会消失"
    assert tok.lcut(text) == reference.lcut(text)


def test_after_enough_words_the_whole_dictionary_takes_over(cache, reference, monkeypatch):
    loaded()
    monkeypatch.setattr(jiebadict, "WORDS_BEFORE_LOADING", 3)
    tok = loaded()
    text = "我们提出了非平稳直接偏好优化"
    assert tok.lcut(text) == reference.lcut(text)
    assert type(tok.FREQ) is dict and tok.FREQ == reference.FREQ
