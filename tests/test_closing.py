"""A report's closing formula ("… kính báo cáo Bộ Nội vụ …/.", "… trân trọng báo cáo Bộ Kế
hoạch và Đầu tư xem xét, tổng hợp./.") restates the subject and the addressee: it answers
only whom the report goes to (two provincial People's Committees' reports)."""

from __future__ import annotations

import pytest

from rag.answer.blocks import is_closing
from rag.ingest import parse_file
from tests.realdocs import realdoc, realdocs_engine

LAM_DONG = "lamdong_2025_associations-report-bc-ubnd.docx"
LANG_SON = "lang-son_2022-01_bao-cao-kt-xh.txt"


def _lines(text: str, word: str) -> list[str]:
    return [line for line in text.splitlines() if word in line]


def test_the_closing_formulas_of_two_issuers_are_read_as_such():
    from tests.realdocs import REPO

    lam_dong = _lines(parse_file(realdoc(LAM_DONG)).text, "kính báo cáo Bộ Nội vụ")
    lang_son = _lines((REPO / "data" / "reports" / LANG_SON).read_text(encoding="utf-8"),
                      "trân trọng báo cáo")
    assert lam_dong and lang_son and all(map(is_closing, lam_dong + lang_son))
    # the request itself is content, not the formula
    request = _lines(parse_file(realdoc(LAM_DONG)).text, "Kính đề nghị Bộ Nội vụ")
    assert request and not any(map(is_closing, request))


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    return realdocs_engine(tmp_path_factory.mktemp("closing") / "idx", (LAM_DONG,), (LANG_SON,))


def test_a_content_question_is_not_answered_with_the_closing_formula(eng):
    a = eng.ask("UBND tinh Lam Dong kien nghi gi voi Bo Noi vu ve quan ly hoi")
    assert not a.abstained and "kính báo cáo" not in a.text.lower()


def test_the_formula_is_kept_for_a_question_about_the_addressee(eng):
    from rag.answer.blocks import without_blocks
    from rag.answer.sentences import Ask, candidates, content_terms
    from rag.config import AnswerConfig
    from rag.query.question import read

    text = "Ủy ban nhân dân tỉnh Lạng Sơn trân trọng báo cáo Bộ Kế hoạch và Đầu tư"
    hits = eng.search(text).hits
    cands = candidates(Ask(frozenset(content_terms(text))), hits, AnswerConfig())
    assert any(is_closing(c.text) for c in cands)
    to_whom = without_blocks(read("Báo cáo tháng 1/2022 gửi cơ quan nào?"), cands)
    what = without_blocks(read("UBND tỉnh Lạng Sơn kiến nghị gì?"), cands)
    assert any(is_closing(c.text) for c in to_whom)
    assert not any(is_closing(c.text) for c in what)
