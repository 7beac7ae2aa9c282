"""Saved web pages as text: a statistics office's report pages as a crawler saved them
(../shared/realdocs/stats-office) and a legal database's copies (../shared/realdocs/more):
the site around the report is neither its text nor its title; the report's title,
publication date, headings and sections are read from the page.

Each expected value was read off the files themselves."""

from __future__ import annotations

from functools import cache

from rag.chunk import chunk_document
from rag.ingest.parse import parse_file
from rag.ingest.webtext import is_stamp, read_saved_page
from tests.realdocs import more_doc, stats_doc

OCT = "hung-yen_2025-10_bao-cao-kt-xh.txt"
JAN = "hung-yen_2025-01_bao-cao-kt-xh.txt"
JUL = "hung-yen_2025-07_bao-cao-kt-xh.txt"
STATS = (JAN, "hung-yen_2025-04_bao-cao-kt-xh.txt", JUL, OCT)
SITE = ("Đăng nhập", "hungyen@nso.gov.vn", "Tin khác", "Giới thiệu dịch vụ thống kê",
        "Sơ đồ tổ chức", "CHỈ ĐƯỜNG", "466 Nguyễn Văn Linh", "Danh mục ngành kinh tế")


@cache
def _stats(name: str):
    return parse_file(stats_doc(name))


@cache
def _more(name: str):
    return parse_file(more_doc(name))


def _paragraph(doc, start: str):
    return next(p for p in doc.paragraphs if p.text.startswith(start))


def test_statistics_page_title_type_and_publication_date():
    doc = _stats(OCT)
    assert doc.title == "Tình hình kinh tế - xã hội tỉnh Hưng Yên tháng 10 và 10 tháng năm 2025"
    assert doc.doc_type == "báo cáo"
    # the page's stamp "19/12/2025 09:56", not the month the report is about
    assert doc.date == "2025-12-19"
    assert _stats(JAN).title == "Tình hình kinh tế - xã hội tỉnh Hưng Yên tháng Một năm 2025"
    assert _stats(JAN).date == "2025-02-07"


def test_no_site_chrome_in_any_chunk_of_the_four_reports():
    for name in STATS:
        doc = _stats(name)
        texts = [c.text for c in chunk_document(doc)] + [doc.title]
        for line in SITE:
            assert not any(line in t for t in texts), (name, line)
        last = [p for p in doc.paragraphs if p.kind == "body"][-1]
        assert last.text.endswith("./."), name  # the report's closing mark, nothing after


def test_headings_make_sections_with_the_templates_plain_line_headings():
    doc = _stats(OCT)
    tops = [s.title for s in doc.sections if s.level == 1]
    assert tops == ["I. TÌNH HÌNH KINH TẾ", "II. MỘT SỐ HOẠT ĐỘNG XÃ HỘI"]
    p = _paragraph(doc, "Theo kết quả điều tra diện tích vụ mùa, tổng diện tích gieo trồng")
    assert p.section_path == ("I. TÌNH HÌNH KINH TẾ",
                              "1. Sản xuất nông nghiệp, lâm nghiệp và thuỷ sản",
                              "a) Trồng trọt", "Cây hằng năm")
    p = _paragraph(doc, "Sản xuất cây lâu năm tiếp tục khẳng định là thế mạnh của tỉnh")
    assert p.section_path[-1] == "Cây lâu năm"
    # "2. Sản xuất công nghiệp" and "a) Chỉ số sản xuất công nghiệp" are two headings
    titles = [s.title for s in doc.sections]
    assert "2. Sản xuất công nghiệp" in titles and "a) Chỉ số sản xuất công nghiệp" in titles


