"""Browser tests of the observation views: the trend chart above a cross-period answer
and the "Số liệu theo kỳ" tab. Debian chromium via Playwright; the app runs over the
model-free plumbing index (these views read observations, not the embedder). Screenshots
go to artifacts/ui/."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.ui_helpers import ask, browser, css_str, expect, new_page, serving, settled, shot

TREND_Q = "thu ngân sách nhà nước qua các kỳ báo cáo"


@pytest.fixture(scope="module")
def page(plumbing_index):
    from ui.app import build_app

    with serving(build_app(plumbing_index)) as url, browser() as chromium:
        pg = new_page(chromium, url)
        expect(pg.locator("#status-line")).to_contain_text("Sẵn sàng: 5 báo cáo")
        yield pg


def traces(page, chart: str) -> list:
    """(name, period labels, values, citation numbers) of each trace (horizontal bars:
    the labels are y, the values x); a label's lines joined."""
    return page.evaluate(f"""() => document.querySelector('#{chart} .js-plotly-plot').data
        .map(t => [t.name, t.y.map(y => y.replaceAll('<br>', ' ')), t.x,
                   t.customdata.map(c => c[0])])""")


@pytest.mark.browser
@pytest.mark.slow
def test_trend_answer_draws_chart_with_month_and_cumulative_apart(page):
    view = ask(page, TREND_Q)
    expect(page.locator("#trend-chart .js-plotly-plot")).to_be_visible()
    expect(view.locator(".series-lines a.cite")).to_have_count(6)
    got = {name: (x, y, n) for name, x, y, n in traces(page, "trend-chart")}
    assert got["Theo tháng"] == (["tháng 1/2022", "tháng 1/2023", "tháng 5/2024"],
                                 [855, 418.1, 984.5], [2, 4, 5])
    assert got["Lũy kế từ đầu năm"] == (["9 tháng đầu năm 2021", "5 tháng đầu năm 2024"],
                                        [8127.9, 3965], [1, 6])
    assert got["Theo quý"] == (["quý I/2022"], [2202.4], [3])
    chart_box = page.locator("#trend-box").bounding_box()
    assert chart_box["y"] < page.locator("#answer-view").bounding_box()["y"]  # above the lines
    page.locator("#trend-box").scroll_into_view_if_needed()
    shot(page, "11-trend-chart", full=True)


@pytest.mark.browser
@pytest.mark.slow
def test_clicking_a_bar_opens_its_citation(page):
    ask(page, TREND_Q)
    expect(page.locator("#trend-chart .js-plotly-plot")).to_be_visible()
    page.wait_for_function("() => document.querySelector('#trend-chart .js-plotly-plot')"
                           ".__baocao === true")
    quarter = page.locator("#trend-chart .js-plotly-plot g.trace.bars").nth(2)  # "Theo quý"
    bar = quarter.locator(".point").first.bounding_box()
    x, y = bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2  # quý I/2022 -> [3]
    page.mouse.move(x, y)
    page.mouse.click(x, y)  # plotly's own layer receives it and emits plotly_click
    expect(page.get_by_role("tab", name="Đọc báo cáo")).to_have_attribute("aria-selected",
                                                                         "true")
    expect(page.locator("#reader mark.cited").first).to_contain_text("2.202,4 tỷ đồng")
    shot(page, "12-trend-bar-opens-citation")


@pytest.mark.browser
@pytest.mark.slow
def test_one_period_question_hides_the_chart(page):
    ask(page, "thu ngân sách nhà nước tháng 1/2023")
    expect(page.locator("#trend-box")).to_be_hidden()


@pytest.mark.browser
@pytest.mark.slow
def test_an_example_chip_after_a_trend_answer_leaves_no_chart_of_it(page):
    ask(page, TREND_Q)
    expect(page.locator("#trend-box")).to_be_visible()
    chip = page.locator("#examples button", has_text="thu ngân sách nhà nước")
    question = chip.inner_text().strip()  # one period: an ordinary answer, no chart
    chip.click()
    expect(page.locator(f"#answer-view .view[data-question={css_str(question)}]")).to_be_visible()
    settled(page)
    expect(page.locator("#trend-box")).to_be_hidden()


@pytest.mark.browser
@pytest.mark.slow
def test_series_tab_table_chart_and_downloads(page, tmp_path):
    page.get_by_role("tab", name="Số liệu theo kỳ").click()
    pick = page.locator("#series-pick input")
    pick.fill("kim ngach XNK")
    pick.press("Enter")
    rows = page.locator("#series-table tr[data-n]")
    expect(rows).to_have_count(4)  # 1.934,5 (tính riêng tại Hải quan …) is listed apart
    expect(rows.first).to_contain_text("3.060 triệu USD")
    expect(rows.last).to_contain_text("250 triệu USD")
    expect(page.locator("#series-chart .js-plotly-plot")).to_be_visible()
    shot(page, "13-series-tab", full=True)
    with page.expect_download() as dl:
        page.locator("#series-csv").click()
    path = tmp_path / "s.csv"
    dl.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"3.060" in data
    with page.expect_download() as dl:
        page.locator("#series-xlsx").click()
    xlsx = tmp_path / "s.xlsx"
    dl.value.save_as(xlsx)
    from openpyxl import load_workbook

    ws = load_workbook(xlsx).active
    assert [c.value for c in ws[2]][:4] == ["Kỳ", "Loại kỳ", "Giá trị", "Số liệu như báo cáo ghi"]
    assert ws.cell(row=3, column=3).value == 3060 and ws.cell(row=3, column=4).value == "3.060"
    rows.nth(1).click()  # a row opens its passage in the reader
    expect(page.get_by_role("tab", name="Đọc báo cáo")).to_have_attribute("aria-selected",
                                                                         "true")
    expect(page.locator("#reader .passage").first).to_contain_text("160 triệu USD")


