"""Browser tests of the web app as an official reads it: Debian's chromium via Playwright.

The app runs in this process (a server thread) over a private copy of the session's
sample index, read-only (writing is tested in test_ui_admin.py). Each step leaves a
screenshot in artifacts/ui/.
"""

from __future__ import annotations

import re
import shutil
import threading
import time

import pytest
from ui_helpers import ask, browser, css_str, expect, new_page, serving, set_period, shot

in_browser = pytest.mark.browser

SECTION_14 = "1.4. Đầu tư xây dựng kết cấu hạ tầng và công tác quy hoạch"
FN10 = "Vốn đầu tư trong cân đối theo tiêu chí: 150 tỷ đồng"
FN11 = "Vốn ngân sách trung ương trong nước thuộc kế hoạch trung hạn: 240 tỷ đồng"
F2024 = "lang-son_2024-05_bao-cao-kt-xh"
NEWEST_FIRST = [F2024, "lang-son_2023-01_bao-cao-kt-xh", "lang-son_2022-q1_thong-cao-bao-chi",
                "lang-son_2022-01_bao-cao-kt-xh", "lang-son_2021-9t_bao-cao-kt-xh"]
# English a Gradio page shows unless told otherwise, and words of our own old English text
ENGLISH = re.compile(r"\b(Drop|Click|Upload|File|Files|Use via API|Built with|Settings|Error|"
                     r"Loading|Submit|Clear|Examples|chunks?|not a|the|and|of|is)\b")


@pytest.fixture(scope="module")
def app_url(sample_index, tmp_path_factory):
    from ui.app import build_app

    root = tmp_path_factory.mktemp("ui") / "index"
    shutil.copytree(sample_index, root)
    with serving(build_app(root)) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def page(chromium, app_url):
    pg = new_page(chromium, app_url)
    expect(pg.locator("#status-line")).to_contain_text("Sẵn sàng: 5 báo cáo")
    yield pg
    pg.close()


@in_browser
@pytest.mark.slow
def test_first_start_progress_moves_and_an_early_question_waits_for_the_answer(chromium, engine):
    """While the index is prepared the page shows progress that moves; a question asked then
    waits and is answered once the engine is ready; only then does the page say ready."""
    from ui.app import build_app
    from ui.state import AppState

    state = AppState(engine.root)  # not started: looks exactly like a first start
    with serving(build_app(state)) as url:
        pg = new_page(chromium, url)
        done = threading.Event()

        def loading() -> None:
            with state.ticking("Lần chạy đầu: đang tải mô hình nhúng…", 0.01, 0.60, 4.0):
                done.wait(120)

        threading.Thread(target=loading, daemon=True).start()
        building = pg.locator("#status-line .status.building")
        expect(building).to_contain_text("đang tải mô hình nhúng")
        first = building.locator("progress").get_attribute("value")
        expect(building.locator("progress")).not_to_have_attribute("value", first)
        expect(building).to_contain_text("giây)")
        shot(pg, "00-first-start-progress")
        pg.locator("#question textarea").fill("giải ngân vốn đầu tư công tháng 5/2024?")
        pg.locator("#ask-btn").click()
        time.sleep(2)  # the question is waiting, not refused
        expect(pg.locator("#answer-view .error-box")).to_have_count(0)
        expect(pg.locator("#status-line")).not_to_contain_text("Sẵn sàng")
        shot(pg, "00-first-start-question-waits")
        done.set()
        state._set_engine(engine)
        view = pg.locator("#answer-view .view[data-question]")
        expect(view.locator(".headline .hl-value")).to_have_text("816 tỷ đồng")
        expect(pg.locator("#status-line")).to_contain_text("Sẵn sàng: 5 báo cáo")
        shot(pg, "00-first-start-answered")
        pg.close()


