"""The gold set is checked against the raw reports, and keeps the mix officials really type."""

from __future__ import annotations

import importlib.util
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from rag.evaluation.metrics import has_diacritics, load_gold

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "eval" / "gold.jsonl"
REALDOCS = Path(os.environ.get("BAOCAO_REALDOCS") or REPO.parent / "shared" / "realdocs")
ABBREVIATIONS = ("XNK", "MTQG", "NSNN", "NTM", "DN", "HTX", "KT-XH", "CCHC", "GPMB", "ĐTC",
                 "DTC", "CPI", "GRDP", "UBND", "HĐND", "NSTW", "ODA", "OCOP")


@pytest.fixture(scope="module")
def verify():
    spec = importlib.util.spec_from_file_location("verify_gold", REPO / "eval" / "verify_gold.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def reports(verify) -> dict[str, str]:
    return verify.load_reports(REPO / "data" / "reports")


@pytest.fixture(scope="module")
def items() -> list[dict]:
    """The items written from the bundled sample reports (splits dev and test)."""
    return [it for it in load_gold(GOLD) if it["split"] in ("dev", "test")]


@pytest.fixture(scope="module")
def real_items() -> list[dict]:
    """The items written from ../shared/realdocs (split realdocs)."""
    if not REALDOCS.is_dir():
        missing = pytest.fail if os.environ.get("CI") else pytest.skip
        missing(f"{REALDOCS} is missing (the real documents sit beside the clone in CI)")
    return load_gold(GOLD, split="realdocs")


def test_every_evidence_span_and_figure_is_in_its_report(items, verify, reports):
    bad = {it["id"]: verify.problems(it, reports) for it in items}
    assert {k: v for k, v in bad.items() if v} == {}


def test_every_real_document_item_matches_its_document(real_items, verify):
    bad = {it["id"]: verify.problems(it, {}, REALDOCS) for it in real_items}
    assert {k: v for k, v in bad.items() if v} == {}


def test_realdocs_split_is_large_and_varied(real_items):
    """Issue 18: at least 150 items over many documents from at least 8 issuers (the issuer as the
    document's letterhead names it). Workbook items bring it to 20 documents."""
    answerable = [it for it in real_items if it["doc"]]
    assert len(real_items) >= 150
    assert len({it["doc"] for it in answerable}) >= 20
    assert all(it.get("issuer") for it in answerable)
    assert len({it["issuer"] for it in answerable}) >= 8


def test_realdocs_mix_has_the_kinds_that_failed(real_items):
    """Issue 18's failures, each with enough items: a month against its cumulative figure in one
    report, periods no document has, questions for all parts, places named only in the text."""
    asks = Counter(it.get("ask") for it in real_items)
    assert asks["period_absent"] >= 12 and asks["place_in_text"] >= 6
    assert sum(it["type"] == "parts" for it in real_items) >= 8
    kinds: dict[tuple, set] = {}
    for it in real_items:
        if it.get("ask") in ("month", "cumulative"):
            kinds.setdefault((it["doc"], it["topic"]), set()).add(it["ask"])
    pairs = {key for key, seen in kinds.items() if seen == {"month", "cumulative"}}
    assert len(pairs) >= 8 and len({topic for _, topic in pairs}) >= 6
    for it in real_items:
        if it.get("ask", "").endswith("_absent"):
            # the note says what was searched to be sure no document answers it
            assert it["type"] == "unanswerable" and len(it.get("note", "")) >= 40, it["id"]


def test_verifier_catches_wrong_real_document_items(real_items, verify):
    table = next(it for it in real_items if it["source_kind"] == "table")
    assert verify.problems({**table, "answer_figures": ["987.654,32"]}, {}, REALDOCS) == [
        f"'987.654,32' not on page {table['page']}"]
    text = next(it for it in real_items if it["source_kind"] == "text")
    moved = {**text, "evidence": text["evidence"] + " và thêm một câu không có trong văn bản"}
    assert "evidence not found in the report" in verify.problems(moved, {}, REALDOCS)


ACCOUNTING = '_(* #,##0.0_);_(* \\(#,##0.0\\);_(* "-"??_);_(@_)'


@pytest.mark.parametrize(("value", "number_format", "shown"), [
    (109.20052847988514, "0.0", "109,2"),  # IIP, 2019-10 workbook
    (110.8124, ACCOUNTING, "110,8"),
    (-5.25, ACCOUNTING, "(5,3)"),
    (-9.6, "0.0", "-9,6"),  # FDI vốn điều chỉnh, 2024-06 workbook
    (22006.734, "0", "22007"),  # format 0: no thousands grouping
    (100.6, "0.00", "100,60"),
    (415488.0, "0.0", "415488,0"),
    (3242.9, "General", "3242,9"),
    (15500.0, "General", "15500"),
    (1234567.891, "#,##0.00", "1.234.567,89"),
    (0.1234, "0.0%", "12,3%"),
    ("106,5-107,0", "General", "106,5-107,0"),
])
def test_a_cell_is_written_as_the_sheet_displays_it(verify, value, number_format, shown):
    assert verify._displayed(value, number_format) == shown


def test_workbook_items_match_the_displayed_cell_under_their_row_labels(real_items, verify):
    sheet = [it for it in real_items + load_gold(GOLD, split="holdout")
             if it["source_kind"] == "sheet"]
    assert len(sheet) >= 50 and any(it["doc"].endswith(".xls") for it in sheet)
    assert {it["id"]: p for it in sheet if (p := verify.problems(it, {}, REALDOCS))} == {}
    youth = next(it for it in sheet if it["id"] == "wh-14")  # "Quý III năm 2021" under two rates
    assert verify.problems({**youth, "answer_figures": ["3,72"]}, {}, REALDOCS) == [
        f"no row {youth['row_path']!r} of sheet '41.thatnghiep' shows ['3,72']"]
    exports = next(it for it in sheet if it["id"] == "wb-23")  # cell 217053.302068, format 0
    assert verify.problems({**exports, "answer_figures": ["217053,3"]}, {}, REALDOCS)
    assert verify.problems({**exports, "sheet": "24.XK thang "}, {}, REALDOCS) == [
        f"no sheet '24.XK thang ' in {Path(exports['doc']).name}"]


def test_verifier_catches_a_figure_missing_from_the_report(items, verify, reports):
    item = next(it for it in items if it["id"] == "c-19")
    assert verify.problems(item, reports) == []
    wrong = {**item, "answer_figures": ["817 tỷ đồng"]}
    assert verify.problems(wrong, reports) == ["figure '817 tỷ đồng' not in the evidence"]
    moved = {**item, "doc": "lang-son_2023-01_bao-cao-kt-xh.txt"}
    assert verify.problems(moved, reports) == ["evidence not found in the report"]


def test_ids_are_unique_and_splits_are_known():
    every = load_gold(GOLD)
    assert len({it["id"] for it in every}) == len(every)
    assert {it["split"] for it in every} == {"dev", "test", "realdocs", "holdout"}
    assert sum(it["split"] == "test" for it in every) >= 40


def test_mix_matches_how_officials_ask(items):
    n = len(items)
    answerable = [it for it in items if it["type"] != "unanswerable"]
    assert n >= 100
    assert sum(not has_diacritics(it["question"]) for it in items) >= 0.25 * n
    assert sum(any(a in it["question"] for a in ABBREVIATIONS) for it in items) >= 0.10 * n
    assert sum(it["in_footnote"] for it in answerable) >= 0.15 * n
    assert sum(it["type"] == "breakdown" for it in items) >= 0.10 * n
    assert sum(it["type"] == "unanswerable" for it in items) >= 0.10 * n
    assert len({it["doc"] for it in answerable}) == 5


def test_recurring_topics_need_the_period_to_pick_the_report(items):
    """Budget revenue and XNK are asked of at least three different reports."""
    by_topic: dict[str, set] = {}
    for it in items:
        if it["type"] != "unanswerable":
            by_topic.setdefault(it.get("topic", ""), set()).add(it["doc"])
    assert max(len(docs) for docs in by_topic.values()) >= 3


def test_gold_lines_are_json_objects():
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        assert isinstance(json.loads(line), dict)
