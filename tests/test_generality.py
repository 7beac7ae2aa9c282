"""Documents of other provinces: front matter, titles, wrapped numbered items, labelled
values and figures, checked on the real files of ../shared/realdocs (issue 10).

Each expected value was read off the document itself (poppler's pdftotext for the PDFs,
Word for the DOCX files)."""

from __future__ import annotations

from functools import cache

import pytest

from rag.ingest.figures import extract_figures
from rag.ingest.front import read_front_matter
from rag.ingest.parse import parse_file
from tests.realdocs import REPO, SAMPLE_2024, realdoc, realdocs_engine


@cache
def _doc(name: str):
    return parse_file(realdoc(name))


@pytest.fixture(scope="module")
def letters(tmp_path_factory):
    """Two letters of other provinces (a signed PDF, a Word report) and a sample report."""
    return realdocs_engine(tmp_path_factory.mktemp("letters") / "idx",
                           ("binhdinh_2020-07_ubnd-letter-nq84-signed.pdf",
                            "lamdong_2025_associations-report-bc-ubnd.docx"), (SAMPLE_2024,))


@pytest.fixture(scope="module")
def notice(tmp_path_factory):
    """A conclusion notice of another province (Word) and a sample report."""
    return realdocs_engine(tmp_path_factory.mktemp("notice") / "idx",
                           ("lamdong_2026-04_expressway-conclusion-notice.docx",), (SAMPLE_2024,))


def _titles(doc) -> list[str]:
    return [s.title for s in doc.sections]


def test_letter_subject_is_the_title_and_the_letterhead_is_no_section():
    doc = _doc("binhdinh_2020-07_ubnd-letter-nq84-signed.pdf")
    assert doc.title == ("Triển khai một số nhiệm vụ, giải pháp thực hiện Nghị quyết số "
                         "84/NQ-CP ngày 29/5/2020 của Chính phủ")
    assert doc.doc_type == "công văn" and doc.date == "2020-07-13"
    assert not any("ỦY BAN" in t or t.startswith(("Số:", "Kính gửi", "-")) for t in _titles(doc))
    first_body = next(p for p in doc.paragraphs if p.kind == "body")
    assert first_body.text.startswith("Nhằm triển khai thực hiện Nghị quyết số 84/NQ-CP")


def test_wrapped_numbered_item_of_a_pdf_is_one_paragraph_not_a_heading():
    """"2. Sở Tài nguyên …, Sở" / "Lao động - Thương binh …" is one item printed on two
    lines; the PDF reader marks paragraph ends, so the unmarked short line wraps on."""
    doc = _doc("binhdinh_2020-07_ubnd-letter-nq84-signed.pdf")
    assert not any(t.startswith(("2. Sở Tài nguyên", "4. Thanh tra")) for t in _titles(doc))
    item = next(p for p in doc.paragraphs if p.text.startswith("2. Sở Tài nguyên"))
    assert "Sở Lao động - Thương binh và Xã hội và các cơ quan liên quan rà soát" in item.text


def test_agency_letterhead_before_the_number_is_front_matter():
    """The Sở's notice: "UBND TỈNH …" and "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG" beside the motto,
    then "Số:", the date and a three-line "V/v" subject."""
    doc = _doc("binhdinh_2020-07_stnmt-dtm-notice-signed.pdf")
    assert doc.title.startswith("Thông báo kết quả thẩm định báo cáo đánh giá tác động môi")
    assert doc.title.endswith("dự án xử lý cấp bách đê, kè sông Kôn")
    assert doc.date == "2020-07-07"
    assert not any(t.startswith(("SỞ TÀI NGUYÊN", "Số:")) for t in _titles(doc))


def test_type_line_then_a_title_over_two_paragraphs():
    """DOCX notice: "THÔNG BÁO", a bold first title line ending in a comma and a plain
    second one; the type also follows from "Số: /TB-UBND"."""
    doc = _doc("lamdong_2026-04_expressway-conclusion-notice.docx")
    assert doc.doc_type == "thông báo"
    assert doc.title.startswith("Kết luận của đồng chí Nguyễn Hồng Hải - Ủy viên Ban Thường "
                                "vụ Tỉnh ủy, Phó Chủ tịch UBND tỉnh kiểm tra")
    assert doc.title.endswith("về tiến độ GPMB tuyến cao tốc Tân Phú – Bảo Lộc")
    assert "THÔNG BÁO" not in _titles(doc)
    assert _titles(doc)[0] == "I. Đánh giá chung"


def test_annex_caption_is_the_title_and_gives_the_periods():
    doc = _doc("daknong_2019-2020_dakhoa-indicator-table.pdf")
    assert doc.title == "Một số kết quả chủ yếu thực hiện năm 2019 và mục tiêu năm 2020"
    assert {p.label for p in doc.periods} == {"năm 2019", "năm 2020"}
    assert doc.period_source == "title"


