"""The answer page as an official reads it, on a laptop (1366 × 768) and on a phone
(390 × 844) (issue 20): the figure first, each source once with its sentence, a chart in
Vietnamese, clear refusals, the series tab's list, the reading list's dates; nothing wider
than the screen. Debian's chromium via Playwright over the session's sample index; a
screenshot per step in artifacts/ui/ (``30-…`` to ``35-…``, suffixed with the width).
"""

from __future__ import annotations

import re
import shutil

import pytest
from ui_helpers import ask, browser, css_str, expect, serving, set_period, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DISBURSED = "giải ngân vốn đầu tư công tháng 5/2024?"
TREND = "thu ngân sách nhà nước qua các kỳ báo cáo"
SCREENS = {"laptop": (1366, 768), "phone": (390, 844)}
VIETNAMESE_BUTTONS = {"Tải biểu đồ về (PNG)", "Về khung nhìn ban đầu"}


@pytest.fixture(scope="module")
def app_url(sample_index, tmp_path_factory):
    from ui.app import build_app

    root = tmp_path_factory.mktemp("ui-page") / "index"
    shutil.copytree(sample_index, root)
    with serving(build_app(root)) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture(scope="module", params=list(SCREENS))
def page(request, chromium, app_url):
    width, height = SCREENS[request.param]
    pg = chromium.new_page(viewport={"width": width, "height": height}, locale="vi-VN",
                           has_touch=request.param == "phone")
    pg.set_default_timeout(60_000)
    pg.goto(app_url)
    expect(pg.locator("#status-line")).to_contain_text("Sẵn sàng: 5 báo cáo")
    pg.screen = f"{width}x{height}"
    yield pg
    pg.close()


