"""The question record's cut-off: what a question asks "by" ("đến", "tính đến hết")."""

from __future__ import annotations

import pytest

from rag.query.question import read


@pytest.mark.parametrize("question, as_of", [
    ("giai ngan von dau tu cong den het thang 5/2024", "2024-05"),
    ("Tiến độ dự án Cảng hàng không quốc tế Long Thành đến tháng 11/2025 hoàn thành bao "
     "nhiêu %?", "2025-11"),
    ("du no tin dung den 31/8/2021", "2021-08-31"),
    ("thu ngân sách tháng 11/2025", None),
])
def test_a_question_asks_by_a_month_or_a_date(question, as_of):
    assert read(question).as_of == as_of


def test_what_is_asked_of_a_cited_document_is_read_at_the_door():
    """A Hà Nội resolution named by number: the composer takes the words not naming it."""
    q = read("Nghị quyết 48/2025/NQ-HĐND của HĐND TP Hà Nội có hiệu lực từ ngày nào?")
    assert q.refs and "hiệu lực từ ngày nào" in q.asks_of_document
    assert "48/2025" not in q.asks_of_document and "Nghị quyết" not in q.asks_of_document
    assert read("thu ngân sách tháng 11/2025").asks_of_document == ""


def test_a_target_question_names_its_indicator_after_the_lead_verb():
    """"đặt mục tiêu" (sets the target) leads in; "trong mỗi cơ quan" is the rate's unit,
    not a request for every agency's figure (a provincial plan's wording)."""
    q = read("Đồng Nai đặt mục tiêu tỷ lệ hoạt động trực tuyến trong mỗi cơ quan, đơn vị "
             "tối thiểu bao nhiêu %?")
    assert q.wants == "figure" and q.indicator[0][:4] == ("ty", "le", "hoat", "dong")
    assert read("Sản lượng lương thực bình quân mỗi xã bao nhiêu").wants == "figure"
    assert read("Kim ngạch xuất khẩu mỗi quý năm 2024").wants == "parts"


@pytest.mark.parametrize("question, part", [
    ("QĐ 2530 phụ lục II: đầu tư mới bao nhiêu trạm quan trắc không khí tự động?", "luc"),
    ("QD 2530 PL I: Nhan sinh thai VN cho phuong tien giao thong, chi tieu bao nhieu", "pl"),
    ("Phụ lục KH 179 Đồng Nai, nhiệm vụ 1.1: tỷ lệ hoạt động trực tuyến tối thiểu", "luc"),
])
def test_the_part_of_a_cited_document_names_no_indicator(question, part):
    """"Phụ lục II", "PL I" point into the document (a decision's or a plan's annex)."""
    assert all(part not in head for head in read(question).indicator)


@pytest.mark.parametrize("question, head", [
    # "đất" (land) is not "đạt" (reaches), "quan trắc" is no "quận", "địa phương" no
    # "phường", "bình quân" no "quận": typed with diacritics, they stay in the phrase
    ("Thu tiền sử dụng đất 5 tháng 2024 đạt bao nhiêu?", ("thu", "tien", "su", "dung", "dat")),
    ("Chi ngân sách địa phương 9 tháng 2021", ("chi", "ngan", "sach", "dia", "phuong")),
    ("Giá vàng bình quân tháng 01/2025 tại Hưng Yên", ("gia", "vang", "binh", "quan")),
    # typed without them, the same letters end the phrase as before
    ("thu tien su dung dat 5 thang", ("thu", "tien", "su", "dung")),
    # a lead-in still leads in ("Tính riêng", "đặt mục tiêu")
    ("Đồng Nai đặt mục tiêu tỷ lệ hoạt động trực tuyến bao nhiêu %?",
     ("ty", "le", "hoat", "dong", "truc")),
])
def test_a_word_ends_the_indicator_phrase_only_as_written(question, head):
    assert read(question).indicator[0] == head
