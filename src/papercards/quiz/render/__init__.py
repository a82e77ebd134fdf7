"""Quiz renderers, one module per output format, registered here in the order they are written.

Each renderer is ``render(quiz, *, paper="A4") -> bytes | str``; `papercards.quiz.write`
writes them. Imports are lazy: the PDF renderer's compiler is loaded only when a PDF is made.
"""

from __future__ import annotations

import importlib

# format -> (module, file suffix)
FORMATS: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", ".pdf"),
    "html": ("html", ".html"),
    "md": ("markdown", ".md"),
    "csv": ("table", ".csv"),
    "tsv": ("table", ".tsv"),
    "gift": ("gift", ".gift.txt"),
    "json": ("jsonout", ".json"),
}


def renderer(fmt: str):
    module, _ = FORMATS[fmt]
    return importlib.import_module(f"{__name__}.{module}")
