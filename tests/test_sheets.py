"""Workbooks of the national statistics office: sheets read into tables, checked facts.

Every fact below was read off the real workbook by hand (openpyxl's raw cells for .xlsx,
xlrd's for .xls, the number format applied as Excel does): a sheet's caption and unit,
a column's header path and the period it states, a row's label path and a cell as the
sheet displays it.
"""

from __future__ import annotations

from functools import cache

import pytest

from rag.ingest import parse_file
from rag.ingest.sheets.numfmt import display
from rag.records import Document, Table
from tests.realdocs import realdoc

WB = {
    "2015": "more/national-gso_2015-12_statistical-tables-year.xlsx",
    "2016": "more/national-gso_2016-10_statistical-tables-month.xls",
    "2019": "more/national-gso_2019-10_statistical-tables-month.xlsx",
    "2021": "more/national-gso_2021-09_statistical-tables-9-months.xlsx",
    "2023": "more/national-gso_2023-09_statistical-tables-9-months.xlsx",
    "2024": "more/national-gso_2024-06_statistical-tables-6-months.xlsx",
}


@cache
def workbook(year: str) -> Document:
    return parse_file(realdoc(WB[year]))


def sheet_tables(year: str, sheet: str) -> list[Table]:
    found = [t for t in workbook(year).tables if t.sheet == sheet]
    assert found, f"no table read from sheet {sheet!r}"
    return found


def column(table: Table, *path: str) -> int:
    return next(i for i, c in enumerate(table.columns) if c.path == path)


def row(table: Table, *path: str):
    return next(r for r in table.rows if r.label_path == path)


# ----------------------------------------------------------------- displayed values

@pytest.mark.parametrize("value, fmt, shown", [
    (109.20052847988514, "0.0", "109,2"),  # 2019 IIP, Toàn ngành, tháng 10
    (4059437.2707387144, "0", "4059437"),  # format 0: no grouping
    (100.05, '_(* #,##0.0_);_(* \\(#,##0.0\\);_(* "-"??_);_(@_)', "100,1"),  # half up
    (0, '_(* #,##0.0_);_(* \\(#,##0.0\\);_(* "-"??_);_(@_)', "-"),  # accounting zero
    (100.6, "0.00", "100,60"),  # trailing zero kept
    (1234567.891, "#,##0.0", "1.234.567,9"),  # Vietnamese grouping
    (-5.25, "#,##0.0;(#,##0.0)", "(5,3)"),  # negative section
    (0.052, "0.0%", "5,2%"),
    (2019, "General", "2019"),
    (8.136014751995058, "General", "8,136014752"),
    (1500000, "#,##0,", "1.500"),  # thousands scaling
])
def test_display_by_number_format(value, fmt, shown):
    assert display(value, fmt) == shown


# ----------------------------------------------------------------- one sheet per workbook

def test_2019_retail_sheet_merged_and_stacked_headers():
    (t,) = sheet_tables("2019", "22-23.Tongmuc")
    assert t.caption == ("12. Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng tháng 10 "
                         "và 10 tháng năm 2019")
    assert t.number == "12" and t.unit == "Tỷ đồng"
    stacked = t.columns[column(t, "Thực hiện tháng 9 năm 2019")]
    assert stacked.period.label == "tháng 9/2019" and stacked.basis == ""
    total = t.columns[column(t, "Cộng dồn 10 tháng năm 2019", "Tổng mức")]
    assert (total.period.start_month, total.period.end_month, total.unit) == (1, 10, "Tỷ đồng")
    share = t.columns[column(t, "Cộng dồn 10 tháng năm 2019", "Cơ cấu (%)")]
    assert share.basis == "share" and share.unit == "%"
    k = column(t, "So với cùng kỳ năm trước (%)", "Tháng 10 năm 2019")
    assert t.columns[k].period.label == "tháng 10/2019" and t.columns[k].basis == "yoy"
    first = row(t, "TỔNG SỐ")
    assert first.cells[column(t, "Cộng dồn 10 tháng năm 2019", "Tổng mức")].text == "4059437"
    assert first.cells[k].text == "113,3" and first.cells[k].value == 113.3
    assert row(t, "TỔNG SỐ", "Bán lẻ hàng hóa").cells[k].text == "114,7"


def test_2015_exports_hidden_working_columns_are_not_read():
    (t,) = sheet_tables("2015", "18XK")
    assert t.caption == "28. Hàng hoá xuất khẩu" and t.unit == "Nghìn tấn, triệu USD"
    assert len(t.columns) == 9  # the label and 8 value columns C..M; hidden O-W dropped
    assert not any("T11" in c.name for c in t.columns)
    k = column(t, "Cộng dồn năm 2015", "Trị giá")
    assert t.columns[k].unit == "triệu USD" and t.columns[k].period.label == "năm 2015"
    assert t.columns[column(t, "Cộng dồn năm 2015", "Lượng")].unit == "Nghìn tấn"
    assert row(t, "TỔNG TRỊ GIÁ").cells[k].text == "162439"
    oil = row(t, "TỔNG TRỊ GIÁ", "Khu vực có vốn đầu tư NN", "Dầu thô")  # "    Dầu thô"
    assert oil.cells[k].text == "3806"