def test_chart_traces_without_a_browser(plumbing_engine):
    from ui.chart import figure

    ans = plumbing_engine.ask("khách du lịch quý I/2022 so với tháng 1/2023")
    fig = figure(list(ans.series), plumbing_engine.index.docs)
    assert [t.name for t in fig.data] == ["Theo quý", "Theo tháng"]
    # 755.950 lượt is drawn in the series unit (nghìn lượt), the bar text keeps [n]
    assert fig.data[0].x == (755.95,) and fig.data[0].text == ("[1]",)


def _xnk(plumbing_engine):
    from rag.answer.export import find_series
    from rag.index.observations import observations_of

    return find_series(observations_of(plumbing_engine.index), "kim ngach XNK")


def test_a_part_of_the_whole_never_stands_in_the_series_of_totals(plumbing_engine):
    """"tính riêng tại Hải quan tỉnh Lạng Sơn" (1.934,5 triệu USD) is not the province's
    5-month total (22.013,3 triệu USD): listed apart, with its qualifier (issue 20)."""
    from rag.answer.export import to_csv, totals_and_parts
    from ui.series import series_table

    docs = plumbing_engine.index.docs
    series, parts = totals_and_parts(_xnk(plumbing_engine))
    assert [o.figure for o in series.rows] == ["3.060 triệu USD", "160 triệu USD",
                                               "800 triệu USD", "250 triệu USD"]
    assert [(o.figure, o.scope) for o in parts] == [
        ("1.934,5 triệu USD", "tính riêng tại Hải quan tỉnh Lạng Sơn")]
    html = series_table(series, docs, parts)
    table, apart = html.split("Số liệu chỉ của một phần")
    assert "1.934,5" not in table and "1.934,5" in apart
    assert "(tính riêng tại Hải quan tỉnh Lạng Sơn)" in apart
    assert "1.934,5" not in to_csv(series, docs).decode("utf-8-sig")


def test_csv_and_xlsx_are_vietnamese_with_numbers_as_numbers(plumbing_engine, tmp_path):
    from openpyxl import load_workbook

    from rag.answer.export import HEADERS, to_csv, to_xlsx

    docs = plumbing_engine.index.docs
    series = _xnk(plumbing_engine)  # with its part, to see the qualifier column
    data = to_csv(series, docs)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(HEADERS)
    assert all(re.fullmatch(r"[A-Za-zÀ-ỹĐđ ]+", h) for h in HEADERS)  # Vietnamese words
    first, last = rows[0], rows[-1]
    assert (first["Kỳ"], first["Loại kỳ"], first["Giá trị"], first["Số liệu như báo cáo ghi"],
            first["Đơn vị"]) == ("9 tháng đầu năm 2021", "Lũy kế từ đầu năm", "3060", "3.060",
                                 "triệu USD")
    assert first["Báo cáo"].startswith("Tình hình thực hiện kế hoạch phát triển kinh tế")
    assert (last["Giá trị"], last["Phạm vi"]) == ("1934,5",
                                                 "tính riêng tại Hải quan tỉnh Lạng Sơn")
    assert {r["Loại kỳ"] for r in rows} <= {"Theo tháng", "Theo quý", "Lũy kế từ đầu năm",
                                            "Cả năm"}
    ws = load_workbook(to_xlsx(series, tmp_path / "s.xlsx", docs)).active
    assert [c.value for c in ws[2]] == list(HEADERS)
    values = [ws.cell(row=r, column=3) for r in range(3, ws.max_row + 1)]
    assert [c.value for c in values] == [3060, 160, 800, 250, 1934.5]
    assert values[0].number_format == "[$-42A]#,##0"
    assert values[-1].number_format == "[$-42A]#,##0.0"  # as the report prints: 1.934,5
    assert ws.cell(row=3, column=8).value == first["Báo cáo"]


def test_the_indicator_list_holds_what_two_periods_give_named_as_reports_name_it(
        plumbing_engine):
    """It had 101 entries, "cá nhân", "diện tích", "kinh phí" and "trọng án" among them."""
    from rag.index.observations import observations_of
    from ui.indicators import indicator_list

    observations = observations_of(plumbing_engine.index)
    listed = indicator_list(observations)
    names = {name for _, name, _ in listed}
    assert not names & {"Cá nhân", "Diện tích", "Kinh phí", "Trọng án", "Tổng kinh phí",
                        "Số tiền", "Khám"}
    assert {"Tổng thu ngân sách nhà nước trên địa bàn", "Kim ngạch xuất khẩu",
            "Chỉ số sản xuất công nghiệp", "Tổng dư nợ tín dụng"} <= names
    for key, name, n in listed:
        rows = [o for o in observations if o.group == key and o.unit and not o.is_plan]
        assert n >= 2 and len({o.period for o in rows}) >= 2
        assert any(name.lower() in o.quote.lower() or name.split()[-1].lower() in
                   o.quote.lower() for o in rows)
    assert len(listed) < 100
