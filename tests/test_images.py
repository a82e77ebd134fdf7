"""Images in the notes: a local image is packed into the deck and shown on the
card (checked in the real Anki engine: its media folder and Check Media); a
missing, outside, absolute, SVG, fake or remote image is reported with its
file:line and left out, so no card shows a broken image or loads anything from
the network; a changed image rebuilds the deck."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

from anki_engine import import_apkg, open_collection, render_all
from click.testing import CliRunner
from fake_ankiconnect import EngineAnki, FakeAnkiConnect

from papercards.anki.images import packed_name
from papercards.build import build
from papercards.cli import main
from papercards.config import load_config

NOW = 1_700_000_000
HEAD = "## 1. Loss Curves Paper\n损失曲线论文\n\n### 主要内容\n#### 损失曲线怎么样\n"
# the author's bold makes each bullet a fact worth a card (a bullet with nothing to ask is a cue)
GOOD = HEAD + "* **训练损失**下降很快 ![loss](fig.png)\n* **验证损失** <img src=\"fig.png\" alt=\"val\"> 也下降\n"


def png(rgb: tuple[int, int, int]) -> bytes:
    """A real 1×1 PNG of that colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(rgb)))
            + chunk(b"IEND", b""))


RED, BLUE = png((255, 0, 0)), png((0, 0, 255))


def project(tmp_path: Path, notes: str, config: str = "deck: Images\n", name: str = "proj") -> Path:
    root = tmp_path / name
    (root / "source").mkdir(parents=True)
    (root / "papercards.yaml").write_text(config, encoding="utf-8")
    (root / "source" / "n.md").write_text(notes, encoding="utf-8")
    (root / "source" / "fig.png").write_bytes(RED)
    return root


def imported(tmp_path: Path, decks: list[Path], name: str = "col.anki2"):
    """A real Anki collection after importing the decks in turn (left open: close it)."""
    col = open_collection(tmp_path, name)
    for deck in decks:
        import_apkg(col, deck)
    return col


def answers(col) -> str:
    return "\n".join(a for _, _, a in render_all(col))


def line_of(notes: str, text: str) -> int:
    return next(i for i, line in enumerate(notes.splitlines(), 1) if text in line)


def test_a_local_image_is_packed_and_shown_in_anki(tmp_path):
    root = project(tmp_path, GOOD)
    result = build(load_config(root), now=NOW)
    name = packed_name(RED, ".png")
    assert re.fullmatch(r"papercards-[0-9a-f]{16}\.png", name)
    assert not [str(d) for d in result.diagnostics if "image" in d.message]
    with zipfile.ZipFile(result.deck_path) as zf:
        assert zf.read("media") == f'{{"0": "{name}"}}'.encode()
        assert zf.read("0") == RED
    col = imported(tmp_path, [result.deck_path])
    try:
        assert (Path(col.media.dir()) / name).read_bytes() == RED
        html = answers(col)
        assert f'<img src="{name}" alt="loss">' in html and f'<img src="{name}" alt="val">' in html
        assert "fig.png" not in html
        check = col.media.check()
        assert list(check.missing) == [] and list(check.unused) == []
    finally:
        col.close()


def test_the_deck_with_images_is_byte_deterministic(tmp_path):
    decks = [build(load_config(project(tmp_path, GOOD, name=n)), now=NOW).deck_path.read_bytes()
             for n in ("a", "b")]
    assert decks[0] == decks[1]


