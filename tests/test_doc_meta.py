"""Report metadata (issue 20): the document type from the number line's code (Nghị định
30/2020/NĐ-CP, Phụ lục III) and the type line, a letter titled by its "V/v" subject, an
OCR-garbled letterhead that heads no section, the date the text states. Expected values
were read off the documents."""

from __future__ import annotations

from functools import cache

import pytest

from rag.ingest import ocr
from rag.ingest.doctypes import number_code, title_type, type_codes, type_of_number
from rag.ingest.front import read_front_matter, title_case
from rag.ingest.parse import parse_file
from tests.realdocs import more_doc, realdoc, stats_doc

# number lines as the shared documents print them, and the type each states
NUMBERS = [
    ("Số: 144/KH-UBND", "KH", "kế hoạch"),
    ("Số: 48/2025/NQ-HĐND", "NQ", "nghị quyết"),
    ("Số: 2639/QĐ-TTg", "QĐ", "quyết định"),
    ("Số: 627/TB-VPCP", "TB", "thông báo"),
    ("Số: /BC-UBND", "BC", "báo cáo"),
    ("Số: …/TTr-UBND", "TTr", "tờ trình"),
    ("Số: 4580/UBND-TH", "UBND", "công văn"),  # an agency's code: a letter
    ("Số: 1672/STNMT-CCBVMT", "STNMT", "công văn"),
    ("Số: 3 39/C04-P6", "C04", "công văn"),  # OCR of a handwritten number
    ("Số: 60-NQ/TW", "NQ", "nghị quyết"),  # a Party body's form
    ("Số: 14612-CV/VPTW", "CV", "công văn"),
    ("Số:", None, None),
]


@pytest.mark.parametrize(("line", "code", "kind"), NUMBERS)
def test_type_from_the_number_line(line, code, kind):
    assert number_code(line) == code
    assert type_of_number(line) == kind


def test_the_type_table_has_the_codes_of_phu_luc_iii():
    codes = type_codes()
    assert len(codes) >= 27 and codes["QyĐ"] == "quy định" and codes["CTr"] == "chương trình"
    assert title_type("Tình hình kinh tế - xã hội tỉnh Hưng Yên tháng 10 năm 2025") == "báo cáo"
    assert title_type("Thông báo kết luận của Phó Chủ tịch") == "thông báo"
    assert title_type("Kết quả thu ngân sách 11 tháng") is None


@cache
def _doc(path):
    return parse_file(path)


def test_types_titles_and_dates_of_real_documents():
    cases = [
        (more_doc("national_2025-11_vpcp-627-transport-projects-conclusion.md"), "thông báo",
         "2025-11-18", "Kết luận của Thủ tướng Chính phủ"),
        (more_doc("ha-noi_2025-11_nq-hdnd-48-budget-allocation-norms.md"), "nghị quyết",
         "2025-11-26", "Về định mức phân bổ ngân sách và tỷ lệ phần trăm (%)"),
        (more_doc("dong-thap_2025-11_kh-552-technology-roadmap-2035.md"), "kế hoạch",
         "2025-11-19", "Thực hiện lộ trình đổi mới công nghệ đến năm 2035 trên địa bàn tỉnh "
                       "Đồng Tháp"),
        (more_doc("son-la_2025-11_qd-2954-export-plan-2026-2030.md"), "quyết định",
         "2025-11-20", "Về việc ban hành kế hoạch xuất khẩu sản phẩm hàng hóa tỉnh Sơn La"),
        # the publication stamp of the page, not the month reported on
        (stats_doc("hung-yen_2025-04_bao-cao-kt-xh.txt"), "báo cáo", "2025-06-10",
         "Tình hình kinh tế - xã hội tỉnh Hưng Yên tháng 4 và 4 tháng đầu năm 2025"),
        # no letterhead: the adoption line "… thông qua ngày 19 tháng 02 năm 2025"
        (more_doc("national_2025-02_qh-resolution-ktxh-plan-2025-growth-8pct.md"),
         "nghị quyết", "2025-02-19", "Về bổ sung Kế hoạch phát triển kinh tế - xã hội"),
        (realdoc("binhdinh_2020-07_ubnd-letter-nq84-signed.pdf"), "công văn", "2020-07-13",
         "Triển khai một số nhiệm vụ, giải pháp thực hiện Nghị quyết số 84/NQ-CP"),
    ]
    for path, kind, date, title in cases:
        doc = _doc(path)
        assert (doc.doc_type, doc.date) == (kind, date), path.name
        assert doc.title.startswith(title), (path.name, doc.title)


