"""Incremental builds (papercards.cache): a rebuild reuses what unchanged files and papers
gave, and its outputs are byte-identical to a cold build of the same project."""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import random
import re
import shutil
import stat
from pathlib import Path

import pytest

from conftest import ROOT
from test_images import BLUE, RED
from papercards import build as build_module
from papercards.build import build
from papercards.cache import _MAGIC, CACHE_DIR, BuildCache, user_key
from papercards.config import load_config
from papercards.store.yamlio import dump_file, load_dumped, load_text

NOTES = ROOT / "tests" / "data" / "notes" / "weeks-later.md"
CHINESE_BULLET = re.compile(r"^[*-] [^\n]*[\u4e00-\u9fff][^\n]*$", re.M)


def outputs(root: Path) -> dict[str, bytes]:
    """cards/ and decks/, byte for byte."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for folder in ("cards", "decks") for p in sorted((root / folder).rglob("*"))
            if p.is_file() and p.name != ".lock"}


def project(tmp_path: Path, name: str = "proj") -> Path:
    root = tmp_path / name
    (root / "source").mkdir(parents=True)
    shutil.copy(NOTES, root / "source" / "notes.md")
    return root


def counted_build(root: Path, monkeypatch, **kwargs) -> BuildCache:
    """Build; returns the cache the build used (its hits and misses)."""
    used = []
    real = BuildCache.of

    def of(config, *, force=False):
        used.append(real(config, force=force))
        return used[-1]
    monkeypatch.setattr(build_module.BuildCache, "of", of)
    build(load_config(root), **kwargs)
    monkeypatch.setattr(build_module.BuildCache, "of", real)
    return used[0]


def random_edit(text: str, rnd: random.Random) -> str:
    """One edit as the notes get them: a bullet reworded, dropped, or pasted under another
    paper (its sentence then has two owners), or a keyword added (the glossary changes)."""
    bullets = list(CHINESE_BULLET.finditer(text))
    m = rnd.choice(bullets)
    kind = rnd.choice(["reword", "reword", "drop", "paste", "keyword"])
    if kind == "reword":
        return text[:m.end()] + rnd.choice(["，这一点很关键", "（实验里也验证了）", "，效果提升明显"]) + text[m.end():]
    if kind == "drop":
        return text[:m.start()] + text[m.end() + 1:]
    if kind == "paste":
        other = rnd.choice(bullets)
        return text[:other.end()] + "\n" + m.group(0) + text[other.end():]
    at = rnd.choice([k.end() for k in re.finditer("### 关键字\n", text)])
    return text[:at] + rnd.choice(["* GRPO (Group Relative Policy Optimization 组相对策略优化)\n",
                                   "* reward hacking 奖励黑客\n"]) + text[at:]


@pytest.mark.parametrize("seed", [1, 2])
def test_incremental_builds_match_cold_builds_after_random_edits(tmp_path, monkeypatch, seed):
    rnd = random.Random(seed)
    root = project(tmp_path)
    now = 1_700_000_000
    build(load_config(root), now=now)
    reused = 0
    for round_ in range(3):
        notes = root / "source" / "notes.md"
        text = notes.read_text(encoding="utf-8")
        for _ in range(rnd.randint(1, 3)):
            text = random_edit(text, rnd)
        notes.write_text(text, encoding="utf-8")
        cold = tmp_path / f"cold-{round_}"
        shutil.copytree(root, cold)
        shutil.rmtree(cold / CACHE_DIR)
        now += 86_400
        cache = counted_build(root, monkeypatch, now=now)
        build(load_config(cold), now=now)
        reused += cache.hits["rules"]
        assert outputs(root) == outputs(cold), f"round {round_}"
        shutil.rmtree(cold)
    assert reused > 0           # (a new keyword changes the glossary: every paper runs again)


def test_an_edited_bullet_reruns_only_its_paper(tmp_path, monkeypatch):
    root = project(tmp_path)
    build(load_config(root), now=1_700_000_000)
    notes = root / "source" / "notes.md"
    text = notes.read_text(encoding="utf-8")
    bullet = list(CHINESE_BULLET.finditer(text))[40]
    notes.write_text(text[:bullet.end()] + "，这一点很关键" + text[bullet.end():], encoding="utf-8")
    cache = counted_build(root, monkeypatch, now=1_700_086_400)
    assert cache.misses["rules"] == 1 and cache.hits["rules"] == 29            # the edited paper only, of 30
    assert cache.misses["survey"] == 1 and cache.misses["notes"] == 1
    assert cache.misses["yaml"] <= 1                                           # its store file, if any
    assert cache.misses["store"] <= 1                   # the cold build kept what it wrote: no file read again
    assert cache.hits["render"] > 100 and cache.misses["render"] <= 20        # the notes of one paper at most


def test_an_edited_bullet_aligns_the_abstracts_of_its_paper_only(tmp_path, monkeypatch):
    """What the first pass reads of each paper alone (how well its abstracts translate each
    other, the names it uses) is kept with the paper: an edit does not read all 30 again."""
    import importlib
    slips, survey_module = (importlib.import_module(f"papercards.items.{name}") for name in ("slips", "survey"))
    aligned, names_read = [], []
    real_aligned, real_names = slips._aligned, getattr(survey_module, "names_in", None)
    monkeypatch.setattr(slips, "_aligned", lambda en, zh: aligned.append(en is zh) or real_aligned(en, zh))
    monkeypatch.setattr(survey_module, "names_in", lambda t: names_read.append(t) or real_names(t), raising=False)
    root = project(tmp_path)
    build(load_config(root), now=1_700_000_000)
    cold_own, cold_names = sum(aligned), len(names_read)
    notes = root / "source" / "notes.md"
    text = notes.read_text(encoding="utf-8")
    bullet = list(CHINESE_BULLET.finditer(text))[40]
    notes.write_text(text[:bullet.end()] + "，这一点很关键" + text[bullet.end():], encoding="utf-8")
    cache = counted_build(root, monkeypatch, now=1_700_086_400)
    assert cache.misses["survey"] == 1 and cache.hits["survey"] == 29
    assert cold_own > 20 and sum(aligned) - cold_own == 1     # a paper's own two abstracts: the edited one's
    assert (cold_names, len(names_read) - cold_names) == (30, 1)


def test_a_corrupt_or_foreign_cache_is_ignored(tmp_path):
    root = project(tmp_path)
    build(load_config(root), now=1_700_000_000)
    notes = root / "source" / "notes.md"
    notes.write_text(notes.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(load_config(root), now=1_700_000_000)            # the store files read once: all steps kept
    packs = sorted((root / CACHE_DIR / "steps").glob("*.pack"))
    assert {p.stem for p in packs} >= {"notes", "survey", "rules", "store", "yaml"}
    packs[0].write_bytes(b"not ours")                                   # foreign
    packs[1].write_bytes(packs[1].read_bytes()[:-100])                  # torn
    data = bytearray(packs[2].read_bytes())                             # a bit flipped
    data[len(data) // 2] ^= 1
    packs[2].write_bytes(bytes(data))
    notes.write_text(notes.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    cold = tmp_path / "cold"
    shutil.copytree(root, cold)
    shutil.rmtree(cold / CACHE_DIR)
    build(load_config(root), now=1_700_086_400)
    build(load_config(cold), now=1_700_086_400)
    assert outputs(root) == outputs(cold)


def test_force_does_not_read_the_cache(tmp_path, monkeypatch):
    """A cache whose entries are well-formed but wrong (every paper without items) is
    not read by --force, and is rewritten by it."""
    root = project(tmp_path)
    build(load_config(root), now=1_700_000_000)
    before = outputs(root)
    cache = BuildCache.of(load_config(root))
    rules = cache._entries("rules")
    cache._kept["rules"] = {digest: pickle.dumps((([], []), {})) for digest in rules}    # (items, warnings), lookups
    cache.save()
    notes = root / "source" / "notes.md"
    notes.write_text(notes.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    trusting = tmp_path / "trusting"
    shutil.copytree(root, trusting)
    build(load_config(trusting), now=1_700_000_000)
    assert outputs(trusting) != before                                 # the entries are read without --force
    build(load_config(root), now=1_700_000_000, force=True)
    assert outputs(root) == before
    notes.write_text(notes.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(load_config(root), now=1_700_000_000)                       # the cache --force wrote
    assert outputs(root) == before



def test_a_paste_into_an_earlier_paper_changes_the_later_papers_cards(tmp_path, monkeypatch):
    """A bullet of a late paper pasted under an earlier one: the earlier paper now owns
    the text, so the late paper, whose notes did not change, loses its card for it (the
    lookups its extractor chain made are checked again, not only its own text)."""
    root = project(tmp_path)
    build(load_config(root), now=1_700_000_000)
    notes = root / "source" / "notes.md"
    text = notes.read_text(encoding="utf-8")
    bullets = list(CHINESE_BULLET.finditer(text))
    late = [m.group(0) for m in bullets[len(bullets) * 2 // 3:]           # no term in them: the glossary stays
            if len(m.group(0)) > 25 and not re.search(r"[A-Za-z(（]", m.group(0))][:6]
    content = text.index("### 主要内容")
    early = [m for m in bullets if content < m.start() < text.index("\n## ", content)][:len(late)]
    # replaced line for line: no paper moves, no keyword changes
    for old, new in reversed(list(zip(early, late))):  # the first paper's content bullets
        text = text[:old.start()] + new + text[old.end():]
    notes.write_text(text, encoding="utf-8")
    cold = tmp_path / "cold"
    shutil.copytree(root, cold)
    shutil.rmtree(cold / CACHE_DIR)
    cache = counted_build(root, monkeypatch, now=1_700_086_400)
    build(load_config(cold), now=1_700_086_400)
    assert outputs(root) == outputs(cold)
    assert cache.hits["rules"] > 0


def test_a_changed_title_or_image_rerenders_the_notes_that_show_it(tmp_path):
    """Notes are kept by everything their rendering reads: a paper's title changed in
    the notes reaches every note of the paper, and an image changed on disk (its bytes,
    not the notes) reaches the note that shows it, as in a cold build."""
    root = project(tmp_path)
    notes = root / "source" / "notes.md"
    (root / "source" / "fig.png").write_bytes(RED)
    text = notes.read_text(encoding="utf-8")
    bullet = CHINESE_BULLET.search(text, text.index("### 主要内容"))
    notes.write_text(text[:bullet.end()] + "\n* **训练损失**下降很快 ![loss](fig.png)" + text[bullet.end():],
                     encoding="utf-8")
    build(load_config(root), now=1_700_000_000)
    for change in ("title", "image"):
        if change == "title":
            text = notes.read_text(encoding="utf-8")
            notes.write_text(text.replace("## 2. Right Now, Wrong Then:", "## 2. Right Now, Wrong Later:"),
                             encoding="utf-8")
        else:
            (root / "source" / "fig.png").write_bytes(BLUE)
        cold = tmp_path / f"cold-{change}"
        shutil.copytree(root, cold)
        shutil.rmtree(cold / CACHE_DIR)
        before = outputs(root)
        build(load_config(root), now=1_700_086_400)
        build(load_config(cold), now=1_700_086_400)
        assert outputs(root) == outputs(cold) != before, change


class _Payload:
    """What a forged pack would run when unpickled: it makes a file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)


