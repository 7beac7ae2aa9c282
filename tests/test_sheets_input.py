"""Workbooks that must be refused with one clear line, leaving the index as it was:
encrypted (.xlsx and .xls), damaged, not a workbook, macros without a table, no table,
over the bounds on sheets, filled cells and unpacked size. Each bad file is made in a
temporary folder (from a copy of a real workbook where the case needs one)."""

from __future__ import annotations

import shutil
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest

from rag import service
from rag.errors import InputError
from rag.ingest import parse_file
from rag.ingest.sheets import book as book_module
from rag.ingest.sheets import raw as raw_module
from tests.realdocs import realdoc
from ui.messages import vi_error

XLSX = "more/national-gso_2019-10_statistical-tables-month.xlsx"
XLS = "more/national-gso_2016-10_statistical-tables-month.xls"


def _copy(name: str, dest: Path) -> Path:
    shutil.copyfile(realdoc(name), dest)
    dest.chmod(0o644)
    return dest


def encrypted_xlsx(folder: Path) -> Path:
    """Excel's password protection: the package encrypted into an OLE2 file."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = folder / "encrypted.xlsx"
    with open(realdoc(XLSX), "rb") as fh, open(out, "wb") as dst:
        OOXMLFile(fh).encrypt("mật khẩu", dst)
    return out


def encrypted_xls(folder: Path) -> Path:
    """A BIFF workbook whose second record is FILEPASS (what Excel writes when a password is
    set), written in place into a copy of the real .xls."""
    import olefile

    out = _copy(XLS, folder / "encrypted.xls")
    with olefile.OleFileIO(str(out), write_mode=True) as ole:
        data = bytearray(ole.openstream("Workbook").read())
        _, bof_len = struct.unpack_from("<HH", data, 0)
        struct.pack_into("<H", data, 4 + bof_len, 0x002F)  # FILEPASS
        ole.write_stream("Workbook", bytes(data))
    return out


def truncated(folder: Path) -> Path:
    out = folder / "cut.xlsx"
    out.write_bytes(realdoc(XLSX).read_bytes()[:200_000])
    return out


def not_a_workbook(folder: Path) -> Path:
    out = folder / "letter.xlsx"
    with zipfile.ZipFile(out, "w") as zf:  # a Word package with an Excel name
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return out


def text_named_xls(folder: Path) -> Path:
    out = folder / "notes.xls"
    out.write_text("Báo cáo tháng 5\nThu ngân sách 100 tỷ đồng\n", encoding="utf-8")
    return out


def _saved(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def macro_only(folder: Path) -> Path:
    """An empty sheet and a VBA project: nothing to read, and the macros are never run."""
    plain = _saved(openpyxl.Workbook(), folder / "plain.xlsx")
    out = folder / "macros.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 508)
    return out


def no_table(folder: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Ghi chú của phòng tổng hợp"
    ws["A2"] = "Số liệu sẽ gửi sau"
    return _saved(wb, folder / "notes.xlsx")


CASES = [
    (encrypted_xlsx, "sheet.encrypted"),
    (encrypted_xls, "sheet.encrypted"),
    (truncated, "sheet.damaged"),
    (not_a_workbook, "sheet.not_workbook"),
    (text_named_xls, "sheet.not_workbook"),
    (macro_only, "sheet.macro_only"),
    (no_table, "sheet.no_table"),
]


@pytest.mark.parametrize("make, code", CASES, ids=[c for _, c in CASES])
def test_bad_workbook_is_refused_with_its_code(tmp_path, make, code):
    path = make(tmp_path)
    with pytest.raises(InputError) as err:
        parse_file(path)
    assert err.value.code == code
    assert "\n" not in str(err.value) and path.name in str(err.value)
    assert path.name in vi_error(err.value)  # the page's Vietnamese sentence


def test_refused_workbooks_leave_the_index_as_it_was(index_copy, tmp_path):
    before = {d.doc_id: d.content_hash for d in service.list_documents(index_copy)}
    bad = [make(tmp_path) for make, _ in CASES]
    report = service.add(bad, index_dir=index_copy, embedder_name="hash")
    assert set(report.failed) == {p.name for p in bad}
    assert report.version is None  # nothing published
    after = {d.doc_id: d.content_hash for d in service.list_documents(index_copy)}
    assert after == before


@pytest.mark.parametrize("bound, value, code", [
    ("MAX_SHEETS", 10, "sheet.too_many_sheets"),  # the 2019 release has 18 sheets
    ("MAX_CELLS", 1000, "sheet.too_many_cells"),  # ... and about 3,000 filled cells
    ("MAX_UNPACKED", 1_000_000, "sheet.too_large"),  # ... and unpacks to about 2 MB
    ("MAX_SHEET_XML", 500_000, "sheet.too_large"),
])
def test_workbook_over_a_bound_is_refused_in_one_line(tmp_path, monkeypatch, bound, value,
                                                      code):
    monkeypatch.setattr(book_module, bound, value)
    monkeypatch.setattr(raw_module, bound, value)
    path = _copy(XLSX, tmp_path / "release.xlsx")
    with pytest.raises(InputError) as err:
        parse_file(path)
    assert err.value.code == code and "\n" not in str(err.value)


def test_hidden_sheets_are_not_read(tmp_path):
    wb = openpyxl.Workbook()
    shown = wb.active
    shown.title = "Bieu"
    rows = [["1. Thu ngân sách"], ["", "Tỷ đồng"], ["", "Tháng 5 năm 2024"],
            ["Tổng thu", 1234.5]]
    for r in rows:
        shown.append(r)
    hidden = wb.create_sheet("Nhap")
    for r in [["Bí mật"], ["", "Tháng 5 năm 2024"], ["Số nháp", 99]]:
        hidden.append(r)
    hidden.sheet_state = "hidden"
    doc = parse_file(_saved(wb, tmp_path / "two.xlsx"))
    assert [t.sheet for t in doc.tables] == ["Bieu"]
    assert doc.tables[0].rows[0].cells[1].text == "1234,5"
