"""Indicator tables: read from real PDFs and from a Word file, chunked per row, answered
from their cells, cited and shown in the reader."""

from __future__ import annotations

import docx
import pytest
from docx.oxml import OxmlElement
from realdocs import realdoc, realdocs_engine

from rag.answer.cells import cell_check, column_score, pick_column
from rag.chunk import chunk_document
from rag.ingest import parse_file
from rag.ingest.pdf import read_pdf, read_pdf_content
from rag.records import Document

DAKHOA = "daknong_2019-2020_dakhoa-indicator-table.pdf"
DAKSONG = "daknong_2018-2020_daksong-indicator-table.pdf"
DONDUONG = "lamdong_2020_donduong-commune-indicator-table.pdf"
COFFEE = ("B Diện tích trồng trọt", "II Diện tích cây trồng lâu năm", "1 Cà phê")


def row(table, path):
    found = [r for r in table.rows if r.label_path[-len(path):] == tuple(path)]
    assert found, f"no row {path}"
    return found[0]


def cell(table, r, name):
    col = next(i for i, c in enumerate(table.columns) if c.name == name)
    return r.cells[col]


@pytest.fixture(scope="module")
def dakhoa():
    return parse_file(realdoc(DAKHOA))


def test_dakhoa_table_rows_paths_and_cells(dakhoa):
    (table,) = dakhoa.tables
    assert [c.name for c in table.columns] == ["STT", "Chỉ tiêu", "ĐVT", "KH 2019",
                                               "Thực hiện 2019", "Ghi chú/ Đánh giá",
                                               "Mục tiêu 2020"]
    assert (table.page_start, table.page_end, table.decimal) == (1, 10, ",")
    assert "Xã Đắk Hòa" in table.caption
    coffee = row(table, COFFEE)
    assert (coffee.unit, coffee.page) == ("Ha", 2)
    done = cell(table, coffee, "Thực hiện 2019")
    assert (done.text, done.value) == ("2.100,00", 2100.0)
    ratio = cell(table, coffee, "Ghi chú/ Đánh giá")  # printed glued to the cell before it
    assert (ratio.text, ratio.value, ratio.percent) == ("105,00 %", 105.0, True)
    # the "Cà phê" row of the output section is another row, in tonnes
    output = row(table, ("G Sản lượng cây trồng chính", "I Cà phê"))
    assert (output.unit, cell(table, output, "Mục tiêu 2020").text) == ("Tấn", "2.300,00")


def test_table_page_is_not_indexed_as_number_runs(dakhoa):
    assert "10.500,00" not in dakhoa.text and "2.100,00" not in dakhoa.text
    chunks = chunk_document(dakhoa)
    text_chunks = [c for c in chunks if c.table is None]
    # the caption is the annex's title (front matter), so no text chunk is left
    assert not text_chunks and dakhoa.title.startswith("Một số kết quả chủ yếu thực hiện")
    rows = [c for c in chunks if c.table is not None]
    assert len(rows) == len(dakhoa.tables[0].rows)
    coffee = next(c for c in rows if c.table.label_path == COFFEE)
    assert "Thực hiện 2019: 2.100,00" in coffee.text and "ĐVT: Ha" in coffee.text
    assert "Xã Đắk Hòa" in coffee.search_text()
    assert {p.year for p in coffee.periods} == {2019, 2020}  # the years of its columns


def test_daksong_merged_header_and_broken_cells():
    (table,) = read_pdf_content(realdoc(DAKSONG)).tables
    names = [c.name for c in table.columns]
    assert "Năm 2019 > Ước thực hiện 6 tháng 2019" in names
    assert table.decimal == "."
    land = row(table, ("A Diện tích đất",))
    # printed "121.18417" / "5" on two lines of a narrow cell
    assert cell(table, land, "Kế hoạch 2020 so với thực hiện 2019 (%)").text == "121.184175"
    pepper = row(table, ("G Sản lượng cây trồng chính", "II Tiêu"))
    assert cell(table, pepper, "Năm 2019 > Ước thực hiện 6 tháng 2019").value == 4250.5
    workers = row(table, ("AA Số khẩu trong độ tuổi lao động",))
    assert workers.unit == "Người"  # printed "Ngườ" / "i"


def test_donduong_commune_columns_and_nested_rows():
    doc = parse_file(realdoc(DONDUONG))
    (table,) = doc.tables
    assert table.number == "07" and len(table.columns) == 58
    rice = row(table, ("1.1 Lúa cả năm", "Diện tích"))
    assert cell(table, rice, "Ủy Ban Nhân Dân Xã Ka Đơn > ƯTH2020").text == "361"
    veg = row(table, ("3.1 Rau các loại", "Diện tích"))
    assert cell(table, veg, "Toàn huyện > ƯTH 2020").text == "1350.2"
    chunks = [c for c in chunk_document(doc) if c.table is not None]
    assert len(chunks) == len(table.rows)  # one compact chunk per row, communes named once
    assert max(len(c.text) for c in chunks) < 1500


