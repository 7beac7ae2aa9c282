"""Markdown copies as officials make them (../shared/realdocs/more, 12 issuers): pipe tables
through the grid path every reader uses, letterhead and signature tables as front matter
and signature, footnotes attached to the sentence that cites them, no emphasis marks in
titles, headings or figures. Expected values were read off the files; where no shared file
has the form (GitHub pipe tables, ``[^n]`` notes), the test document is written here."""

from __future__ import annotations

from functools import cache

import pytest

from rag.chunk import chunk_document
from rag.ingest.markdown import read_markdown
from rag.ingest.parse import parse_file
from rag.ingest.tables.md_tables import pipe_table, pipe_tokens
from tests.realdocs import more_doc

MORE = ("bac-ninh_2025-11_kh-144-digital-economy-2026-2030.md",
        "can-tho_2025-11_kh-153-drug-prevention-programme.md",
        "ha-noi_2025-11_nq-hdnd-48-budget-allocation-norms.md",
        "national_2025-02_qh-resolution-ktxh-plan-2025-growth-8pct.md",
        "national_2025-11_vpcp-627-transport-projects-conclusion.md",
        "national_2025-12_qd-ttg-2639-budget-supplement-27-localities.md",
        "son-la_2025-11_qd-2954-export-plan-2026-2030.md",
        "son-la_2025-11_vpcp-conclusion-notice.md")


@cache
def _doc(name: str):
    return parse_file(more_doc(name))


def _row(table, label: str):
    return next(r for r in table.rows if r.label == label)


def _cell(table, row, column: tuple[str, ...]):
    i = next(k for k, c in enumerate(table.columns) if c.path == column)
    return row.cells[i]


def test_annex_table_cell_with_its_header_and_the_caption_unit():
    """2639/QĐ-TTg: "*Đơn vị: Triệu đồng*" over the annex table; the unit is in no column."""
    doc = _doc("national_2025-12_qd-ttg-2639-budget-supplement-27-localities.md")
    (table,) = doc.tables
    assert table.caption.startswith("PHỤ LỤC BỔ SUNG CÓ MỤC TIÊU TỪ NGÂN SÁCH TRUNG ƯƠNG")
    assert [c.kind for c in table.columns] == ["stt", "label", "value"]
    row = _row(table, "TUYÊN QUANG")
    cell = _cell(table, row, ("Kinh phí hỗ trợ cho các địa phương",))
    assert (row.cells[0].text, cell.text, cell.value, row.unit) == ("1", "152.100", 152100.0,
                                                                    "Triệu đồng")
    assert _row(table, "TỔNG").cells[2].value == 2615000.0
    assert len(table.rows) == 28  # the total and 27 localities


def test_grouped_header_over_a_year_range_and_over_quantity_and_value():
    """Sơn La 2954/QĐ-UBND: "GIAI ĐOẠN 2026 - 2030" over "Năm 2026" … "Năm 2030", and
    "Kế hoạch 2026" over "Lượng (Tấn)" and "Giá trị … (Nghìn USD)"."""
    doc = _doc("son-la_2025-11_qd-2954-export-plan-2026-2030.md")
    areas, exports = doc.tables
    row = next(r for r in areas.rows if r.label_path == ("I CÂY CÔNG NGHIỆP", "1 Cà Phê",
                                                         "Diện tích"))
    assert row.unit == "Ha"
    assert _cell(areas, row, ("GIAI ĐOẠN 2026 - 2030", "Năm 2027")).text == "27.500"
    assert _cell(areas, row, ("ƯTH Năm 2025",)).text == "26.120"
    mango = _row(exports, "Xoài")
    assert mango.label_path == ("I Mặt hàng nông sản", "1 Xoài")
    assert _cell(exports, mango, ("Kế hoạch 2026", "Giá trị tham gia xuất khẩu (Nghìn USD)")
                 ).text == "7.000"
    assert _cell(exports, mango, ("Kế hoạch 2026", "Lượng (Tấn)")).text == "13.500"


def test_grouped_header_of_a_budget_norm_table():
    """Hà Nội 48/2025/NQ-HĐND: "Định mức" over "Khu vực đô thị" and "Khu vực còn lại"."""
    doc = _doc("ha-noi_2025-11_nq-hdnd-48-budget-allocation-norms.md")
    table = next(t for t in doc.tables if t.caption.startswith("2.1. Định mức phân bổ theo "
                                                               "tiêu chí học sinh"))
    row = _row(table, "Mầm non (MN)")
    assert row.unit == "Đồng/học sinh/năm"
    assert _cell(table, row, ("Định mức", "Khu vực đô thị")).text == "16.500.000"
    assert _cell(table, row, ("Định mức", "Khu vực còn lại")).text == "18.000.000"