def test_crawler_line_breaks_inside_words_and_sentences_are_rejoined():
    """The crawler broke lines at inline elements: "Th" / "ể" / "dục, thể thao …",
    "P" / "hòng chống …", "So với tháng trước," / "chỉ số sản xuất …"."""
    doc = _stats(JAN)
    titles = [s.title for s in doc.sections]
    for heading in ("Thể dục, thể thao quần chúng", "Thể thao thành tích cao",
                    "Phòng chống dịch bệnh", "Nghệ thuật biểu diễn", "An toàn vệ sinh thực phẩm"):
        assert heading in titles
    assert "Th ể" not in doc.text and "P hòng" not in doc.text
    assert _paragraph(doc, "So với tháng trước, chỉ số sản xuất toàn ngành công nghiệp (IIP)")
    apr = _stats("hung-yen_2025-04_bao-cao-kt-xh.txt")  # "… ước đạt" / "12.276 tỷ đồng, …"
    assert "chi ngân sách nhà nước ước đạt 12.276 tỷ đồng, tăng 25,18%" in apr.text
    assert "gỗ khai thác ước đạt 205 m3" in _stats(OCT).text  # "205 m" / "3": m³


def test_a_marker_whose_note_the_copy_lost_leaves_no_trace():
    """"… khoảng 96.200 ha lúa mùa" / "[1]" / ". Trong đó …": the crawl kept the marker and
    lost the note."""
    doc = _stats(JUL)
    assert "96.200 ha lúa mùa. Trong đó, diện tích lúa mùa trà sớm" in doc.text
    assert "[1]" not in doc.text and not doc.footnotes


def test_footer_is_dropped_without_the_related_links_list(tmp_path):
    """A variant made here from the real page, without its "Tin khác" list: the footer
    lines (address, phone, the menu repeated) still end the report."""
    lines = stats_doc(OCT).read_text(encoding="utf-8").split("\n")
    start = lines.index("Tin khác")
    end = start + 1
    while lines[end].startswith(("Tình hình", "(")):
        end += 1
    variant = tmp_path / "page.txt"
    variant.write_text("\n".join(lines[:start] + lines[end:]), encoding="utf-8")
    doc = parse_file(variant)
    assert doc.title.startswith("Tình hình kinh tế - xã hội tỉnh Hưng Yên tháng 10")
    assert [p for p in doc.paragraphs if p.kind == "body"][-1].text.endswith("nghiêm trọng./.")
    assert "Địa chỉ" not in doc.text and "Liên hệ, góp ý" not in doc.text


# Written here, not found: another portal's article page as a browser's "save as text"
# gives it, with a weekday stamp, a breadcrumb, a share line and a "Tin liên quan" list.
PORTAL_PAGE = "\n".join([
    "Trang chủ", "Giới thiệu", "Tin tức - Sự kiện", "Kinh tế", "Văn hóa - Xã hội", "Liên hệ",
    "Trang chủ / Tin tức - Sự kiện / Kinh tế",
    "Kết quả thu ngân sách nhà nước 11 tháng năm 2025",
    "Thứ Năm, 04/12/2025 | 08:30",
    "Tính chung 11 tháng năm 2025, tổng thu ngân sách nhà nước trên địa bàn ước đạt 12.345 tỷ "
    "đồng, bằng 98,2% dự toán năm, tăng 12,1% so với cùng kỳ năm trước.",
    "Trong đó, thu nội địa ước đạt 10.111 tỷ đồng, tăng 9,8% so với cùng kỳ.",
    "Tin liên quan",
    "Kết quả thu ngân sách nhà nước 10 tháng năm 2025",
    "Hội nghị triển khai nhiệm vụ năm 2026",
    "Bản quyền thuộc Cổng thông tin điện tử tỉnh",
    "Địa chỉ: 01 đường Trần Phú", ""])



