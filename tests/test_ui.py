"""Browser tests of the web app: Debian's chromium driven by Playwright.

The app runs in this process (a server thread) over a private copy of the
session's sample index, because one test uploads a report into it. Each step
leaves a screenshot in artifacts/ui/ for a human look. No network is needed:
the page and its assets come from the local Gradio server.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path

import pytest

in_browser = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = REPO / "artifacts" / "ui"
SECTION_14 = "1.4. Đầu tư xây dựng kết cấu hạ tầng và công tác quy hoạch"
FN10 = "Vốn đầu tư trong cân đối theo tiêu chí: 150 tỷ đồng"
FN11 = "Vốn ngân sách trung ương trong nước thuộc kế hoạch trung hạn: 240 tỷ đồng"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'

try:
    from playwright import sync_api
    from playwright.sync_api import expect
except ImportError:  # the render tests below still run
    sync_api = expect = None


def css_str(value: str) -> str:
    """A quoted CSS attribute value (JSON's quoting suffices for these strings)."""
    return json.dumps(value, ensure_ascii=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(sample_index, tmp_path_factory):
    """The app on a free localhost port over a copy of the sample index."""
    from ui.app import build_app, launch

    root = tmp_path_factory.mktemp("ui") / "index"
    shutil.copytree(sample_index, root)
    app = build_app(root)
    port = free_port()
    launch(app, "127.0.0.1", port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium (never a downloaded browser)."""
    if sync_api is None or not CHROMIUM.exists():
        # CI installs chromium (.ci/run): there a missing browser is a failure, not a skip.
        missing = pytest.fail if os.environ.get("CI") else pytest.skip
        missing("Debian chromium or playwright is missing: apt-get install -y chromium")
    SHOTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=60_000)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def new_page(chromium, url: str):
    pg = chromium.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    pg.set_default_timeout(60_000)
    pg.goto(url)
    return pg


@pytest.fixture(scope="module")
def page(chromium, app_url):
    pg = new_page(chromium, app_url)
    expect(pg.locator("#status-line")).to_contain_text("Sẵn sàng: 5 báo cáo")
    yield pg
    pg.close()


def shot(page, name: str, full: bool = False) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def ask(page, question: str, mode: str = "Trả lời"):
    """Type a question in the ask tab and wait for the view of *this* question."""
    page.get_by_role("tab", name="Hỏi đáp").click()
    page.locator("#mode").get_by_label(mode).check()
    page.locator("#question textarea").fill(question)
    page.locator("#ask-btn").click()
    view = page.locator(f"#answer-view .view[data-question={css_str(question)}]")
    expect(view).to_be_visible()
    return view


@in_browser
@pytest.mark.slow
def test_first_start_shows_build_progress_then_ready(chromium, engine):
    """While the first build runs the page shows its progress and refuses questions
    politely; once the index is there the status turns ready without a reload."""
    from ui.app import build_app, launch
    from ui.state import AppState

    state = AppState(engine.root)  # not started: looks exactly like a build in progress
    state.progress = {"text": "Lần chạy đầu: đang lập chỉ mục báo cáo mẫu 2/5", "fraction": 0.4}
    app = build_app(state)
    port = free_port()
    launch(app, "127.0.0.1", port, block=False)
    try:
        pg = new_page(chromium, f"http://127.0.0.1:{port}/")
        building = pg.locator("#status-line .status.building")
        expect(building).to_contain_text("Lần chạy đầu")
        expect(building.locator("progress")).to_have_attribute("value", "40")
        view = ask(pg, "giải ngân vốn đầu tư công tháng 5/2024?")
        expect(view.locator(".error-box")).to_contain_text("đang lập chỉ mục")
        shot(pg, "00-first-start-building")
        state.engine = engine
        expect(pg.locator("#status-line")).to_contain_text("Sẵn sàng: 5 báo cáo")
        view = ask(pg, "giải ngân vốn đầu tư công tháng 5/2024?")
        expect(view.locator(".answer-text")).to_contain_text("816 tỷ đồng")
        pg.close()
    finally:
        app.close()


@in_browser
@pytest.mark.slow
def test_answer_shows_figure_highlighted_with_sources(page):
    view = ask(page, "giải ngân vốn đầu tư công tháng 5/2024?")
    expect(view.locator(".answer-text")).to_contain_text("816 tỷ đồng")
    expect(view.locator(".answer-text mark.fig", has_text="816 tỷ đồng")).to_be_visible()
    # the sentence and the two footnotes that split its figure, all from source [1]
    expect(view.locator(".answer-text a.cite[data-n='1']")).to_have_count(3)
    expect(view.locator(".answer-text")).to_contain_text("Chú thích 10: Gồm:")
    expect(view.locator(".answer-text")).to_contain_text("Chú thích 11: Gồm:")
    source = view.locator("li.source").first
    expect(source).to_contain_text("[1]")
    expect(source.locator(".meta")).to_contain_text(SECTION_14)
    expect(source.locator(".meta")).to_contain_text("tháng 5/2024")
    expect(source.locator("blockquote.quote")).to_contain_text("816 tỷ đồng")
    expect(source.locator("li.note[data-fn-n='10']")).to_contain_text(FN10)
    shot(page, "01-answer", full=True)


@in_browser
@pytest.mark.slow
def test_citation_opens_report_at_highlighted_passage(page):
    view = ask(page, "giải ngân vốn đầu tư công tháng 5/2024?")
    view.locator(".answer-text a.cite[data-n='1']").first.click()
    expect(page.get_by_role("tab", name="Đọc báo cáo")).to_have_attribute("aria-selected", "true")
    reader = page.locator("#reader")
    section = reader.locator(f"section.sec[data-title={css_str(SECTION_14)}]")
    cited = section.locator("mark.cited").first
    expect(cited).to_contain_text("816 tỷ đồng")
    expect(cited).to_be_in_viewport()
    expect(section.locator("> .h").first).to_have_text(SECTION_14)
    expect(reader.locator(".fn.cited-fn[data-fn-n='10']")).to_contain_text(FN10)
    expect(reader.locator(".fn.cited-fn[data-fn-n='11']")).to_contain_text(FN11)
    expect(reader.locator("nav.toc li.current", has_text=SECTION_14)).to_be_visible()
    shot(page, "02-citation")


@in_browser
@pytest.mark.slow
def test_question_without_diacritics(page):
    view = ask(page, "giai ngan von dau tu cong thang 5/2024")
    expect(view.locator(".answer-text mark.fig", has_text="816 tỷ đồng")).to_be_visible()
    shot(page, "03-no-diacritics")


@in_browser
@pytest.mark.slow
def test_search_only_mode_with_period_filter(page):
    page.get_by_role("tab", name="Hỏi đáp").click()
    period = page.locator("#period-filter input")
    period.fill("quý I/2022")
    period.press("Enter")
    view = ask(page, "kim ngach XNK", mode="Chỉ tìm kiếm")
    hits = view.locator("li.hit")
    expect(hits.first).to_be_visible()
    expect(view.locator(".answer-text")).to_have_count(0)
    for meta in hits.locator(".meta").all_inner_texts():
        assert "quý I/2022" in meta
    expect(view).to_contain_text("triệu USD")
    shot(page, "04-search-only", full=True)
    page.locator("#mode").get_by_label("Trả lời").check()
    period.fill("")
    period.press("Enter")


@in_browser
@pytest.mark.slow
def test_abstains_for_a_period_no_report_covers(page):
    view = ask(page, "giải ngân vốn đầu tư công tháng 5/2019?")
    expect(view.locator("section.answer.abstained")).to_be_visible()
    expect(view).to_contain_text("Không tìm thấy")
    shot(page, "05-abstention")


@in_browser
@pytest.mark.slow
def test_browse_report_list(page):
    page.get_by_role("tab", name="Đọc báo cáo").click()
    rows = page.locator("#doc-list tr[data-doc]")
    expect(rows).to_have_count(5)
    row = page.locator("#doc-list tr[data-doc='lang-son_2023-01_bao-cao-kt-xh']")
    expect(row).to_contain_text("tháng 1/2023")
    row.click()
    reader = page.locator("#reader .reader[data-doc='lang-son_2023-01_bao-cao-kt-xh']")
    expect(reader.locator("nav.toc a").first).to_be_visible()
    expect(reader.locator("article.doc p.para").first).to_be_visible()
    shot(page, "06-browse")


def _xss_report(tmp_path: Path) -> Path:
    """A real sample report with HTML/JS lines added under its first heading."""
    lines = (REPO / "data/reports/lang-son_2022-01_bao-cao-kt-xh.txt").read_text("utf-8")
    lines = lines.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("I. "))
    extra = ["", f"Ghi chú kiểm thử bảo mật: {SCRIPT} phải hiển thị nguyên văn.", "",
             f"Ảnh kiểm thử bảo mật: {IMG} cũng phải hiển thị nguyên văn.", ""]
    path = tmp_path / "bao-cao-kiem-thu-xss.txt"
    path.write_text("\n".join(lines[:at + 1] + extra + lines[at + 1:]), encoding="utf-8")
    return path


def upload(page, paths: list[Path]):
    page.get_by_role("tab", name="Thêm báo cáo").click()
    page.locator("#upload input[type=file]").set_input_files([str(p) for p in paths])
    for p in paths:
        expect(page.locator("#upload")).to_contain_text(p.stem)
    page.locator("#add-btn").click()


@in_browser
@pytest.mark.slow
def test_upload_renders_html_as_text(page, tmp_path):
    upload(page, [_xss_report(tmp_path)])
    status = page.locator("#upload-status")
    expect(status.locator(".ok-box")).to_contain_text("Đã thêm")
    expect(page.locator("#status-line")).to_contain_text("6 báo cáo")
    shot(page, "07-upload")
    status.locator("a[data-doc='bao-cao-kiem-thu-xss']").click()
    reader = page.locator("#reader .reader[data-doc='bao-cao-kiem-thu-xss']")
    expect(reader).to_contain_text(SCRIPT)
    expect(reader).to_contain_text(IMG)
    reader.locator("p.para", has_text="kiểm thử bảo mật").first.scroll_into_view_if_needed()
    shot(page, "08-xss-reader")
    view = ask(page, "ghi chú kiểm thử bảo mật window pwned", mode="Chỉ tìm kiếm")
    expect(view.locator("li.hit").first).to_be_visible()
    expect(view).to_contain_text(SCRIPT)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#reader script, #answer-view script, img[src='x']").count() == 0
    shot(page, "09-xss-search")
    page.locator("#mode").get_by_label("Trả lời").check()


@in_browser
@pytest.mark.slow
def test_upload_errors_leave_index_unchanged(page, tmp_path):
    empty = tmp_path / "trong.txt"
    empty.write_bytes(b"")
    big = tmp_path / "qua-lon.txt"
    big.write_bytes(b"a" * (21 * 1024 * 1024))
    upload(page, [empty, big])
    errors = page.locator("#upload-status .error-box")
    expect(errors).to_have_count(2)
    expect(errors.filter(has_text="trong.txt")).to_contain_text("rỗng")
    expect(errors.filter(has_text="qua-lon.txt")).to_contain_text("20 MB")
    expect(page.locator("#status-line")).to_contain_text("6 báo cáo")
    page.get_by_role("tab", name="Đọc báo cáo").click()
    expect(page.locator("#doc-list tr[data-doc]")).to_have_count(6)
    page.get_by_role("tab", name="Thêm báo cáo").click()
    shot(page, "10-upload-errors")


# -- without a browser: escaping and id checks of the renderers and handlers ----------

def test_inline_escapes_text_and_marks_figures():
    from ui.render import inline

    html = inline('<b onclick="x()">giải ngân 816 tỷ đồng, đạt 23,7%</b> [1]', cites=True)
    assert "<b" not in html and "&lt;b onclick=&quot;x()&quot;&gt;" in html
    assert '<mark class="fig">816 tỷ đồng</mark>' in html
    assert '<mark class="fig">23,7%</mark>' in html
    assert 'data-kind="cite" data-n="1"' in html


def test_report_view_escapes_every_field():
    from types import SimpleNamespace

    from rag.records import Document, Footnote, Paragraph, Section
    from ui.reader import Highlight, report_view

    bad = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    text = f"{bad} 816 tỷ đồng"
    path = (bad,)
    doc = Document(
        doc_id="d", source=bad, title=bad, date=None, doc_type=bad, province=None, periods=(),
        text=text, sections=[Section(bad, 1, path, 0, len(text))],
        paragraphs=[Paragraph(bad, 0, len(bad), 1, 1, path, False, "heading"),
                    Paragraph(text, 0, len(text), 1, 1, path, False, "body",
                              markers=((1, len(text)),))],
        footnotes={1: Footnote(1, bad), 2: Footnote(2, bad)}, content_hash="")
    info = SimpleNamespace(doc_id='d"><script>', title=bad, period_label=bad, doc_type=bad,
                           date=bad, source=bad, n_chunks=1)
    html = report_view(doc, info, Highlight(0, len(text), (0, len(bad)), frozenset({1}), bad))
    assert "<script" not in html and "<img" not in html
    assert html.count("&lt;script&gt;") >= 8
    assert 'class="fn cited-fn"' in html and "Chú thích khác" in html


@pytest.mark.slow
def test_report_view_serves_only_indexed_ids(engine):
    from ui.handlers import Handlers
    from ui.state import AppState

    h = Handlers(AppState(engine=engine))
    for bad in ("../../etc/passwd", "lang-son_2024-05_bao-cao-kt-xh/../x", "", "nope"):
        assert "Không có báo cáo này" in h.open(bad)
    html = h.open("lang-son_2024-05_bao-cao-kt-xh", "lang-son_2023-01_bao-cao-kt-xh#000", (0, 9))
    assert 'class="view reader"' in html and '<mark class="cited">' not in html
