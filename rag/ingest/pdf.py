"""PDF reader: the text layer -> text in the layout stage's conventions.

The layout stage (``rag.ingest.layout``) is the one parser for every format, so
this reader does not build paragraphs or sections itself; it only restores the
cues that the PDF holds and plain text loses: one page after another with a
``\\f`` line between pages (so every span keeps its page), page numbers
dropped, superscript footnote marks as ``<sup>N</sup>``, the small-print
footnote area at a page bottom behind a long blank line, and two trailing
spaces on a line that ends a paragraph (the next line is indented or set off by
extra space) -- the cues the layout stage reads in hard-wrapped text.

Every failure is an ``InputError`` with one line the user can act on: these
files come from users, and a traceback helps none of them.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from rag.errors import InputError

# pypdf logs recoverable damage as warnings; with no logging configured Python
# would print them on stderr next to our one-line error. Records still reach
# any handler the application installs.
logging.getLogger("pypdf").addHandler(logging.NullHandler())

PAGE_BREAK = "\f"
NOTE_RULE = " " * 30  # a long blank line: the layout stage's "footnotes follow" cue
SUP_RATIO = 0.8  # a mark is this much smaller than its line
NOTE_RATIO = 0.9  # footnote print is this much smaller than the body
INDENT = 1.0  # a first-line indent is at least this many body font sizes
GAP_RATIO = 1.25  # space between paragraphs: a line gap this much over the usual

_PAGE_NUMBER = re.compile(
    r"^(?:trang\s+)?[-–]?\s*(\d{1,3})\s*[-–]?(?:\s*/\s*\d{1,3})?$", re.IGNORECASE)
_MARK = re.compile(r"^\d{1,3}$")
_NOTE_START = re.compile(r"^\d{1,3}(?=\s|[^\W\d_])")  # "10 Gồm…" or glued "10Gồm…"
_GLUED_NOTE = re.compile(r"^(\d{1,3})(?=[^\W\d_])")


# ---------------------------------------------------------------- PDF


@dataclass
class _Piece:
    text: str
    size: float = 0.0  # printed font size; 0 when unknown
    x: float | None = None  # where the piece starts on the page, in points
    y: float | None = None


@dataclass
class _Line:
    """One printed line as pieces, and whether a paragraph ends with it."""

    pieces: list[_Piece] = field(default_factory=list)
    para_end: bool = False

    def size(self) -> float:
        """The size most of the line's characters are printed in."""
        sizes = Counter()
        for piece in self.pieces:
            sizes[round(piece.size, 1)] += len(piece.text.strip())
        sizes.pop(0.0, None)
        return sizes.most_common(1)[0][0] if sizes else 0.0

    def plain(self) -> str:
        return _squash("".join(p.text for p in self.pieces))

    @property
    def x(self) -> float | None:
        """Where the line starts: an indent shows here."""
        return self.pieces[0].x

    @property
    def y(self) -> float | None:
        """The line's baseline, from a piece in its main size (a superscript sits higher)."""
        size = self.size()
        return next((p.y for p in self.pieces if p.y is not None and p.size >= SUP_RATIO * size),
                    None)


def read_pdf(path: Path) -> str:
    """Text layer of a PDF, page by page, in the layout stage's conventions."""
    path = Path(path)
    reader = _open_pdf(path)
    pages = [_pdf_page_lines(page, i, path.name) for i, page in enumerate(_pages(reader, path))]
    if not any(line.plain() for lines in pages for line in lines):
        raise InputError("pdf.no_text_layer", name=path.name)
    body = _body_size(pages)
    pages = [_drop_page_numbers(lines, i + 1) for i, lines in enumerate(pages)]
    splits = [_notes_start(lines, body) for lines in pages]
    _mark_paragraph_ends([lines[:s] for lines, s in zip(pages, splits, strict=True)], body)
    texts = [_render_page(lines, s) for lines, s in zip(pages, splits, strict=True)]
    return f"\n{PAGE_BREAK}\n".join(texts) + "\n"


def _open_pdf(path: Path):
    """A ``PdfReader`` ready to read, or why the file cannot be read."""
    from pypdf import PdfReader

    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise InputError("pdf.not_pdf", name=path.name)
    try:
        reader = PdfReader(path)
    except Exception as exc:  # pypdf raises many types on damaged input
        raise InputError("pdf.damaged", name=path.name, why=why(exc)) from None
    if reader.is_encrypted:
        _decrypt(reader, path.name)
    return reader


def _decrypt(reader, name: str) -> None:
    """Open a PDF that is only owner-locked (empty user password); refuse the rest."""
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # e.g. AES without a crypto library
        raise InputError("pdf.encrypted", name=name, why=why(exc)) from None
    if not opened:
        raise InputError("pdf.password", name=name)


def _pages(reader, path: Path) -> list:
    try:
        pages = list(reader.pages)
    except Exception as exc:
        raise InputError("pdf.damaged", name=path.name, why=why(exc)) from None
    if not pages:
        raise InputError("pdf.no_pages", name=path.name)
    return pages


