"""Bytes on disk → text, with a clear word when the file is not what we expect.

UTF-8 (with or without BOM) is the format; UTF-16 with a BOM and GB18030/GBK
(what Chinese Windows editors save) are recognised and decoded, with a
warning so the user knows. Line ends are normalised to ``\\n``. A file with
NUL bytes and no BOM is refused: UTF-16 without a BOM gets its own message,
anything else is called binary. Notes files larger than `MAX_NOTES_BYTES`
are refused before reading (a log or data file saved as ``.md``, not notes).
"""

from __future__ import annotations

import codecs

from ..diagnostics import Diagnostic, InputError


MAX_NOTES_BYTES = 10 * 1024 * 1024     # one notes file; the 100x benchmark corpus is 2.5 MB


def check_size(size: int, shown: str) -> None:
    if size > MAX_NOTES_BYTES:
        raise InputError(shown, 0, f"file is {size / 1024 / 1024:.1f} MB; papercards reads notes files "
                         f"up to {MAX_NOTES_BYTES // 1024 // 1024} MB (split it into several files, "
                         "or move it out of the source folder if it is not notes)")


def decode_notes(data: bytes, shown: str) -> tuple[str, list[Diagnostic]]:
    warnings: list[Diagnostic] = []
    check_size(len(data), shown)
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        if _looks_utf16(data):
            raise InputError(shown, line, "file looks like UTF-16 without a byte-order mark; "
                             "save it as UTF-8")
        raise InputError(shown, line, "file contains NUL bytes: it looks binary, not Markdown notes")
    if data.startswith(codecs.BOM_UTF8):
        text = _strict(data[3:], "utf-8", shown)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict(data, "utf-16", shown)
        warnings.append(Diagnostic(shown, 0, "file is UTF-16; decoded it (save as UTF-8 to silence this)"))
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                line = data[: exc.start].count(b"\n") + 1
                raise InputError(shown, line, "file is not UTF-8 text (nor GBK/GB18030); "
                                 "save it as UTF-8") from None
            warnings.append(Diagnostic(shown, 0, "file is not UTF-8; decoded it as GBK/GB18030 "
                                       "(save as UTF-8 to silence this)"))
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(shown, line, "file contains NUL bytes: it looks binary, not Markdown notes")
    bad = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if bad > 8:
        raise InputError(shown, 1, "file is full of control characters: it looks binary, not Markdown notes")
    return text.replace("\r\n", "\n").replace("\r", "\n"), warnings


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 text without a BOM: NULs in one byte parity only (the ASCII half of each unit)."""
    head = data[:4096]
    if len(head) < 16:
        return False
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    return max(even, odd) >= half * 0.2 and min(even, odd) <= half * 0.01


def _strict(data: bytes, encoding: str, shown: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(shown, line, f"file is not valid {encoding.upper()}: {exc.reason}") from None
