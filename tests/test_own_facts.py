"""A document asked for by its subject ("Kế hoạch phát triển kinh tế số … số mấy, ngày
nào?") is answered from its own heading block, which prints its number and date of issue,
not from an annex row that merely repeats the subject: a provincial plan and a Prime
Minister's decision, indexed together with a sample report."""

from __future__ import annotations

import pytest

from rag.query.question import read
from tests.realdocs import SAMPLE_2024, engine_fixture

DOCS = ("more/dong-nai_2025-11_kh-179-digital-economy-2026-2030.md",
        "more/national_2025-11_qd-ttg-2553-vbsp-lending-rates.md")


eng = engine_fixture("own", DOCS, (SAMPLE_2024,))

@pytest.mark.parametrize("question, number, date", [
    ("Kế hoạch phát triển kinh tế số và xã hội số Đồng Nai giai đoạn 2026-2030 số mấy, ngày "
     "nào?", "179/KH-UBND", "18 tháng 11 năm 2025"),
    ("Quyết định điều chỉnh giảm lãi suất cho vay tại Ngân hàng Chính sách xã hội số mấy, "
     "ban hành ngày nào?", "2553/QĐ-TTg", "21 tháng 11 năm 2025"),
])
def test_a_documents_number_and_date_come_from_its_heading_block(eng, question, number, date):
    a = eng.ask(question)
    assert not a.abstained and number in a.text and date in a.text
    assert a.citations[0].section == "Đầu văn bản"


def test_asking_its_own_number_is_read_at_the_door():
    assert read("Kế hoạch 179 số mấy, ngày nào?").asks_own
    assert not read("Nghị quyết 48 có hiệu lực từ ngày nào?").asks_own
