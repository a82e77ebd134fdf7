"""Finding a Chinese (CJK) font on this machine for the PDF.

The PDF embeds the font it uses, so it prints the same everywhere, but the
font has to come from somewhere: papercards ships none (a CJK font is 15-30 MB).
In order:

1. ``PAPERCARDS_CJK_FONT``: a font file (``.ttf``/``.otf``/``.ttc``) or a family
   name known to fontconfig (``"Source Han Serif SC"``);
2. fontconfig (``fc-list :lang=zh``), the fonts preferred in `PREFERRED` first;
3. well-known files in the usual font folders (Linux, macOS, Windows), for
   machines without fontconfig.

Nothing found raises `FontNotFound`, whose message says what to install.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ...diagnostics import InputError

ENV_VAR = "PAPERCARDS_CJK_FONT"

# Families in order of preference: a Song/Ming face matches the serif Latin text, then Hei faces.
PREFERRED = (
    "Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "Noto Serif SC",
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC",
    "Songti SC", "STSong", "SimSun", "PingFang SC", "Microsoft YaHei", "Heiti SC", "STHeiti",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "AR PL UMing CN", "AR PL SungtiL GB",
    "Droid Sans Fallback",
)

# File names of the same fonts, for the search without fontconfig.
_FILE_PATTERNS = (
    "NotoSerifCJK*", "SourceHanSerif*", "NotoSerifSC*", "NotoSansCJK*", "SourceHanSans*",
    "NotoSansSC*", "Songti.ttc", "STSong*", "simsun.ttc", "PingFang.ttc", "msyh.tt*", "STHeiti*",
    "wqy-zenhei.ttc", "wqy-microhei.ttc", "uming.ttc", "DroidSansFallback*.ttf",
)
_FONT_DIRS = (
    "/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
    "/Library/Fonts", "/System/Library/Fonts", "~/Library/Fonts", "C:/Windows/Fonts",
)
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

INSTALL_HINT = (
    "no Chinese (CJK) font found for the PDF. Install one: fonts-noto-cjk on Debian/Ubuntu "
    "(sudo apt install fonts-noto-cjk), google-noto-serif-cjk-fonts on Fedora, or "
    "Noto Sans CJK SC / Noto Serif CJK SC from https://github.com/notofonts/noto-cjk; "
    f"or set {ENV_VAR} to a .ttf/.otf/.ttc font file that has Chinese")


class FontNotFound(InputError):
    """No CJK font: the PDF cannot be made (exit code 1, like bad input)."""

    def __init__(self, message: str = INSTALL_HINT):
        super().__init__("", 0, message)

    def __str__(self) -> str:
        return self.diagnostic.message


@dataclass(frozen=True)
class CJKFont:
    family: str                  # what the Typst template asks for: "Noto Serif CJK SC"
    files: tuple[Path, ...]      # the font files holding it (regular, bold when found)


def find_cjk_font() -> CJKFont:
    """The CJK font the PDF will embed; `FontNotFound` when there is none."""
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return _from_override(override)
    return _find_cached()


@functools.lru_cache(maxsize=1)
def _find_cached() -> CJKFont:
    found = _from_fontconfig() or _from_folders()
    if not found:
        raise FontNotFound()
    return found


def _from_override(value: str) -> CJKFont:
    path = Path(value).expanduser()
    if path.is_file():
        family = _family_of(path)
        if not family:
            raise FontNotFound(f"{ENV_VAR}={value}: not a font file with Chinese in it")
        return CJKFont(family, (path,))
    if path.suffix.lower() in FONT_SUFFIXES or os.sep in value:
        raise FontNotFound(f"{ENV_VAR}={value}: no such font file")
    found = _from_fontconfig(only=value)
    if not found:
        raise FontNotFound(f"{ENV_VAR}={value}: fontconfig knows no font family of that name "
                           "(fc-list : family lists them)")
    return found


def _fontconfig_faces() -> list[tuple[str, str, Path]]:
    """(family, style, file) of every font fontconfig says covers Chinese."""
    fc = shutil.which("fc-list")
    if not fc:
        return []
    try:
        res = subprocess.run([fc, ":lang=zh", "--format", "%{family}\t%{style}\t%{file}\n"],
                             capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    faces = []
    for line in res.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or not parts[2]:
            continue
        for family in parts[0].split(","):
            faces.append((family.strip(), parts[1].split(",")[0].strip(), Path(parts[2])))
    return faces


def _from_fontconfig(only: str | None = None) -> CJKFont | None:
    faces = [f for f in _fontconfig_faces() if f[2].suffix.lower() in FONT_SUFFIXES and f[2].is_file()]
    if only is not None:
        faces = [f for f in faces if f[0].casefold() == only.casefold()]
        if not faces:
            return None
        families = [faces[0][0]]
    else:
        known = {f[0] for f in faces}
        families = [p for p in PREFERRED if p in known]
        # any other font covering Chinese: prefer Simplified Chinese faces, then by name
        families += sorted(known - set(families), key=lambda n: (not re.search(r"\bSC\b|CN|GB", n), n))
    for family in families:
        own = [f for f in faces if f[0] == family]
        regular = [f for f in own if f[1].lower() in ("regular", "book", "normal", "medium", "w3")]
        bold = [f for f in own if f[1].lower() in ("bold", "semibold", "w6")]
        files = [(regular or own)[0][2]] + ([bold[0][2]] if bold else [])
        return CJKFont(family, tuple(dict.fromkeys(files)))
    return None


def _from_folders() -> CJKFont | None:
    for pattern in _FILE_PATTERNS:
        for folder in _FONT_DIRS:
            root = Path(folder).expanduser()
            if not root.is_dir():
                continue
            matches = sorted(p for p in root.rglob(pattern) if p.suffix.lower() in FONT_SUFFIXES)
            if not matches:
                continue
            regular = [p for p in matches if "bold" not in p.name.lower()] or matches
            family = _family_of(regular[0])
            if family:
                bold = [p for p in matches if "bold" in p.name.lower() and _family_of(p) == family]
                return CJKFont(family, tuple([regular[0]] + bold[:1]))
    return None


def _family_of(path: Path) -> str | None:
    """The family name Typst sees in a font file, preferring a Simplified Chinese face."""
    import tempfile

    import typst

    with tempfile.TemporaryDirectory(prefix="papercards-font-") as tmp:
        link_fonts((path,), Path(tmp))
        builtin = set(typst.Fonts(include_system_fonts=False).families())
        families = [f for f in typst.Fonts(include_system_fonts=False, font_paths=[tmp]).families()
                    if f not in builtin]
    if not families:
        return None
    ranked = sorted(families, key=lambda n: (not re.search(r"\bSC\b|CN|GB", n), "Mono" in n, n))
    return ranked[0]


def link_fonts(files: tuple[Path, ...], folder: Path) -> None:
    """Make ``files`` visible in ``folder`` (symlinks; copies where links are not allowed)."""
    for i, src in enumerate(files):
        dest = folder / f"{i}-{src.name}"
        try:
            dest.symlink_to(src.resolve())
        except (OSError, NotImplementedError):
            shutil.copyfile(src, dest)


if __name__ == "__main__":  # pragma: no cover - a manual check: python -m papercards.quiz.render.fonts
    try:
        print(find_cjk_font())
    except FontNotFound as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)
