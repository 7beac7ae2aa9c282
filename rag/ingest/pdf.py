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
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from rag.errors import InputError
from rag.ingest.ocr import OcrProgress, OcrResult, ocr_available, ocr_pages
from rag.ingest.pdf_chars import Line, page_lines, widget_chars, with_widgets
from rag.ingest.tables.grid import finish
from rag.ingest.tables.pdf_grid import group_parts, page_tables
from rag.records import Table

# pypdf logs recoverable damage as warnings; with no logging configured Python
# would print them on stderr next to our one-line error. Records still reach
# any handler the application installs.
logging.getLogger("pypdf").addHandler(logging.NullHandler())
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

PAGE_BREAK = "\f"
NOTE_RULE = " " * 30  # a long blank line: the layout stage's "footnotes follow" cue
SUP_RATIO = 0.8  # a mark is this much smaller than its line
NOTE_RATIO = 0.9  # footnote print is this much smaller than the body
INDENT = 1.0  # a first-line indent is at least this many body font sizes
GAP_RATIO = 1.25  # space between paragraphs: a line gap this much over the usual
MARGIN = 0.1  # format: page numbers stand in the top or bottom tenth of the page
MIN_PAGE_CHARS = 20  # a page with fewer printed characters has no text layer (a scan)

_PAGE_NUMBER = re.compile(
    r"^(?:trang\s+)?[-–]?\s*(\d{1,3})\s*[-–]?(?:\s*/\s*\d{1,3})?$", re.IGNORECASE)
_MARK = re.compile(r"^\d{1,3}$")
_NOTE_START = re.compile(r"^\d{1,3}(?=\s|[^\W\d_])")  # "10 Gồm…" or glued "10Gồm…"
_GLUED_NOTE = re.compile(r"^(\d{1,3})(?=[^\W\d_])")


@dataclass
class PdfContent:
    """What the PDF reader makes of a file: the text, its tables, the pages OCR read."""

    text: str
    tables: list[Table] = field(default_factory=list)
    ocr_pages: tuple[int, ...] = ()
    poor_pages: tuple[int, ...] = ()


def read_pdf(path: Path) -> str:
    """Text layer of a PDF, page by page, in the layout stage's conventions."""
    return read_pdf_content(path).text


def read_pdf_content(path: Path, on_page: OcrProgress | None = None) -> PdfContent:
    """Text and tables of a PDF; pages without a text layer are read by OCR when available."""
    path = Path(path)
    _open_pdf(path)  # the checks with their one-line errors (not a PDF, damaged, locked)
    pages, tables, images = _read_pages(path)
    ocr = _ocr(path, pages, images, on_page)
    if not any(line.plain() for lines in pages for line in lines) and not ocr.pages:
        raise InputError("pdf.no_text_layer", name=path.name)
    if ocr.pages and not any(ocr.texts.values()) and not any(
            line.plain() for lines in pages for line in lines):
        raise InputError("pdf.ocr_poor", name=path.name, pages=len(ocr.pages))
    return PdfContent(_render(pages, ocr.texts), tables, ocr.pages, ocr.poor)


def _ocr(path: Path, pages: list[list[Line]], images: list[bool],
         on_page: OcrProgress | None) -> OcrResult:
    """OCR the pages that print (almost) no text: scanned pages, which draw an image, or
    every page when the file has no text at all. Without tesseract a file with no text at
    all is refused (``pdf.no_text_layer``); a few image pages in a text PDF are skipped."""
    empty = [i + 1 for i, lines in enumerate(pages)
             if sum(len(ln.plain()) for ln in lines) < MIN_PAGE_CHARS]
    all_empty = len(empty) == len(pages)
    wanted = [p for p in empty if all_empty or images[p - 1]]
    if not wanted or not ocr_available():
        return OcrResult()
    try:
        return ocr_pages(path, wanted, on_page)
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:  # poppler/tesseract
        raise InputError("pdf.ocr_failed", name=path.name, why=why(exc)) from None


def _render(pages: list[list[Line]], ocr_texts: dict[int, str]) -> str:
    body = _body_size([lines for i, lines in enumerate(pages) if i + 1 not in ocr_texts])
    pages = [_drop_page_numbers(lines, i + 1) for i, lines in enumerate(pages)]
    splits = [_notes_start(lines, body) for lines in pages]
    _mark_paragraph_ends([lines[:s] for i, (lines, s) in enumerate(zip(pages, splits,
                                                                        strict=True))
                          if i + 1 not in ocr_texts], body)
    texts = [ocr_texts[i + 1] if i + 1 in ocr_texts else _render_page(lines, s)
             for i, (lines, s) in enumerate(zip(pages, splits, strict=True))]
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
    try:
        if not len(reader.pages):
            raise InputError("pdf.no_pages", name=path.name)
    except InputError:
        raise
    except Exception as exc:
        raise InputError("pdf.damaged", name=path.name, why=why(exc)) from None
    return reader


def _decrypt(reader, name: str) -> None:
    """Open a PDF that is only owner-locked (empty user password); refuse the rest."""
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # e.g. AES without a crypto library
        raise InputError("pdf.encrypted", name=name, why=why(exc)) from None
    if not opened:
        raise InputError("pdf.password", name=name)