def fits(page) -> None:
    """No horizontal scroll: nothing of the page is wider than the screen."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("document.body.scrollWidth") <= width


def inside(page, locator) -> None:
    box = locator.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 0.5


def test_the_answer_leads_with_the_figure_then_its_parts_then_one_card_per_source(page):
    view = ask(page, DISBURSED)
    headline = view.locator(".headline")
    expect(headline.locator(".hl-value")).to_have_text("816 tỷ đồng")
    expect(headline.locator(".hl-rest")).to_have_text(
        "5 tháng đầu năm 2024 · đạt 23,7% kế hoạch · cao hơn cùng kỳ năm 2023 là 110 tỷ đồng"
        " · tăng 5,5%")
    size = float(headline.locator(".hl-value").evaluate("e => getComputedStyle(e).fontSize")
                 [:-2])
    body = float(view.locator("p.lead").evaluate("e => getComputedStyle(e).fontSize")[:-2])
    assert size >= 1.5 * body and body >= 14  # large, and the lines readable
    parts = view.locator("ul.breakdown > li.part")
    expect(parts).to_have_count(2)
    local = parts.first.locator("li.part", has_text="234 tỷ đồng")
    expect(local.locator(".fn-note")).to_contain_text("Chú thích 10:")
    expect(local.locator(".fn-note")).not_to_contain_text("Chú thích 11")
    tops = [headline.bounding_box()["y"], parts.first.bounding_box()["y"],
            view.locator("ul.sources").bounding_box()["y"]]
    assert tops == sorted(tops)
    cards = view.locator("ul.sources > li.source")
    expect(cards).to_have_count(1)
    assert cards.first.evaluate("e => getComputedStyle(e).listStyleType") == "none"
    assert not re.match(r"\s*1\.", cards.first.inner_text())  # never "1. [1]"
    expect(cards.first.locator("blockquote.quote")).to_contain_text("816 tỷ đồng")
    fits(page)
    inside(page, headline)
    headline.scroll_into_view_if_needed()
    shot(page, f"30-answer-{page.screen}")
    shot(page, f"30-answer-{page.screen}-full", full=True)


def test_a_trend_chart_speaks_vietnamese_and_names_its_reports(page):
    view = ask(page, TREND)
    plot = page.locator("#trend-chart .js-plotly-plot")
    expect(plot).to_be_visible()
    expect(view.locator(".series-lines li")).to_have_count(6)
    expect(view.locator("ul.sources > li.source")).to_have_count(5)  # [5] [6]: one passage
    expect(view.locator("li.source[data-ns='[5] [6]'] blockquote.quote")).to_contain_text(
        "3.965 tỷ đồng")
    plot.hover()
    buttons = plot.locator(".modebar-btn")
    expect(buttons).to_have_count(2)
    assert {b.get_attribute("data-title") for b in buttons.all()} == VIETNAMESE_BUTTONS
    assert plot.locator(".modebar-btn--logo, a[href*='plot.ly'], a[href*='plotly']").count() == 0
    bar = plot.locator("g.trace.bars .point").first.bounding_box()
    page.mouse.move(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    hover = plot.locator(".hoverlayer")
    expect(hover).to_contain_text("Tình hình thực hiện kế hoạch phát triển")
    expect(hover).not_to_contain_text("lang-son_")
    fits(page)
    page.locator("#trend-box").scroll_into_view_if_needed()
    shot(page, f"31-trend-chart-{page.screen}")


def test_an_over_long_question_is_refused_with_the_reason(page):
    question = "giải ngân vốn đầu tư công tháng 5/2024 và " * 15
    page.get_by_role("tab", name="Hỏi đáp").click()
    page.locator("#question textarea").fill(question)
    page.locator("#ask-btn").click()
    box = page.locator("#answer-view .error-box")
    expect(box).to_contain_text(f"câu hỏi dài {len(question.strip())} ký tự, vượt giới hạn 500")
    expect(page.locator("#answer-view .headline")).to_have_count(0)
    fits(page)
    shot(page, f"32-question-too-long-{page.screen}")


def test_an_impossible_or_oversized_period_filter_is_refused_briefly(page):
    set_period(page, "tháng 13/2024")
    ask(page, "thu ngân sách nhà nước")
    box = page.locator("#answer-view .error-box")
    expect(box).to_contain_text("bộ lọc kỳ «tháng 13/2024» không phải một kỳ báo cáo")
    shot(page, f"33-bad-period-{page.screen}")
    set_period(page, "kỳ " + "rất dài " * 700)
    view = ask(page, "thu ngân sách")
    expect(view.locator(".error-box")).to_contain_text("không phải một kỳ báo cáo")
    assert len(view.inner_text()) < 400  # 5,600 characters typed, a line echoed
    fits(page)
    shot(page, f"33-oversized-period-{page.screen}")
    set_period(page, "")


def test_the_series_tab_lists_real_indicators_and_keeps_parts_apart(page, tmp_path):
    page.get_by_role("tab", name="Số liệu theo kỳ").click()
    pick = page.locator("#series-pick input")
    pick.click()
    options = page.get_by_role("option").all_inner_texts()
    names = {re.sub(r" \(\d+ kỳ\)$", "", o.strip()) for o in options}
    assert "Tổng thu ngân sách nhà nước trên địa bàn" in names and len(options) < 100
    assert not names & {"Cá nhân", "Diện tích", "Kinh phí", "Trọng án"}
    page.keyboard.press("Escape")
    pick.fill("Tổng kim ngạch xuất nhập khẩu qua địa bàn")
    pick.press("Enter")
    rows = page.locator("#series-table tr[data-n]")
    expect(rows).to_have_count(4)
    expect(page.locator("#series-table table")).not_to_contain_text("1.934,5")
    apart = page.locator("#series-table .parts-apart")
    expect(apart).to_contain_text("1.934,5 triệu USD (tính riêng tại Hải quan tỉnh Lạng Sơn)")
    chart = page.locator("#series-chart .js-plotly-plot")
    expect(chart).to_be_visible()
    assert all("Hải quan" not in str(t) for t in chart.evaluate("p => p.data.map(t => t.y)"))
    with page.expect_download() as dl:
        page.locator("#series-csv").click()
    path = tmp_path / "s.csv"
    dl.value.save_as(path)
    head = path.read_bytes().decode("utf-8").splitlines()[0]
    assert head.startswith("\ufeffKỳ,Loại kỳ,Giá trị,")
    fits(page)
    shot(page, f"34-series-tab-{page.screen}", full=True)


def test_the_reading_list_shows_dates_and_types_as_officials_write_them(page):
    page.get_by_role("tab", name="Đọc báo cáo").click()
    rows = page.locator("#doc-list tr[data-doc]")
    expect(rows).to_have_count(5)
    row = page.locator(f"#doc-list tr[data-doc={css_str('lang-son_2021-9t_bao-cao-kt-xh')}]")
    expect(row.locator("td").nth(3)).to_have_text("tháng 10/2021")
    expect(page.locator("#doc-list tr[data-doc='lang-son_2024-05_bao-cao-kt-xh'] td").nth(3)
           ).to_have_text("04/06/2024")
    expect(page.locator("#doc-list")).to_contain_text("Thông cáo báo chí")
    fits(page)
    shot(page, f"35-reading-list-{page.screen}")
    page.locator("#doc-list tr[data-doc='lang-son_2022-q1_thong-cao-bao-chi']").click()
    head = page.locator("#reader .reader-head .meta")
    expect(head).to_contain_text("Kỳ báo cáo: quý I/2022")
    expect(head).not_to_contain_text("Ngày:")
    fits(page)
    shot(page, f"35-reading-list-{page.screen}-report")