def _pdf_page_lines(page, index: int, name: str) -> list[_Line]:
    """The page's text as lines of sized, placed pieces, via pypdf's text visitor."""
    pieces: list[_Piece] = []

    def visit(text, cm, tm, font, size) -> None:
        pieces.append(_placed(text, size, tm, cm))

    try:
        plain = page.extract_text(visitor_text=visit)
    except Exception as exc:
        raise InputError("pdf.page_damaged", name=name, page=index + 1,
                         why=why(exc)) from None
    if "".join(p.text for p in pieces) != plain:  # visitor out of step: keep the text only
        pieces = [_Piece(plain)]
    return _split_lines(pieces)


def _placed(text: str, size, tm, cm) -> _Piece:
    """A piece with its printed size and page position (text matrix times the CTM)."""
    if not text.strip():
        return _Piece(text)
    try:
        scale = (abs(tm[0] * tm[3] - tm[1] * tm[2]) * abs(cm[0] * cm[3] - cm[1] * cm[2])) ** 0.5
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        return _Piece(text, float(size) * scale, float(x), float(y))
    except (TypeError, ValueError, IndexError):
        return _Piece(text)


def _split_lines(pieces: list[_Piece]) -> list[_Line]:
    lines = [_Line()]
    for piece in pieces:
        text = piece.text.replace("\r\n", "\n").replace("\r", "\n").replace(PAGE_BREAK, "\n")
        for k, part in enumerate(text.split("\n")):
            if k:
                lines.append(_Line())
            if part:  # only the first part starts where the piece does
                x, y = (piece.x, piece.y) if k == 0 else (None, None)
                lines[-1].pieces.append(_Piece(part, piece.size, x, y))
    return [line for line in lines if line.plain()]


def _body_size(pages: list[list[_Line]]) -> float:
    """The document's body font size: the size most characters are printed in."""
    sizes = Counter()
    for line in (ln for lines in pages for ln in lines):
        sizes[line.size()] += len(line.plain())
    sizes.pop(0.0, None)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _mark_paragraph_ends(bodies: list[list[_Line]], body: float) -> None:
    """A line ends a paragraph when the next one is indented or set off by extra space.

    Plain extracted text loses both cues, and a paragraph whose last line
    happens to be full would run into the next one.
    """
    left = _mode(round(ln.x) for page in bodies for ln in page if ln.x is not None)
    pitch = _mode(_drop(a, b) for page in bodies for a, b in pairwise(page) if _drop(a, b))
    prev: _Line | None = None
    for page in bodies:
        for k, line in enumerate(page):
            indented = line.x is not None and left is not None and line.x > left + INDENT * body
            gap = k and pitch and (_drop(prev, line) or 0) > GAP_RATIO * pitch
            if prev is not None and (indented or gap):
                prev.para_end = True
            prev = line


def _drop(upper: _Line, lower: _Line) -> float | None:
    """How far below ``upper`` the next line starts (PDF y grows upwards)."""
    a, b = upper.y, lower.y
    return round(a - b, 1) if a is not None and b is not None and a > b else None


def _mode(values) -> float | None:
    counts = Counter(values)
    return counts.most_common(1)[0][0] if counts else None


def _render_page(lines: list[_Line], notes_start: int) -> str:
    """Body lines with ``<sup>`` marks, then the footnote area behind ``NOTE_RULE``."""
    out = [_line_text(line) for line in lines[:notes_start]]
    if notes_start < len(lines):
        out.append(NOTE_RULE)
        out += [_note_text(line) for line in lines[notes_start:]]
    return "\n".join(out)


def _drop_page_numbers(lines: list[_Line], page_no: int) -> list[_Line]:
    """A first or last line that is only a number near the page's index is a page number."""
    def is_number(line: _Line) -> bool:
        m = _PAGE_NUMBER.match(line.plain())
        return bool(m) and abs(int(m.group(1)) - page_no) <= 2

    if lines and is_number(lines[-1]):
        lines = lines[:-1]
    if lines and is_number(lines[0]):
        lines = lines[1:]
    return lines


def _notes_start(lines: list[_Line], body: float) -> int:
    """Index of the first footnote line: small print at the page bottom starting with a number."""
    if not body:
        return len(lines)
    start = len(lines)
    while start > 0 and 0 < lines[start - 1].size() < NOTE_RATIO * body:
        start -= 1
    while start < len(lines) and not _NOTE_START.match(lines[start].plain()):
        start += 1
    return start


def _line_text(line: _Line) -> str:
    """Line text with superscript digits written as ``<sup>N</sup>``."""
    size = line.size()
    out: list[str] = []
    for piece in line.pieces:
        text, before = piece.text, "".join(out)
        is_mark = (_MARK.match(text.strip()) and 0 < piece.size < SUP_RATIO * size
                   and before.strip() and not before.endswith(" "))
        out.append(f"<sup>{text.strip()}</sup>" if is_mark else text)
    # two trailing spaces: the layout stage's "paragraph ends here" cue
    return _squash("".join(out)) + ("  " if line.para_end else "")


def _note_text(line: _Line) -> str:
    """A footnote line; a glued leading number ("10Gồm") gets the space the parser needs."""
    return _GLUED_NOTE.sub(r"\1 ", line.plain(), count=1)


def _squash(text: str) -> str:
    """Justified PDF lines carry runs of spaces; one is enough."""
    return re.sub(r"[ \t\u00a0]{2,}", " ", text).strip()


def why(exc: Exception) -> str:
    """A short one-line reason from a library exception."""
    msg = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {msg[:100]}" if msg else type(exc).__name__