@in_browser
@pytest.mark.slow
def test_answer_shows_figure_first_with_sources(page):
    view = ask(page, "giải ngân vốn đầu tư công tháng 5/2024?")
    expect(view.locator(".headline .hl-value")).to_have_text("816 tỷ đồng")
    expect(view.locator("p.lead mark.fig", has_text="816 tỷ đồng")).to_be_visible()
    source = view.locator("li.source").first
    expect(source).to_contain_text("[1]")
    meta = source.locator(".meta")
    expect(meta).to_contain_text(SECTION_14)
    expect(meta).to_contain_text("tháng 5/2024")
    expect(meta).not_to_contain_text("Trang")  # the .txt has no page breaks: no "Trang 1"
    expect(source.locator("blockquote.quote")).to_contain_text("816 tỷ đồng")
    expect(source.locator("li.note[data-fn-n='10']")).to_contain_text(FN10)
    expect(view.locator("h3").first).to_contain_text("giây")
    assert re.search(r"\(\d+,\d\d giây\)", view.locator("h3").first.inner_text())
    shot(page, "01-answer", full=True)


@in_browser
@pytest.mark.slow
def test_citation_opens_report_at_highlighted_passage(page):
    view = ask(page, "giải ngân vốn đầu tư công tháng 5/2024?")
    view.locator(".headline a.cite[data-n='1']").first.click()
    expect(page.get_by_role("tab", name="Đọc báo cáo")).to_have_attribute("aria-selected", "true")
    reader = page.locator("#reader")
    section = reader.locator(f"section.sec[data-title={css_str(SECTION_14)}]")
    cited = section.locator("mark.cited").first
    expect(cited).to_contain_text("816 tỷ đồng")
    expect(cited).to_be_in_viewport()
    expect(reader.locator(".fn.cited-fn[data-fn-n='10']")).to_contain_text(FN10)
    expect(reader.locator(".fn.cited-fn[data-fn-n='11']")).to_contain_text(FN11)
    expect(reader.locator("nav.toc li.current", has_text=SECTION_14)).to_be_visible()
    banner = reader.locator(".reader-banner")
    expect(banner).to_contain_text("Đoạn trích dẫn [1] — mục II.")
    assert not re.search(r"Đoạn trích dẫn\s*\.", banner.inner_text())
    expect(reader.locator(".reader-head .meta")).to_contain_text("Ngày: 04/06/2024")
    expect(reader.locator(".reader-head .meta")).not_to_contain_text("Số đoạn")
    shot(page, "02-citation")


@in_browser
@pytest.mark.slow
def test_question_without_diacritics(page):
    view = ask(page, "giai ngan von dau tu cong thang 5/2024")
    expect(view.locator(".headline .hl-value")).to_have_text("816 tỷ đồng")
    shot(page, "03-no-diacritics")


@in_browser
@pytest.mark.slow
def test_search_only_mode_with_period_filter(page):
    page.get_by_role("tab", name="Hỏi đáp").click()
    set_period(page, "quý I/2022")
    view = ask(page, "kim ngach XNK", mode="Chỉ tìm kiếm")
    hits = view.locator("li.hit")
    expect(hits.first).to_be_visible()
    expect(view.locator(".answer-text")).to_have_count(0)
    for meta in hits.locator(".meta").all_inner_texts():
        assert "quý I/2022" in meta and re.search(r"Trang \d+", meta)  # a paged source
    expect(view).to_contain_text("triệu USD")
    shot(page, "04-search-only", full=True)
    page.locator("#mode").get_by_label("Trả lời").check()
    set_period(page, "")


@in_browser
@pytest.mark.slow
def test_abstains_for_a_period_no_report_covers(page):
    view = ask(page, "giải ngân vốn đầu tư công tháng 5/2019?")
    expect(view.locator("section.answer.abstained")).to_be_visible()
    expect(view).to_contain_text("Không tìm thấy")
    shot(page, "05-abstention")


@in_browser
@pytest.mark.slow
def test_example_chip_runs_its_question(page):
    page.get_by_role("tab", name="Hỏi đáp").click()
    chip = page.locator("#examples button", has_text="thu ngân sách nhà nước")
    question = chip.inner_text().strip()
    assert re.search(r"tháng \d+/20\d\d|quý|năm", question)  # paired with an indexed period
    chip.click()
    expect(page.locator("#question textarea")).to_have_value(question)
    view = page.locator(f"#answer-view .view[data-question={css_str(question)}]")
    expect(view.locator("section.answer")).to_be_visible()
    shot(page, "06-example-chip")


