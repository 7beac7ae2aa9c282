"""A table answer keeps the asked place and period: the row comes from the rows that passed
the question's requirements, never from another province's table that shares the row's
name ("Rau các loại > Sản lượng" is in a district's indicator table and in a province's
export plan). Real files: Đơn Dương's 2020 indicator table (PDF) and Sơn La's export plan
2026-2030 (Markdown copy); the values were read off the files."""

from __future__ import annotations

import pytest

from tests.realdocs import SAMPLE_2024, realdocs_engine


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    return realdocs_engine(tmp_path_factory.mktemp("scope") / "idx",
                           ("lamdong_2020_donduong-commune-indicator-table.pdf",
                            "more/son-la_2025-11_qd-2954-export-plan-2026-2030.md"),
                           (SAMPLE_2024,))


def test_a_districts_row_is_not_answered_from_another_provinces_table(eng):
    a = eng.ask("Sản lượng rau các loại toàn huyện Đơn Dương thực hiện năm 2019")
    assert not a.abstained, a.text
    assert "30637" in a.text and "TH 2019" in a.text
    assert {c.doc_id for c in a.citations} == {"lamdong_2020_donduong-commune-indicator-table"}
    assert "SƠN LA" not in a.text