def test_cell_choice_by_years_words_and_ratio(dakhoa):
    chunk = next(c for c in chunk_document(dakhoa) if c.table and c.table.label_path == COFFEE)
    ref = chunk.table
    pick = lambda q: ref.columns[pick_column(q, ref)]  # noqa: E731
    assert pick("dien tich ca phe xa Dak Hoa thuc hien nam 2019") == "Thực hiện 2019"
    assert pick("KH 2019 dien tich ca phe") == "KH 2019"
    assert pick("ca phe muc tieu 2020") == "Mục tiêu 2020"
    assert pick("cà phê TH 2019 đạt bao nhiêu % KH") == "Ghi chú/ Đánh giá"
    assert column_score("năm 2019", "Mục tiêu 2020") < column_score("năm 2019", "KH 2019")
    assert cell_check("Thực hiện 2019: 2.100,00 Ha", ref) == []
    assert cell_check("Thực hiện 2019: 2.200,00 Ha", ref) == ["2.200,00"]


def make_table_docx(path):
    """A report with a letterhead table, a caption, an indicator table with merged header
    cells (vMerge down, gridSpan across) and a signature table."""
    doc = docx.Document()
    head = doc.add_table(rows=1, cols=2)
    head.cell(0, 0).text = "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    doc.add_paragraph("Giải ngân vốn đầu tư công được nêu trong biểu dưới đây.")
    doc.add_paragraph("Biểu 01: MỘT SỐ CHỈ TIÊU KINH TẾ - XÃ HỘI 5 THÁNG ĐẦU NĂM 2024")
    rows = [("I", "Đầu tư công", "", "", "", ""),
            ("1", "Giải ngân vốn đầu tư công", "tỷ đồng", "816", "23,7", "5,5"),
            ("", "- Ngân sách địa phương", "tỷ đồng", "234", "16,6", ""),
            ("II", "Du lịch", "", "", "", ""),
            ("1", "Lượt khách du lịch", "nghìn lượt", "2.591", "63,3", "5,5")]
    t = doc.add_table(rows=2 + len(rows), cols=6)
    for c, text in enumerate(["STT", "Chỉ tiêu", "ĐVT"]):
        t.cell(0, c).merge(t.cell(1, c)).text = text
    t.cell(0, 3).text = "Ước thực hiện 5 tháng 2024"
    t.cell(1, 3).text = "Giá trị"
    t.cell(0, 4).merge(t.cell(0, 5)).text = "So sánh (%)"
    t.cell(1, 4).text, t.cell(1, 5).text = "Kế hoạch", "Cùng kỳ"
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values):
            t.cell(r, c).text = value
    tr_pr = t.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))
    sign = doc.add_table(rows=1, cols=2)
    sign.cell(0, 0).text = "Nơi nhận: - Như trên;"
    sign.cell(0, 1).text = "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH"
    doc.save(str(path))
    return path


def test_docx_data_table_becomes_a_table(tmp_path):
    doc = parse_file(make_table_docx(tmp_path / "bieu.docx"))
    (table,) = doc.tables
    assert table.number == "01" and table.caption.startswith("Biểu 01")
    assert [c.name for c in table.columns] == ["STT", "Chỉ tiêu", "ĐVT",
                                               "Ước thực hiện 5 tháng 2024 > Giá trị",
                                               "So sánh (%) > Kế hoạch", "So sánh (%) > Cùng kỳ"]
    local = row(table, ("I Đầu tư công", "1 Giải ngân vốn đầu tư công",
                        "Ngân sách địa phương"))
    assert (local.unit, local.cells[3].text, local.cells[3].value) == ("tỷ đồng", "234", 234.0)
    assert "816" not in doc.text and "Lượt khách" not in doc.text  # not also text rows
    assert "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN" in doc.text  # the letterhead stays text
    assert table.offset == next(p.end for p in doc.paragraphs if p.text.startswith("Biểu 01"))


def test_old_documents_without_tables_still_load():
    data = Document("d", "d.txt", "t", None, "báo cáo", None, (), "", [], [], {}, "h").to_dict()
    for name in ("tables", "ocr_pages", "poor_pages"):
        data.pop(name)
    doc = Document.from_dict(data)
    assert (doc.tables, doc.ocr_pages) == ([], ())


