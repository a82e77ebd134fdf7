#!/usr/bin/env python3
"""Sample cards for a blind review, as the real Anki engine renders them.

    python bench/sample_cards.py [NOTES_DIR_OR_FILE] [--seed 41] [-n 40] [--all]

Builds the notes into a fresh temporary project (the shipped config), imports the
deck into a new collection of the real ``anki`` engine, renders every card and
prints ``n`` of them, picked with ``random.Random(seed)``, as the learner sees
them: note type, deck, front and back text (the back without the repeated front).
A reviewer who has not seen the code judges this output against CARDS.md.
Needs the test extra (``pip install -e '.[test]'``) for the ``anki`` package.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def build_project(notes: Path, base: Path) -> Path:
    proj = base / "proj"
    src = proj / "source"
    if notes.is_dir():
        shutil.copytree(notes, src)
    else:
        src.mkdir(parents=True)
        shutil.copy(notes, src / notes.name)
    shutil.copy(ROOT / "papercards.yaml", proj / "papercards.yaml")
    subprocess.run([sys.executable, "-m", "papercards", "build", "-q", "-C", str(proj)], check=True)
    return proj


def rendered_cards(proj: Path, base: Path) -> list[dict]:
    from anki_engine import import_apkg, open_collection, strip_html
    deck = next((proj / "decks").glob("*.apkg"))
    col = open_collection(base)
    try:
        import_apkg(col, deck)
        out = []
        for cid in sorted(col.find_cards("")):
            card = col.get_card(cid)
            note = card.note()
            front = strip_html(card.question())
            back = strip_html(card.answer())
            if back.startswith(front):
                back = back[len(front):].strip()
            out.append({"type": note.note_type()["name"], "deck": col.decks.name(card.did),
                        "ord": card.ord, "front": front, "back": back})
        return out
    finally:
        col.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notes", nargs="?", default=str(ROOT / "source"), help="a notes file or folder")
    ap.add_argument("--seed", type=int, default=41)
    ap.add_argument("-n", type=int, default=40, help="cards to sample")
    ap.add_argument("--all", action="store_true", help="print every card, in deck order")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        cards = rendered_cards(build_project(Path(args.notes).resolve(), base), base)
    picked = cards if args.all else random.Random(args.seed).sample(cards, min(args.n, len(cards)))
    print(f"# {len(picked)} of {len(cards)} cards" + ("" if args.all else f", seed {args.seed}"))
    for i, c in enumerate(picked, 1):
        print(f"\n## Card {i} · {c['type']} (card {c['ord'] + 1}) · deck: {c['deck']}")
        print("FRONT:\n" + c["front"])
        print("BACK:\n" + c["back"])


if __name__ == "__main__":
    main()