def test_a_written_portal_page_gives_its_title_stamp_and_text(tmp_path):
    page = tmp_path / "portal.txt"
    page.write_text(PORTAL_PAGE, encoding="utf-8")
    doc = parse_file(page)
    assert doc.title == "Kết quả thu ngân sách nhà nước 11 tháng năm 2025"
    assert doc.date == "2025-12-04" and doc.doc_type == "tin bài"
    body = [p.text for p in doc.paragraphs if p.kind == "body"]
    assert body[0].startswith("Tính chung 11 tháng năm 2025, tổng thu ngân sách")
    assert body[-1].startswith("Trong đó, thu nội địa")
    assert not any(x in doc.text for x in ("Trang chủ", "Tin liên quan", "Hội nghị", "Bản quyền"))


def test_publication_stamps_as_portals_print_them():
    for stamp in ("19/12/2025 09:56", "Thứ Năm, 04/12/2025 | 08:30", "Cập nhật: 05/06/2024",
                  "(03/10/2025)", "Ngày đăng: 10/06/2025 15:32", "04/09/2025 08:02 GMT+7"):
        assert is_stamp(stamp), stamp
    for text in ("Từ ngày 15/9/2025 đến ngày 14/10/2025, toàn tỉnh xảy ra 57 vụ", "2025",
                 "Đến ngày 20/10/2025, toàn tỉnh đã thu hoạch được 76.645 ha lúa"):
        assert not is_stamp(text), text


def test_plain_report_text_is_no_saved_page():
    """A report without site chrome is left to the layout stage as it is."""
    from tests.realdocs import REPO

    text = (REPO / "data" / "reports" / "lang-son_2024-05_bao-cao-kt-xh.txt").read_text()
    assert read_saved_page(text) is None


def test_legal_database_copy_keeps_only_the_document():
    """A thuvienphapluat copy: copyright notice, the metadata block split over lines and
    pipe cells, the site's own summary of the decision, then the decision; after it the
    page's captions, "Văn bản liên quan" and the site's notices."""
    doc = _more("national_2025-12_qd-ttg-2639-budget-supplement-27-localities.md")
    for line in ("Bản dịch này thuộc quyền sở hữu", "Số hiệu:", "Loại văn bản:", "Đang tải",
                 "Xem chi tiết", "Văn bản liên quan", "Đăng xuất", "Mã số thuế",
                 "Văn bản này chưa cập nhật"):
        assert line not in doc.text, line
    # the site's summary ("Bổ sung 2.615 tỷ đồng … phục vụ sắp xếp bộ máy") is no heading
    assert not any("Bổ sung 2.615" in s.title for s in doc.sections)
    assert doc.doc_type == "quyết định" and doc.date == "2025-12-03"
    assert doc.title.startswith("Về việc bổ sung có mục tiêu từ ngân sách Trung ương cho "
                                "ngân sách các địa phương")
    front = [p.text for p in doc.paragraphs if p.kind == "front"]
    assert "Số: 2639/QĐ-TTg" in front and "THỦ TƯỚNG CHÍNH PHỦ" in front
    signer = [p.text for p in doc.paragraphs if p.kind == "signature"]
    assert signer == ["KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG", "Hồ Đức Phớc"]


def test_legal_database_copies_of_three_issuers_read_their_letterheads():
    """HĐND Hà Nội, Thủ tướng, UBND Quảng Ninh: number, date, type, title from the letterhead
    table after the site's block."""
    cases = {
        "ha-noi_2025-11_nq-hdnd-55-special-spending-levels.md":
            ("nghị quyết", "2025-11-26", "Quy định một số nội dung chi và mức chi đặc thù"),
        "national_2025-11_qd-ttg-2553-vbsp-lending-rates.md":
            ("quyết định", "2025-11-21", "Về việc điều chỉnh giảm lãi suất cho vay"),
        "quang-ninh_2025-11_qd-97-land-compensation-rules.md":
            ("quyết định", "2025-11-20", "Sửa đổi, bổ sung một số điều của quy định về bồi"),
    }
    for name, (kind, date, title) in cases.items():
        doc = _more(name)
        assert (doc.doc_type, doc.date) == (kind, date), name
        assert doc.title.startswith(title), (name, doc.title)
        assert "THƯ VIỆN PHÁP LUẬT" not in doc.text
