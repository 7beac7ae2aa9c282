"""Parser and chunker facts checked by hand on the bundled sample reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.chunk import CHUNKS, chunk_document
from rag.ingest import parse_file, parse_text
from rag.ingest.figures import parse_vn_number

REPORTS = Path(__file__).resolve().parents[1] / "data" / "reports"
F2021 = "lang-son_2021-9t_bao-cao-kt-xh.txt"
F2022 = "lang-son_2022-01_bao-cao-kt-xh.txt"
FQ1 = "lang-son_2022-q1_thong-cao-bao-chi.txt"
F2023 = "lang-son_2023-01_bao-cao-kt-xh.txt"
F2024 = "lang-son_2024-05_bao-cao-kt-xh.txt"


@pytest.fixture(scope="module")
def parsed():
    out = {}
    for name in (F2021, F2022, FQ1, F2023, F2024):
        doc = parse_file(REPORTS / name)
        out[name] = (doc, chunk_document(doc))
    return out


def chunk_with(parsed, name, needle):
    found = [c for c in parsed[name][1] if needle in c.text]
    assert found, f"no chunk of {name} holds {needle!r}"
    return found[0]


# Footnote texts counted by hand in each source file (paragraphs/blocks starting with a marker).
@pytest.mark.parametrize("name,count",
                         [(F2021, 38), (F2022, 14), (FQ1, 0), (F2023, 9), (F2024, 33)])
def test_footnote_count_matches_source(parsed, name, count):
    doc, _ = parsed[name]
    assert sorted(doc.footnotes) == list(range(1, count + 1))


def test_816_chunk_has_section_14_and_footnotes_10_11(parsed):
    c = chunk_with(parsed, F2024, "816 tỷ đồng")
    assert c.section_path[-1] == "1.4. Đầu tư xây dựng kết cấu hạ tầng và công tác quy hoạch"
    assert c.section_path[0].startswith("II. TÌNH HÌNH KINH TẾ - XÃ HỘI THÁNG 5")
    notes = {f.n: f.text for f in c.footnotes}
    assert sorted(notes) == [10, 11]
    assert notes[10].startswith("Gồm: Vốn đầu tư trong cân đối theo tiêu chí: 150 tỷ đồng")
    assert notes[11].startswith("Gồm: Vốn ngân sách trung ương trong nước")
    assert "<sup>" not in c.text and "816 tỷ đồng, đạt 23,7% kế hoạch" in c.text


def test_paragraph_split_by_footnote_block_is_rejoined(parsed):
    doc, _ = parsed[F2024]
    para = [p for p in doc.paragraphs if "tộc thiểu số theo Luật Đất đai 2024" in p.text]
    assert len(para) == 1
    assert "chính sách hỗ trợ đất đai đối với đồng bào dân tộc thiểu số theo Luật" in para[0].text


def test_glued_digit_footnote_in_pdf_text(parsed):
    doc, chunks = parsed[F2023]
    c = chunk_with(parsed, F2023, "3.666 ha")
    assert doc.footnotes[1].text.startswith("Trong đó: 2.128 ha rau")
    assert 1 in [f.n for f in c.footnotes]
    figures = [f.text for ch in chunks for f in ch.figures]
    assert "3.666 ha" in figures and "3.666 ha1" not in figures
    assert not any("ha1" in ch.text for ch in chunks)
    # "Quyết định số 1661/QĐ-TTg" and "năm 2023" keep their digits
    assert any("1661/QĐ-TTg" in ch.text for ch in chunks)


def test_superscript_footnote_2_of_9_month_report(parsed):
    doc, _ = parsed[F2021]
    assert doc.footnotes[2].text.startswith("Trong đó: Lúa 15.443,3 ha")
    holders = [c for c in parsed[F2021][1] if 2 in [f.n for f in c.footnotes]]
    assert holders and holders[0].section_path[-1].startswith("a) Sản xuất nông, lâm nghiệp")


def test_press_release_has_pages_and_no_stray_page_numbers(parsed):
    doc, chunks = parsed[FQ1]
    assert doc.doc_type == "thông cáo báo chí"
    assert all(c.page_start is not None for c in chunks)
    assert max(c.page_end for c in chunks) >= 12
    assert not any(re.search(r"(^|\n)\s*\d{1,2}\s*($|\n)", c.text) for c in chunks)
    c = chunk_with(parsed, FQ1, "2.202,4 tỷ đồng")
    assert c.page_start == 3 and c.section_path[-1] == "e) Quản lý, điều hành ngân sách nhà nước"


@pytest.mark.parametrize("name,expected", [
    (F2024, {("month", 2024, 5, 5), ("cumulative", 2024, 1, 5)}),
    (FQ1, {("quarter", 2022, 1, 3)}),
    (F2023, {("month", 2023, 1, 1)}),
    (F2021, {("cumulative", 2021, 1, 9)}),
    (F2022, {("month", 2022, 1, 1)}),
])
def test_report_periods(parsed, name, expected):
    doc, _ = parsed[name]
    got = {(p.kind, p.year, p.start_month, p.end_month) for p in doc.periods}
    assert got == expected


def test_plan_part_is_marked_and_has_next_period(parsed):
    doc, chunks = parsed[F2024]
    plans = [c for c in chunks if c.is_plan]
    assert plans and all("NHIỆM VỤ TRỌNG TÂM THÁNG 6" in c.section_path[0] for c in plans)
    assert [(p.year, p.start_month) for p in doc.plan_periods] == [(2024, 6)]
    assert not chunk_with(parsed, F2024, "816 tỷ đồng").is_plan


def test_task_list_items_are_not_headings(parsed):
    for name in (F2024, F2023, FQ1):
        doc, _ = parsed[name]
        titles = [s.title for s in doc.sections]
        tasks = ("1. Tiếp tục", "2. Tập trung", "1. Tập trung")
        assert not any(t.startswith(tasks) for t in titles)


def test_untitled_report_takes_title_from_headings(parsed):
    doc, _ = parsed[F2023]
    assert doc.title == "Tình hình kinh tế - xã hội tháng 01 năm 2023"
    assert doc.province == "Lạng Sơn"


def test_metadata_of_2024_report(parsed):
    doc, _ = parsed[F2024]
    assert doc.date == "2024-06-04"
    assert doc.title.startswith("Tình hình kinh tế - xã hội tháng 5 và 5 tháng đầu năm")


def test_section_tree_of_2023_report(parsed):
    doc, _ = parsed[F2023]
    paths = [s.path for s in doc.sections]
    assert ("II. TÌNH HÌNH KINH TẾ - XÃ HỘI THÁNG 01 NĂM 2023", "1. Lĩnh vực phát triển kinh tế",
            "1.3. Hoạt động đầu tư xây dựng kết cấu hạ tầng") in paths
    wrapped = [s.title for s in doc.sections if s.title.startswith("5. Công tác thanh tra")]
    assert wrapped == ["5. Công tác thanh tra, kiểm tra; giải quyết khiếu nại, tố cáo; phòng "
                       "chống tham nhũng; chống buôn lậu, gian lận thương mại"]


def test_chunks_are_sized_spanned_and_stable(parsed):
    for doc, chunks in parsed.values():
        for c in chunks:
            assert len(c.text) <= CHUNKS.chars
            assert doc.text[c.start:c.end] == c.text
        assert len({c.chunk_id for c in chunks}) == len(chunks)
    doc, chunks = parsed[F2024]
    again = chunk_document(parse_file(REPORTS / F2024))
    assert [c.chunk_id for c in again] == [c.chunk_id for c in chunks]


def test_footer_is_not_indexed(parsed):
    for _, chunks in parsed.values():
        assert not any("Nơi nhận" in c.text for c in chunks)


@pytest.mark.parametrize("text,value", [
    ("816", 816.0), ("23,7", 23.7), ("22.013,3", 22013.3), ("5.331,74", 5331.74),
    ("1.230.5", 1230.5), ("10.33", 10.33), ("4.800.000", 4800000.0), ("1.651", 1651.0),
])
def test_vietnamese_numbers(text, value):
    assert parse_vn_number(text) == pytest.approx(value)


def test_figures_keep_printed_text(parsed):
    figures = {f.text: f.value for _, chunks in parsed.values() for c in chunks for f in c.figures}
    assert figures["816 tỷ đồng"] == 816.0
    assert figures["23,7%"] == pytest.approx(23.7)


def _wrapped(n: int, word: str) -> list[str]:
    return [f"{word} dòng {i} của đoạn văn bản được ngắt dòng cứng giống như văn bản PDF " for i
            in range(n)]


def test_form_feed_and_page_number_count_a_page_once():
    lines = ["I. TÌNH HÌNH CHUNG", ""] + _wrapped(6, "trang một") + ["1", "\f"]
    lines += _wrapped(6, "trang hai") + ["2", "\f"] + _wrapped(5, "trang ba") + ["kết thúc."]
    doc = parse_text("\n".join(lines), "x.txt")
    body = [p for p in doc.paragraphs if p.kind == "body"]
    assert len(body) == 1 and (body[0].page_start, body[0].page_end) == (1, 3)


def test_markdown_heading_without_number_uses_its_level():
    text = ("# Tổng quan tình hình\n\n## Về phát triển kinh tế\n\nThu ngân sách đạt 10 tỷ đồng.\n\n"
            "### Nông nghiệp\n\nTrồng rừng đạt 100 ha.\n")
    doc = parse_text(text, "md.md")
    paths = [s.path for s in doc.sections]
    assert ("Tổng quan tình hình", "Về phát triển kinh tế", "Nông nghiệp") in paths


def test_letterhead_is_front_matter():
    text = ("ỦY BAN NHÂN DÂN\n\nTỈNH LẠNG SƠN\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\n"
            "Độc lập - Tự do - Hạnh phúc\n\nSố: 12/BC-UBND\n\n"
            "Lạng Sơn, ngày 04 tháng 6 năm 2024\n\n"
            "BÁO CÁO\n\nTình hình kinh tế - xã hội tháng 5 năm 2024\n\nI. KẾT QUẢ\n\n"
            "Thu ngân sách đạt 10 tỷ đồng.\n")
    doc = parse_text(text, "lh.txt")
    assert doc.date == "2024-06-04" and doc.doc_type == "báo cáo"
    assert doc.title == "Tình hình kinh tế - xã hội tháng 5 năm 2024"
    assert [s.title for s in doc.sections] == ["I. KẾT QUẢ"]