def test_signed_pdf_reads_whole_words_and_stamped_number():
    text = read_pdf(realdoc("binhdinh_2020-07_stnmt-dtm-notice-signed.pdf"))
    assert "Kính gửi: Ban Quản lý dự án" in text and "thẩm định báo cáo" in text
    assert "Số: 1672/STNMT-CCBVMT" in text and "ngày 07 tháng 7 năm 2020" in text
    assert text.index("UBND TỈNH BÌNH ĐỊNH") < text.index("Kính gửi")  # letterhead first
    # a stamp drawn over a line of the body is no part of it (it read "ngày 0n7hận được")
    assert "không quá 12 tháng kể từ ngày nhận\nđược thông báo" in text
    letter = parse_file(realdoc("binhdinh_2020-07_ubnd-letter-nq84-signed.pdf"))
    assert letter.date == "2020-07-13"
    assert "Số: 4580/UBND-TH" in letter.text


def test_row_choice_prefers_the_asked_child_row():
    """A parent row and its "- Diện tích" child both match a question's words; the row
    whose own label the question names, and no unasked word in its path, is the answer."""
    from rag.answer.cells import best_row, pick_column
    from rag.records import DocInfo, Hit

    doc = parse_file(realdoc(DONDUONG))
    rows = {c.table.label_path[-3:]: c for c in chunk_document(doc) if c.table is not None}
    info = DocInfo.of(doc, len(rows), "test")
    wanted = [("4 Cây thực phẩm", "3.1 Rau các loại", "Diện tích"),
              ("I Diện tích cây hàng năm", "4 Cây thực phẩm", "3.1 Rau các loại"),
              ("3.1 Rau các loại", "3.1.1 Rau khác", "Diện tích")]
    hits = tuple(Hit(rank, 1.0 / rank, rows[path], info)
                 for rank, path in enumerate(reversed(wanted), 1))  # the right row ranks last
    question = "dien tich rau cac loai toan huyen Don Duong uoc thuc hien 2020"
    best = best_row(question, hits)
    assert best.chunk.table.label_path[-3:] == wanted[0]
    ref = best.chunk.table
    assert ref.columns[pick_column(question, ref)] == "Toàn huyện > ƯTH 2020"
    assert ref.cells[pick_column(question, ref)] == "1350.2"
    ka_don = "xa Ka Don dien tich rau uoc thuc hien 2020"
    assert ref.columns[pick_column(ka_don, ref)] == "Ủy Ban Nhân Dân Xã Ka Đơn > ƯTH2020"


def test_pdf_page_number_by_position_and_decomposed_text(tmp_path):
    """A page number drawn last in the content stream but printed in the top margin is
    dropped wherever the stream put it; a number line inside the body is kept; text written
    in decomposed Unicode (NFD) reads back composed."""
    import unicodedata

    from fpdf import FPDF
    from office_files import font_file

    pdf = FPDF(format="A4")
    pdf.add_font("dv", "", font_file("DejaVuSans.ttf"))
    pdf.set_font("dv", size=12)
    for page in (1, 2):
        pdf.add_page()
        pdf.set_xy(20, 40)
        pdf.multi_cell(170, 6, f"Trang {page}: tổng số gồm 1.870 dịch vụ công trực tuyến.")
        pdf.set_xy(20, 120)
        pdf.cell(0, 6, "25")  # a figure alone on a body line
        pdf.set_xy(100, 8)
        pdf.cell(10, 6, str(page + 20))  # the page number, drawn after the body
    pdf.add_page()
    pdf.set_xy(20, 40)
    pdf.cell(0, 6, unicodedata.normalize("NFD", "Kính gửi: Sở Tài nguyên và Môi trường"))
    path = tmp_path / "numbers.pdf"
    pdf.output(str(path))
    text = read_pdf(path)
    lines = [ln.strip() for ln in text.split("\n")]
    assert "21" not in lines and "22" not in lines and lines.count("25") == 2
    assert "gồm 1.870 dịch vụ" in text
    assert "Kính gửi: Sở Tài nguyên và Môi trường" in text
    assert unicodedata.is_normalized("NFC", text)


def test_real_word_layout_tables_stay_text():
    """The letterhead, subject and signature tables of real Word reports are not data."""
    for name in ("lamdong_2026-04_expressway-conclusion-notice.docx",
                 "lamdong_2025_associations-report-bc-ubnd.docx"):
        doc = parse_file(realdoc(name))
        assert doc.tables == []
        assert doc.text.startswith("ỦY BAN NHÂN DÂN\n\nTỈNH LÂM ĐỒNG")
    assert doc.title == "Tổ chức, hoạt động và quản lý hội năm 2025"


