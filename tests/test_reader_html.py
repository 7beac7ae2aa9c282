"""The HTML reader, on portal news pages built from the sample reports' real text."""

from __future__ import annotations

import unicodedata

import pytest
from html_pages import (
    ALERT,
    CAPTION,
    REPORTS,
    SECTION_13,
    SECTION_14,
    TITLE,
    article_page,
    chrome_bottom,
    chrome_top,
    write_page,
)

from rag import service
from rag.chunk import chunk_document
from rag.errors import InputError
from rag.index import load_index
from rag.ingest import SUFFIXES, parse_file
from rag.ingest.html import is_byline, read_html_content
from ui.messages import vi_error

CHROME = ("xss-marker", "alert(", "Giới thiệu", "Trang chủ", "Tin liên quan", "45% dự toán",
          "Hội nghị xúc tiến đầu tư tỉnh Lạng Sơn năm 2024", "Cơ quan chủ quản", "JavaScript",
          "Lịch công tác", "lượt truy cập", "CỔNG THÔNG TIN", CAPTION, "THU HÀ", "Cập nhật",
          "font-family", "onerror", "Sở Tài chính tổ chức hội nghị")
TONES = "\u0300\u0301\u0303\u0309\u0323"  # cp1258 writes these as combining marks


def to_cp1258(text: str) -> bytes:
    """Vietnamese as windows-1258 writes it: base letter (â, ơ, ư…) plus a combining tone."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in d if c not in TONES))
            out.append(base + "".join(c for c in d if c in TONES))
    return "".join(out).encode("cp1258")


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    path = write_page(tmp_path_factory.mktemp("html"), "lang-son-giai-ngan.html", article_page())
    doc = parse_file(path)
    return path, doc, chunk_document(doc)


def chunk_with(chunks, words):
    return next(c for c in chunks if words in c.text)


def test_html_is_a_report_format():
    assert ".html" in SUFFIXES and ".htm" in SUFFIXES


def test_article_title_date_type_and_sections(article):
    _, doc, _ = article
    assert doc.title == TITLE  # the article's <h1>, not the logo's, not <title>
    assert doc.date == "2024-06-05" and doc.doc_type == "tin bài" and doc.province == "Lạng Sơn"
    assert [s.path for s in doc.sections] == [(SECTION_13,), (SECTION_14,)]
    lead = doc.paragraphs[0]  # the bold lead paragraph is body text, not a heading
    assert lead.kind == "body" and lead.text.startswith("Trong 5 tháng đầu năm 2024")


def test_816_chunk_has_its_section_and_footnotes(article):
    _, doc, chunks = article
    c = chunk_with(chunks, "816 tỷ đồng")
    assert c.section_path == (SECTION_14,)
    assert "đạt 23,7% kế hoạch" in c.text and "<sup>" not in c.text
    notes = {f.n: f.text for f in c.footnotes}
    assert sorted(notes) == [10, 11]
    assert notes[10].startswith("Gồm: Vốn đầu tư trong cân đối theo tiêu chí: 150 tỷ đồng")


def test_page_chrome_script_and_caption_never_reach_the_text(article):
    path, doc, chunks = article
    texts = [doc.text, *(c.text for c in chunks), *(" > ".join(s.path) for s in doc.sections)]
    for words in CHROME:
        assert not any(words in t for t in texts), words
    raw = read_html_content(path).text
    assert "<" not in raw.replace("<sup>", "").replace("</sup>", "")  # no markup kept
    assert all(p.kind != "heading" or p.text in (SECTION_13, SECTION_14) for p in doc.paragraphs)


def test_data_table_is_a_table_record(article):
    _, doc, chunks = article
    (table,) = doc.tables
    assert table.caption == "Bảng: Kết quả giải ngân vốn đầu tư công 5 tháng năm 2024"
    row = next(r for r in table.rows if r.label == "Giải ngân vốn đầu tư công")
    assert row.unit == "tỷ đồng" and [c.value for c in row.cells if c.value] == [816, 23.7]
    assert any(c.table is not None and "816" in c.text for c in chunks)


def test_periods_from_the_body_when_the_title_names_none(article):
    _, doc, _ = article
    assert doc.period_source == "text"
    assert "5 tháng đầu năm 2024" in [p.label for p in doc.periods]


def test_news_article_about_a_year_is_found_for_that_year(tmp_path):
    """No date in the page, no period in its title: the periods its body states are its
    periods ("đến hết 31/01/2022", "năm 2021"), the capital plan's year it allocates ("nguồn
    vốn đầu tư công năm 2022") its plan period."""
    lines = (REPORTS / "lang-son_2022-01_bao-cao-kt-xh.txt").read_text(encoding="utf-8")
    para = next(ln for ln in lines.split("\n") if ln.startswith("Tổng nguồn vốn đầu tư công"))
    html = (f"<html><head><title>Phân bổ vốn đầu tư công | Báo Lạng Sơn</title></head><body>"
            f"<div class='content'><p>{para}</p><p>(Theo Báo Lạng Sơn)</p></div></body></html>")
    doc = parse_file(write_page(tmp_path, "von.htm", html))
    assert doc.title == "Phân bổ vốn đầu tư công" and doc.date is None
    assert doc.period_source == "text" and "tháng 1/2022" in [p.label for p in doc.periods]
    assert "năm 2022" in [p.label for p in doc.plan_periods]
    assert "Theo Báo" not in doc.text


