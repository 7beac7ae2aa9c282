"""The web app answers from a table cell; the citation opens the table, cell highlighted."""

from __future__ import annotations

import pytest
from realdocs import table_index
from ui_helpers import ask, browser, free_port, new_page, shot

from ui.reader import report_view
from ui.tables import table_html

QUESTION = "diện tích cà phê xã Đắk Hòa thực hiện năm 2019"

try:
    from playwright.sync_api import expect
except ImportError:
    expect = None


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def table_app(tmp_path_factory):
    from ui.app import build_app, launch

    root = table_index(tmp_path_factory.mktemp("ui-tables") / "index")
    app = build_app(root)
    port = free_port()
    launch(app, "127.0.0.1", port, block=False)
    yield f"http://127.0.0.1:{port}/", root
    app.close()


@pytest.mark.browser
@pytest.mark.slow
def test_citation_opens_the_table_at_the_cited_cell(chromium, table_app):
    url, _ = table_app
    page = new_page(chromium, url)
    expect(page.locator("#status-line")).to_contain_text("Sẵn sàng: 2 báo cáo")
    view = ask(page, QUESTION)
    expect(view.locator(".answer-text")).to_contain_text("Thực hiện 2019: 2.100,00 Ha")
    expect(view.locator("li.source .meta")).to_contain_text("Xã Đắk Hòa")
    shot(page, "10-table-answer", full=True)
    view.locator(".answer-text a.cite[data-n='1']").first.click()
    reader = page.locator("#reader")
    cell = reader.locator("table.data-table td.cited-cell")
    expect(cell).to_have_count(1)
    expect(cell).to_have_text("2.100,00")
    expect(cell).to_be_in_viewport()
    row = reader.locator("table.data-table tr.cited-row")
    expect(row).to_contain_text("Cà phê")
    expect(reader.locator("table.data-table thead")).to_contain_text("Thực hiện 2019")
    shot(page, "11-table-cited-cell")
    page.close()


def test_table_html_escapes_and_marks_one_cell():
    from rag.records import Table, TableCell, TableColumn, TableRow

    columns = (TableColumn(("Chỉ tiêu",), "label"), TableColumn(("Năm <b>2019</b>", "KH")),
               TableColumn(("Năm <b>2019</b>", "TH")))
    rows = (TableRow("1", "<script>x</script>", ("<script>x</script>",), 0, "",
                     (TableCell("<script>x</script>"), TableCell("5"), TableCell("6"))),)
    html = table_html(Table("T1", "Biểu <i>1</i>", "1", columns, rows), 0, frozenset({2}))
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert html.count('colspan="2"') == 1  # the shared header cell spans both columns
    assert html.count("<mark") == 1 and '<mark class="cited">6</mark>' in html


def test_report_view_places_the_table_after_its_caption(tmp_path):
    from rag.index import load_index

    root = table_index(tmp_path / "index")
    index = load_index(root)
    doc = index.document("daknong_2019-2020_dakhoa-indicator-table")
    html = report_view(doc, index.docs[doc.doc_id])
    assert html.index("Xã Đắk Hòa") < html.index('<figure class="tbl"')
    assert html.count('<tr data-row="') == len(doc.tables[0].rows)