def test_table_rows_are_found_by_their_names_not_their_many_values(tmp_path):
    """Two districts' indicator tables in one index. A commune table's row repeats its
    column headers and values for every commune (~600 tokens); BM25 indexes a row by its
    names, so the asked district's row is not out-ranked by a short row of the other
    district, and a parent row ("1.3 Heo") comes before its unasked children ("Heo nái")."""
    engine = realdocs_engine(tmp_path / "idx", (DONDUONG, DAKSONG))
    cases = {"Tổng đàn heo toàn huyện Đơn Dương ước thực hiện 2020": "1.3 Heo",
             "dan bo xa Lac Xuan uoc thuc hien 2020": "1.2 Đàn bò"}
    for question, label in cases.items():
        top = engine.search(question, k=3, mode="bm25").hits[0].chunk
        assert top.doc_id.startswith("lamdong_2020_donduong"), (question, top.chunk_id)
        assert top.table.label_path[-1] == label, (question, top.table.label_path)


def test_a_child_row_ranks_by_how_much_of_its_path_the_question_names():
    from rag.query.fusion import unnamed_row_factor
    from rag.query.retrieve import label_words

    asked = set(label_words("dan bo xa Lac Xuan uoc thuc hien 2020"))
    path = [label_words(p) for p in ("F CHĂN NUÔI", "1 Đàn gia súc", "1.2 Đàn bò")]
    parent = unnamed_row_factor(asked, tuple(path), 0.5)
    child = unnamed_row_factor(asked, tuple(path + [label_words("Bò sữa"),
                                                    label_words("Doanh nghiệp")]), 0.5)
    assert parent == 1.0 and child == pytest.approx(1 - 0.5 * (1 - 1.5 / 3))


def test_the_columns_a_question_names_come_with_the_asked_cell(dakhoa):
    """"Đơn vị nào thực hiện, thời gian, sản phẩm đầu ra" asks three cells of one row of a
    provincial plan's annex (Markdown); in the Đắk Hòa table (a PDF of another province) a
    question for 2019 never brings the 2020 columns, though "thực hiện" names them too."""
    from rag.answer.cells import named_columns
    from tests.realdocs import more_doc

    plan = parse_file(more_doc("dong-nai_2025-11_kh-179-digital-economy-2026-2030.md"))
    task = next(c.table for c in chunk_document(plan) if c.table is not None
                and c.table.label_path[-1].startswith("4.1 Xây dựng Kế hoạch triển khai"))
    q = "KH 179 Dong Nai nhiem vu 4.1: don vi nao thuc hien, thoi gian, san pham dau ra?"
    k = pick_column(q, task)
    said = [task.columns[j] for j in sorted((k, *named_columns(q, task, k)))]
    assert said == ["Đơn vị thực hiện", "Thời gian thực hiện", "Sản phẩm đầu ra"]
    ref = next(c for c in chunk_document(dakhoa) if c.table and c.table.label_path == COFFEE).table
    q = "dien tich ca phe xa Dak Hoa thuc hien nam 2019"
    k = pick_column(q, ref)
    assert ref.columns[k] == "Thực hiện 2019" and named_columns(q, ref, k) == ()


@pytest.fixture(scope="module")
def two_tables(tmp_path_factory):
    return realdocs_engine(tmp_path_factory.mktemp("rows") / "idx",
                           (DONDUONG, "more/ha-noi_2025-11_nq-hdnd-48-budget-allocation-norms.md"))


@pytest.mark.parametrize("question, said", [
    # a district's PDF table: the two rows under "Rau các loại", not another crop's "Diện tích"
    ("diện tích và sản lượng rau các loại toàn huyện Đơn Dương thực hiện năm 2019",
     ["Rau các loại > Diện tích — Toàn huyện > TH 2019: 861 Ha",
      "Rau các loại > Sản lượng — Toàn huyện > TH 2019: 30637 Tấn"]),
    # a city council's Markdown table: a row and its "Trong đó" part, both columns named
    ("Định mức phân bổ chi sự nghiệp giáo dục mầm non cấp xã theo NQ 48: khu vực đô thị, "
     "khu vực còn lại và chi khác tối thiểu mỗi học sinh bao nhiêu?",
     ["Mầm non (MN) — Định mức > Khu vực đô thị: 16.500.000",
      "Khu vực còn lại: 18.000.000", "Trong đó: chi khác tối thiểu — Định mức > Khu vực đô thị: "
      "2.300.000"]),
])
def test_the_rows_a_question_names_are_answered_together(two_tables, question, said):
    a = two_tables.ask(question)
    assert not a.abstained and all(s in a.text for s in said)
    assert len(a.citations) == 2
