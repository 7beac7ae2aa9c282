"""A question for a description or a source ("lấy từ đâu", "ở đâu", "như thế nào") is
answered by prose, never by a table cell that merely shares its words: a Prime Minister's
decision with its annex table, and a provincial plan with its annex of tasks."""

from __future__ import annotations

import pytest

from rag.query.question import read
from tests.realdocs import engine_fixture, realdocs_engine

DOCS = ("more/national_2025-12_qd-ttg-2639-budget-supplement-27-localities.md",
        "more/dong-nai_2025-11_kh-179-digital-economy-2026-2030.md")


eng = engine_fixture("text-q", DOCS)

@pytest.mark.parametrize("question, said", [
    ("Nguồn kinh phí bổ sung cho 27 địa phương theo QĐ 2639 lấy từ đâu?", "ngân sách trung ương"),
    ("Khu thương mại tự do (FTZ) của Đồng Nai dự kiến thử nghiệm ở đâu?", "tại Long Thành"),
])
def test_a_question_for_a_source_or_a_place_is_answered_by_prose(eng, question, said):
    a = eng.ask(question)
    assert not a.abstained and said in a.text
    assert all(c.table_id is None for c in a.citations)


@pytest.mark.parametrize("question, wants", [
    ("Nguồn kinh phí … lấy từ đâu?", "text"),
    ("FTZ dự kiến thử nghiệm ở đâu?", "text"),
    # typed without diacritics, "tu dau" is as often "từ đầu" (năm): not a question word
    ("FDI dang ky moi tu dau nam den 27/10/2025 Hung Yen bao nhieu du an", "figure"),
])
def test_where_from_is_a_description(question, wants):
    assert read(question).wants == wants


def test_a_row_answers_when_no_prose_is_about_the_question(tmp_path):
    """"… có tình trạng gì và thời gian thực hiện thế nào?" of a project in a Prime
    Minister's annex: no prose covers it, so the annex row answers with the cells named."""
    eng = realdocs_engine(tmp_path / "idx",
                          ("more/national_2025-11_qd-ttg-2530-air-quality-plan-2026-2030.md",))
    a = eng.ask("QĐ 2530 Phụ lục II: dự án vùng phát thải thấp (LEZ) tại Hà Nội và TP.HCM có "
                "tình trạng gì và thời gian thực hiện thế nào?")
    assert not a.abstained and a.citations[0].table_id
    assert "Tình trạng: Thực hiện mới" in a.text and "2026 - 2027" in a.text
