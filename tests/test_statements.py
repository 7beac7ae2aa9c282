"""Issue 18 on real documents: every figure is a statement with its own period, place and
scope; answers are built from statements that match the asked indicator and period, give
the statement whole (comparisons, breakdown, footnotes), every part when parts are asked,
and abstain, naming the periods that exist, when none matches.

The index (model-free ``hash`` embedder) holds the five sample reports and three monthly
reports of a provincial statistics office written in the national template (saved from its
website) beside a Government Office notice: monthly and cumulative figures side by side.
"""

from __future__ import annotations

import pytest

from rag.answer.statements import statements_of
from rag.query.question import read
from tests.realdocs import realdocs_engine

STATS = ("stats-office/hung-yen_2025-04_bao-cao-kt-xh.txt",
         "stats-office/hung-yen_2025-07_bao-cao-kt-xh.txt",
         "stats-office/hung-yen_2025-10_bao-cao-kt-xh.txt")
SAMPLES = ("lang-son_2024-05_bao-cao-kt-xh.txt", "lang-son_2022-q1_thong-cao-bao-chi.txt")


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    root = tmp_path_factory.mktemp("statements") / "idx"
    return realdocs_engine(root, STATS + ("more/son-la_2025-11_vpcp-conclusion-notice.md",),
                           SAMPLES)


def statement(eng, doc_id: str, figure: str):
    found = [o for o in statements_of(eng.index).body.get(doc_id, []) if o.figure == figure]
    assert found, f"no statement {figure!r} in {doc_id}"
    return found[0]


def test_the_816_statement_has_its_own_period_and_its_footnotes(eng):
    """The brief's example: "816 tỷ đồng" is the disbursement of 5 tháng đầu năm 2024
    ("Hết tháng 5, …" in a report of tháng 5 and 5 tháng), with its comparisons, and the
    answer brings footnotes 10 and 11 that split it."""
    s = statement(eng, "lang-son_2024-05_bao-cao-kt-xh", "816 tỷ đồng")
    assert s.period.label == "5 tháng đầu năm 2024" and s.stated
    assert [c.text for c in s.comparisons] == ["đạt 23,7% kế hoạch",
                                               "cao hơn cùng kỳ năm 2023 là 110 tỷ đồng",
                                               "tăng 5,5%"]
    a = eng.ask("giải ngân vốn đầu tư công tháng 5/2024")
    assert a.headline.figure == "816 tỷ đồng" and a.headline.period == "5 tháng đầu năm 2024"
    assert {f.n for c in a.citations for f in c.footnotes} >= {10, 11}


@pytest.mark.parametrize("figure,label", [
    ("2.864 tỷ đồng", "tháng 10/2025"),  # "Thu ngân sách nhà nước tháng Mười ước đạt …"
    ("73.712 tỷ đồng", "10 tháng đầu năm 2025"),  # "Tính chung mười tháng năm 2025, …"
    ("21.509 tỷ đồng", "tháng 10/2025"),  # "Tổng mức bán lẻ … tháng Mười ước đạt …"
    ("179.700 tỷ đồng", "10 tháng đầu năm 2025"),  # "Cộng dồn mười tháng năm 2025, …"
])
def test_each_figure_of_a_monthly_report_has_the_period_its_clause_states(eng, figure, label):
    assert statement(eng, "hung-yen_2025-10_bao-cao-kt-xh", figure).period.label == label


def test_a_stock_at_a_date_keeps_its_cut_off(eng):
    """"Dư nợ tín dụng … ước tính đến thời điểm 31/10/2025 đạt 256.000 tỷ đồng"."""
    s = statement(eng, "hung-yen_2025-10_bao-cao-kt-xh", "256.000 tỷ đồng")
    assert s.as_of == "2025-10-31" and s.period.label == "tháng 10/2025"


def test_a_month_and_its_cumulative_figure_answer_their_own_questions(eng):
    month = eng.ask("chỉ số sản xuất công nghiệp tháng Bảy năm 2025 Hưng Yên")
    assert not month.abstained and month.headline.period == "tháng 7/2025"
    total = eng.ask("Thu ngân sách nhà nước 10 tháng năm 2025 tỉnh Hưng Yên")
    assert total.headline.figure == "73.712 tỷ đồng"
    assert total.headline.period == "10 tháng đầu năm 2025"
    assert "14.727" not in total.text  # the four-month figure of the April report


def test_a_whole_year_asked_of_monthly_reports_abstains_and_names_what_exists(eng):
    a = eng.ask("thu ngân sách nhà nước cả năm 2025 tỉnh Hưng Yên")
    assert a.abstained and a.reason == "period_not_covered" and a.headline is None
    assert "10 tháng đầu năm 2025" in a.text  # the nearest period that has the figure


def test_a_month_no_report_has_abstains(eng):
    a = eng.ask("chỉ số sản xuất công nghiệp tháng 8/2025 Hưng Yên")
    assert a.abstained and "tháng 8/2025" in a.text


