"""Browser tests of changing the index from the web app: only with the admin token, only
after a confirmation that shows what changes, logged; and a report added by the CLI
shows up in the running app. Debian's chromium via Playwright, a screenshot per step."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ui_helpers import (
    REPO,
    TOKEN,
    ask,
    browser,
    choose_files,
    expect,
    new_page,
    serving,
    shot,
)

from rag.index import IndexStore, load_index
from rag.index.history import read_log

pytestmark = [pytest.mark.browser, pytest.mark.slow]

F2024 = "lang-son_2024-05_bao-cao-kt-xh"
REPORTS = REPO / "data" / "reports"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture(scope="module")
def root(sample_index, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("ui-admin") / "index"
    shutil.copytree(sample_index, dest)
    return dest


@pytest.fixture(scope="module")
def page(root):
    from ui.admin import Admin
    from ui.app import build_app

    with serving(build_app(root, Admin(TOKEN))) as url, browser() as chromium:
        pg = new_page(chromium, url)
        expect(pg.locator("#status-line")).to_contain_text("Sẵn sàng: 5 báo cáo")
        yield pg
        pg.close()


def july_report(folder: Path) -> Path:
    """A realistic upload: the title on the first line, then the body of a real report."""
    body = (REPORTS / f"{F2024}.txt").read_text(encoding="utf-8").split("**I. CÔNG TÁC", 1)[1]
    body = body.replace("THÁNG 5 VÀ 5 THÁNG NĂM 2024", "THÁNG 7 NĂM 2024")
    path = folder / "bao-cao-thang-7-2024.txt"
    path.write_text("Báo cáo tình hình kinh tế - xã hội tháng 7 năm 2024\n\n**I. CÔNG TÁC" + body,
                    encoding="utf-8")
    return path


def edited_may_report(folder: Path) -> Path:
    path = folder / f"{F2024}.txt"
    text = (REPORTS / f"{F2024}.txt").read_text(encoding="utf-8")
    path.write_text(text.replace("816 tỷ đồng", "999 tỷ đồng"), encoding="utf-8")
    return path


def token(page, value: str) -> None:
    page.get_by_role("tab", name="Quản lý báo cáo").click()
    page.locator("#admin-token input").fill(value)


def test_without_the_right_token_nothing_is_parsed_or_written(page, root, tmp_path):
    versions = IndexStore(root).versions()
    for value, name in (("", "no-token"), ("doan-sai-ma-quan-tri", "wrong-token")):
        token(page, value)
        path = tmp_path / f"{name}.txt"
        shutil.copyfile(edited_may_report(tmp_path), path)
        choose_files(page, [path])
        expect(page.locator("#upload-status .error-box")).to_contain_text(
            f"Không đọc «{name}.txt»: mã quản trị không đúng; chưa thay đổi gì")
        expect(page.locator("#confirm-btn")).to_be_hidden()
        shot(page, f"20-admin-{name}")
    assert IndexStore(root).versions() == versions


def test_a_replacement_is_shown_with_its_changes_and_written_only_on_confirm(page, root,
                                                                           tmp_path):
    from gradio.utils import get_upload_folder

    token(page, TOKEN)
    before = IndexStore(root).live_folder()
    choose_files(page, [edited_may_report(tmp_path), july_report(tmp_path)])
    plan = page.locator("#upload-status")
    replace = plan.locator(f"[data-plan='replace'][data-doc='{F2024}']")
    expect(replace).to_contain_text("Số liệu bị bỏ: 816 tỷ đồng")
    expect(replace).to_contain_text("Số liệu mới: 999 tỷ đồng")
    new = plan.locator("[data-plan='new']")
    expect(new).to_contain_text("«Tình hình kinh tế - xã hội tháng 7 năm 2024» — tháng 7/2024")
    expect(page.locator("#confirm-btn")).to_have_text("Xác nhận thay thế")
    shot(page, "21-admin-plan", full=True)
    assert IndexStore(root).live_folder() == before  # nothing written before the confirmation
    view = ask(page, "giải ngân vốn đầu tư công tháng 5/2024?")
    expect(view.locator("section.answer")).to_contain_text("816 tỷ đồng")
    page.get_by_role("tab", name="Quản lý báo cáo").click()
    page.locator("#confirm-btn").click()
    result = page.locator("#upload-status .ok-box")
    expect(result).to_have_count(2)
    expect(result.first).to_contain_text("Đã thay thế «Tình hình kinh tế - xã hội tháng 5")
    expect(page.locator("#status-line")).to_contain_text("Sẵn sàng: 6 báo cáo")
    shot(page, "22-admin-written")
    view = ask(page, "giải ngân vốn đầu tư công tháng 5/2024?")
    expect(view.locator("section.answer")).to_contain_text("999 tỷ đồng")
    last = read_log(root)[-1]
    assert last["who"] == "web admin from 127.0.0.1" and last["replaced"] == [F2024]
    assert last["added"] == ["bao-cao-thang-7-2024"]
    leftovers = [p for p in Path(get_upload_folder()).rglob("*") if p.is_file()
                 and p.name in (f"{F2024}.txt", "bao-cao-thang-7-2024.txt")]
    assert leftovers == []  # the uploads were deleted once written


def test_cancel_writes_nothing(page, root, tmp_path):
    token(page, TOKEN)
    before = IndexStore(root).live_folder()
    other = tmp_path / "bao-cao-huy.txt"
    shutil.copyfile(july_report(tmp_path), other)
    choose_files(page, [other])
    expect(page.locator("#upload-status [data-plan='new'][data-doc='bao-cao-huy']")).to_be_visible()
    page.locator("#cancel-btn").click()
    expect(page.locator("#upload-status")).to_contain_text("Đã huỷ; chưa có gì được ghi.")
    expect(page.locator("#confirm-btn")).to_be_hidden()
    assert IndexStore(root).live_folder() == before
    shot(page, "23-admin-cancel")


def test_upload_errors_are_vietnamese_and_leave_the_index_unchanged(page, root, tmp_path):
    token(page, TOKEN)
    before = IndexStore(root).live_folder()
    empty = tmp_path / "trong.txt"
    empty.write_bytes(b"")
    big = tmp_path / "qua-lon.txt"
    big.write_bytes(b"a" * int(25.8 * 2**20))
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"this is not a pdf at all" * 10)
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("Thu ngân sách đạt 10 tỷ đồng".encode("utf-16"))
    choose_files(page, [empty, big, junk, utf16])
    errors = page.locator("#upload-status .error-box")
    expect(errors).to_have_count(4)
    expect(errors.filter(has_text="trong.txt")).to_contain_text("rỗng")
    expect(errors.filter(has_text="qua-lon.txt")).to_contain_text("25,8 MB, lớn hơn giới hạn 20 MB")
    expect(errors.filter(has_text="junk.pdf")).to_contain_text("không phải PDF")
    expect(errors.filter(has_text="utf16.txt")).to_contain_text("UTF-16")
    text = page.locator("#upload-status").inner_text()
    for english in ("not a PDF", "check the file type", "save it as", "encoded", "MB is over"):
        assert english not in text
    expect(page.locator("#confirm-btn")).to_be_hidden()
    assert IndexStore(root).live_folder() == before
    shot(page, "24-admin-upload-errors")


def test_uploaded_html_is_shown_as_text(page, tmp_path):
    lines = (REPORTS / "lang-son_2022-01_bao-cao-kt-xh.txt").read_text("utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("I. "))
    extra = ["", f"Ghi chú kiểm thử bảo mật: {SCRIPT} phải hiển thị nguyên văn.", "",
             f"Ảnh kiểm thử bảo mật: {IMG} cũng phải hiển thị nguyên văn.", ""]
    path = tmp_path / "bao-cao-kiem-thu-xss.txt"
    path.write_text("\n".join(lines[:at + 1] + extra + lines[at + 1:]), encoding="utf-8")
    token(page, TOKEN)
    choose_files(page, [path])
    expect(page.locator("#upload-status [data-plan='new'][data-doc='bao-cao-kiem-thu-xss']")
           ).to_be_visible()
    page.locator("#confirm-btn").click()
    status = page.locator("#upload-status")
    expect(status.locator(".ok-box")).to_contain_text("Đã thêm")
    shot(page, "25-admin-xss-added")
    status.locator("a[data-doc='bao-cao-kiem-thu-xss']").click()
    reader = page.locator("#reader .reader[data-doc='bao-cao-kiem-thu-xss']")
    expect(reader).to_contain_text(SCRIPT)
    expect(reader).to_contain_text(IMG)
    view = ask(page, "ghi chú kiểm thử bảo mật window pwned", mode="Chỉ tìm kiếm")
    expect(view).to_contain_text(SCRIPT)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#reader script, #answer-view script, img[src='x']").count() == 0
    shot(page, "26-admin-xss-search")
    page.locator("#mode").get_by_label("Trả lời").check()


def test_a_report_added_by_the_cli_appears_in_the_running_app(page, root, tmp_path):
    n = len(load_index(root).docs)
    path = tmp_path / "bao-cao-tu-dong-lenh.txt"
    path.write_text("Báo cáo tình hình kinh tế - xã hội tháng 8 năm 2025\n\nI. KINH TẾ\n\n"
                    "Thu ngân sách trên địa bàn tháng 8 ước đạt 777 tỷ đồng, tăng 5% so với "
                    "cùng kỳ năm trước.\n\nII. XÃ HỘI\n\nGiải quyết việc làm cho 2.000 lao "
                    "động, đạt 15% kế hoạch năm.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "ui.cli", "index", "add", str(path),
                           "--index", str(root)], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    expect(page.locator("#status-line")).to_contain_text(f"Sẵn sàng: {n + 1} báo cáo")
    view = ask(page, "thu ngân sách tháng 8/2025")
    expect(view.locator("section.answer")).to_contain_text("777 tỷ đồng")
    page.get_by_role("tab", name="Đọc báo cáo").click()
    expect(page.locator("#doc-list tr[data-doc]").first).to_have_attribute(
        "data-doc", "bao-cao-tu-dong-lenh")  # August 2025 is the newest period
    shot(page, "27-cli-added-visible")


def test_a_report_is_removed_only_after_confirmation(page, root):
    token(page, TOKEN)
    page.locator("#remove-pick input").fill("tháng 8 năm 2025")
    page.get_by_role("option", name="Tình hình kinh tế - xã hội tháng 8 năm 2025").first.click()
    page.locator("#remove-btn").click()
    removal = page.locator("#remove-status [data-plan='remove']")
    expect(removal).to_contain_text("Sẽ xoá «Tình hình kinh tế - xã hội tháng 8 năm 2025»")
    assert "bao-cao-tu-dong-lenh" in load_index(root).docs
    shot(page, "28-admin-remove-plan")
    page.locator("#remove-confirm").click()
    expect(page.locator("#remove-status .ok-box")).to_contain_text("Đã xoá")
    assert "bao-cao-tu-dong-lenh" not in load_index(root).docs
    assert read_log(root)[-1]["removed"] == ["bao-cao-tu-dong-lenh"]
    page.get_by_role("tab", name="Đọc báo cáo").click()
    expect(page.locator("#doc-list tr[data-doc='bao-cao-tu-dong-lenh']")).to_have_count(0)
    shot(page, "29-admin-removed")


# -- without a browser: what the app registers ----------------------------------------

def _writes(app) -> list:
    return [f for f in app.fns.values() if f.concurrency_id == "write"]


def test_a_read_only_app_registers_no_write_event(plumbing_engine):
    from ui.admin import Admin
    from ui.app import build_app

    read_only = build_app(plumbing_engine)
    handlers = {f.name for f in read_only.fns.values()}
    assert handlers >= {"ask_with_chart", "api_answer", "api_search"}
    assert _writes(read_only) == []
    names = {f.name for f in _writes(build_app(plumbing_engine, Admin(TOKEN)))}
    assert names == {"preview", "confirm", "cancel", "ask_remove", "confirm_remove",
                     "cancel_remove"}


def test_write_progress_shows_in_one_place(plumbing_engine):
    """Upload progress used to appear on every output at once (three times)."""
    from ui.admin import Admin
    from ui.app import build_app

    app = build_app(plumbing_engine, Admin(TOKEN))
    shown = {f.name: [c.elem_id for c in f.show_progress_on or ()] for f in _writes(app)}
    assert shown["preview"] == shown["confirm"] == ["upload-status"]
    asks = [f for f in app.fns.values() if f.concurrency_id == "engine" and f.outputs]
    assert all([c.elem_id for c in f.show_progress_on] == ["answer-view"] for f in asks
               if f.name.startswith("ask"))
