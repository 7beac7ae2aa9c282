"""A workbook through the web app: uploaded by the admin (an encrypted one refused in
Vietnamese beside it), asked about, and its cited cell opened in the reader. Debian's
chromium via Playwright, a screenshot per step."""

from __future__ import annotations

import shutil

import pytest
from realdocs import realdoc
from ui_helpers import TOKEN, ask, browser, choose_files, expect, new_page, serving, shot

from rag.index import IndexStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORKBOOK = "more/national-gso_2019-10_statistical-tables-month.xlsx"
DOC = "national-gso_2019-10_statistical-tables-month"


@pytest.fixture(scope="module")
def page_and_root(plumbing_index, tmp_path_factory):
    from ui.admin import Admin
    from ui.app import build_app

    root = tmp_path_factory.mktemp("ui-sheets") / "index"
    shutil.copytree(plumbing_index, root)
    with serving(build_app(root, Admin(TOKEN))) as url, browser() as chromium:
        pg = new_page(chromium, url)
        expect(pg.locator("#status-line")).to_contain_text("Sẵn sàng: 5 báo cáo")
        yield pg, root
        pg.close()


def test_workbook_upload_answer_and_cited_cell(page_and_root, tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    page, root = page_and_root
    book = tmp_path / realdoc(WORKBOOK).name
    shutil.copyfile(realdoc(WORKBOOK), book)
    locked = tmp_path / "bieu-co-mat-khau.xlsx"
    with open(book, "rb") as fh, open(locked, "wb") as out:
        OOXMLFile(fh).encrypt("mật khẩu", out)
    page.get_by_role("tab", name="Quản lý báo cáo").click()
    page.locator("#admin-token input").fill(TOKEN)
    before = IndexStore(root).live_folder()
    choose_files(page, [book, locked])
    status = page.locator("#upload-status")
    expect(status.locator(f"[data-plan='new'][data-doc='{DOC}']")).to_be_visible()
    expect(status.locator(".error-box").filter(has_text=locked.name)).to_contain_text(
        "có mật khẩu")
    assert IndexStore(root).live_folder() == before  # nothing written before "Xác nhận"
    shot(page, "40-sheet-upload-preview")
    page.locator("#confirm-btn").click()
    expect(status.locator(".ok-box")).to_contain_text("Đã thêm")
    page.get_by_role("tab", name="Hỏi đáp").click()
    view = ask(page, "von NSNN 10 thang 2019 dat bao nhieu % ke hoach nam")
    text = view.locator(".answer-text")
    expect(text).to_contain_text("10 tháng năm 2019 so với kế hoạch năm 2019 (%): 69,2%")
    expect(text).to_contain_text("trang tính «19.VonNSNNthang»")
    shot(page, "41-sheet-answer", full=True)
    view.locator(".answer-text a.cite[data-n='1']").first.click()
    reader = page.locator("#reader")
    cell = reader.locator("table.data-table td.cited-cell")
    expect(cell).to_have_count(1)
    expect(cell).to_have_text("69,2")
    expect(cell).to_be_in_viewport()
    expect(reader.locator("table.data-table tr.cited-row")).to_contain_text("TỔNG SỐ")
    expect(reader.locator("figure.tbl figcaption").filter(has_text="19.VonNSNNthang")
           ).to_have_count(1)
    shot(page, "42-sheet-cited-cell")
