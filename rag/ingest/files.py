"""Report files on disk: the checks every upload passes, and plain-text decoding.

Plain text and markdown are read as they are (UTF-8 only: a wrong encoding is
refused rather than guessed, because a mis-decoded figure is worse than
none). PDF, DOCX and saved web pages go to their readers (``rag.ingest.pdf``,
``rag.ingest.docx``, ``rag.ingest.html``), which turn them into text with page
breaks (``\\f``) and ``<sup>N</sup>`` footnote markers so that one parser serves
every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import InputError
from rag.records import Table

MAX_BYTES = 20 * 1024 * 1024  # a 100-page report with images is ~5 MB; 20 MB leaves room
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
SHEET_SUFFIXES = (".xlsx", ".xls")  # workbooks: rag.ingest.sheets
SUFFIXES = TEXT_SUFFIXES + (".pdf", ".docx") + HTML_SUFFIXES + SHEET_SUFFIXES


def check_file(path: Path) -> None:
    """The cheap checks before any reader runs: exists, known type, not empty, not too big."""
    path = Path(path)
    if not path.is_file():
        raise InputError("file.missing", name=str(path))
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError("file.type", name=path.name, suffix=suffix or "(none)",
                         allowed=", ".join(SUFFIXES))
    size = path.stat().st_size
    if size == 0:
        raise InputError("file.empty", name=path.name)
    if size > MAX_BYTES:
        raise InputError("file.too_large", name=path.name, size_mb=size / 2**20,
                         limit_mb=MAX_BYTES // 2**20)


@dataclass
class FileContent:
    """A report file read: its text in the layout conventions, its data tables, and the
    pages that were read by OCR (and those OCR could not read well)."""

    text: str
    tables: list[Table] = field(default_factory=list)
    ocr_pages: tuple[int, ...] = ()
    poor_pages: tuple[int, ...] = ()
    # the reader ends each paragraph's last line with two spaces (the PDF reader, from
    # indents and gaps), so an unmarked line is known to wrap on
    marked_ends: bool = False
    # what a web page's markup says and its text does not print (no letterhead, no title
    # block): the parser takes these instead of reading front matter from the text
    title: str | None = None
    date: str | None = None
    doc_type: str | None = None
    fmt: str | None = None  # the line convention when the reader set it ("paragraph")


def read_document_text(path: Path) -> str:
    """Text of a report file, or ``InputError`` saying why it cannot be read."""
    if Path(path).suffix.lower() in SHEET_SUFFIXES:
        from rag.ingest.sheets import parse_workbook

        check_file(Path(path))
        return parse_workbook(Path(path), Path(path).name).text
    return read_document(path).text


def read_document(path: Path, on_page=None) -> FileContent:
    """Text and tables of a report file; ``on_page(page, done, total)`` hears OCR progress."""
    path = Path(path)
    check_file(path)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from rag.ingest.plaintext import read_text_content

        return read_text_content(path.read_bytes(), path.name)
    if suffix == ".pdf":
        from rag.ingest.pdf import read_pdf_content

        pdf = read_pdf_content(path, on_page)
        return FileContent(pdf.text, pdf.tables, pdf.ocr_pages, pdf.poor_pages,
                           marked_ends=True)
    if suffix in HTML_SUFFIXES:
        from rag.ingest.html import DOC_TYPE, read_html_content

        page = read_html_content(path)
        return FileContent(page.text, page.tables, title=page.title or "", date=page.date,
                           doc_type=DOC_TYPE)
    from rag.ingest.docx import read_docx_content

    text, tables = read_docx_content(path)
    return FileContent(text, tables)


def decode_text(data: bytes, name: str) -> str:
    """Strict UTF-8 with clear errors for the usual wrong encodings."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:4000].count(b"\x00") > 10:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[1:200:2].count(b"\x00") > 50:
            raise InputError("file.utf16", name=name)
        raise InputError("file.binary", name=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("file.encoding", name=name, byte=exc.start) from None
    controls = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > 20:
        raise InputError("file.binary", name=name)
    if not text.strip():
        raise InputError("file.no_text", name=name)
    return text


# C0 controls but tab, newlines and form feed (the page break), DEL and C1 controls: a NUL
# or an escape code in chunk text breaks JSON consumers and terminals, and means nothing.
_CONTROLS = dict.fromkeys([c for c in range(32) if chr(c) not in "\t\n\r\f"]
                          + list(range(127, 160)))


def strip_controls(text: str) -> str:
    """Text without control characters, whatever reader produced it."""
    return text.translate(_CONTROLS)
