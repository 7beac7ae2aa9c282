"""Questions across periods: one cited line per period, missing periods named, the trend
gold items, and the offer of other periods. Model-free (the plumbing engine): these
answers are read from observations, not from ranked passages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.answer.across import offer_line, other_periods
from rag.query.question import read

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "eval" / "observe" / "trend_gold.jsonl"


def lines(answer) -> list[str]:
    return [ln for ln in answer.text.splitlines() if ln.startswith("- ")]


def cited_doc(answer, line: str) -> str:
    n = re.search(r"\[(\d+)\]\.?$", line).group(1)
    return next(c.doc_id for c in answer.citations if str(c.n) == n)


def test_revenue_across_all_reports_each_cited_to_its_report(plumbing_engine):
    ans = plumbing_engine.ask("thu ngân sách nhà nước qua các kỳ báo cáo")
    want = [("9 tháng đầu năm 2021", "8.127,9 tỷ đồng", "lang-son_2021-9t_bao-cao-kt-xh"),
            ("tháng 1/2022", "855 tỷ đồng", "lang-son_2022-01_bao-cao-kt-xh"),
            ("quý I/2022", "2.202,4 tỷ đồng", "lang-son_2022-q1_thong-cao-bao-chi"),
            ("tháng 1/2023", "418,1 tỷ đồng", "lang-son_2023-01_bao-cao-kt-xh"),
            ("tháng 5/2024", "984,5 tỷ đồng", "lang-son_2024-05_bao-cao-kt-xh"),
            ("5 tháng đầu năm 2024", "3.965 tỷ đồng", "lang-son_2024-05_bao-cao-kt-xh")]
    got = lines(ans)
    assert len(got) == len(want) and not ans.abstained
    for line, (label, figure, doc) in zip(got, want, strict=True):
        assert line.startswith(f"- {label}: {figure}")
        assert cited_doc(ans, line) == doc
    assert "bằng 37,6% so với cùng kỳ" in got[3]  # its own comparison, never merged
    quotes = {c.n: c.quote for c in ans.citations}
    assert all(c.figures and c.span for c in ans.citations)
    assert "984,5 tỷ đồng" in quotes[5] and "3.965 tỷ đồng" in quotes[6]


def test_comparison_of_two_named_periods_gives_both(plumbing_engine):
    ans = plumbing_engine.ask("thu ngân sách quý I/2022 so với tháng 1/2023")
    got = lines(ans)
    assert len(got) == 2
    assert got[0].startswith("- quý I/2022: 2.202,4 tỷ đồng, đạt 28,1% dự toán")
    assert got[1].startswith("- tháng 1/2023: 418,1 tỷ đồng")


def test_a_period_without_figure_is_named(plumbing_engine):
    ans = plumbing_engine.ask("thu NSNN thang 1/2023 va thang 2/2023")
    assert len(lines(ans)) == 1 and "Không có số liệu tháng 2/2023" in ans.text


def test_month_and_cumulative_are_separate_lines(plumbing_engine):
    ans = plumbing_engine.ask("tổng lượng khách du lịch qua các kỳ báo cáo")
    may = [ln for ln in lines(ans) if "2024" in ln.split(":")[0]]
    assert [ln.split(":")[0] for ln in may] == ["- tháng 5/2024", "- 5 tháng đầu năm 2024"]


@pytest.mark.parametrize("question", [
    "chi so san xuat cong nghiep thang 1/2022 tang bao nhieu so voi cung ky?",
    "Giải ngân vốn ĐTC kế hoạch năm 2021 tính đến hết tháng 1/2022 đạt bao nhiêu?",
    "du no tin dung va von huy dong ngan hang den 31/3/2022 (quy I/2022)?",
    "giai ngan von dau tu cong den het thang 5/2024",
])
def test_one_period_questions_stay_with_the_composer(question):
    assert read(question).across is None


@pytest.mark.parametrize("question, asked", [
    # the national statistics office's workbooks head columns "Năm 2015 so với năm 2014",
    # "Tháng 12 năm 2015 so với: Tháng 12 năm 2014"; the provincial template writes
    # "So với tháng 12 năm 2024, chỉ số giá tiêu dùng tháng Tư tăng 1,48%"
    ("cpi binh quan nam 2015 so voi nam 2014", ["năm 2015"]),
    ("CPI tháng 12/2015 so với tháng 12/2014", ["tháng 12/2015"]),
    ("chỉ số giá tiêu dùng tháng Bảy so với tháng 12 năm 2024", ["tháng 7/2025"]),
    ("chỉ số giá tiêu dùng tháng Bảy so với tháng 6/2025", ["tháng 7/2025"]),
    ("xuat khau 5 thang so voi cung ky nam 2023", ["5 tháng đầu năm 2024"]),
])
def test_a_dated_base_is_compared_with_not_asked(question, asked):
    q = read(question)
    assert [p.label for p in q.figure_periods] == asked and q.compared_to is not None
    assert q.compared_to not in q.figure_periods


def test_a_later_period_after_so_voi_is_a_second_figure():
    q = read("thu ngân sách quý I/2022 so với tháng 1/2023")
    assert [p.label for p in q.figure_periods] == ["quý I/2022", "tháng 1/2023"]
    assert q.compared_to is None and len(q.across.periods) == 2


def test_another_province_is_not_answered_across(plumbing_engine):
    """The reports name Cao Bằng (a neighbour) but give none of its figures."""
    ans = plumbing_engine.ask("thu ngân sách Cao Bằng qua các năm")
    assert ans.abstained and ans.reason == "no_answer" and "Cao Bằng" in ans.text


def test_offer_of_other_periods(plumbing_engine):
    from rag.periods import make_period

    shown = make_period("cumulative", 2024, 1, 5)
    rows = other_periods(plumbing_engine.index, "khách du lịch?", shown)
    assert rows and all(o.period != shown for o in rows)
    assert rows[0].period.label == "tháng 5/2024"  # latest first
    line = offer_line(rows)
    assert line.startswith("Các kỳ khác: tháng 5/2024, tháng 1/2023") and "lượt" not in line


def test_trend_gold_items(plumbing_engine):
    """All 21 comparison/trend items; the floor sits under the measured score
    (eval/RESULTS.md, "Questions across periods")."""
    from rag.evaluation.trends import load, score_item, summary

    scores = [score_item(item, plumbing_engine.ask(item["question"])) for item in load(GOLD)]
    s = summary(scores)
    assert s["items"] == 21 and s["missing_named"] == 1.0 and s["in_time_order"] == 1.0
    assert s["figures_found"] >= 0.95 and s["cited_to_report"] >= 0.95
    assert s["items_correct"] >= 0.85