def test_bad_images_are_reported_with_their_line_and_left_out(tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(BLUE)
    root = tmp_path / "proj"
    absolute = root / "source" / "fig.png"
    bullets = [
        "缺失 ![missing](nope.png) 图",
        "外面 ![outside](../../outside.png) 图",
        f"绝对 ![absolute]({absolute}) 图",
        "远程 <img src=\"https://tracker.example/pixel.gif\" alt=\"pixel\"> 图",
        "协议 ![relative-scheme](//tracker.example/p.png) 图",
        "链接 ![link](link.png) 图",
        "矢量 ![vector](x.svg) 图",
        "冒充 ![fake](fake.png) 图",
    ]
    # one card each, under its own heading (each asks its own word: a paper asks one word
    # once): the warning names the image's line, not the heading's
    notes = HEAD.split("#### ")[0] + "".join(f"#### 第{i}张图\n* **第{i}条损失曲线**说明训练很稳定\n* {b}\n"
                                              for i, b in enumerate(bullets))
    root = project(tmp_path, notes)
    (root / "source" / "link.png").symlink_to(outside)
    (root / "source" / "x.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    (root / "source" / "fake.png").write_text("<script>alert(1)</script>")
    result = build(load_config(root), now=NOW)
    said = [str(d) for d in result.diagnostics]
    expected = {
        "missing": "image 'nope.png' not found (looked for source/nope.png)",
        "outside": "image '../../outside.png' is outside the project",
        "absolute": f"image '{absolute}' is an absolute path",
        "pixel": "remote image 'https://tracker.example/pixel.gif' is not loaded on cards",
        "relative-scheme": "remote image '//tracker.example/p.png' is not loaded on cards",
        "link": "image 'link.png' links to a file outside the project",
        "vector": "image 'x.svg' is not a PNG, JPEG, GIF or WebP file",
        "fake": "image 'fake.png' is not a PNG file inside",
    }
    for alt, message in expected.items():
        where = f"source/n.md:{line_of(notes, alt)}: "
        found = [m for m in said if m.startswith(where + message)]
        assert len(found) == 1, (alt, said)
        assert found[0].endswith("left out of the card")
    with zipfile.ZipFile(result.deck_path) as zf:
        assert zf.read("media") == b"{}" and zf.namelist() == ["collection.anki2", "media"]
    col = imported(tmp_path, [result.deck_path])
    try:
        html = answers(col)
        assert "<img" not in html and "tracker.example" not in html and "<svg" not in html
        for alt in expected:
            assert alt in html                         # the alt text stays, as text
        assert list(col.media.check().missing) == []
        assert list(Path(col.media.dir()).iterdir()) == []
    finally:
        col.close()
    # the CLI prints the same, as warnings (exit 0)
    run = CliRunner().invoke(main, ["build", "-C", str(root), "--force"])
    assert run.exit_code == 0, run.output
    assert f"source/n.md:{line_of(notes, 'pixel')}: remote image" in run.output


def test_remote_images_are_kept_when_the_config_allows_them(tmp_path):
    notes = HEAD + "* 远程 <img src=\"https://example.org/curve.png\" alt=\"curve\"> 图\n"
    root = project(tmp_path, notes, config="deck: Images\nremote_images: true\n")
    result = build(load_config(root), now=NOW)
    assert not [d for d in result.diagnostics if "image" in d.message]
    col = imported(tmp_path, [result.deck_path])
    try:
        assert '<img src="https://example.org/curve.png" alt="curve">' in answers(col)
    finally:
        col.close()


def test_remote_images_must_be_true_or_false(tmp_path):
    root = project(tmp_path, GOOD, config="deck: Images\nremote_images: yes please\n")
    run = CliRunner().invoke(main, ["build", "-C", str(root)])
    assert run.exit_code == 1
    assert "papercards.yaml:2: config key 'remote_images': expected true or false" in run.output


def test_a_changed_image_rebuilds_the_deck_and_updates_the_note(tmp_path):
    root = project(tmp_path, GOOD)
    first = build(load_config(root), now=NOW)
    old_deck = first.deck_path.read_bytes()
    assert build(load_config(root), now=NOW + 10).summary().up_to_date
    (root / "source" / "fig.png").write_bytes(BLUE)
    second = build(load_config(root), now=NOW + 20)
    assert not second.summary().up_to_date
    new_deck = second.deck_path.read_bytes()
    assert new_deck != old_deck
    old_name, new_name = packed_name(RED, ".png"), packed_name(BLUE, ".png")
    with zipfile.ZipFile(second.deck_path) as zf:
        assert zf.read("media") == f'{{"0": "{new_name}"}}'.encode() and zf.read("0") == BLUE
    # the note's mod time moved: Anki's "update if newer" takes the new image
    old_copy = tmp_path / "old.apkg"
    old_copy.write_bytes(old_deck)
    col = imported(tmp_path, [old_copy, second.deck_path])
    try:
        html = answers(col)
        assert new_name in html and old_name not in html
        assert (Path(col.media.dir()) / new_name).read_bytes() == BLUE
        assert list(col.media.check().missing) == []
    finally:
        col.close()


def test_an_image_added_after_a_warning_is_packed_by_the_next_build(tmp_path):
    root = project(tmp_path, HEAD + "* 之后才有 ![later](later.png) 图\n")
    first = build(load_config(root), now=NOW)
    assert any("image 'later.png' not found" in d.message for d in first.diagnostics)
    (root / "source" / "later.png").write_bytes(BLUE)
    second = build(load_config(root), now=NOW + 10)
    assert not second.summary().up_to_date
    assert not [d for d in second.diagnostics if "image" in d.message]
    with zipfile.ZipFile(second.deck_path) as zf:
        assert zf.read("0") == BLUE


def test_a_hand_written_item_finds_its_image_from_the_project_folder(tmp_path):
    root = project(tmp_path, GOOD)
    build(load_config(root), now=NOW)
    (root / "figs").mkdir()
    (root / "figs" / "mine.png").write_bytes(BLUE)
    store = next((root / "cards").rglob("*.yaml"))
    store.write_text(store.read_text(encoding="utf-8")
                     + "- id: manual/figure\n  kind: claim\n  paper: loss-curves-paper\n  fields:\n"
                       "    question: 我自己的图？\n    answer: 见图 ![mine](figs/mine.png) 和 ![gone](figs/gone.png)\n"
                       "  origin: manual\n", encoding="utf-8")
    result = build(load_config(root), now=NOW + 10)
    gone = [str(d) for d in result.diagnostics if "gone.png" in d.message]
    rel = store.relative_to(root).as_posix()
    assert len(gone) == 1 and re.match(rf"{re.escape(rel)}:\d+: image 'figs/gone.png' not found", gone[0]), gone
    col = imported(tmp_path, [result.deck_path])
    try:
        assert f'<img src="{packed_name(BLUE, ".png")}" alt="mine">' in answers(col)
        assert list(col.media.check().missing) == []
    finally:
        col.close()


def test_push_sends_the_image_of_an_updated_note(tmp_path):
    root = project(tmp_path, HEAD + "* **训练损失**下降很快\n* **验证损失** 也下降\n")      # the same note, no image yet
    col = open_collection(tmp_path)
    try:
        with FakeAnkiConnect(EngineAnki(col)) as fake:
            run = CliRunner().invoke(main, ["push", "-C", str(root), "--url", fake.url])
            assert run.exit_code == 0, run.output
            (root / "source" / "n.md").write_text(GOOD, encoding="utf-8")
            run = CliRunner().invoke(main, ["push", "-C", str(root), "--url", fake.url])
            assert run.exit_code == 0, run.output
            assert "1 updated" in run.output and "storeMediaFile" in fake.calls
        name = packed_name(RED, ".png")
        assert name in answers(col)
        assert (Path(col.media.dir()) / name).read_bytes() == RED
        assert list(col.media.check().missing) == []
    finally:
        col.close()
