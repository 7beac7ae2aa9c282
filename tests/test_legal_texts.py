"""Resolutions and decisions as their legal layout writes them (Luật Ban hành văn bản quy
phạm pháp luật; Nghị định 30/2020/NĐ-CP): an article's clauses answer, the closing line
states where and when the text was adopted, an annex table answers per locality. Two
HĐND of different provinces and a Prime Minister's decision, from ../shared/realdocs/more;
every expected value was read off the files."""

from __future__ import annotations

import pytest

from rag.query.question import read
from tests.realdocs import SAMPLE_2024, realdocs_engine

DOCS = ("more/ha-noi_2025-11_nq-hdnd-48-budget-allocation-norms.md",
        "more/vinh-long_2025-11_nq-hdnd-22-exam-spending-levels.md",
        "more/national_2025-12_qd-ttg-2639-budget-supplement-27-localities.md",
        "more/national_2025-11_news-qh-resolution-245-state-budget-2026.md",
        "more/national_2025-11_vpcp-627-transport-projects-conclusion.md")


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    return realdocs_engine(tmp_path_factory.mktemp("legal") / "idx", DOCS, (SAMPLE_2024,))


@pytest.mark.parametrize("question,said", [
    # the closing line, not the heading block's date of signing
    ("Nghi quyet 48 HDND Ha Noi thong qua tai ky hop thu may, ngay nao",
     ("Kỳ họp thứ 28", "26 tháng 11 năm 2025")),
    # and not clause b) of an article, which repeals another resolution ("Nghị quyết số
    # 10/2022/NQ-HĐND …"): that sentence is about another document
    ("Nghị quyết 22 HĐND tỉnh Vĩnh Long thông qua tại kỳ họp nào, ngày nào",
     ("kỳ họp chuyên đề lần thứ Ba", "18 tháng 11 năm 2025")),
])
def test_where_and_when_a_resolution_was_adopted(eng, question, said):
    a = eng.ask(question)
    assert not a.abstained and all(s in a.text for s in said), a.text
    assert "/2022/NQ-HĐND" not in a.text and "Số: " not in a.text


def test_a_parts_question_across_localities_gets_one_row_each(eng):
    """2639/QĐ-TTg's annex: one row per province, each cited on its own, in table order."""
    a = eng.ask("QD 2639 bo sung cho tung tinh Son La, Lai Chau, Dien Bien bao nhieu")
    assert not a.abstained, a.text
    assert [c.figures for c in a.citations] == [("87.100",), ("46.800",), ("54.600",)]
    assert [c.n for c in a.citations] == [1, 2, 3]
    assert [c.row for c in a.citations] == sorted(c.row for c in a.citations)
    for name, cite in zip(("SƠN LA", "LAI CHÂU", "ĐIỆN BIÊN"), a.citations, strict=True):
        assert name in cite.quote and f"{name} — " in a.text

def test_a_comma_ends_a_place_name_in_a_question():
    q = read("QĐ 2639 bổ sung cho từng tỉnh Sơn La, Lai Châu, Điện Biên bao nhiêu")
    assert set(q.places) == {"son la", "lai chau", "dien bien"} and q.wants == "parts"


def test_a_budget_page_without_a_title_answers_for_its_plan_year(eng):
    """The 2026 budget's deficit, on a page whose only dated subhead names 2025 and 2026: the
    figure is given (it was refused as "only 2025" when the subhead's 2025 dated it)."""
    a = eng.ask("Bội chi NSNN năm 2026 bao nhiêu % GDP, chia ra trung ương và địa phương?")
    assert not a.abstained, a.text
    assert all(f in a.text for f in ("605.800 tỷ đồng", "583.700 tỷ đồng", "22.100 tỷ đồng"))


