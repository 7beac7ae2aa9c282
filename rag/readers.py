"""Readers: a file on disk -> text in the conventions the layout stage understands.

Plain text and markdown are read as they are (UTF-8 only: a wrong encoding is
refused rather than guessed, because a mis-decoded figure is worse than
none). PDF and DOCX are turned into text with page breaks (``\\f``) and
``<sup>N</sup>`` footnote markers so that one parser serves every format.
"""

from __future__ import annotations

from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
SUFFIXES = TEXT_SUFFIXES + (".pdf", ".docx")


class InputError(ValueError):
    """Bad input; the message is one line a user can act on."""


def read_document_text(path: Path) -> str:
    """Text of a report file, or ``InputError`` saying why it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path.name}: the file is empty")
    if size > MAX_BYTES:
        raise InputError(
            f"{path.name}: {size / 2**20:.1f} MB is over the {MAX_BYTES // 2**20} MB limit")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return decode_text(path.read_bytes(), path.name)
    if suffix == ".pdf":
        from rag.readers_office import read_pdf

        return read_pdf(path)
    if suffix == ".docx":
        from rag.readers_office import read_docx

        return read_docx(path)
    raise InputError(
        f"{path.name}: unsupported file type {suffix or '(none)'}; use {', '.join(SUFFIXES)}")


def decode_text(data: bytes, name: str) -> str:
    """Strict UTF-8 with clear errors for the usual wrong encodings."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:4000].count(b"\x00") > 10:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[1:200:2].count(b"\x00") > 50:
            raise InputError(f"{name}: the file is UTF-16 encoded; save it as UTF-8")
        raise InputError(f"{name}: this is a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not valid UTF-8 at byte {exc.start} (a legacy encoding such as "
            "cp1258/TCVN3?); save it as UTF-8"
        ) from None
    controls = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > 20:
        raise InputError(f"{name}: this is a binary file, not text")
    if not text.strip():
        raise InputError(f"{name}: the file has no text")
    return text
