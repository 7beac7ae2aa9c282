"""Open a workbook file: what it really is, its bounds, and the reader that fits.

The content decides, not the name: a zip package is Office Open XML (read by openpyxl),
an OLE2 compound file is either an encrypted package ("EncryptedPackage": Excel's
password protection, refused) or a legacy BIFF workbook ("Workbook"/"Book": read by
xlrd). Anything else is no workbook. Bounds are checked before a reader loads anything
that could be large (the zip directory states every part's unpacked size), and again on
what was read (sheets, filled cells). Macros are never run: openpyxl drops the VBA
project, xlrd never reads it; the book only notes that one was there.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from rag.errors import InputError
from rag.ingest.sheets.raw import MAX_CELLS, MAX_SHEET_XML, MAX_SHEETS, MAX_UNPACKED, RawBook

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"


def open_book(path: Path) -> RawBook:
    """The visible worksheets of a workbook file, or a one-line ``InputError``."""
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(ZIP):
        book = _open_zip(path)
    elif head == OLE2:
        book = _open_ole(path)
    else:
        raise InputError("sheet.not_workbook", name=path.name)
    check_read(book, path.name)
    return book


def _open_zip(path: Path) -> RawBook:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError("sheet.damaged", name=path.name, why=str(exc)[:120]) from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise InputError("sheet.not_workbook", name=path.name)
    if "xl/workbook.bin" in names:
        raise InputError("sheet.damaged", name=path.name,
                         why="a binary .xlsb workbook; save it as .xlsx")
    check_package(infos, path.name)
    from rag.ingest.sheets.xlsx import read_xlsx

    book = read_xlsx(path)
    book.macros = "xl/vbaProject.bin" in names
    return book


def check_package(infos: list[zipfile.ZipInfo], name: str) -> None:
    """Unpacked size, sheet count and worksheet XML size, from the zip directory alone."""
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED:
        raise InputError("sheet.too_large", name=name, size_mb=unpacked / 2**20,
                         limit_mb=MAX_UNPACKED // 2**20)
    sheets = [i for i in infos if i.filename.startswith("xl/worksheets/")
              and i.filename.endswith(".xml")]
    if len(sheets) > MAX_SHEETS:
        raise InputError("sheet.too_many_sheets", name=name, count=len(sheets),
                         limit=MAX_SHEETS)
    xml = sum(i.file_size for i in sheets)
    if xml > MAX_SHEET_XML:
        raise InputError("sheet.too_large", name=name, size_mb=xml / 2**20,
                         limit_mb=MAX_SHEET_XML // 2**20)


def _open_ole(path: Path) -> RawBook:
    from xlrd.compdoc import CompDoc, CompDocError

    data = path.read_bytes()
    try:
        with open("/dev/null", "w") as sink:
            streams = {e.name for e in CompDoc(data, logfile=sink).dirlist}
    except (CompDocError, ValueError, IndexError, KeyError, AssertionError) as exc:
        raise InputError("sheet.damaged", name=path.name, why=str(exc)[:120]) from None
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise InputError("sheet.encrypted", name=path.name)
    if not streams & {"Workbook", "Book"}:
        raise InputError("sheet.not_workbook", name=path.name)
    from rag.ingest.sheets.xls import read_xls

    book = read_xls(path, data)
    book.macros = "_VBA_PROJECT_CUR" in streams
    return book


def check_read(book: RawBook, name: str) -> None:
    """The bounds on what a reader gave: sheets and filled cells."""
    if len(book.sheets) > MAX_SHEETS:
        raise InputError("sheet.too_many_sheets", name=name, count=len(book.sheets),
                         limit=MAX_SHEETS)
    cells = sum(len(s.cells) for s in book.sheets)
    if cells > MAX_CELLS:
        raise InputError("sheet.too_many_cells", name=name, count=cells, limit=MAX_CELLS)