def test_table_rows_are_chunks_with_their_caption_and_unit():
    doc = _doc("national_2025-12_qd-ttg-2639-budget-supplement-27-localities.md")
    chunk = next(c for c in chunk_document(doc) if c.table and c.table.label_path == ("CÀ MAU",))
    assert "ĐVT: Triệu đồng" in chunk.text and "71.500" in chunk.text


def test_letterhead_and_signature_tables_stay_front_matter_and_signature():
    """The letterhead laid out as a two-column pipe table whose cells wrap inside
    emphasis ("**CỘNG HÒA XÃ HỘI" / "CHỦ NGHĨA VIỆT NAM**"), of three issuers."""
    cases = {
        "bac-ninh_2025-11_kh-144-digital-economy-2026-2030.md":
            ("Số: 144/KH-UBND", "2025-11-24", "kế hoạch", "Mai Sơn"),
        "can-tho_2025-11_kh-153-drug-prevention-programme.md":
            ("Số: 153/KH-UBND", "2025-11-17", "kế hoạch", "Trương Cảnh Tuyên"),
        "national_2025-11_vpcp-627-transport-projects-conclusion.md":
            ("Số: 627/TB-VPCP", "2025-11-18", "thông báo", "Nguyễn Sỹ Hiệp"),
    }
    for name, (number, date, kind, signer) in cases.items():
        doc = _doc(name)
        front = [p.text for p in doc.paragraphs if p.kind == "front"]
        assert number in front and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in front, name
        assert (doc.date, doc.doc_type) == (date, kind), name
        assert [p.text for p in doc.paragraphs if p.kind == "signature"][-1] == signer
        assert not any(s.title.startswith(("ỦY BAN", "CỘNG HÒA", "Số:")) for s in doc.sections)
    assert _doc("bac-ninh_2025-11_kh-144-digital-economy-2026-2030.md").title == (
        "Phát triển kinh tế số và xã hội số tỉnh Bắc Ninh giai đoạn 2026 - 2030")


def test_bracket_footnotes_attach_to_their_sentence():
    """VPCP 627/TB-VPCP ("… triển khai 21 nhiệm vụ[1]. Tuy …", the note at the end) and UBND
    Cần Thơ 153/KH-UBND ("… các văn bản có liên quan[1];")."""
    doc = _doc("national_2025-11_vpcp-627-transport-projects-conclusion.md")
    assert doc.footnotes[1].text == ("trong đó: 10 nhiệm vụ là công việc chỉ đạo, điều hành "
                                     "thường xuyên, 11 nhiệm vụ chưa đến thời hạn.")
    p = next(p for p in doc.paragraphs if p.markers)
    n, at = p.markers[0]
    assert n == 1 and p.text[:at].endswith("các cơ quan đang tích cực triển khai 21 nhiệm vụ")
    chunk = next(c for c in chunk_document(doc) if c.footnotes)
    assert "21 nhiệm vụ" in chunk.text and chunk.footnotes[0].n == 1
    doc = _doc("can-tho_2025-11_kh-153-drug-prevention-programme.md")
    assert doc.footnotes[1].text.startswith("Nghị quyết số 163/2024/QH15 ngày 27/11/2024")
    p = next(p for p in doc.paragraphs if p.markers)
    assert p.text[:p.markers[0][1]].endswith("Chương trình và các văn bản có liên quan")
    assert "[1]" not in doc.text


def test_restarting_note_runs_are_numbered_once_each():
    """Hà Nội 55/2025/NQ-HĐND: each annex numbers its notes from [1]; the notes of the copy
    are nine, told apart, the second run's first note about the annex 02 cells."""
    doc = _doc("ha-noi_2025-11_nq-hdnd-55-special-spending-levels.md")
    assert sorted(doc.footnotes) == list(range(1, 10))
    assert doc.footnotes[4].text.startswith("Không áp dụng quy định này")
    assert doc.footnotes[5].text.startswith("Quy định số 169-QĐ/TW ngày 24/6/2008")


