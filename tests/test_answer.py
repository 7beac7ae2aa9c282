"""Cited extractive answers and abstentions over the real sample index."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rag.answer import figure_check, period_label, split_sentences
from rag.query.question import read

REPO = Path(__file__).resolve().parents[1]


def test_disbursement_answer_has_figure_comparisons_and_citation(engine):
    a = engine.ask("giải ngân vốn đầu tư công tháng 5/2024?")
    assert not a.abstained
    for fig in ("816 tỷ đồng", "23,7%", "110 tỷ đồng", "5,5%"):
        assert fig in a.text
    assert "[1]" in a.text
    c = a.citations[0]
    assert c.doc_id == "lang-son_2024-05_bao-cao-kt-xh" and c.period.startswith("tháng 5/2024")
    assert c.section.endswith("1.4. Đầu tư xây dựng kết cấu hạ tầng và công tác quy hoạch")
    assert "816 tỷ đồng" in c.figures and c.quote in engine.index.chunks[
        [x.chunk_id for x in engine.index.chunks].index(c.chunk_id)].text


def test_breakdown_question_brings_footnotes_10_and_11(engine):
    a = engine.ask("giải ngân vốn đầu tư công tháng 5/2024 gồm những nguồn vốn nào?")
    notes = {f.n for c in a.citations for f in c.footnotes}
    assert {10, 11} <= notes
    assert "150 tỷ đồng" in a.text  # from footnote 10


def test_answer_only_in_footnote(engine):
    a = engine.ask("diện tích lúa vụ đông xuân 9 tháng năm 2021 là bao nhiêu?")
    assert not a.abstained
    assert "15.443,3 ha" in a.text


def test_abstains_on_uncovered_period_and_place(engine):
    a = engine.ask("giải ngân vốn đầu tư công tháng 7/2024?")
    assert a.abstained and a.reason == "period_not_covered"
    assert "Không tìm thấy" in a.text and "tỷ đồng" not in a.text
    # the reports name Cao Bằng (a neighbour), but no passage gives its budget revenue
    b = engine.ask("thu ngân sách tỉnh Cao Bằng tháng 5/2024?")
    assert b.abstained and b.reason == "no_answer" and "Cao Bằng" in b.text
    # no indexed text names Cà Mau at all
    c = engine.ask("thu ngân sách tỉnh Cà Mau tháng 5/2024?")
    assert c.abstained and c.reason == "place_not_covered"
    assert c.text.startswith("Không tìm thấy thông tin về Cà Mau")


def test_month_vs_cumulative_label(engine):
    a = engine.ask("tổng thu ngân sách nhà nước 5 tháng đầu năm 2024?")
    assert not a.abstained
    assert "5 tháng đầu năm 2024" in a.text


def test_every_figure_is_verbatim_in_its_source(engine):
    for q in ("kim ngach xnk quy I/2022", "thu ngân sách tháng 1/2023",
              "khách du lịch 9 tháng 2021", "doanh nghiệp thành lập mới tháng 01/2022"):
        a = engine.ask(q)
        sources = [c.quote for c in a.citations]
        sources += [f.text for c in a.citations for f in c.footnotes]
        assert figure_check(a.text, sources) == []


def test_figure_check_catches_invented_figure():
    assert figure_check("đạt 817 tỷ đồng [1]", ["ước đạt 816 tỷ đồng"]) == ["817 tỷ đồng"]


def test_cli_ask_json(sample_index):
    out = subprocess.run([sys.executable, "-m", "ui.cli", "ask", "giai ngan von dau tu cong "
                          "thang 5/2024", "--index", str(sample_index), "--json"],
                         capture_output=True, text=True, cwd=REPO, check=True)
    d = json.loads(out.stdout)
    assert set(d) == {"schema_version", "question", "text", "abstained", "reason", "citations",
                      "result", "headline", "items", "series", "related"}
    assert "816 tỷ đồng" in d["text"] and d["citations"][0]["n"] == 1
    assert set(d["citations"][0]) >= {"n", "chunk_id", "doc_id", "title", "period", "section",
                                      "page", "quote", "span", "figures", "footnotes"}
    assert d["result"]["hits"][0]["chunk"]["chunk_id"] == d["citations"][0]["chunk_id"]


@pytest.mark.parametrize("q,expected", [("cơ cấu vốn gồm những gì", True),
                                        ("giai ngan thang 5", False)])
def test_asks_breakdown(q, expected):
    assert read(q).breakdown is expected


def test_sentence_split_keeps_numbers():
    parts = [s for _, s in split_sentences("Đạt 1.234,5 tỷ đồng. Tăng 5,5% so với cùng kỳ.")]
    assert parts == ["Đạt 1.234,5 tỷ đồng.", "Tăng 5,5% so với cùng kỳ."]


def test_period_label_cumulative(engine):
    chunk = next(c for c in engine.index.chunks if "816 tỷ đồng" in c.text)
    assert period_label(chunk, "Lũy kế 5 tháng đầu năm đạt 1.000 tỷ đồng") == "5 tháng đầu năm 2024"
    assert period_label(chunk, "Trong tháng đạt 10 tỷ đồng") == "tháng 5/2024"


def test_headline_question_brings_the_footnote_split_unasked(engine):
    """Footnotes 10 and 11 split the 234 / 552 tỷ đồng of the 816: they come with it."""
    a = engine.ask("giải ngân vốn đầu tư công tháng 5/2024?")
    assert "Chú thích 10: Gồm: Vốn đầu tư trong cân đối theo tiêu chí: 150 tỷ đồng" in a.text
    assert "Chú thích 11: Gồm: Vốn ngân sách trung ương trong nước" in a.text
    assert {f.n for f in a.citations[0].footnotes} == {10, 11}


def test_trong_do_sentence_follows_its_figure(engine):
    """The 2024-05 XNK sentence is followed by "Trong đó: Xuất khẩu 811 triệu USD …"."""
    a = engine.ask("kim ngạch xuất nhập khẩu tại Hải quan Lạng Sơn 5 tháng đầu năm 2024")
    assert "1.934,5 triệu USD" in a.text
    assert "Trong đó: Xuất khẩu 811 triệu USD" in a.text
    assert a.text.index("1.934,5 triệu USD") < a.text.index("811 triệu USD")


def test_footnote_figures_when_the_sentence_has_none(engine):
    """2023-01: the industry sentence names "than sạch, xi măng" without numbers."""
    a = engine.ask("sản lượng than sạch và xi măng tháng 1 năm 2023")
    assert not a.abstained
    assert "50 nghìn tấn" in a.text and "65 nghìn tấn" in a.text


def test_abstains_when_the_asked_period_is_longer_than_any_report(engine):
    """Only January 2023 is covered: "6 tháng đầu năm 2023" must not be answered from it."""
    a = engine.ask("thu ngân sách 6 tháng đầu năm 2023")
    assert a.abstained and a.reason == "period_not_covered"
    assert "418,1" not in a.text


def test_both_labels_when_a_sentence_gives_month_and_cumulative(engine):
    chunk = next(c for c in engine.index.chunks if "3.965 tỷ đồng" in c.text)
    sent = next(s for _, s in split_sentences(chunk.text) if "3.965 tỷ đồng" in s)
    assert period_label(chunk, sent) == "tháng 5/2024; 5 tháng đầu năm 2024"


def test_het_thang_is_the_cumulative_figure(engine):
    """"Hết tháng 5, … ước đạt 854 tỷ đồng" is the total to the end of May."""
    chunk = next(c for c in engine.index.chunks if "816 tỷ đồng" in c.text)
    sent = next(s for _, s in split_sentences(chunk.text) if "816 tỷ đồng" in s)
    assert sent.startswith("Hết tháng 5")
    assert period_label(chunk, sent) == "5 tháng đầu năm 2024"


def test_a_typing_slip_in_the_report_still_names_the_indicator(engine):
    """The May 2024 report writes "diện tích giao trồng" for "gieo trồng": one changed
    letter in one syllable of a known indicator's name still counts as naming it, so the
    figure sentence beats a figure-less sentence that spells it right."""
    from rag.answer.question import has_indicator

    req = read("diện tích gieo trồng vụ Đông Xuân tháng 5/2024")
    assert has_indicator(req, "đã hoàn thành diện tích giao trồng đạt 97,8% kế hoạch")
    assert not has_indicator(req, "đã hoàn thành diện tích trồng rừng đạt 97,8% kế hoạch")
    a = engine.ask("diện tích gieo trồng vụ Đông Xuân tháng 5/2024")
    assert "47.393 ha" in a.text and "97,8% kế hoạch" in a.text
    assert a.citations[0].section.endswith("1.1. Sản xuất nông, lâm nghiệp")


def test_related_passages_after_an_abstention_never_show_empty_brackets():
    """Issue 15: a report without headings was listed as «xss.txt» () after an abstention."""
    from types import SimpleNamespace

    from rag.answer.compose import abstain

    def hit(title, path, period):
        chunk = SimpleNamespace(section_path=path, section=" > ".join(path), footnotes=(),
                                text="Thu ngân sách đạt 12 tỷ đồng.", period_label=period)
        return SimpleNamespace(doc=SimpleNamespace(title=title), chunk=chunk)

    result = SimpleNamespace(hits=[hit("xss.txt", (), ""),
                                   hit("Báo cáo tháng 5", ("1. Thu", "a) Nội địa"),
                                       "tháng 5/2024")])
    text = abstain(read("thu ngân sách?"), result, "period_not_covered", "Không tìm thấy").text
    assert "()" not in text
    assert text.endswith("Có thể liên quan: «xss.txt»; «Báo cáo tháng 5» (a) Nội địa; "
                         "tháng 5/2024).")


def test_related_passages_after_an_abstention_are_about_the_asked_indicator(engine):
    """"thu ngân sách năm 2019" has no report: the passages offered instead are budget
    passages of the reports that exist, never investment or farming ones (issue 15)."""
    a = engine.ask("thu ngân sách năm 2019")
    assert a.abstained and a.reason == "period_not_covered"
    related = a.related
    assert related and all("ngân sách" in h.chunk.section.lower() for h in related)
    assert all(h.doc.title in a.text for h in related)
    off_topic = [h for h in a.result.hits[:3] if h not in related]
    assert all(h.doc.title + "» (" + h.chunk.section_path[-1] not in a.text for h in off_topic)