def test_2016_legacy_xls_read_with_xlrd():
    (t,) = sheet_tables("2016", "XK")
    k = column(t, "Ước tính tháng 10 năm 2016", "Trị giá")  # F4:G5 merged over Lượng|Trị giá
    assert t.columns[k].period.label == "tháng 10/2016"
    assert row(t, "TỔNG TRỊ GIÁ").cells[k].text == "15500"
    (iip,) = sheet_tables("2016", "IIP")
    k = column(iip, "10 tháng năm 2016 so với cùng kỳ năm 2015")  # one phrase over 4 rows
    assert iip.columns[k].basis == "yoy" and iip.columns[k].period.end_month == 10
    assert row(iip, "Toàn ngành công nghiệp").cells[k].text == "107,2"


def test_2021_two_tables_in_one_sheet_and_units_of_parent_rows():
    livestock, forestry = sheet_tables("2021", "4-5.Channuoi-Lam nghiep")
    assert livestock.caption == "4. Sản phẩm chăn nuôi"
    assert forestry.caption == "5. Kết quả sản xuất lâm nghiệp"
    pork = row(livestock, "Sản lượng thịt hơi xuất chuồng (Nghìn tấn)", "Thịt lợn")
    k = column(livestock, "Ước tính quý III năm 2021")
    assert livestock.columns[k].period.label == "quý III/2021"
    assert pork.cells[k].text == "1058,7" and pork.unit == "Nghìn tấn"


def test_2023_new_firms_units_in_headers_and_nested_rows():
    (t,) = sheet_tables("2023", "13. DN DK thanh lap")
    firms = column(t, "9 tháng năm 2023", "Số DN (DN)")
    assert t.columns[firms].unit == "DN" and t.columns[firms].measure == "Số DN"
    growth = column(t, "9 tháng năm 2023 so với cùng kỳ năm 2022 (%)", "Số doanh nghiệp")
    assert t.columns[growth].basis == "yoy" and t.columns[growth].unit == "%"
    total = row(t, "TỔNG SỐ")
    assert (total.cells[firms].text, total.cells[growth].text) == ("116342", "103,1")
    mining = row(t, "TỔNG SỐ", "Phân theo ngành kinh tế", "Công nghiệp và Xây dựng",
                 "Khai khoáng")
    assert mining.cells[firms].text == "568"


def test_2024_unit_line_under_header_and_section_inside_body():
    (t,) = sheet_tables("2024", "45.Laodong")
    assert t.unit == "Nghìn người"  # "Nghìn người" merged over the values, under the header
    q2 = column(t, "Quý II năm 2024")
    assert row(t, "Lao động có việc làm").cells[q2].text == "51449,6"
    share = row(t, "Cơ cấu - %", "Lao động có việc làm", "Dịch vụ")  # the section "Cơ cấu - %"
    assert share.cells[column(t, "Ước tính 6 tháng 2024")].text == "40,2"
    (vdt,) = sheet_tables("2024", "22. VDT TTNSNN")
    k = column(vdt, "6 tháng năm 2024 so với cùng kỳ năm trước (%)")
    hanoi = row(vdt, "TỔNG SỐ", "Phân theo một số tỉnh, thành phố", "Hà Nội")
    assert hanoi.cells[k].text == "125,3"


# ----------------------------------------------------------------- the release

@pytest.mark.parametrize("year, periods, date", [
    ("2015", ["tháng 12/2015", "quý IV/2015", "năm 2015"], None),  # saved again in 2017
    ("2016", ["tháng 10/2016", "10 tháng đầu năm 2016"], None),  # .xls: no save date read
    ("2019", ["tháng 10/2019", "10 tháng đầu năm 2019"], "2019-10-29"),
    ("2021", ["tháng 9/2021", "quý III/2021", "9 tháng đầu năm 2021"], "2021-09-29"),
    ("2024", ["tháng 6/2024", "quý II/2024", "6 tháng đầu năm 2024"], "2024-06-29"),
])
def test_release_periods_title_and_date(year, periods, date):
    doc = workbook(year)
    assert [p.label for p in doc.periods] == periods
    assert doc.title == "Biểu số liệu thống kê " + ", ".join(periods)
    assert doc.date == date and doc.doc_type == "biểu số liệu" and doc.province is None
    assert doc.sections[0].title.startswith("Trang tính ")


def test_formula_cells_give_their_cached_result_never_the_formula():
    (t,) = sheet_tables("2019", "3.Nong nghiep")  # E8 holds "=+D8/C8*100", cached 96.352…
    k = column(t, "Thực hiện kỳ này so với cùng kỳ năm trước (%)")
    rice = row(t, "Gieo cấy lúa mùa")
    assert rice.cells[k].text == "96,4" and rice.cells[k].value == 96.4
    assert not any(c.text.startswith("=") for r in t.rows for c in r.cells)
