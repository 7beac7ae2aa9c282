"""Diacritics restored for the dense query from the indexed reports' own phrases."""

from __future__ import annotations

import pytest

from rag.periods import covers, make_period, parse_query_periods
from rag.query.rewrite import build_table, dense_query, expand_abbreviations, restore, sample


@pytest.fixture(scope="module")
def table(plumbing_engine):
    return build_table(c.text for c in plumbing_engine.index.chunks)


@pytest.mark.parametrize("typed,restored", [
    ("giai ngan von dau tu cong thang 5/2024", "giải ngân vốn đầu tư công tháng 5/2024"),
    ("tong thu ngan sach nha nuoc la bao nhieu?", "tổng thu ngân sách nhà nước là bao nhiêu?"),
    ("so khach du lich quy I/2022", "số khách du lịch quý I/2022"),
    ("Dien tich trong rung moi", "Diện tích trồng rừng mới"),
])
def test_restores_phrases_seen_in_the_reports(table, typed, restored):
    assert restore(typed, table) == restored


def test_words_typed_with_diacritics_are_kept(table):
    assert restore("Giải ngân vốn dau tu cong", table) == "Giải ngân vốn đầu tư công"
    assert restore("thu ngân sách", table) == "thu ngân sách"


def test_unknown_words_pass_through(table):
    assert restore("zzqx foo", table) == "zzqx foo"


def test_abbreviations_spelled_out_for_the_embedder(table):
    assert expand_abbreviations("kim ngạch XNK") == "kim ngạch XNK (xuất nhập khẩu)"
    assert expand_abbreviations("xnk") == "xnk"  # only upper-case abbreviations
    assert dense_query("thu NSNN thang 1/2023", table) == \
        "thu NSNN tháng 1/2023 (ngân sách nhà nước)"


def test_sample_is_deterministic_and_bounded():
    texts = [str(i) for i in range(50_001)]
    picked = sample(texts, limit=20_000)
    assert len(picked) <= 20_000 and picked[:2] == ["0", "3"] and picked == sample(texts, 20_000)


def test_cutoff_date_names_the_report_month():
    periods = parse_query_periods("giải ngân vốn năm 2022 tính đến hết 31/01/2023")
    assert [p.label for p in periods] == ["tháng 1/2023"]
    assert [p.label for p in parse_query_periods("thu ngân sách tháng 5/2024")] == ["tháng 5/2024"]


def test_covers_needs_the_report_period_to_contain_the_asked_one():
    jan = make_period("month", 2023, 1, 1)
    assert not covers(jan, make_period("cumulative", 2023, 1, 6))
    assert covers(make_period("quarter", 2022, 1, 3), make_period("month", 2022, 3, 3))
    assert covers(jan, make_period("year", 2023, 1, 12))
    assert not covers(jan, make_period("month", 2024, 1, 1))
