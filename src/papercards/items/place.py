"""Where an item comes from, as a card shows it: ``notes.md › NS-DPO › 技术细节``.

A line number (``source/notes.md:185``) is what an editor needs, and it stays
in ``cards/``; on a card it goes stale whenever a line is added above. The
place names the notes file, the paper's short name and the innermost heading
over the item's line instead: it changes only when one of those does.
"""

from __future__ import annotations

import bisect
from pathlib import PurePosixPath

from .context import PaperContext
from .dangling import without_notes_asides
from .model import Item

SEPARATOR = " › "


def set_places(items: list[Item], pcs: list[PaperContext]) -> None:
    """Give every item the place of its source line (``item.place``)."""
    by_file: dict[str, list[PaperContext]] = {}
    for pc in sorted(pcs, key=lambda pc: pc.paper.line):
        by_file.setdefault(pc.paper.file, []).append(pc)
    starts = {file: [pc.paper.line for pc in found] for file, found in by_file.items()}
    for item in items:
        file, _, line = item.source.rpartition(":")
        if not line.isdigit() or file not in by_file:
            continue
        at = bisect.bisect_right(starts[file], int(line)) - 1
        pc = by_file[file][max(at, 0)]
        item.place = place_of(pc, int(line))


def place_of(pc: PaperContext, line: int) -> str:
    """``file › paper › heading`` for a line of this paper (the heading when it has text)."""
    paper = pc.paper
    parts = [PurePosixPath(paper.file).name, pc.info.short or pc.info.key or paper.title]
    heading = ""
    for section in paper.sections:
        if section.line > line:
            break
        heading = section.heading
        for sub in section.subsections:
            if sub.line > line:
                break
            heading = sub.heading or section.heading
    parts.append(without_notes_asides(heading or "", heading=True))      # its note to self is no place
    return SEPARATOR.join(p.strip() for p in parts if p and p.strip())