def test_a_parts_question_gets_every_part_in_document_order(eng):
    """"Một số khoản thu nội địa như sau: thu từ doanh nghiệp nhà nước 1.118 tỷ đồng, …;
    thu từ khu vực có vốn đầu tư nước ngoài 3.228 tỷ đồng, …" (six parts)."""
    a = eng.ask("Kể tên từng khoản thu nội địa và số thu 10 tháng năm 2025 của Hưng Yên")
    parts = ["1.118 tỷ đồng", "3.228 tỷ đồng", "16.066 tỷ đồng", "1.317 tỷ đồng",
             "3.110 tỷ đồng", "41.935 tỷ đồng"]
    at = [a.text.find(p) for p in parts]
    assert all(i >= 0 for i in at) and at == sorted(at)


def test_a_narrowed_figure_keeps_its_qualifier(eng):
    """"…; tính riêng tại Hải quan tỉnh Lạng Sơn là 1.934,5 triệu USD": a part of the
    22.013,3 triệu USD, never a figure of the total's series."""
    s = statement(eng, "lang-son_2024-05_bao-cao-kt-xh", "1.934,5 triệu USD")
    assert s.scope == "tính riêng tại Hải quan tỉnh Lạng Sơn"
    trend = eng.ask("tổng kim ngạch xuất nhập khẩu qua địa bàn qua các kỳ báo cáo")
    assert all(o.figure != "1.934,5 triệu USD" for o in trend.series)


def test_a_breakdown_sentence_comes_whole(eng):
    """"Trong đó: chi đầu tư phát triển 29.925 tỷ đồng; chi thường xuyên 21.802 tỷ
    đồng" splits the 51.727: both parts come with it (each clause is its own unit)."""
    a = eng.ask("Chi ngân sách địa phương Hưng Yên từ đầu năm đến 27/10/2025, trong đó chi "
                "đầu tư phát triển, chi thường xuyên?")
    assert all(f in a.text for f in ("51.727 tỷ đồng", "29.925 tỷ đồng", "21.802 tỷ đồng"))


@pytest.mark.parametrize("question,periods,figure_periods,wants", [
    ("giai ngan von dau tu cong thang 5/2024", ["tháng 5/2024"], ["tháng 5/2024"], "figure"),
    ("thu ngan sach 10 thang nam 2025", ["10 tháng đầu năm 2025"], ["10 tháng đầu năm 2025"],
     "figure"),
    ("von NSDP ke hoach dau tu cong nam 2022 gom nhung nguon nao (bao cao thang 1/2022)?",
     ["tháng 1/2022"], [], "parts"),  # a capital plan's year, a report picker
    ("Kể tên từng khoản thu nội địa 10 tháng năm 2025", ["10 tháng đầu năm 2025"],
     ["10 tháng đầu năm 2025"], "parts"),
    ("so doanh nghiep thanh lap moi thang 10/2025", ["tháng 10/2025"], ["tháng 10/2025"],
     "figure"),
    ("Công văn 4580/UBND-TH ngày nào?", [], [], "facts"),
    ("thời hạn chỉnh sửa báo cáo ĐTM là bao lâu", [], [], "figure"),
    ("đến ngày nào phải bàn giao mặt bằng", [], [], "when"),
    ("CV 4580 do ai ký?", [], [], "signer"),
])
def test_the_question_is_read_once_into_a_record(question, periods, figure_periods, wants):
    q = read(question)
    assert [p.label for p in q.periods] == periods
    assert [p.label for p in q.figure_periods] == figure_periods
    assert q.wants == wants


def test_one_ask_reads_the_question_once(eng, monkeypatch):
    import rag.query.question as question

    calls = []
    real = question.read
    monkeypatch.setattr(question, "read", lambda *a, **k: calls.append(a) or real(*a, **k))
    eng.ask("Thu ngân sách nhà nước 10 tháng năm 2025 tỉnh Hưng Yên")
    assert len(calls) == 1


@pytest.mark.parametrize("question", ["thu ngân sách tháng 13/2024", "thu ngan sach quy V 2024"])
def test_a_question_naming_an_impossible_period_is_a_user_error(question):
    """It was answered with another period's figures, the impossible one dropped."""
    from rag.errors import InputError
    from rag.service import read_question

    with pytest.raises(InputError) as err:
        read_question(question)
    assert err.value.code == "query.impossible_period"


def test_a_sentence_opening_with_its_basis_compares_with_it(eng):
    """"So với tháng trước, chỉ số sản xuất công nghiệp tháng Mười tăng 4,37%, …": the
    change is month on month, and the headline says so (it read as a bare "tăng 4,37%",
    which an official takes for a change on the same month of last year)."""
    s = statement(eng, "hung-yen_2025-10_bao-cao-kt-xh", "4,37%")
    assert [(c.text, c.basis) for c in s.comparisons] == [("tăng 4,37%", "mom")]
    a = eng.ask("chỉ số sản xuất công nghiệp tháng 10 năm 2025 Hưng Yên so với tháng trước")
    assert a.headline is not None and "tăng 4,37% so với tháng trước" in a.headline.comparisons