def test_the_decisions_issuing_authority_is_no_title_line():
    """"QUYẾT ĐỊNH" / its title / "ỦY BAN NHÂN DÂN TỈNH SƠN LA" / "Căn cứ …"."""
    doc = _doc(more_doc("son-la_2025-11_qd-2954-export-plan-2026-2030.md"))
    assert doc.title == ("Về việc ban hành kế hoạch xuất khẩu sản phẩm hàng hóa tỉnh Sơn La "
                         "giai đoạn 2026 - 2030")
    signer = [p.text for p in doc.paragraphs if p.kind == "signature"]
    assert signer == ["TM. UỶ BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH", "Nguyễn Thành Công"]
    # the plan the decision issues, after the signature, is text of the document
    assert any(s.title == "I. MỤC TIÊU" for s in doc.sections)


def test_titles_in_capitals_are_shown_in_sentence_case_with_their_names():
    assert title_case("KẾT LUẬN CỦA PHÓ THỦ TƯỚNG CHÍNH PHỦ BÙI THANH SƠN TẠI BUỔI LÀM VIỆC VỚI "
                      "LÃNH ĐẠO TỈNH SƠN LA") == ("Kết luận của Phó Thủ tướng Chính phủ bùi thanh "
                                                  "sơn tại buổi làm việc với lãnh đạo tỉnh Sơn La")
    assert title_case("BAN HÀNH KÈM THEO QUYẾT ĐỊNH SỐ 40/2024/QĐ-UBND") == (
        "Ban hành kèm theo quyết định số 40/2024/QĐ-UBND")
    assert title_case("Tình hình kinh tế - xã hội") == "Tình hình kinh tế - xã hội"


# The first lines of the scanned letter as tesseract reads them (two columns side by side,
# the received stamp's text on the subject lines): the letterhead's shape, kept as data.
C04_LINES = ["BỘ CÔNG AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             "CỤC CẢNH SÁT ĐIÊU TRA Độc lập - Tự do - Hạnh phúc", "TỌI PHẠM VẺ MA TUÝ",
             "Số: 3 39/C04-P6 Hà Nội, ngày #Ÿ nóng Ÿ_ năm 2025",
             "V/v chuẩn bị tổ chức triển khai URND TÍN Â Ổ",
             "Chương trình MTQG phòng, chống ma tuý T HLÂM ĐỒNG đến năm 2030 | 'DƑ ST",
             "| Ngự gàyÐ2//,...", "Kính gửi: Đồng chí Chủ tịch UBND tỉnh Tang liilhudgg",
             "Trong thời gian qua, công tác phòng, chống ma tuý tại địa bàn tỉnh Lâm Đồng"]
C04_TITLE = "Chuẩn bị tổ chức triển khai Chương trình MTQG phòng, chống ma tuý đến năm 2030"


def test_a_scanned_letterhead_read_side_by_side():
    front = read_front_matter(C04_LINES)
    assert front.count == 8  # the body starts at "Trong thời gian qua"
    assert (front.doc_type, front.title, front.date) == ("công văn", C04_TITLE, "2025")


@pytest.mark.skipif(not ocr.ocr_available(), reason="tesseract-ocr or poppler missing")
def test_the_scanned_letter_is_a_letter_titled_by_its_subject():
    doc = _doc(realdoc("lamdong_2025_c04-drug-programme-letter-scanned.pdf"))
    assert (doc.doc_type, doc.title, doc.date) == ("công văn", C04_TITLE, "2025")
    assert [s.title for s in doc.sections if s.level == 1][0].startswith("1. Về xây dựng xã")
    assert not any("MA TUÝ" in s.title for s in doc.sections)


def _labels(periods) -> list[str]:
    return [p.label for p in periods]


def test_plan_horizons_are_no_report_periods():
    """A plan's horizon in its title ("… đến năm 2035"), a letter's targets in its text
    ("50% vào năm 2030", "trong năm 2027"): plan periods; the report's own periods stay."""
    plan = _doc(more_doc("dong-thap_2025-11_kh-552-technology-roadmap-2035.md"))
    assert "năm 2035" in _labels(plan.plan_periods)
    assert _labels(plan.periods) == ["tháng 11/2025"]  # the month it was issued
    digital = _doc(more_doc("national_2025-12_qd-ttg-2629-digital-government-programme.md"))
    assert {"năm 2030", "năm 2028"} <= set(_labels(digital.plan_periods))
    assert not {"năm 2030", "năm 2028"} & set(_labels(digital.periods))
    stats = _doc(stats_doc("hung-yen_2025-07_bao-cao-kt-xh.txt"))
    assert _labels(stats.periods) == ["tháng 7/2025", "7 tháng đầu năm 2025"]
    assert stats.period_source == "title" and not stats.plan_periods


@pytest.mark.skipif(not ocr.ocr_available(), reason="tesseract-ocr or poppler missing")
def test_the_letters_target_years_are_plan_periods():
    doc = _doc(realdoc("lamdong_2025_c04-drug-programme-letter-scanned.pdf"))
    assert "năm 2030" in _labels(doc.plan_periods)
    assert not {"năm 2030", "năm 2027"} & set(_labels(doc.periods))
    assert "6 tháng đầu năm 2025" in _labels(doc.periods)
