"""Images on cards: a local image is packed into the deck; anything else is left out.

Anki shows a card in a web view. An ``<img>`` whose file is not in the
collection's media folder is a broken image (and Check Media reports it
missing); an ``<img>`` with a web address is fetched each time the card is
shown (a tracking pixel). So every ``<img>`` in a rendered field goes through
`place_images`:

* a PNG, JPEG, GIF or WebP file, given relative to the notes file the item
  comes from (to the project folder for an item written by hand without a
  ``source``) and inside the project once symlinks are followed, is shown as
  ``papercards-<sha256[:16]>.<ext>`` and packed with the deck. The name
  follows the content: a changed image is a changed note, never a clash with
  an older file of the same name in Anki's media folder;
* anything else (a missing file, a path outside the project or an absolute
  one, SVG, which can carry script, a web address unless the config says
  ``remote_images: true``) is left out with a warning naming the notes file
  and line; its alt text stays on the card as text.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..diagnostics import Diagnostic, InputError

# the file types packed, by extension, and how each file of that type begins
IMAGE_TYPES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WebP"}
MAX_IMAGE_BYTES = 10 * 1024 * 1024
_SCAN_LINES = 2000          # how far below an item's line its image is looked for (the warning's line)
_LEFT_OUT = "left out of the card"


@dataclass(frozen=True)
class ImagePolicy:
    """Where a card's images may come from. The default packs nothing: local
    images need a project folder to be looked for in."""
    root: Path | None = None          # the project folder; local images must be inside it
    remote_images: bool = False       # keep <img> with an http(s) address (loaded when shown)
    cards_dir: str = "cards"          # as shown in warnings about items without a source

    @classmethod
    def of(cls, config) -> "ImagePolicy":
        return cls(root=Path(os.path.realpath(config.root)), remote_images=config.remote_images,
                   cards_dir=config.cards_dir)


NO_IMAGES = ImagePolicy()


@dataclass(frozen=True)
class MediaFile:
    """An image a card shows: its name in the deck and the file it is read from."""
    name: str
    path: str


@dataclass(frozen=True)
class PlacedImages:
    fields: dict[str, str]
    files: tuple[MediaFile, ...] = ()        # packed with the deck
    inputs: tuple[str, ...] = ()             # local images referred to, found or not (relative to the root)
    problems: tuple[Diagnostic, ...] = ()    # images left out, and why


_IMG = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.I)
_ATTR = re.compile(r"""([a-zA-Z-]+)\s*=\s*"([^"]*)\"""")


def place_images(fields: dict[str, str], source: str, policy: ImagePolicy, *,
                 home: str = "", line: int = 0) -> PlacedImages:
    """The fields with every ``<img>`` packed or left out (see the module).

    ``source`` is the item's ``file:line`` in the notes; ``home``/``line`` place
    the warning of an item that has none (its file in cards/ and line there).
    """
    if not any("<img" in value for value in fields.values()):
        return PlacedImages(fields)
    where = _Origin(source, policy, home, line)
    files: dict[str, MediaFile] = {}
    inputs: dict[str, None] = {}
    problems: dict[Diagnostic, None] = {}

    def place(m: re.Match[str]) -> str:
        attrs = {k.lower(): html.unescape(v) for k, v in _ATTR.findall(m.group())}
        src, alt = attrs.get("src", ""), attrs.get("alt", "")
        found = _resolve(src, where.base, policy)
        if found.watch:
            inputs[found.watch] = None
        if found.file is not None:
            files[found.file.name] = found.file
            title = f' title="{_e(attrs["title"])}"' if attrs.get("title") else ""
            return f'<img src="{_e(found.file.name)}" alt="{_e(alt)}"{title}>'
        if found.keep:
            return m.group()
        if found.reason:
            problems[where.diagnostic(src, found.reason)] = None
        return _e(alt)

    out = {name: _IMG.sub(place, value) if "<img" in value else value for name, value in fields.items()}
    return PlacedImages(out, tuple(files.values()), tuple(inputs), tuple(problems))


def _e(text: str) -> str:
    return html.escape(text, quote=True)


# --------------------------------------------------------------------------- where an item comes from

class _Origin:
    """The folder an item's relative image paths start from, and the file and
    line its warnings name."""

    def __init__(self, source: str, policy: ImagePolicy, home: str, line: int):
        m = re.fullmatch(r"(.+?)(?::(\d+))?", source or "")
        self.file = m.group(1) if m else ""
        self.line = int(m.group(2) or 0) if m else 0
        self.notes: Path | None = None
        self.base: Path | None = policy.root
        if self.file and policy.root is not None:
            self.notes = policy.root / self.file
            self.base = self.notes.parent
        elif not self.file:
            self.file = f"{policy.cards_dir}/{home}" if home else policy.cards_dir
            self.line = line

    def diagnostic(self, src: str, reason: str) -> Diagnostic:
        line = self.line
        if self.notes is not None and src:
            line = _line_of(str(self.notes), self.line, src)
        return Diagnostic(self.file, line, reason)


def _line_of(notes: str, start: int, src: str) -> int:
    """The first line from ``start`` on (within a few screens) that names ``src``,
    else ``start``: an item's source is its heading, its image is further down."""
    lines = _lines(notes, *_stamp(notes))
    needles = {src.encode("utf-8"), unquote(src).encode("utf-8")}
    first = max(start - 1, 0)
    for i in range(first, min(first + _SCAN_LINES, len(lines))):
        if any(n in lines[i] for n in needles):
            return i + 1
    return start