def test_labelled_values_are_items_not_headings():
    """"b) Số hội giải thể …: Không có." and "a) Số biên chế …: 326 biên chế." state a
    value; "1. Về tổ chức" and "2. Tổng số người làm việc …" stay headings."""
    doc = _doc("lamdong_2025_associations-report-bc-ubnd.docx")
    titles = _titles(doc)
    assert "1. Về tổ chức" in titles
    assert "2. Tổng số người làm việc chuyên trách tại Hội năm 2025" in titles
    assert not any(": " in t and t[:2] in ("a)", "b)", "c)", "d)") for t in titles)
    assert doc.title == "Tổ chức, hoạt động và quản lý hội năm 2025"
    body = " ".join(p.text for p in doc.paragraphs if p.kind == "body")
    assert "Số biên chế được cơ quan có thẩm quyền giao: 326 biên chế" in body


@pytest.mark.parametrize("name", ["lang-son_2021-9t_bao-cao-kt-xh.txt",
                                  "lang-son_2022-q1_thong-cao-bao-chi.txt",
                                  "lang-son_2024-05_bao-cao-kt-xh.txt"])
def test_sample_titles_are_unchanged(name):
    doc = parse_file(REPO / "data" / "reports" / name)
    expected = {
        "lang-son_2021-9t_bao-cao-kt-xh.txt": "Tình hình thực hiện kế hoạch phát triển kinh "
        "tế - xã hội 9 tháng đầu năm; nhiệm vụ, giải pháp chủ yếu Quý IV năm 2021",
        "lang-son_2022-q1_thong-cao-bao-chi.txt": "Về tình hình thực hiện kế hoạch phát triển "
        "kinh tế - xã hội quý I năm 2022, nhiệm vụ trọng tâm quý II năm 2022",
        "lang-son_2024-05_bao-cao-kt-xh.txt": "Tình hình kinh tế - xã hội tháng 5 và 5 tháng "
        "đầu năm, nhiệm vụ trọng tâm tháng 6 năm 2024",
    }[name]
    assert doc.title == expected


def test_front_matter_stops_at_the_body():
    blocks = ["ỦY BAN NHÂN DÂN", "TỈNH X", "Số: 12/KH-UBND", "KẾ HOẠCH",
              "Triển khai nhiệm vụ năm 2025", "Căn cứ Luật Tổ chức chính quyền địa phương;",
              "I. MỤC ĐÍCH"]
    front = read_front_matter(blocks)
    assert (front.doc_type, front.title, front.count) == (
        "kế hoạch", "Triển khai nhiệm vụ năm 2025", 5)


def test_ratio_figures_keep_both_numbers_and_the_first_unit():
    figs = extract_figures("giải ngân 9.037/17.454 tỷ đồng; bắt 461 vụ/873 đối tượng; "
                           "ngày 29/5/2020 có 06/139 kiến nghị")
    assert [(f.text, f.value, f.unit) for f in figs] == [
        ("9.037/17.454 tỷ đồng", 9037.0, "tỷ đồng"), ("461 vụ/873 đối tượng", 461.0, "vụ"),
        ("06/139 kiến nghị", 6.0, "kiến nghị")]


def test_heading_block_is_its_own_chunk_after_the_body():
    from rag.chunk import chunk_document
    from rag.records import FRONT_SECTION, SIGN_SECTION

    chunks = chunk_document(_doc("binhdinh_2020-07_ubnd-letter-nq84-signed.pdf"))
    front, sign = chunks[-2:]
    assert sign.section_path == (SIGN_SECTION,)
    assert sign.text.split("\n\n") == ["KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
                                        "Ký bởi: Ủy ban Nhân dân tỉnh Bình Định",
                                        "Ngày ký: 13-07-2020 16:32:28 +07:00", "Phan Cao Thắng"]
    assert front.section_path == (FRONT_SECTION,)
    assert "Số: 4580/UBND-TH" in front.text and "ngày 13 tháng 7 năm 2020" in front.text
    assert chunks[0].text.startswith("Nhằm triển khai thực hiện Nghị quyết số 84/NQ-CP")
    assert [c for c in chunks if c.section_path == (FRONT_SECTION,)] == [front]


def test_a_letters_number_and_date_are_answered_from_its_heading_block(letters):
    a = letters.ask("công văn của UBND tỉnh Bình Định về triển khai Nghị quyết 84/NQ-CP số mấy, "
                    "ngày nào?")
    assert not a.abstained
    assert "4580/UBND-TH" in a.text and "ngày 13 tháng 7 năm 2020" in a.text
    assert a.citations[0].section == "Đầu văn bản"
    # a figure question that shares words with a heading block ("BC-UBND") is answered
    # from the body: the heading block answers number and date questions only
    b = letters.ask("BC-UBND năm 2025 về hội: số người làm việc tại hội do hội tự hợp đồng?")
    assert "24 người" in b.text and b.citations[0].section != "Đầu văn bản"
    # a draft prints no number ("Số: /BC-UBND"): the document its body cites answers
    c = letters.ask("báo cáo về hội năm 2025 thực hiện theo công văn số mấy của Bộ Nội vụ?")
    assert "11902/BNV-TCPCP" in c.text