def _read_pages(path: Path) -> tuple[list[list[Line]], list[Table], list[bool]]:
    """Every page's printed lines (table cells left out), the tables, and which pages draw
    an image, via pdfplumber."""
    import pdfplumber

    pages: list[list[Line]] = []
    images: list[bool] = []
    parts = []
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many types on damaged input
        raise InputError("pdf.damaged", name=path.name, why=why(exc)) from None
    with pdf:
        for i, page in enumerate(pdf.pages):
            try:
                lines, page_parts = _page(page, i + 1)
            except Exception as exc:  # noqa: BLE001 - one bad page: say which
                raise InputError("pdf.page_damaged", name=path.name, page=i + 1,
                                 why=why(exc)) from None
            pages.append(lines)
            images.append(bool(page.images))
            parts += page_parts
            page.close()  # frees the page's parsed objects: large reports stay small
    if not pages:
        raise InputError("pdf.no_pages", name=path.name)
    tables = [finish(f"T{k + 1}", group) for k, group in enumerate(group_parts(parts))]
    return pages, [t for t in tables if t.rows], images


def _page(page, number: int) -> tuple[list[Line], list]:
    parts, inside = page_tables(page, number)
    chars = with_widgets([c for c in page.chars if id(c) not in inside], widget_chars(page))
    return page_lines(chars, float(page.height)), parts


def _body_size(pages: list[list[Line]]) -> float:
    """The document's body font size: the size most characters are printed in."""
    sizes = Counter()
    for line in (ln for lines in pages for ln in lines):
        sizes[line.size()] += len(line.plain())
    sizes.pop(0.0, None)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _mark_paragraph_ends(bodies: list[list[Line]], body: float) -> None:
    """A line ends a paragraph when the next one is indented or set off by extra space.

    Plain extracted text loses both cues, and a paragraph whose last line
    happens to be full would run into the next one.
    """
    left = _mode(round(ln.x) for page in bodies for ln in page if ln.x is not None)
    pitch = _mode(_drop(a, b) for page in bodies for a, b in pairwise(page) if _drop(a, b))
    prev: Line | None = None
    for page in bodies:
        for k, line in enumerate(page):
            indented = line.x is not None and left is not None and line.x > left + INDENT * body
            gap = k and pitch and (_drop(prev, line) or 0) > GAP_RATIO * pitch
            if prev is not None and (indented or gap):
                prev.para_end = True
            prev = line


def _drop(upper: Line, lower: Line) -> float | None:
    """How far below ``upper`` the next line starts (PDF y grows upwards)."""
    a, b = upper.y, lower.y
    return round(a - b, 1) if a is not None and b is not None and a > b else None


def _mode(values) -> float | None:
    counts = Counter(values)
    return counts.most_common(1)[0][0] if counts else None


def _render_page(lines: list[Line], notes_start: int) -> str:
    """Body lines with ``<sup>`` marks, then the footnote area behind ``NOTE_RULE``."""
    out = [_line_text(line) for line in lines[:notes_start]]
    if notes_start < len(lines):
        out.append(NOTE_RULE)
        out += [_note_text(line) for line in lines[notes_start:]]
    return "\n".join(out)


def _drop_page_numbers(lines: list[Line], page_no: int) -> list[Line]:
    """A line that is only a number standing in the page's top or bottom margin is a page
    number, wherever the content stream put it; without positions, a first or last line
    that is a number near the page's index is."""
    def in_margin(line: Line) -> bool:
        if line.top is None or not line.page_height:
            return False
        return not MARGIN * line.page_height < line.top < (1 - MARGIN) * line.page_height

    def is_number(line: Line, edge: bool) -> bool:
        m = _PAGE_NUMBER.match(line.plain())
        if not m:
            return False
        return in_margin(line) or (edge and line.top is None
                                   and abs(int(m.group(1)) - page_no) <= 2)

    last = len(lines) - 1
    return [ln for k, ln in enumerate(lines) if not is_number(ln, k in (0, last))]


def _notes_start(lines: list[Line], body: float) -> int:
    """Index of the first footnote line: small print at the page bottom starting with a number."""
    if not body:
        return len(lines)
    start = len(lines)
    while start > 0 and 0 < lines[start - 1].size() < NOTE_RATIO * body:
        start -= 1
    while start < len(lines) and not _NOTE_START.match(lines[start].plain()):
        start += 1
    return start


def _line_text(line: Line) -> str:
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


def _note_text(line: Line) -> str:
    """A footnote line; a glued leading number ("10Gồm") gets the space the parser needs."""
    return _GLUED_NOTE.sub(r"\1 ", line.plain(), count=1)


def _squash(text: str) -> str:
    """Justified PDF lines carry runs of spaces; one is enough."""
    return re.sub(r"[ \t\u00a0]{2,}", " ", text).strip()


def why(exc: Exception) -> str:
    """A short one-line reason from a library exception."""
    msg = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {msg[:100]}" if msg else type(exc).__name__