def test_an_indicator_name_does_not_run_over_a_comma():
    """2553/QĐ-TTg asked "… nước sạch nông thôn, mỗi chương trình bao nhiêu?": folded, the
    words read "nong thon, moi", which is no "nông thôn mới" (the programme) across the
    comma; without the comma it is."""
    asked = read("QĐ 2553/QĐ-TTg: lãi suất mới cho vay vùng khó khăn và cho vay nước sạch "
                 "nông thôn, mỗi chương trình bao nhiêu?")
    assert ("nong", "thon", "moi") not in asked.term
    assert ("nong", "thon", "moi") in read("số xã đạt chuẩn nông thôn mới năm 2024").term


@pytest.mark.parametrize("question", [
    "Nghị quyết 48/2025/NQ-HĐND của HĐND TP Hà Nội có hiệu lực từ ngày nào?",
    "Nghị quyết 22/2025/NQ-HĐND của HĐND tỉnh Vĩnh Long có hiệu lực từ ngày nào?",
])
def test_the_effective_date_comes_from_the_clause_that_states_it(eng, question):
    """The words that name the document (kind, number, issuer) are not what is asked: the
    annex caption "(Kèm theo Nghị quyết số 48/2025/NQ-HĐND … của Hội đồng nhân dân …)"
    repeats them all and must not outrank the clause "… có hiệu lực thi hành từ ngày 01
    tháng 01 năm 2026"."""
    a = eng.ask(question)
    assert not a.abstained and "có hiệu lực thi hành từ ngày 01 tháng 01 năm 2026" in a.text
    assert "Kèm theo" not in a.text


def test_a_document_is_named_by_its_kind_number_and_issuer():
    from rag.query.question import without_document_name

    left = without_document_name("QĐ 97/2025/QĐ-UBND của UBND tỉnh Quảng Ninh có hiệu lực "
                                 "từ ngày nào?")
    assert left.split() == ["của", "tỉnh", "Quảng", "Ninh", "có", "hiệu", "lực", "từ", "ngày",
                            "nào?"]


@pytest.mark.parametrize("question,date", [
    ("QĐ 2639 ký ngày nào?", "Hà Nội, ngày 03 tháng 12 năm 2025"),
    ("Thông báo 627/TB-VPCP ban hành ngày nào?", "Hà Nội, ngày 18 tháng 11 năm 2025"),
])
def test_the_date_of_issue_comes_from_the_heading_block(eng, question, date):
    """A date of issue ("ký ngày nào", "ban hành ngày nào") is the heading block's; the body
    clause "Quyết định này có hiệu lực thi hành kể từ ngày ký" names no date. "QĐ", "TB"
    name a document's kind as "Quyết định", "Thông báo" do (a Prime Minister's decision
    and a Government Office notice)."""
    assert read(question).wants == "facts"
    a = eng.ask(question)
    assert not a.abstained and date in a.text, a.text
    assert a.citations[0].section == "Đầu văn bản"


def test_a_name_inside_a_longer_indicator_name_is_not_that_indicator():
    """"Mức bội chi NSNN là 605.800 tỷ đồng" (the 2026 budget page) names the deficit: the
    spending indicator's name "chi NSNN" inside "bội chi NSNN" does not count for a question
    about total spending, as the longest name wins; "Tổng số chi NSNN là 3.159.106 tỷ đồng"
    does count."""
    from rag.answer.question import has_indicator
    from tests.realdocs import more_doc

    text = more_doc("national_2025-11_news-qh-resolution-245-state-budget-2026.md").read_text(
        encoding="utf-8")
    deficit = "Mức bội chi NSNN là 605.800 tỷ đồng"
    spending = "Tổng số chi NSNN là 3.159.106 tỷ đồng."
    assert deficit in text and spending in text
    q = read("Tổng chi NSNN dự toán 2026 bao nhiêu?")
    assert not has_indicator(q, deficit) and has_indicator(q, spending)
    assert has_indicator(read("Bội chi NSNN năm 2026 bao nhiêu % GDP?"), deficit)