def test_a_deadline_date_the_text_sets_is_no_report_period(notice):
    """"đến 30/6/2026 phải chi trả bao nhiêu %" names a date no report covers as a period;
    the notice of April 2026 sets that deadline itself, so it answers (issue 10, class 4
    stays: a date printed nowhere is still "no report for that period")."""
    a = notice.ask("GPMB xã Đạ Huoai: đến 30/6/2026 phải chi trả bao nhiêu %?")
    assert not a.abstained  # (the model-free embedder may quote another clause of it)
    assert a.citations[0].doc_id == "lamdong_2026-04_expressway-conclusion-notice"
    assert any("30/6/2026" in h.chunk.text for h in a.result.hits[:5])
    b = notice.ask("giải ngân vốn đầu tư công đến 31/12/2026")
    assert b.abstained and b.reason == "period_not_covered"


def test_who_signed_is_answered_from_the_signature_block(letters):
    """The signer's lines after "Nơi nhận" (a PDF's two columns read line by line, a Word
    table's cells, a text file's bold lines) are a chunk of their own; "ai ký" names the
    document and is answered from that document's block, and no other question quotes it."""
    letter = letters.ask("CV 4580 Binh Dinh ai ky")
    assert "Phan Cao Thắng" in letter.text and "PHÓ CHỦ TỊCH" in letter.text
    assert "Ngày ký: 13-07-2020" in letter.text
    assert letter.citations[0].section == "Người ký" and letter.citations[0].page == 4
    assert "Như trên" not in letter.text  # the distribution list is no part of it
    assert "Hồ Văn Mười" in letters.ask("báo cáo về hội năm 2025 do ai ký?").text
    report = letters.ask("báo cáo kinh tế xã hội tháng 5/2024 của Lạng Sơn người ký là ai")
    assert "Dương Xuân Huyền" in report.text
    figure = letters.ask("giải ngân vốn đầu tư công 5 tháng đầu năm 2024")
    assert "816 tỷ đồng" in figure.text
    assert all(c.section != "Người ký" for c in figure.citations)


def test_a_quote_is_labelled_with_the_period_it_names_never_a_list():
    """A letter states several periods (the month of its date, "đến hết tháng 9 năm 2020",
    "năm 2020"): a quote is labelled with the one it names, one label, never a list; the
    date of the resolution it implements ("ngày 29/5/2020") is no period of the letter."""
    from rag.answer.labels import period_label
    from rag.chunk import chunk_document

    chunks = chunk_document(_doc("binhdinh_2020-07_ubnd-letter-nq84-signed.pdf"))
    chunk = next(c for c in chunks if "giải ngân toàn bộ số vốn kéo dài" in c.text)
    assert {p.label for p in chunk.periods} == {"năm 2020", "9 tháng đầu năm 2020",
                                                "tháng 7/2020"}
    assert period_label(chunk, "đến hết tháng 9 năm 2020 giải ngân toàn bộ số vốn") \
        == "9 tháng đầu năm 2020"
    assert ";" not in period_label(chunk, "Đôn đốc các chủ đầu tư đẩy nhanh tiến độ")


def test_a_span_of_time_is_no_report_period():
    """"không quá 12 tháng kể từ ngày nhận" is a deadline's length, not "12 tháng đầu năm";
    "thành lập mới 9 tháng 2021" stays a period ("mới" folds like "mỗi")."""
    from rag.periods import parse_periods

    doc = _doc("binhdinh_2020-07_stnmt-dtm-notice-signed.pdf")
    assert "không quá 12 tháng kể từ ngày nhận" in doc.text
    assert all(p.kind != "cumulative" for p in doc.periods), doc.periods
    assert [p.label for p in parse_periods("thành lập mới 9 tháng 2021")] \
        == ["9 tháng đầu năm 2021"]
    assert [p.label for p in parse_periods("sau 6 tháng đầu năm 2024")] \
        == ["6 tháng đầu năm 2024"]


def test_a_when_question_is_answered_with_the_clause_that_gives_the_date(notice):
    a = notice.ask("ngày kiểm tra công tác chuẩn bị thi công 02 tuyến cao tốc Tân Phú - Bảo Lộc")
    assert "Ngày 24/4/2026" in a.text, a.text


def test_the_reader_marks_a_cited_signature_block():
    from rag.chunk import chunk_document
    from rag.records import SIGN_SECTION, DocInfo
    from ui.reader import Highlight, report_view

    doc = _doc("binhdinh_2020-07_ubnd-letter-nq84-signed.pdf")
    chunks = chunk_document(doc)
    sign = next(c for c in chunks if c.section_path == (SIGN_SECTION,))
    html = report_view(doc, DocInfo.of(doc, len(chunks), "test"),
                       Highlight(sign.start, sign.end, (sign.start, sign.end)))
    assert '<mark class="cited">Phan Cao Thắng</mark>' in html
    assert 'class="para front in-passage" id="cited-anchor"' in html