@in_browser
@pytest.mark.slow
def test_question_period_wins_over_the_period_filter_and_the_page_says_so(page):
    set_period(page, "tháng 1/2022")
    view = ask(page, "tổng thu ngân sách tháng 1/2023")
    expect(view.locator(".notice")).to_contain_text(
        "Câu hỏi nêu kỳ tháng 1/2023, nên bộ lọc kỳ «tháng 1/2022» không được áp dụng")
    expect(view.locator("section.answer")).to_contain_text("418,1 tỷ đồng")
    expect(view.locator("section.answer")).not_to_contain_text("855 tỷ đồng")
    shot(page, "07-period-override")
    set_period(page, "")


@in_browser
@pytest.mark.slow
def test_report_filter_that_excludes_the_answer_names_the_report_that_has_it(page):
    page.get_by_role("tab", name="Hỏi đáp").click()
    docs = page.locator("#doc-filter input")
    docs.fill("quý I năm 2022")
    page.get_by_role("option", name=re.compile("quý I năm 2022")).first.click()
    page.keyboard.press("Escape")
    view = ask(page, "giải ngân vốn đầu tư công tháng 5/2024")
    expect(view.locator(".answer-text")).to_contain_text("trong báo cáo đã chọn")
    expect(view).not_to_contain_text("trong các báo cáo hiện có")
    link = view.locator(f"ul.elsewhere a[data-doc='{F2024}']")
    expect(link).to_contain_text("tháng 5/2024")
    shot(page, "08-report-filter")
    link.click()
    expect(page.locator(f"#reader .reader[data-doc='{F2024}']")).to_be_visible()
    page.reload()  # the next tests start without the report filter
    expect(page.locator("#status-line")).to_contain_text("Sẵn sàng: 5 báo cáo")


@in_browser
@pytest.mark.slow
def test_report_list_is_newest_first_with_one_date_format(page):
    page.get_by_role("tab", name="Đọc báo cáo").click()
    rows = page.locator("#doc-list tr[data-doc]")
    expect(rows).to_have_count(5)
    assert [r.get_attribute("data-doc") for r in rows.all()] == NEWEST_FIRST
    head = page.locator("#doc-list thead").inner_text()
    assert "Số đoạn" not in head and "Ngày ban hành" in head
    dates = [r.locator("td").nth(3).inner_text() for r in rows.all()]
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}|tháng \d\d/\d{4}|năm \d{4}|—", d)
               for d in dates), dates
    assert dates[0] == "04/06/2024"
    rows.nth(1).click()
    reader = page.locator("#reader .reader[data-doc='lang-son_2023-01_bao-cao-kt-xh']")
    expect(reader.locator("nav.toc a").first).to_be_visible()
    shot(page, "09-report-list")


@in_browser
@pytest.mark.slow
def test_the_page_is_vietnamese_throughout(page):
    texts = []
    for tab in ("Hỏi đáp", "Đọc báo cáo", "Quản lý báo cáo"):
        page.get_by_role("tab", name=tab).click()
        texts.append(page.locator("body").inner_text())
        shot(page, f"10-vietnamese-{tab}")
    manage = texts[2]
    assert "chế độ chỉ đọc" in manage and "BAOCAO_ADMIN_TOKEN" in manage
    assert page.locator("#upload").count() == 0  # no write action without the admin token
    found = {m.group(0) for t in texts for m in ENGLISH.finditer(t)}
    assert found == set(), found
    assert page.locator("footer").count() == 0 or not page.locator("footer").is_visible()
    assert page.evaluate("document.documentElement.lang") == "vi"


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
    bare = report_view(doc, info, Highlight(0, len(text)))  # no label, no section path
    assert "Đoạn trích dẫn được tô màu bên dưới." in bare and "Đoạn trích dẫn ." not in bare


@pytest.mark.slow
def test_report_view_serves_only_indexed_ids(engine):
    from ui.handlers import Handlers
    from ui.state import AppState

    h = Handlers(AppState(engine=engine))
    for bad in ("../../etc/passwd", "lang-son_2024-05_bao-cao-kt-xh/../x", "", "nope"):
        assert "Không có báo cáo này" in h.open(bad)
    html = h.open("lang-son_2024-05_bao-cao-kt-xh", "lang-son_2023-01_bao-cao-kt-xh#000", (0, 9))
    assert 'class="view reader"' in html and '<mark class="cited">' not in html
