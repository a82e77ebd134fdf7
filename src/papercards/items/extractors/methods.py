"""Method → paper: ``NS-DPO`` → which paper proposes it, and what it stands for."""

from __future__ import annotations

from ...notes import slugify
from ..context import PaperContext
from ..model import Item


def extract(pc: PaperContext):
    # "Which paper proposes X?" is true only when no other paper of the notes has X as a
    # keyword: a paper that uses DPO does not propose it
    methods = [m for m in pc.methods if not pc.ctx.keyword_users.get(m.name.casefold(), set()) - {pc.info.key}]
    if not methods:
        return
    # Methods proposed together without a long form share one card (RLHF-COV / DPO-COV).
    groups: list[list] = []
    for m in methods:
        if not m.long_form and groups and not groups[-1][0].long_form and groups[-1][0].sentence == m.sentence:
            groups[-1].append(m)
        else:
            groups.append([m])
    for group in groups:
        name = " / ".join(m.name for m in group)
        head = group[0]
        zh = pc.ctx.chinese_of.get(head.name, "")
        if head.long_form and head.long_form.casefold() not in pc.paper.title.casefold():
            description = head.long_form + (f"（{zh}）" if zh else "")
        elif _titled_by(pc.paper.title, group):
            # "Which paper proposes SimPO?" → "SimPO: Simple Preference Optimization…" asks
            # nothing the front does not say; the paper's cards go by that name anyway
            pc.ctx.note(pc.paper.file, head.line, f"'{name}' names the paper in its title: no "
                        "'which paper proposes' card")
            continue
        else:
            # the paper's title is the answer (and spells the name out, when it holds the long
            # form: printed again, with the abstract's own Chinese, it is clutter); a
            # sentence would dangle
            description = ""
        yield Item(id=f"{pc.info.key}/method/{slugify(head.name)}", kind="method", paper=pc.info.key,
                   fields={"method": name, "description": description},
                   source=pc.where(head.line))


def _titled_by(title: str, group: list) -> bool:
    """Whether the title opens on one of the methods' names ("SimPO: …", "TIS-DPO: …")."""
    head = title.split(":")[0].split("：")[0].strip().casefold()
    return any(m.name.casefold() == head for m in group)
