"""The DOCX reader, on Word files made from the sample reports and on damaged files."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from office_files import (
    F2024,
    REPORTS,
    SECTION_14,
    add_footnotes,
    add_list,
    body_view,
    chunk_with,
    make_docx,
    number,
)

from rag.chunk import chunk_document
from rag.errors import InputError
from rag.ingest import parse_file
from rag.ingest.docx import read_docx


@pytest.fixture(scope="module")
def text_2024():
    doc = parse_file(REPORTS / F2024)
    return doc, chunk_document(doc)


@pytest.fixture(scope="module")
def docx_2024(tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "bao-cao-2024-05.docx"
    make_docx(F2024, path)
    doc = parse_file(path)
    return path, doc, chunk_document(doc)


def test_docx_footnotes_attach_to_816_chunk(docx_2024, text_2024):
    _, doc, chunks = docx_2024
    text_doc, _ = text_2024
    c = chunk_with(chunks, "816 tỷ đồng")
    assert c.section_path[-1] == SECTION_14  # "1.4." comes from Word's list numbering
    notes = {f.n: f.text for f in c.footnotes}
    assert sorted(notes) == [10, 11]
    assert notes[10].startswith("Gồm: Vốn đầu tư trong cân đối theo tiêu chí: 150 tỷ đồng")
    assert notes[11].startswith("Gồm: Vốn ngân sách trung ương trong nước")
    assert {n: f.text for n, f in doc.footnotes.items()} == \
        {n: f.text for n, f in text_doc.footnotes.items()}


def test_docx_parses_like_the_text_version(docx_2024, text_2024):
    _, doc, _ = docx_2024
    text_doc, _ = text_2024
    assert (doc.title, doc.date, doc.periods, doc.plan_periods) == \
        (text_doc.title, text_doc.date, text_doc.periods, text_doc.plan_periods)
    assert [s.path for s in doc.sections] == [s.path for s in text_doc.sections]
    assert body_view(doc) == body_view(text_doc)
    tasks = [p.text for p in doc.paragraphs if p.is_plan and p.kind == "body"]
    assert tasks[0].startswith("1. Tiếp tục tập trung") and tasks[-2].startswith("12. Đẩy mạnh")


def test_docx_reader_text_headings_lists_and_table(docx_2024):
    path, doc, chunks = docx_2024
    text = read_docx(path)
    assert "# **I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH**" in text
    assert f"## **{SECTION_14}**" in text  # a heading by numbering, level from ilvl
    assert "\n1. Tiếp tục tập trung thực hiện" in text  # a numbered sentence stays body
    assert "đạt 16,6%<sup>10</sup>;" in text and "giảm 2,89%<sup>44</sup>" in text
    assert "\n<sup>10</sup> Gồm: Vốn đầu tư trong cân đối" in text
    # the data table is a Table now (issue 11), not "cell | cell" text: its row is a chunk
    # of its own, under the section the table stands in
    (table,) = doc.tables
    assert [c.name for c in table.columns] == ["Chỉ tiêu", "Tháng 5/2024", "5 tháng"]
    assert "Khách du lịch (nghìn lượt) | 470" not in text
    row = chunk_with(chunks, "Chỉ tiêu: Khách du lịch (nghìn lượt) | Tháng 5/2024: 470; "
                             "5 tháng: 2.591")
    assert row.table.cells == ("470", "2.591") and row.table.table_id == table.table_id
    assert row.section_path[-2].startswith("1.3. Sản xuất công nghiệp")


def test_docx_page_breaks_give_pages(docx_2024):
    _, doc, chunks = docx_2024
    pages = {s.title.split(" ")[0]: s.page for s in doc.sections}
    assert (pages["I."], pages["II."], pages[SECTION_14.split(" ")[0]], pages["III."]) == \
        (1, 2, 2, 3)
    assert chunk_with(chunks, "816 tỷ đồng").page_start == 2


def small_docx(tmp_path: Path, build) -> str:
    doc = docx.Document()
    build(doc)
    path = tmp_path / "small.docx"
    doc.save(str(path))
    return read_docx(path)


def test_docx_lists_styles_and_note_numbers(tmp_path):
    def build(doc):
        letters, bullets = add_list(doc, ["%1)"], "lowerLetter"), add_list(doc, ["•"], "bullet")
        doc.styles.add_style("Tiêu đề 1", WD_STYLE_TYPE.PARAGRAPH)  # a localized name
        doc.add_paragraph("Phần I", style="Tiêu đề 1")
        for text in ("Sản xuất nông nghiệp", "Phát triển kinh tế cửa khẩu"):
            number(doc.add_paragraph(text), letters, 0)
        number(doc.add_paragraph("một ý gạch đầu dòng"), bullets, 0)
        paragraph = doc.add_paragraph("Tổng vốn đạt 30 tỷ đồng")
        paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:footnoteReference w:id="7"/>'
                                      "</w:r>"))
        paragraph.add_run(", tăng 5%.")
        add_footnotes(doc, {}, extra='<w:footnote w:id="7"><w:p><w:r><w:t>Gồm: A.</w:t></w:r>'
                      '</w:p></w:footnote><w:footnote w:id="8"><w:p><w:r><w:t>Không ai dẫn.'
                      "</w:t></w:r></w:p></w:footnote>")

    text = small_docx(tmp_path, build)
    blocks = text.strip().split("\n\n")
    assert blocks[:4] == ["# **Phần I**", "# **a) Sản xuất nông nghiệp**",
                          "# **b) Phát triển kinh tế cửa khẩu**", "- một ý gạch đầu dòng"]
    assert blocks[4:] == ["Tổng vốn đạt 30 tỷ đồng<sup>1</sup>, tăng 5%.", "<sup>1</sup> Gồm: A."]


def test_docx_prefers_word_rendered_page_breaks(tmp_path):
    def build(doc):
        doc.add_paragraph("Trang một.")
        doc.add_page_break()  # superseded: Word saved where its pages really break
        paragraph = doc.add_paragraph()
        paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:lastRenderedPageBreak/>'
                                      "<w:t>Trang hai.</w:t></w:r>"))
        paragraph = doc.add_paragraph("Cuối trang hai, ")
        paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:lastRenderedPageBreak/>'
                                      "<w:t>sang trang ba.</w:t></w:r>"))
        doc.add_paragraph("Trang ba.")

    blocks = small_docx(tmp_path, build).strip().split("\n\n")
    assert blocks == ["Trang một.", "\f", "Trang hai.", "Cuối trang hai, sang trang ba.", "\f",
                      "Trang ba."]


def test_docx_letterhead_table_is_read_as_lines(tmp_path):
    def build(doc):
        head = doc.add_table(rows=1, cols=2)
        head.cell(0, 0).text = "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"
        head.cell(0, 0).add_paragraph("Số: /BC-UBND")
        head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        head.cell(0, 1).add_paragraph("Lạng Sơn, ngày 04 tháng 6 năm 2024")
        doc.add_paragraph("Giải ngân vốn đầu tư công đạt 816 tỷ đồng.")
        data = doc.add_table(rows=1, cols=2)
        data.cell(0, 0).text, data.cell(0, 1).text = "Giải ngân", "816 tỷ đồng"

    assert small_docx(tmp_path, build).strip().split("\n\n") == [
        "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", "Số: /BC-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Lạng Sơn, ngày 04 tháng 6 năm 2024", "Giải ngân vốn đầu tư công đạt 816 tỷ đồng.",
        "Giải ngân | 816 tỷ đồng"]


def test_damaged_docx(tmp_path):
    (tmp_path / "random.docx").write_bytes(random.Random(3).randbytes(4000))
    (tmp_path / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000))
    with zipfile.ZipFile(tmp_path / "empty-zip.docx", "w") as zf:
        zf.writestr("hello.txt", "not a Word package")
    for name, message in (("random.docx", "not a zip package"), ("old.docx", r"old Word \.doc"),
                          ("empty-zip.docx", "cannot be opened as a Word .docx")):
        with pytest.raises(InputError, match=message):
            read_docx(tmp_path / name)