def test_a_forged_or_tampered_pack_is_never_unpickled(tmp_path, monkeypatch):
    """Nothing from the project folder runs as code: a pack is unpickled only when its
    HMAC was made with this user's key, which lives outside the project. A pack forged
    without the key (with a plain checksum, or a MAC under another key) or an authentic
    pack whose contents were changed is ignored, and the build equals a cold one."""
    monkeypatch.setenv("PAPERCARDS_CACHE_DIR", str(tmp_path / "user-cache"))
    root = project(tmp_path)
    build(load_config(root), now=1_700_000_000)
    key = (tmp_path / "user-cache" / "key")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    marker = tmp_path / "pwned"
    evil = pickle.dumps(_Payload(marker))
    packs = sorted((root / CACHE_DIR / "steps").glob("*.pack"))
    assert {p.stem for p in packs} >= {"notes", "survey", "rules", "store", "yaml", "render"}
    for n, pack in enumerate(packs):
        if n % 3 == 0:          # a checksum anyone can compute
            pack.write_bytes(_MAGIC + hashlib.sha256(evil).digest() + evil)
        elif n % 3 == 1:        # a MAC under a key of the forger's
            pack.write_bytes(_MAGIC + hmac.new(b"k" * 32, evil, hashlib.sha256).digest() + evil)
        else:                   # an authentic pack, its payload swapped
            data = pack.read_bytes()
            pack.write_bytes(data[:len(_MAGIC) + 32] + evil)
    notes = root / "source" / "notes.md"
    notes.write_text(notes.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    cold = tmp_path / "cold"
    shutil.copytree(root, cold)
    shutil.rmtree(cold / CACHE_DIR)
    build(load_config(root), now=1_700_086_400)
    assert not marker.exists()
    build(load_config(cold), now=1_700_086_400)
    assert outputs(root) == outputs(cold)
    pickle.loads(evil)                                          # (the payload does run when unpickled)
    assert marker.exists()


def test_without_a_private_key_nothing_is_cached(tmp_path, monkeypatch):
    """A key others can read (they could forge packs) or no cache folder at all: the
    build keeps no cache, and still builds."""
    monkeypatch.setenv("PAPERCARDS_CACHE_DIR", str(tmp_path / "user-cache"))
    assert user_key() is not None
    key = tmp_path / "user-cache" / "key"
    key.chmod(0o644)
    assert user_key() is None
    root = project(tmp_path)
    build(load_config(root), now=1_700_000_000)
    assert not (root / CACHE_DIR / "steps").exists()
    monkeypatch.setenv("PAPERCARDS_CACHE_DIR", "off")
    assert user_key() is None and BuildCache.of(load_config(root)).folder is None


def read_back(text: str, shown: str) -> list:
    """A store file as `load_text` reads it, lines included (a record's line does not
    count in its equality)."""
    paper, paper_line, records = load_text(text, shown)
    return [paper, paper_line, [(r, r.line) for r in records]]


def test_what_a_build_keeps_of_its_store_files_is_what_reading_them_gives(tmp_path):
    """The next build reads the files a build wrote from the cache, without parsing them
    (`load_dumped`): what it finds there is what parsing them gives, for every file of a
    build and for values YAML is picky about."""
    root = project(tmp_path)
    build(load_config(root), now=1_700_000_000)
    cache = BuildCache.of(load_config(root))
    files = sorted((root / "cards").rglob("*.yaml"))
    for path in files:
        text, shown = path.read_text(encoding="utf-8"), f"cards/{path.relative_to(root / 'cards').as_posix()}"
        kept = cache.get("store", pickle.dumps(((text, shown),), protocol=pickle.HIGHEST_PROTOCOL))
        assert [kept[0], kept[1], [(r, r.line) for r in kept[2]]] == read_back(text, shown), shown
    paper, _, records = load_text(files[-1].read_text(encoding="utf-8"), "x.yaml")
    odd = ["2048", "yes", "1.50", "null", "~", "- a", "a: b", "#c", " lead", "trail ", "two\nlines",
           "two\nlines \n", "\ttab", "cr\r\nlf", "nel\x85", "ls\u2028ps\u2029", "'\"", "", "中文：冒号", "\ufeffbom"]
    for n, value in enumerate(odd):
        rec = records[n % len(records)]
        rec.item.fields[next(iter(rec.item.fields))] = value
        rec.tags_anki = [value or "x", "2048"]
        rec.item.tags = ["1.50", value or "y"]
    records[0].suspended, records[0].status, records[0].conflict = True, "retired", {"answer": "2048", "at": "x:1"}
    records[1].old_blanks = {2: "yes", 5: "two\nlines"}
    records[2].origin = "manual"
    paper.title, paper.short, paper.number = "null", "2048", 7
    paper.links = [{"text": "1.50", "href": "https://x.org/a b"}]
    for info in (paper, None):
        text = dump_file("what: 1", info, records)
        kept = load_dumped(text, "x.yaml", info, records)
        assert [kept[0], kept[1], [(r, r.line) for r in kept[2]]] == read_back(text, "x.yaml")



def test_a_paper_remembers_only_who_holds_a_sentence_first():
    """A sentence every copy of a paper shares has a thousand owners: a paper's cache entry
    keeps the first (all the extractors read), not the list (at 1,000 copies the lists made
    the cache 400 MB and the build's memory 1.8 GB)."""
    from papercards.cache import _Lookups
    owners = {"sentence": [f"paper-{i}" for i in range(1000)]}
    lookups = _Lookups(owners)
    assert lookups.get("sentence") == owners["sentence"]           # the extractor sees it all
    assert lookups.get("other") is None
    assert lookups.seen == {"sentence": "paper-0", "other": None}


def test_the_names_most_papers_use_are_part_of_what_crosses_papers():
    """A paper's blank depends on which names the other papers use (a name most use is no
    blank): a paper's cached cards must not outlive a change there."""
    from papercards.cache import shared_digest
    from papercards.config import Config
    from papercards.items.context import Context
    one, other = Context(Config()), Context(Config())
    other.furniture = {"bradley-terry"}
    assert shared_digest(one) != shared_digest(other)


def test_a_new_version_of_a_library_makes_a_new_cache(tmp_path, monkeypatch):
    """The cache's salt reads each library's version from its package file (no
    `importlib.metadata`): a new version, a new salt, nothing reused."""
    import importlib.util
    import types

    from papercards import cache as cache_module
    init = tmp_path / "__init__.py"
    init.write_text('__version__ = "4.3.0"\n', encoding="utf-8")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: types.SimpleNamespace(origin=str(init)))
    first = cache_module._library_versions()
    init.write_text('__version__ = "4.3.1"\n', encoding="utf-8")
    assert cache_module._library_versions() != first


