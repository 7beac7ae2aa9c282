"""A question that asks its figure in a unit ("bao nhiêu tỷ đồng", "bao nhiêu hộ dân") is
answered only by a unit that prints a figure of that kind; a passage that shares its words
but states no such amount is no answer: a Prime Minister's plan and a provincial notice."""

from __future__ import annotations

import pytest

from rag.query.question import read
from tests.realdocs import engine_fixture

DOCS = ("more/national_2025-11_qd-ttg-2530-air-quality-plan-2026-2030.md",
        "lamdong_2026-04_expressway-conclusion-notice.docx")


eng = engine_fixture("units", DOCS)

@pytest.mark.parametrize("question", [
    # the plan gives only its whole total (a footnote), no cost of the project
    "Kinh phí dự án vùng phát thải thấp (LEZ) ở Hà Nội theo QĐ 2530 là bao nhiêu tỷ đồng?",
    # the notice sets deadlines for the expressway, no investment amount
    "Tổng mức đầu tư dự án cao tốc Tân Phú – Bảo Lộc là bao nhiêu tỷ đồng?",
])
def test_no_amount_of_the_asked_kind_is_no_answer(eng, question):
    assert eng.ask(question).abstained


def test_a_count_in_the_asked_unit_answers(eng):
    a = eng.ask("xa Bao Lam 2 ra soat ho so bao nhieu ho dan nhan khoan Nong truong Ca phe Loc An")
    assert not a.abstained and "36 hộ dân" in a.text


@pytest.mark.parametrize("question, units", [
    ("doanh thu bán lẻ hàng hóa năm 2015 bao nhiêu tỷ đồng", ("ty dong",)),
    ("Theo KH 552 Dong Thap, quy mo kinh te so den nam 2035 dat bao nhieu % GRDP", ()),
    ("tang truong GDP 6 thang dau nam 2024", ()),
])
def test_the_asked_unit_follows_bao_nhieu(question, units):
    assert read(question).units == units
