"""Observations extracted from the sample reports: figures, periods, comparisons, keys.

Facts checked by hand against data/reports (and eval/observe/labels.jsonl); no model is
needed (extraction reads chunks, the plumbing index uses the hash embedder).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from rag.chunk import chunk_document
from rag.ingest import parse_file
from rag.observe import table
from rag.observe.extract import extract
from rag.observe.names import group_key
from rag.records import Chunk, DocInfo, Observation, Period

REPO = Path(__file__).resolve().parents[1]
REPORTS = REPO / "data" / "reports"


@cache
def observations(name: str) -> tuple[Observation, ...]:
    doc = parse_file(REPORTS / name)
    chunks = chunk_document(doc)
    return tuple(extract(chunks, DocInfo.of(doc, len(chunks), "")))


def one(name: str, figure: str) -> Observation:
    found = [o for o in observations(name) if o.figure == figure and o.footnote is None]
    assert len(found) == 1, [o.indicator for o in found]
    return found[0]


def period(o: Observation) -> tuple:
    return (o.period.kind, o.period.year, o.period.start_month, o.period.end_month)


MAY24 = "lang-son_2024-05_bao-cao-kt-xh.txt"
SEP21 = "lang-son_2021-9t_bao-cao-kt-xh.txt"
Q122 = "lang-son_2022-q1_thong-cao-bao-chi.txt"
JAN22 = "lang-son_2022-01_bao-cao-kt-xh.txt"
JAN23 = "lang-son_2023-01_bao-cao-kt-xh.txt"


def test_month_and_cumulative_in_one_sentence_are_two_figures():
    month, cumulative = one(MAY24, "984,5 tỷ đồng"), one(MAY24, "3.965 tỷ đồng")
    assert period(month) == ("month", 2024, 5, 5)
    assert period(cumulative) == ("cumulative", 2024, 1, 5)
    assert month.group == cumulative.group == group_key("thu NSNN")
    assert [(c.kind, c.value) for c in cumulative.comparisons] == [("plan_pct", 53.0),
                                                                   ("yoy_pct", 30.9)]
    assert month.comparisons == ()
    assert month.span is not None and month.quote.startswith("Tổng thu ngân sách")


def test_revenue_wordings_meet_and_spending_never_joins():
    revenue = {group_key(n) for n in ("thu NSNN", "tổng thu ngân sách nhà nước trên địa bàn",
                                      "thu ngân sách")}
    assert len(revenue) == 1
    spending = group_key("tổng chi ngân sách địa phương")
    assert spending != revenue.pop() and spending == group_key("chi ngân sách")
    # social insurance revenue is not budget revenue (quý I/2022: 282.530 triệu đồng)
    bhxh = one(Q122, "282.530 triệu đồng")
    assert bhxh.group != group_key("thu NSNN") and "bảo hiểm xã hội" in bhxh.indicator


def test_other_reports_revenue_figures_share_the_key():
    key = group_key("thu ngân sách nhà nước")
    assert one(SEP21, "8.127,9 tỷ đồng").group == key
    assert one(JAN22, "855 tỷ đồng").group == key
    assert period(one(Q122, "2.202,4 tỷ đồng")) == ("quarter", 2022, 1, 3)  # report's period
    jan23 = one(JAN23, "418,1 tỷ đồng")
    assert jan23.group == key and ("other", 37.6) in [(c.kind, c.value)
                                                      for c in jan23.comparisons]


def test_two_scopes_of_trade_stay_apart():
    all_types, customs = one(MAY24, "22.013,3 triệu USD"), one(MAY24, "1.934,5 triệu USD")
    assert all_types.group != customs.group
    assert customs.group == one(SEP21, "3.060 triệu USD").group  # qua địa bàn, 9 tháng 2021
    assert customs.as_of == all_types.as_of == "2024-05-23"
    assert period(customs) == ("cumulative", 2024, 1, 5)


def test_het_thang_is_cumulative_and_footnotes_take_the_citing_period():
    assert period(one(MAY24, "816 tỷ đồng")) == ("cumulative", 2024, 1, 5)
    note16 = [o for o in observations(MAY24) if o.footnote == 16]
    assert {o.figure for o in note16} == {"190,7 tỷ đồng", "793,8 tỷ đồng"}
    assert {period(o) for o in note16} == {("month", 2024, 5, 5)}


def test_stock_takes_its_cutoff_month_and_plan_year_after_year_end():
    deposits = one(Q122, "34.050 tỷ đồng")
    assert period(deposits) == ("month", 2022, 3, 3) and deposits.as_of == "2022-03-31"
    old_plan = one(JAN22, "2.398,2 tỷ đồng")  # kế hoạch vốn năm 2021 ước đến hết 31/01/2022
    assert period(old_plan) == ("year", 2021, 1, 12) and old_plan.as_of == "2022-01-31"
    assert not old_plan.is_plan


def test_plans_and_targets_are_flagged():
    target = one(SEP21, "10 xã")  # "phấn đấu 10 xã về đích nông thôn mới năm 2021"
    assert target.is_plan and period(target) == ("year", 2021, 1, 12)
    allocation = one(SEP21, "2.911,8 tỷ đồng")  # tổng nguồn vốn đầu tư công năm 2021
    assert allocation.is_plan
    assert not one(SEP21, "1.817,9 tỷ đồng").is_plan  # a result, "đạt 65,8% kế hoạch"


def test_growth_only_figures_take_their_rate():
    iip = [o for o in observations(MAY24) if o.group == group_key("chỉ số sản xuất công nghiệp")
           and o.footnote is None]
    assert {(o.figure, period(o)[0]) for o in iip} == {("0,28%", "month"),
                                                       ("4,51%", "cumulative")}


def test_document_numbers_and_dates_are_not_figures():
    texts = [o.quote for o in observations(SEP21)]
    assert not [o for o in observations(SEP21) if "68/NQ-CP" in o.quote and "ngày" in o.figure]
    assert texts  # the report has figures at all


def test_table_row_chunk_gives_one_observation_per_period_column():
    text = ("Chỉ tiêu: Diện tích lúa | ĐVT: ha | TH 2019: 2.100,00 | KH 2020: 2.300,00 | "
            "ƯTH 6 tháng 2019: 1.000,50 | MT 2020: 0,00")
    chunk = Chunk("d#000", "d", text, ("Biểu 1",), 1, 1, 0, len(text))
    assert table.is_row(chunk.text)
    rows = table.extract_row(chunk)
    assert [(o.value_text, o.period.kind, o.period.year, o.is_plan) for o in rows] == [
        ("2.100,00", "year", 2019, False), ("2.300,00", "year", 2020, True),
        ("1.000,50", "half", 2019, False)]
    assert {o.unit for o in rows} == {"ha"} and rows[0].indicator == "diện tích lúa"
    assert not table.is_row("Tổng thu ngân sách 855 tỷ đồng: đạt 10,9% dự toán")


def test_observations_file_is_written_with_the_index_version(plumbing_index):
    from rag.index import IndexStore
    from rag.index.observations import META, extractor_version, read_observations

    folder = IndexStore(plumbing_index).live_folder()
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    assert meta["extractor"] == extractor_version()
    rows = read_observations(folder)
    assert len(rows) == meta["count"] > 500
    first = json.loads((folder / "observations.jsonl").read_text("utf-8").splitlines()[0])
    assert Observation.from_dict(first) == rows[0]  # the one conversion rule, both ways
    assert isinstance(rows[0].period, Period)


def test_a_write_reuses_unchanged_reports_and_drops_removed_ones(index_copy):
    from rag import service
    from rag.index import IndexStore
    from rag.index.observations import read_observations

    before = read_observations(IndexStore(index_copy).live_folder())
    service.remove(["lang-son_2023-01_bao-cao-kt-xh"], index_dir=index_copy)
    after = read_observations(IndexStore(index_copy).live_folder())
    assert {o.doc_id for o in after} == {o.doc_id for o in before} - {
        "lang-son_2023-01_bao-cao-kt-xh"}
    assert [o for o in before if o.doc_id != "lang-son_2023-01_bao-cao-kt-xh"] == after


def test_stale_extractor_is_reextracted_at_load(index_copy):
    from rag.index import IndexStore, load_index
    from rag.index.observations import META, observations_of, read_observations

    folder = IndexStore(index_copy).live_folder()
    (folder / META).write_text(json.dumps({"extractor": "old"}), encoding="utf-8")
    assert read_observations(folder) is None
    assert len(observations_of(load_index(index_copy))) > 500


@pytest.mark.parametrize("split", ["tune", "test"])
def test_extraction_precision_recall_on_labelled_sample_reports(split):
    """The labelled spans of the five sample reports (eval/observe/labels.jsonl); the
    floors sit under the measured values in eval/RESULTS.md, "Questions across periods"."""
    from rag.evaluation.observations import load_labels, match, scores

    labels = [x for x in load_labels(REPO / "eval" / "observe" / "labels.jsonl", split)
              if (REPORTS / x["doc"]).is_file()]
    obs = {name: list(observations(name)) for name in {x["doc"] for x in labels}}
    sc = scores(match(labels, obs))
    assert sc["detection"]["precision"] >= 0.95 and sc["detection"]["recall"] >= 0.88
    assert sc["period"]["precision"] >= 0.9 and sc["grouping"]["precision"] >= 0.85
    assert sc["grouping"]["thu_chi_joined"] == 0


@pytest.mark.parametrize("path,figure,label,parent", [
    # "Thông qua dự toán NSNN năm 2026 với số thu NSNN là 2.529.467 tỷ đồng. Trong đó, thu
    # ngân sách trung ương là 1.225.356 tỷ đồng, …" under a subhead naming "năm 2025"
    ("more/national_2025-11_news-qh-resolution-245-state-budget-2026.md",
     "1.225.356 tỷ đồng", "năm 2026", "2.529.467 tỷ đồng"),
    # "… tháng Tư đạt 1.537 tỷ đồng, tăng 31,56% … Trong đó, vốn ngân sách nhà nước cấp
    # tỉnh 921 tỷ đồng, …" (the statistics template)
    ("stats-office/hung-yen_2025-04_bao-cao-kt-xh.txt", "921 tỷ đồng", "tháng 4/2025",
     "1.537 tỷ đồng"),
])
def test_a_sentence_opening_trong_do_breaks_down_the_figure_before_it(path, figure, label,
                                                                      parent):
    """A year does not carry from sentence to sentence, but "Trong đó, …" is the breakdown
    of the figure just before it: its parts take that figure's period, as a footnote's do."""
    from tests.realdocs import realdoc

    doc = parse_file(realdoc(path))
    chunks = chunk_document(doc)
    found = {o.figure: o for o in extract(chunks, DocInfo.of(doc, len(chunks), ""))}
    part, whole = found[figure], found[parent]
    assert part.period.label == whole.period.label == label
    assert part.component and not whole.component


def test_a_result_below_its_target_is_no_target():
    """"… 02 chỉ tiêu chưa đạt mục tiêu đề ra: (i) Tăng trưởng GRDP 09 tháng đầu năm đạt
    6,26% …": measured against a target, the figure is a result of nine months, not a plan
    (a Government Office conclusion notice)."""
    from tests.realdocs import more_doc

    doc = parse_file(more_doc("son-la_2025-11_vpcp-conclusion-notice.md"))
    chunks = chunk_document(doc)
    (o,) = [o for o in extract(chunks, DocInfo.of(doc, len(chunks), "")) if o.figure == "6,26%"]
    assert not o.is_plan and o.period.label == "9 tháng đầu năm 2025"


@pytest.mark.parametrize("phrase, kind", [
    # a Government Office notice (627/TB-VPCP) and another (624/TB-VPCP)
    ("a) Hiện nay tổng khối lượng hoàn thành của Dự án khoảng 61% trong khi", "now"),
    ("Đến nay, 21 NHTM đã có văn bản đăng ký tham gia", "to_now"),
    # the provincial statistics template (Hưng Yên, January and July 2025)
    ("Hiện nay, toàn tỉnh có 17 khu công nghiệp đã đi vào hoạt động", "now"),
    ("Tính đến nay, trên địa bàn tỉnh chưa xảy ra vụ ngộ độc thực phẩm", "to_now"),
    ("Hiện tại, ở lẻ tẻ một số đàn lợn đã bắt đầu xuất hiện dịch bệnh", "now"),
    ("Bệnh Ho gà: lũy kế từ đầu năm đến nay ghi nhận 04 ca, chưa có ca tử vong.", "to_now"),
])
def test_the_present_is_read_as_the_documents_time(phrase, kind):
    from rag.periods import find_periods

    assert [(m.role, m.kind) for m in find_periods(phrase)] == [("this", kind)]


def test_from_a_year_to_now_is_no_present():
    """"Từ năm 2021 đến nay" spans years: "đến nay" there is no cut-off at the month of issue."""
    from rag.periods import find_periods

    assert all(m.kind not in ("now", "to_now")
               for m in find_periods("Từ năm 2021 đến nay, tỉnh đã giải ngân"))


def test_what_stands_now_in_a_notice_is_at_its_date_of_issue():
    """"Hiện nay tổng khối lượng hoàn thành của Dự án khoảng 61%" under "NHIỆM VỤ TRỌNG
    TÂM" of a notice issued 18/11/2025: a result standing at that date, not a task; and "chỉ
    khoảng 2 tháng" left of the year is a length of time, not two months of figures."""
    from tests.realdocs import more_doc

    doc = parse_file(more_doc("national_2025-11_vpcp-627-transport-projects-conclusion.md"))
    chunks = chunk_document(doc)
    found = extract(chunks, DocInfo.of(doc, len(chunks), ""))
    (o,) = [o for o in found if o.figure == "61%"]
    assert not o.is_plan and o.stated
    assert o.period.label == "tháng 11/2025" and o.as_of == "2025-11-18"
    assert not any(x.period.label.startswith("2 tháng") for x in found)


@pytest.mark.parametrize("figure, indicator", [("04 ca", "ho gà"), ("2.502 ca", "cúm mùa")])
def test_the_year_to_now_in_a_monthly_report_is_its_cumulative_period(figure, indicator):
    """"lũy kế từ đầu năm đến nay ghi nhận 04 ca", "số ca mắc cúm mùa từ đầu năm 2025 đến
    nay là 2.502 ca" in the statistics template's April report: four months of 2025 (cases
    are counted as in a provincial People's Committee report's "07 ca mắc")."""
    from tests.realdocs import stats_doc

    doc = parse_file(stats_doc("hung-yen_2025-04_bao-cao-kt-xh.txt"))
    chunks = chunk_document(doc)
    (o,) = [o for o in extract(chunks, DocInfo.of(doc, len(chunks), "")) if o.figure == figure
            and indicator in o.quote.lower()]
    assert o.period.label == "4 tháng đầu năm 2025" and o.stated and o.unit == "ca"