def _stamp(path: str) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return (st.st_size, st.st_mtime_ns, st.st_ino)


@lru_cache(maxsize=16)
def _lines(path: str, *stamp) -> list[bytes]:
    try:
        return Path(path).read_bytes().splitlines()
    except OSError:
        return []


# --------------------------------------------------------------------------- one image

@dataclass(frozen=True)
class _Found:
    file: MediaFile | None = None     # pack it
    keep: bool = False                # a remote image the config allows: leave the tag as it is
    reason: str | None = None         # left out: why
    watch: str | None = None          # the local path a later build must re-read


def _resolve(src: str, base: Path | None, policy: ImagePolicy) -> _Found:
    shown = src
    try:
        parts = urlsplit(src.strip())
    except ValueError:
        return _Found(reason=f"image '{shown}' is not a valid address; {_LEFT_OUT}")
    if parts.scheme or parts.netloc:          # nh3 lets only http(s) through; //host/x.png too
        if policy.remote_images:
            return _Found(keep=True)
        return _Found(reason=f"remote image '{shown}' is not loaded on cards (set remote_images: true "
                             f"in papercards.yaml to allow it); {_LEFT_OUT}")
    path = unquote(parts.path)
    if not path:
        return _Found()                        # no address left after sanitising: nothing to say
    if path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", path):
        return _Found(reason=f"image '{shown}' is an absolute path; give it relative to the notes "
                             f"file; {_LEFT_OUT}")
    if base is None or policy.root is None:
        return _Found(reason=f"image '{shown}' has no project folder to be read from; {_LEFT_OUT}")
    root = policy.root
    lexical = Path(os.path.normpath(base / path))
    if not lexical.is_relative_to(root):
        return _Found(reason=f"image '{shown}' is outside the project; {_LEFT_OUT}")
    watch = lexical.relative_to(root).as_posix()
    real = Path(os.path.realpath(lexical))
    if not real.is_relative_to(root):
        return _Found(reason=f"image '{shown}' links to a file outside the project; {_LEFT_OUT}",
                      watch=watch)
    name, reason = _pack_name(str(real), shown, watch)
    if name is None:
        return _Found(reason=reason, watch=watch)
    return _Found(file=MediaFile(name, str(real)), watch=watch)


def _pack_name(path: str, shown: str, watch: str) -> tuple[str | None, str | None]:
    """(``papercards-<hash>.<ext>``, None) for a real image file, or (None, why not)."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in IMAGE_TYPES:
        return None, (f"image '{shown}' is not a PNG, JPEG, GIF or WebP file (SVG is not packed: it can "
                      f"carry script); {_LEFT_OUT}")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None, f"image '{shown}' not found (looked for {watch}); {_LEFT_OUT}"
    except OSError as exc:
        return None, f"cannot read image '{shown}': {exc.strerror or exc}; {_LEFT_OUT}"
    if not stat.S_ISREG(st.st_mode):
        return None, f"image '{shown}' is not a file; {_LEFT_OUT}"
    if st.st_size > MAX_IMAGE_BYTES:
        return None, (f"image '{shown}' is {st.st_size / 1024 / 1024:.1f} MB; images up to "
                      f"{MAX_IMAGE_BYTES // 1024 // 1024} MB are packed; {_LEFT_OUT}")
    return _digest_name(path, ext, shown, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


@lru_cache(maxsize=1024)
def _digest_name(path: str, ext: str, shown: str, *stamp) -> tuple[str | None, str | None]:
    """Read once per version of the file (``stamp``), however many cards show it."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return None, f"cannot read image '{shown}': {exc.strerror or exc}; {_LEFT_OUT}"
    if not is_image(data, ext):
        return None, f"image '{shown}' is not a {IMAGE_TYPES[ext]} file inside; {_LEFT_OUT}"
    return packed_name(data, ext), None


def read_media(file: MediaFile) -> bytes:
    """The image's content, which must still be what its name was made from."""
    try:
        data = Path(file.path).read_bytes()
    except OSError as exc:
        raise InputError(file.path, 0, f"cannot read image: {exc.strerror or exc}") from None
    if packed_name(data, os.path.splitext(file.name)[1]) != file.name:
        raise InputError(file.path, 0, "image changed while the deck was being built; build again")
    return data


def packed_name(data: bytes, ext: str) -> str:
    return f"papercards-{hashlib.sha256(data).hexdigest()[:16]}{ext.lower()}"


def is_image(data: bytes, ext: str) -> bool:
    """Does the file begin the way a file of its type does (not HTML named .png)?"""
    kind = IMAGE_TYPES.get(ext.lower())
    if kind == "PNG":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "JPEG":
        return data.startswith(b"\xff\xd8\xff")
    if kind == "GIF":
        return data.startswith((b"GIF87a", b"GIF89a"))
    if kind == "WebP":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    return False