# Written here, not found: GitHub's pipe table (a merged header left as an empty cell, the
# unit in a header) and footnotes "[^n]" with their definitions, as a Markdown editor saves
# them.
WRITTEN = """# BÁO CÁO

Tình hình thu ngân sách quý III năm 2025

## I. Thu ngân sách

Tổng thu ngân sách nhà nước quý III ước đạt 1.234 tỷ đồng[^1], tăng 5,2%[^a].

Biểu 01. Thu ngân sách theo nguồn

| STT | Nguồn thu | Thực hiện (tỷ đồng) | |
|---|---|---|---|
| | | Quý III | 9 tháng |
| 1 | Thu nội địa | 1.000 | 2.950 |
| 2 | Thu xuất nhập khẩu | 234 | 700 |

[^1]: Trong đó thu từ doanh nghiệp nhà nước 300 tỷ đồng.
[^a]: So với cùng kỳ năm 2024.
"""


def test_written_github_table_and_footnotes(tmp_path):
    path = tmp_path / "written.md"
    path.write_text(WRITTEN, encoding="utf-8")
    doc = parse_file(path)
    (table,) = doc.tables
    assert table.caption == "Biểu 01. Thu ngân sách theo nguồn" and table.number == "01"
    assert [c.path for c in table.columns][2:] == [("Thực hiện (tỷ đồng)", "Quý III"),
                                                    ("Thực hiện (tỷ đồng)", "9 tháng")]
    row = _row(table, "Thu nội địa")
    assert row.unit == "tỷ đồng" and row.cells[3].value == 2950.0
    assert doc.footnotes[1].text == "Trong đó thu từ doanh nghiệp nhà nước 300 tỷ đồng."
    assert doc.footnotes[2].text == "So với cùng kỳ năm 2024."
    p = next(p for p in doc.paragraphs if p.markers)
    assert [n for n, _ in p.markers] == [1, 2]
    assert p.text == "Tổng thu ngân sách nhà nước quý III ước đạt 1.234 tỷ đồng, tăng 5,2%."


def test_a_unit_cell_over_the_header_is_the_tables_unit():
    """Written here, not found: "ĐVT: Triệu đồng" in a row of its own over the header."""
    text = "\n".join(["Biểu 2. Chi ngân sách", "", "|", "ĐVT: Triệu đồng", "|", "|", "STT", "|",
                      "Nội dung", "|", "Dự toán", "|", "|", "1", "|", "Chi đầu tư", "|", "5.000",
                      "|", "|", "2", "|", "Chi thường xuyên", "|", "7.250", "|", ""])
    (table,) = read_markdown(text).tables
    assert [c.name for c in table.columns] == ["STT", "Nội dung", "Dự toán"]
    row = _row(table, "Chi thường xuyên")
    assert (row.unit, row.cells[2].value) == ("Triệu đồng", 7250.0)


def test_empty_cells_and_row_breaks_of_the_one_cell_per_line_form():
    """"|" lines close a cell and open a row, so an empty cell and a row break print alike;
    the column count that cuts the rows to one length tells them apart."""
    lines = ["|", "TT", "|", "Chỉ tiêu", "|", "Số", "|", "|", "I", "|", "Nhóm A", "|", "|",
             "|", "1", "|", "Xã A", "|", "12", "|", "|", "2", "|", "Xã B", "|", "|"]
    tokens, end = pipe_tokens(lines, 0)
    table = pipe_table(tokens)
    assert table.ncols == 3 and end == len(lines)
    assert [table.texts(r) for r in range(len(table.rows))] == [
        ["TT", "Chỉ tiêu", "Số"], ["I", "Nhóm A", ""], ["1", "Xã A", "12"], ["2", "Xã B", ""]]


def test_no_emphasis_mark_reaches_a_title_heading_or_paragraph():
    """Split marks ("**…năm 2025 ****với mục tiêu…**"), marks over a cell's wrapped line,
    italic "Căn cứ" lines: none survives in what is indexed or shown."""
    qh = _doc("national_2025-02_qh-resolution-ktxh-plan-2025-growth-8pct.md")
    assert qh.title == ("Về bổ sung Kế hoạch phát triển kinh tế - xã hội năm 2025 với mục tiêu "
                        "tăng trưởng đạt 8% trở lên")
    assert qh.doc_type == "nghị quyết" and qh.date == "2025-02-19"  # its closing line
    for name in MORE:
        doc = _doc(name)
        shown = [doc.title, *(s.title for s in doc.sections), *(p.text for p in doc.paragraphs)]
        shown += [c.text for t in doc.tables for r in t.rows for c in r.cells]
        assert not any("**" in x or "__" in x for x in shown), name


