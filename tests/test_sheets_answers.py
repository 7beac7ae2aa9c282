"""Answers from workbook cells, the reader's marked cell, and one indicator followed across
the releases of three years next to a sample report (an index of real workbooks, built
with the model-free ``hash`` embedder)."""

from __future__ import annotations

import json

import pytest

from rag import service
from tests.realdocs import SAMPLE_2024, build_index
from ui.cli import main
from ui.tables import table_html

WORKBOOKS = ("more/national-gso_2015-12_statistical-tables-year.xlsx",
             "more/national-gso_2019-10_statistical-tables-month.xlsx",
             "more/national-gso_2024-06_statistical-tables-6-months.xlsx")
W2019 = "national-gso_2019-10_statistical-tables-month"


@pytest.fixture(scope="module")
def wb_index(tmp_path_factory):
    return build_index(tmp_path_factory.mktemp("sheets") / "index", WORKBOOKS, (SAMPLE_2024,))


@pytest.fixture(scope="module")
def engine(wb_index):
    return service.Engine.open(wb_index)


def test_answer_cites_workbook_sheet_row_and_column(engine):
    a = engine.ask("tong muc ban le hang hoa va doanh thu dich vu tieu dung 10 thang 2019")
    assert not a.abstained
    assert a.text.startswith("TỔNG SỐ — Cộng dồn 10 tháng năm 2019 > Tổng mức: 4059437 Tỷ đồng")
    assert f"tệp {W2019}.xlsx, trang tính «22-23.Tongmuc»" in a.text
    (cite,) = a.citations
    assert cite.sheet == "22-23.Tongmuc" and cite.doc_id == W2019
    table = next(t for t in engine.index.document(W2019).tables if t.table_id == cite.table_id)
    assert table.rows[cite.row].label_path == ("TỔNG SỐ",)
    (col,) = cite.columns
    assert table.columns[col].path == ("Cộng dồn 10 tháng năm 2019", "Tổng mức")
    assert a.headline.figure == "4059437 Tỷ đồng"
    assert a.headline.period == "10 tháng đầu năm 2019"
    assert a.headline.comparisons == ("111,8% So với cùng kỳ năm trước (%) > 10 tháng năm 2019",)
    html = table_html(table, cite.row, frozenset(cite.columns))
    assert '<mark class="cited">4059437</mark>' in html and html.count('id="cited-cell"') == 1


@pytest.mark.parametrize("question, figure, column", [
    ("IIP tháng 10/2019 so với cùng kỳ", "109,2", "Tháng 10 năm 2019 so với cùng kỳ năm trước"),
    ("IIP 10 thang nam 2019 so voi cung ky", "109,5",
     "10 tháng năm 2019 so với cùng kỳ năm trước"),
    ("chỉ số sản xuất công nghiệp tháng 10/2019 so với tháng trước", "102,7",
     "Tháng 10 năm 2019 so với tháng trước"),
    ("von NSNN 10 thang 2019 dat bao nhieu % ke hoach nam", "69,2",
     "10 tháng năm 2019 so với kế hoạch năm 2019 (%)"),
    ("kim ngạch xuất khẩu tháng 10/2019", "22400", "Ước tính tháng 10 năm 2019 > Trị giá"),
    ("lượng gạo xuất khẩu 10 tháng năm 2019", "5560", "Ước tính 10 tháng năm 2019 > Lượng"),
    # a dated base after "so với" is the column's base, not a second asked year
    ("cpi binh quan nam 2015 so voi nam 2014", "100,63", "Năm 2015 so với năm 2014"),
    ("CPI tháng 12/2015 so với tháng 12/2014", "100,60",
     "Tháng 12 năm 2015 so với: > Tháng 12 năm 2014"),
    # "tăng trưởng" folds to the letters of the count unit "trường": no unit is asked
    ("tang truong GDP 6 thang dau nam 2024", "106,42",
     "So với cùng kỳ năm trước (%) > 6 tháng năm 2024"),
])
def test_month_cumulative_and_comparison_columns(engine, question, figure, column):
    a = engine.ask(question)
    assert not a.abstained and f"{column}: {figure}" in a.text


def test_no_cell_of_the_asked_period_is_an_abstention_that_says_what_exists(engine):
    a = engine.ask("chỉ số sản xuất công nghiệp 6 tháng đầu năm 2019")
    assert a.abstained
    assert "109,5" not in a.text and "109,2" not in a.text


def test_series_follows_an_indicator_across_three_releases_and_a_report(wb_index, capsys):
    assert main(["series", "chỉ số sản xuất công nghiệp", "--json",
                 "--index", str(wb_index)]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    got = {(r["doc"][:20], r["period"]): r["value_text"] for r in rows}
    assert got[("national-gso_2015-12", "năm 2015")] == "109,8"
    assert got[("national-gso_2019-10", "tháng 10/2019")] == "109,2"
    assert got[("national-gso_2019-10", "10 tháng đầu năm 2019")] == "109,5"
    assert got[("national-gso_2024-06", "tháng 6/2024")] == "110,9"
    assert any(r["doc"] == SAMPLE_2024[:-4] for r in rows)  # the Lạng Sơn report's figure
    years = [int(r["period"][-4:]) for r in rows]
    assert years == sorted(years)  # time order across the releases
    month = next(r for r in rows if r["period"] == "tháng 10/2019")
    assert month["unit"] == "%" and month["comparisons"][0]["basis"] == "yoy_ratio"