def test_windows_1258_page_reads_as_nfc_text(tmp_path):
    page = article_page(charset="windows-1258")
    path = tmp_path / "cp1258.html"
    path.write_bytes(to_cp1258(page))
    assert "ạ".encode() not in path.read_bytes()  # really a legacy-encoded file
    doc = parse_file(path)
    assert doc.title == TITLE and unicodedata.is_normalized("NFC", doc.text)
    assert chunk_with(chunk_document(doc), "816 tỷ đồng").section_path == (SECTION_14,)


def test_title_falls_back_to_og_title_then_title_without_site_name(tmp_path):
    body = "<div><p>" + "Tổng thu ngân sách nhà nước trên địa bàn ước đạt 855 tỷ đồng. " * 3
    og = "<meta property='og:title' content='Thu ngân sách tháng 01'>"
    site = "<title>Tình hình kinh tế - xã hội tháng 01 - Cổng TTĐT tỉnh</title>"
    for head, want in ((og + site, "Thu ngân sách tháng 01"),
                       (site, "Tình hình kinh tế - xã hội tháng 01"),
                       ("<title>Tình hình kinh tế - xã hội</title>", "Tình hình kinh tế - xã hội")):
        path = write_page(tmp_path, "t.html", f"<html><head>{head}</head><body>{body}</p></div>")
        assert parse_file(path).title == want


@pytest.mark.parametrize("line", [
    "Tin, ảnh: Minh Anh", "PV", "(Theo Báo Lạng Sơn)", "Theo baolangson.vn",
    "Cập nhật: 05/06/2024 08:30", "Thứ Ba, 04/06/2024 09:15 (GMT+7)", "Ngày 04/06/2024",
    "Tác giả: Hoàng Long", "Nguồn: Sở Kế hoạch và Đầu tư", "Lượt xem: 1.234"])
def test_bylines(line):
    assert is_byline(line)


@pytest.mark.parametrize("line", [
    "Theo báo cáo của Sở Tài chính, tổng thu ngân sách 5 tháng đạt 2.293 tỷ đồng.",
    "Ngày 04/06/2024, UBND tỉnh tổ chức hội nghị triển khai Luật Đất đai năm 2024.",
    "Tính đến 30/5/2024, giải ngân vốn đầu tư công đạt 816 tỷ đồng", SECTION_14,
    "Ảnh hưởng của thời tiết làm giảm năng suất lúa vụ Đông Xuân"])
def test_not_bylines(line):
    assert not is_byline(line)


def _error(path) -> InputError:
    with pytest.raises(InputError) as info:
        parse_file(path)
    assert vi_error(info.value)  # every code has its Vietnamese sentence
    return info.value


def test_page_without_article_text_is_a_clear_error(tmp_path):
    html = chrome_top() + f"<p><img src=x onerror=\"{ALERT}\"></p>" + chrome_bottom()
    assert _error(write_page(tmp_path, "menu.html", html)).code == "html.no_text"
    only_script = f"<html><body><script>{ALERT}</script><!-- ghi chú --></body></html>"
    assert _error(write_page(tmp_path, "s.html", only_script)).code == "html.no_text"


def test_garbage_and_wrong_encodings_are_clear_errors(tmp_path):
    cases = {
        "pdf.html": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "html.not_html"),
        "bin.html": (bytes(range(256)) * 40, "file.binary"),
        "plain.htm": ("Chỉ là văn bản, không có thẻ nào".encode(), "html.not_html"),
        "latin.html": (to_cp1258("<p>Tổng thu ngân sách</p>"), "html.encoding"),
        "wrong.html": (b"<meta charset='windows-1258'><p>\x81\x8d</p>", "html.encoding"),
        "unknown.html": (b"<meta charset=x-vni-times><p>abc</p>", "html.charset"),
        "codec.html": (b"<meta charset=base64><p>abc</p>", "html.charset"),
    }
    for name, (data, code) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert _error(path).code == code, name


def test_hostile_markup_loses_no_text(tmp_path):
    """Ten thousand unclosed tags, entities, a fake footnote tag in text, hidden text."""
    deep = "<div><span>" * 10_000
    html = (f"<html><body>{deep}<p>Giải ngân đạt 816 tỷ đồng &amp; 23,7% kế hoạch &lt;sup&gt;5"
            f"&lt;/sup&gt;</p><p style='display:none'>ẩn {ALERT}</p><p hidden>ẩn</p>"
            f"<![CDATA[ {ALERT} ]]><?php echo 1 ?></body></html>")
    doc = parse_file(write_page(tmp_path, "deep.html", html))
    assert "Giải ngân đạt 816 tỷ đồng & 23,7% kế hoạch" in doc.text
    assert "ẩn" not in doc.text and "xss" not in doc.text and not doc.footnotes


def test_index_add_html_then_search_finds_the_figure(index_copy, tmp_path):
    path = write_page(tmp_path, "lang-son-giai-ngan.html", article_page())
    before = len(load_index(index_copy).chunks)
    report = service.add([path], index_copy)
    assert report.added == ["lang-son-giai-ngan"] and not report.failed
    engine = service.Engine.open(index_copy)
    hits = engine.search("giải ngân vốn đầu tư công 816 tỷ đồng", k=5).hits
    mine = [h for h in hits if h.doc.doc_id == "lang-son-giai-ngan"]
    assert mine and mine[0].doc.title == TITLE and mine[0].doc.doc_type == "tin bài"
    assert any("816 tỷ đồng" in h.chunk.text and h.chunk.section_path == (SECTION_14,)
               for h in mine)
    bad = write_page(tmp_path, "chi-menu.html", chrome_top() + chrome_bottom())
    report = service.add([bad], index_copy)
    assert "no article text" in report.failed["chi-menu.html"]
    assert len(load_index(index_copy).chunks) > before  # the failed page took nothing away