def test_a_text_without_markdown_is_left_to_the_layout_stage():
    """A sample report with blank lines between its lines goes through unchanged."""
    from rag.ingest.markdown import needs_reading
    from tests.realdocs import REPO

    text = (REPO / "data" / "reports" / "lang-son_2023-01_bao-cao-kt-xh.txt").read_text()
    assert not needs_reading(text)
    assert read_markdown("Một dòng.\n\nDòng khác.\n").text == "Một dòng.\n\nDòng khác.\n"


@pytest.mark.parametrize("name,clause", [
    ("ha-noi_2025-11_nq-hdnd-48-budget-allocation-norms.md",
     "1. Nghị quyết này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2026."),
    ("ha-noi_2025-11_nq-hdnd-48-budget-allocation-norms.md",
     "1. Giao Ủy ban nhân dân Thành phố: Tổ chức thực hiện Nghị quyết."),
    ("vinh-long_2025-11_nq-hdnd-22-exam-spending-levels.md",
     "1. Giao Ủy ban nhân dân tỉnh tổ chức triển khai thực hiện Nghị quyết."),
])
def test_numbered_clauses_of_an_article_are_sentences_not_headings(name, clause):
    """Under "Điều 3. Điều khoản thi hành" a short numbered line ending with a full stop is
    a clause (khoản) of the article, so its sentence is body text that answers, and never
    the section path of the lines after it (two HĐND of different provinces)."""
    doc = _doc(name)
    (para,) = [p for p in doc.paragraphs if p.text == clause]
    assert para.kind == "body"
    assert clause not in {title for p in doc.paragraphs for title in p.section_path}
    titled = [p for p in doc.paragraphs if p.text == "1. Nghị quyết này quy định về:"]
    assert all(p.kind == "heading" for p in titled)  # a clause that titles a list stays one


def test_a_page_whose_title_is_its_first_subhead_reads_it_as_a_title():
    """A news page about the 2026 budget resolution prints no title; its first bold subhead
    ("… năm 2025 còn dư bố trí dự toán 2026 …") becomes the title and names both years, so
    a question for 2026 can find the page ("dự toán 2026": a plan's year without "năm")."""
    doc = _doc("national_2025-11_news-qh-resolution-245-state-budget-2026.md")
    assert doc.title.startswith("Chuyển nguồn cải cách tiền lương năm 2025")
    assert [p.label for p in doc.periods] == ["năm 2025", "năm 2026"]


@pytest.mark.parametrize("name", [
    # a Prime Minister's decision whose annex tables carry markers [1]…[4] in headers and cells
    "national_2025-11_qd-ttg-2530-air-quality-plan-2026-2030.md",
    # a city council resolution (HĐND Hà Nội) whose notes cite the rules it builds on
    "ha-noi_2025-11_nq-hdnd-55-special-spending-levels.md",
])
def test_no_footnote_is_lost_when_its_marker_is(name):
    """Notes whose markers stood in table cells (dropped with them) and that no page places
    are searched and cited from a "Chú thích" chunk of their own."""
    from rag.records import NOTES_SECTION

    doc = parse_file(more_doc(name))
    chunks = chunk_document(doc)
    held = {f.n for c in chunks for f in c.footnotes}
    notes = [c for c in chunks if c.section_path == (NOTES_SECTION,)]
    assert len(doc.footnotes) >= 4 and len(notes) <= 1
    for n, note in doc.footnotes.items():
        assert n in held or f"({n}) {note.text}" in notes[0].text
    if "2530" in name:
        assert "ước tính khoảng 140.000 tỷ đồng" in notes[0].text


def test_a_group_heading_row_spanning_the_table_holds_no_values():
    """"VI | Phát triển nhân lực số" merged over every column of a plan's annex: the copy
    repeats the text in each column, which must not answer "đơn vị nào thực hiện"."""
    doc = parse_file(more_doc("dong-nai_2025-11_kh-179-digital-economy-2026-2030.md"))
    rows = [r for t in doc.tables for r in t.rows if r.label == "Phát triển nhân lực số"]
    assert rows and all(sum(bool(c.text) for c in r.cells) == 2 for r in rows)  # STT, label
    # a task row under it keeps its cells
    task = next(r for t in doc.tables for r in t.rows
                if r.code == "4.1" and "Chiến lược dữ liệu" in r.label)
    assert "Công an tỉnh" in [c.text for c in task.cells]