def test_each_abstract_is_aligned_once(tmp_path, monkeypatch):
    """The first pass aligns a paper's two abstracts (how well they translate each other);
    the abstract extractor cards the same pairs instead of aligning them again."""
    import papercards.text as text
    seen = []
    real = text.align_sentences
    monkeypatch.setattr(text, "align_sentences", lambda en, zh: seen.append((tuple(en), tuple(zh))) or real(en, zh))
    build(load_config(project(tmp_path)), now=1_700_000_000)
    assert len(seen) > 20 and len(set(seen)) == len(seen)


def test_an_edit_elsewhere_aligns_no_other_papers_abstracts_again(tmp_path, monkeypatch):
    """A paper whose two abstracts agree badly is checked against every other paper's
    English abstract (pasted under the wrong paper?): kept by the abstracts, that check
    does not run again when a bullet of another paper changes."""
    import papercards.text as text
    root = project(tmp_path)
    build(load_config(root), now=1_700_000_000)
    notes = root / "source" / "notes.md"
    notes.write_text(notes.read_text(encoding="utf-8").replace("模型越大，过度优化越轻一点但是不会消失",
                                                               "模型越大，过度优化就越轻一些，但是不会消失", 1),
                     encoding="utf-8")
    seen = []
    real = text.align_sentences
    monkeypatch.setattr(text, "align_sentences", lambda en, zh: seen.append(en) or real(en, zh))
    build(load_config(root), now=1_700_000_100)
    assert len(seen) <= 1, len(seen)        # the edited paper's own two abstracts, at most
