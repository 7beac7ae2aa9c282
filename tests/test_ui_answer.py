"""The answer page without a browser (issue 20): the figure first, its breakdown as a cited
list with each footnote after the clause it explains, one source card per passage with its
sentence, the same headline as the CLI, and the small things (an over-long question, an
impossible or oversized period filter, a stale replacement). Real reports: the bundled
sample corpus, and breakdown sentences of two other issuers from ../shared/realdocs."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from realdocs import realdoc
from ui_helpers import REPO

from rag.records import Answer, AnswerItem, Headline, SearchResult

DISBURSED = "giải ngân vốn đầu tư công tháng 5/2024?"


def _page(ans, engine) -> str:
    from ui.answer_view import answer_view

    chunks = {c.chunk_id: c for c in engine.index.chunks}
    return answer_view(ans, 0.1, "", chunks.get)


def test_headline_first_then_the_breakdown_each_footnote_after_its_clause(engine):
    """816 tỷ đồng large and first; "Trong đó": 786 tỷ (its own parts 234 and 552, footnotes
    10 and 11 right after them), then 30 tỷ; no footnote amid another clause."""
    from ui.answer_layout import layout

    ans = engine.ask(DISBURSED)
    lay = layout(ans, {c.chunk_id: c for c in engine.index.chunks}.get)
    assert lay.headline.figure == "816 tỷ đồng" and lay.headline.period == "5 tháng đầu năm 2024"
    assert "816 tỷ đồng" in lay.lead.text and "786" not in lay.lead.text
    first, second = lay.breakdown
    assert first.text.endswith("786 tỷ đồng, đạt 23,7% kế hoạch") and not first.notes
    local, central = first.parts
    assert local.text == "ngân sách địa phương 234 tỷ đồng, đạt 16,6%"
    assert [n[:14] for n in local.notes] == ["Chú thích 10: "]
    assert central.text == "ngân sách trung ương 552 tỷ đồng, đạt 27,1%"
    assert [n[:14] for n in central.notes] == ["Chú thích 11: "]
    assert "30 tỷ đồng" in second.text and not lay.others
    html = _page(ans, engine)
    order = [html.index(x) for x in ('class="hl-value">816 tỷ đồng', "<h4>Trong đó</h4>",
                                     "234 tỷ đồng", "Chú thích 10:", "552 tỷ đồng",
                                     "Chú thích 11:", "30 tỷ đồng", "<h3>Nguồn (1)</h3>")]
    assert order == sorted(order)
    # the headline figure is the first figure the official reads: nothing competes with it
    from rag.ingest.figures import FIGURE_RE

    shown = re.sub(r"<[^>]+>", " ", html)
    assert FIGURE_RE.search(shown, shown.index("giây)")).group(0) == "816 tỷ đồng"


@pytest.mark.parametrize("doc,sentence,parts", [
    ("stats-office/hung-yen_2025-10_bao-cao-kt-xh.txt",
     "toàn tỉnh đã gieo trồng 20.523 ha rau màu",
     ["cây ngô 6.055 ha, giảm 0,13%", "khoai lang 1.171 ha, tăng 1,79%",
      "đậu tương 36 ha, tăng 3,71%", "rau các loại 12.416 ha, tăng 1,31%",
      "đậu các loại 836 ha, tăng 1,56%."]),
    ("more/national_2025-11_news-qh-resolution-245-state-budget-2026.md",
     "Mức bội chi NSNN là 605.800 tỷ đồng",
     ["Bội chi ngân sách trung ương là 583.700 tỷ đồng, tương đương 4% GDP",
      "bội chi ngân sách địa phương là 22.100 tỷ đồng, tương đương 0,2% GDP."]),
])
def test_breakdowns_of_other_issuers_are_split_into_their_parts(doc, sentence, parts):
    """The grammar of a figure sentence ("…, trong đó: a; b" / "…, gồm: a; b") as two
    other issuers write it (a provincial statistics office, the National Assembly news)."""
    from ui.answer_layout import layout

    text = realdoc(doc).read_text(encoding="utf-8")
    start = text.index(sentence)
    unit = text[start:text.index(parts[-1], start) + len(parts[-1])]
    figure = re.search(r"\d[\d.,]* (?:ha|tỷ đồng)", unit).group(0)
    ans = Answer("?", f"{unit} [1]", False, None, (), _result(),
                 Headline("x", figure, 1.0, None, "năm 2025", (), "", 1),
                 (AnswerItem("statement", unit, 1),))
    lay = layout(ans)
    assert [p.text for p in lay.breakdown] == parts
    assert figure in lay.lead.text and not lay.others


def _result() -> SearchResult:
    return SearchResult("?", (), True, False, ())


def test_cli_first_line_is_the_headline_of_the_page_and_of_the_json(engine, sample_index):
    from ui.answer_view import answer_view

    run = [sys.executable, "-m", "ui.cli", "ask", DISBURSED, "--index", str(sample_index)]
    text = subprocess.run(run, capture_output=True, text=True, cwd=REPO, check=True).stdout
    data = json.loads(subprocess.run(run + ["--json"], capture_output=True, text=True,
                                     cwd=REPO, check=True).stdout)
    headline = engine.ask(DISBURSED).headline
    assert headline.text == ("816 tỷ đồng · 5 tháng đầu năm 2024 · đạt 23,7% kế hoạch · cao "
                             "hơn cùng kỳ năm 2023 là 110 tỷ đồng · tăng 5,5%")
    assert text.splitlines()[0] == f"{headline.text} [1]"
    assert data["headline"] == headline.to_dict()
    page = answer_view(engine.ask(DISBURSED))
    assert f'data-headline="{headline.text}"' in page


def test_no_headline_when_the_answer_abstains(engine, sample_index):
    from ui.answer_view import answer_view

    ans = engine.ask("kim ngạch XNK tháng 8/2024?")
    assert ans.abstained and ans.headline is None
    assert 'class="headline"' not in answer_view(ans)
    out = subprocess.run([sys.executable, "-m", "ui.cli", "ask", "kim ngạch XNK tháng 8/2024?",
                          "--index", str(sample_index)], capture_output=True, text=True,
                         cwd=REPO, check=True).stdout
    assert out.startswith("Không tìm thấy số liệu tháng 8/2024")


@pytest.mark.parametrize("question", [
    DISBURSED,                                            # a figure with its footnotes
    "thu ngân sách nhà nước qua các kỳ báo cáo",           # a trend: two rows of one passage
    "thang 1 nam 2022 thong quan hang hoa XNK chi duy tri o nhung cua khau nao?",  # a list
    "diện tích lúa vụ đông xuân 9 tháng năm 2021 là bao nhiêu?",
])
def test_each_passage_is_one_card_showing_its_quoted_sentence(engine, question):
    ans = engine.ask(question)
    html = _page(ans, engine)
    sources = html[html.index('<ul class="sources">'):]
    cards = re.findall(r'<li class="source".*?Xem trong báo cáo →</a></li>', sources)
    assert len(cards) == len({c.chunk_id for c in ans.citations}) == \
        int(re.search(r"Nguồn \((\d+)\)", html).group(1))
    for card in cards:
        assert '<blockquote class="quote">' in card  # the sentence, never only the title
    assert "<ol class=\"sources\"" not in html  # an unnumbered list: never "1. [1]"
    for c in ans.citations:
        words = re.sub(r"\s+", " ", c.quote)[:30]
        assert words.split(" ")[0] in sources


def test_a_figure_of_part_of_the_whole_keeps_its_qualifier_in_the_answer_and_chart(engine):
    from ui.answer_view import answer_view
    from ui.chart import figure

    ans = engine.ask("kim ngạch xuất nhập khẩu tính riêng tại hải quan tỉnh lạng sơn qua các kỳ")
    scoped = [o for o in ans.series if o.scope]
    assert [o.figure for o in scoped] == ["1.934,5 triệu USD"]
    shown = re.sub(r"<[^>]+>", "", answer_view(ans))
    assert "1.934,5 triệu USD (tính riêng tại Hải quan tỉnh Lạng Sơn)" in shown
    fig = figure(list(ans.series), engine.index.docs)
    alone = [t for t in fig.data if "Hải quan" in t.name]
    assert len(alone) == 1 and alone[0].x == (1934.5,)  # a trace of its own
    assert all(1934.5 not in t.x for t in fig.data if t is not alone[0])
    assert "tính riêng tại Hải quan" in alone[0].customdata[0][1]


def test_the_chart_is_the_answers_series_in_vietnamese_with_report_titles(engine):
    from ui.chart import CONFIG, chart

    ans = engine.ask("thu ngân sách nhà nước qua các kỳ báo cáo")
    plot = json.loads(chart(list(ans.series), engine.index.docs).plot)
    points = sorted((c[0], x) for t in plot["data"] for c, x in zip(t["customdata"], t["x"],
                                                                   strict=True))
    assert points == [(n, o.value) for n, o in enumerate(ans.series, 1)]
    assert [c.n for c in ans.citations] == [n for n, _ in points]
    titles = {c[2].replace("<br>", " ") for t in plot["data"] for c in t["customdata"]}
    assert all(not t.startswith("lang-son_") for t in titles)
    assert any(t.startswith("Tình hình kinh tế - xã hội tháng 5") for t in titles)
    config = plot["config"]
    assert config == CONFIG and config["displaylogo"] is False
    assert config["modeBarButtons"] == [["toImage", "resetScale2d"]]
    words = config["locales"]["vi"]["dictionary"]
    assert words["Download plot as a PNG"] == "Tải biểu đồ về (PNG)"
    assert words["Produced with Plotly.js"] != "Produced with Plotly.js"


def test_handlers_draw_the_chart_from_the_answer_not_a_second_computation(engine, monkeypatch):
    """The trend chart comes with its answer: the rows the answer cites, numbered alike."""
    import rag.answer.across as across
    from ui.handlers import Handlers
    from ui.state import AppState

    h = Handlers(AppState(engine=engine))
    calls = []
    real = across.across_rows
    monkeypatch.setattr(across, "across_rows", lambda *a, **k: calls.append(1) or real(*a, **k))
    html, cites, box, plot = h.ask_with_chart("thu ngân sách nhà nước qua các kỳ báo cáo", [],
                                              "", "Trả lời", progress=lambda *a, **k: None)
    assert len(calls) == 1  # the composer's own; the chart adds none
    assert box.visible is True
    data = json.loads(plot.plot)["data"]
    assert sorted(c[0] for t in data for c in t["customdata"]) == [c.n for c in cites]


def test_over_long_question_and_bad_period_filters_are_said_not_cut(engine):
    """The page cut a long question to 500 characters silently, ignored "tháng 13/2024", and
    echoed a 1 MB period filter in full."""
    from ui.handlers import Handlers
    from ui.state import AppState

    h = Handlers(AppState(engine=engine))
    quiet = dict(progress=lambda *a, **k: None)
    long_q = "giải ngân vốn đầu tư công tháng 5/2024 " * 20
    html, cites = h.ask(long_q, [], "", "Trả lời", **quiet)
    assert cites is None and "error-box" in html
    assert f"câu hỏi dài {len(long_q.strip())} ký tự, vượt giới hạn 500 ký tự" in html
    assert len(html) < 1500  # the question is not echoed whole
    html, _ = h.ask("thu ngân sách", [], "tháng 13/2024", "Trả lời", **quiet)
    assert "bộ lọc kỳ «tháng 13/2024» không phải một kỳ báo cáo" in html
    html, _ = h.ask("thu ngân sách", [], "x" * 1_000_000, "Chỉ tìm kiếm", **quiet)
    assert "không phải một kỳ báo cáo" in html and len(html) < 1500
    huge = "tháng 1/2022 " + "x" * 1_000_000  # names a period; the question's own wins
    html, _ = h.ask("tổng thu ngân sách tháng 1/2023", [], huge, "Trả lời", **quiet)
    assert "nên bộ lọc kỳ «tháng 1/2022 xxx" in html and len(html) < 30_000


def test_an_overridden_period_filter_is_not_echoed_whole():
    from ui.render import override_note

    filt = "tháng 1/2022" + "y" * 1_000_000
    result = SearchResult("q", (engine_period(),), True, False, (), period_filter=filt,
                          period_overridden=filt)
    note = override_note(result)
    assert "bộ lọc kỳ «tháng 1/2022" in note and len(note) < 400


def engine_period():
    from rag.periods import make_period

    return make_period("month", 2023, 1, 1)


def test_report_dates_and_types_as_the_reading_list_shows_them(engine):
    from ui.messages import vi_date
    from ui.reader import _header
    from ui.render import doc_list_view

    assert [vi_date(d) for d in ("2024-06-04", "2022-01", "2021", None)] == [
        "04/06/2024", "tháng 01/2022", "năm 2021", "—"]
    docs = engine.index.docs
    html = doc_list_view(list(docs.values()))
    row = html[html.index('data-doc="lang-son_2021-9t_bao-cao-kt-xh"'):]
    assert "tháng 10/2021" in row[:row.index("</tr>")]  # the month the text states
    assert "Thông cáo báo chí" in html  # the type as parsed
    undated = docs["lang-son_2022-q1_thong-cao-bao-chi"]
    assert undated.date is None and "Ngày:" not in _header(undated, None)
    assert "Ngày: 04/06/2024" in _header(docs["lang-son_2024-05_bao-cao-kt-xh"], None)


def test_a_confirmed_replacement_refused_because_another_writer_replaced_first_says_so(
        index_copy, tmp_path):
    """The refusal said "cần xác nhận việc thay thế trước" though the admin had confirmed."""
    from rag import service
    from rag.index import load_index
    from ui.admin import Admin, AdminHandlers, Pending
    from ui.state import AppState

    f2024 = "lang-son_2024-05_bao-cao-kt-xh"
    text = (REPO / "data" / "reports" / f"{f2024}.txt").read_text(encoding="utf-8")
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    for folder, figure in ((mine, "999 tỷ đồng"), (theirs, "888 tỷ đồng")):
        folder.mkdir()
        (folder / f"{f2024}.txt").write_text(text.replace("816 tỷ đồng", figure),
                                             encoding="utf-8")
    shown = service.preview([mine / f"{f2024}.txt"], load_index(index_copy))[0]
    assert shown.status == "replace"
    service.add([theirs / f"{f2024}.txt"], index_copy, replace=True)  # another writer
    state = AppState(index_copy).start()
    assert state.wait_ready(120)
    admin = AdminHandlers(state, Admin("ma-quan-tri-kiem-thu"))
    html, *_ = admin.confirm(Pending([str(mine / f"{f2024}.txt")], shown.expect, True),
                             "ma-quan-tri-kiem-thu", None, progress=lambda *a, **k: None)
    assert "đã được thay bằng một bản khác sau khi kế hoạch được hiện ra" in html
    assert "cần xác nhận" not in html
    assert any("888 tỷ đồng" in c.text for c in load_index(index_copy).chunks)
