"""Rates per unit ("7,8%/năm", "2,34 triệu đồng/tháng", "đồng/người/tháng") are figures
with their compound unit, and a phrase typed with its diacritics matches only passages
that write it so ("lãi suất mới" is not the "môi" of "môi trường"). Real documents of a
Prime Minister's decision, a news report on a National Assembly resolution, a city
council resolution and a provincial report."""

from __future__ import annotations

import pytest

from rag.answer.question import has_phrase
from rag.ingest import parse_file
from rag.observe.mentions import find_mentions
from rag.query.question import read
from tests.realdocs import SAMPLE_2024, more_doc, realdocs_engine

QD_2553 = "more/national_2025-11_qd-ttg-2553-vbsp-lending-rates.md"


def _line(name: str, words: str) -> str:
    return next(line for line in parse_file(more_doc(name)).text.splitlines() if words in line)


@pytest.mark.parametrize("name, words, figure, unit", [
    ("national_2025-11_qd-ttg-2553-vbsp-lending-rates.md", "nước sạch", "8,4%/năm", "%/năm"),
    ("national_2025-11_qd-ttg-2553-vbsp-lending-rates.md", "nước sạch", "0,70%/tháng",
     "%/tháng"),
    ("national_2025-11_news-qh-resolution-245-state-budget-2026.md", "mức lương cơ sở 2,34",
     "2,34 triệu đồng/tháng", "triệu đồng/tháng"),
])
def test_a_rate_per_unit_is_a_figure_with_its_compound_unit(name, words, figure, unit):
    found = {m.text: m.unit for m in find_mentions(_line(name, words))}
    assert found.get(figure) == unit


def test_a_city_council_resolution_prints_rates_per_person_and_month():
    text = parse_file(more_doc("ha-noi_2025-11_nq-hdnd-48-budget-allocation-norms.md")).text
    units = {m.unit for m in find_mentions(text)}
    assert any(u.startswith("đồng/người") for u in units)


def test_a_phrase_typed_with_diacritics_keeps_them():
    q = read("lãi suất mới cho vay vùng khó khăn và cho vay nước sạch nông thôn, mỗi chương "
             "trình bao nhiêu?")
    head, mark = q.indicator[0], q.indicator_marks[0]
    water = _line("national_2025-11_qd-ttg-2553-vbsp-lending-rates.md", "nước sạch")
    hard = _line("national_2025-11_qd-ttg-2553-vbsp-lending-rates.md", "vùng khó khăn, điều")
    assert has_phrase((head,), hard, (mark,)) and not has_phrase((head,), water, (mark,))
    assert has_phrase((head,), water)  # folded, "mới" and "môi" are one word
    # typed without diacritics, nothing is told apart
    bare = read("lai suat moi cho vay vung kho khan va cho vay nuoc sach nong thon")
    assert bare.indicator_marks[0] == (None,) * len(bare.indicator[0])


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    return realdocs_engine(tmp_path_factory.mktemp("rates") / "idx", (QD_2553,), (SAMPLE_2024,))


def test_both_programmes_named_with_va_are_answered(eng):
    a = eng.ask("QĐ 2553/QĐ-TTg: lãi suất mới cho vay vùng khó khăn và cho vay nước sạch nông "
                "thôn, mỗi chương trình bao nhiêu?")
    assert not a.abstained and "7,8%/năm" in a.text and "8,4%/năm" in a.text
    assert a.text.index("7,8%/năm") < a.text.index("8,4%/năm")  # in document order
