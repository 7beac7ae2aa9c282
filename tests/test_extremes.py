"""Which row is highest or lowest: "địa phương nào … nhiều nhất", "tỉnh nào … thấp nhất",
answered from every row of one table (and its "(Tiếp theo)" part), on a Prime Minister's
decision (a Markdown table of 27 localities) and a national statistics office workbook
(rice by province: regions and their provinces, split over two tables). Model-free index."""

from __future__ import annotations

import pytest

from rag import service
from rag.query.question import read
from tests.realdocs import build_index

DOCS = ("more/national_2025-12_qd-ttg-2639-budget-supplement-27-localities.md",
        "more/national-gso_2024-06_statistical-tables-6-months.xlsx")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return service.Engine.open(build_index(tmp_path_factory.mktemp("extremes") / "index", DOCS))


@pytest.mark.parametrize("question, row, figure, n", [
    # the decision's table: Thanh Hóa 191.100 is the largest of 27, Huế 11.400 the smallest
    ("Theo QĐ 2639, địa phương nào được bổ sung kinh phí nhiều nhất?", "THANH HÓA",
     "191.100 Triệu đồng", 27),
    ("QĐ 2639: tỉnh nào được bổ sung kinh phí ít nhất?", "HUẾ", "11.400 Triệu đồng", 27),
    # the workbook's sheet "5. NSSL Dong Xuan": provinces under their regions, never a region
    # or the country's total; the Mekong provinces stand in the "(Tiếp theo)" table
    ("tỉnh nào có sản lượng lúa đông xuân năm 2024 cao nhất?", "Kiên Giang",
     "Sản lượng (Nghìn tấn): 2173,0", 62),
    ("địa phương nào có năng suất lúa đông xuân 2024 thấp nhất", "Bình Phước",
     "Năng suất (Tạ/ha): 39,8", 62),
])
def test_the_top_row_of_a_table_answers(engine, question, row, figure, n):
    a = engine.ask(question)
    assert not a.abstained and a.text.startswith(f"{row} (")
    assert f"trong {n} dòng của bảng" in a.text and figure in a.text
    (cite,) = a.citations
    assert cite.table_id and row in " ".join(cite.quote.split())


@pytest.mark.parametrize("question, extreme", [
    ("Theo QĐ 2639, địa phương nào được bổ sung kinh phí nhiều nhất?", "max"),
    ("xa nao co san luong rau thap nhat", "min"),
    # "ít nhất" without "nào" is "at least": a target, not the smallest row
    ("Đến năm 2030 tỉnh Bắc Ninh có ít nhất bao nhiêu tập dữ liệu mở được công bố?", None),
    ("Sơn La có những chỉ tiêu nào chưa đạt mục tiêu?", None),
])
def test_which_with_a_superlative_asks_for_a_row(question, extreme):
    assert read(question).extreme == extreme
