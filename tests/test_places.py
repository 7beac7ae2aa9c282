"""Places a report is about: provinces under every name, before and after the 2025 merger,
with their printed capitals; communes and districts the text names; which province is a
report's home; which question names a province no indexed text names (issue 18, item 5)."""

from __future__ import annotations

from collections import Counter
from functools import cache

from rag.ingest.parse import parse_file
from rag.places import (
    canonical,
    foreign_place,
    home_province,
    merged_into,
    places_in,
    provinces,
    table,
    unit_places,
)
from tests.realdocs import more_doc, realdoc, stats_doc


@cache
def _doc(path):
    return parse_file(path)


def test_the_province_table_holds_63_before_and_34_since_the_merger():
    rows = table()
    assert len(rows) == 63 and len({p.name for p in rows}) == 63
    since = {p.since_2025 for p in rows}
    assert len(since) == 34
    assert all(p.status in ("both", "former") for p in rows)
    # each province since 1/7/2025 is a province before it, kept under its own name
    assert all(next(q for q in rows if q.name == name).status == "both" for name in since)
    assert sum(p.status == "former" for p in rows) == 29


def test_merged_and_other_names():
    cases = {"Thái Bình": "Hưng Yên", "Bình Dương": "Thành phố Hồ Chí Minh",
             "Bà Rịa - Vũng Tàu": "Thành phố Hồ Chí Minh", "Đắk Nông": "Lâm Đồng",
             "Bình Thuận": "Lâm Đồng", "Hậu Giang": "Cần Thơ", "Bắc Giang": "Bắc Ninh",
             "Quảng Nam": "Đà Nẵng", "Lạng Sơn": "Lạng Sơn"}
    for name, merged in cases.items():
        assert merged_into(name) == merged, name
    for name in ("TP.HCM", "TP. Hồ Chí Minh", "TP Hồ Chí Minh", "tp hcm", "Thành phố Hồ Chí Minh"):
        assert canonical(name) == "Thành phố Hồ Chí Minh", name
    assert canonical("Hoà Bình") == "Hòa Bình" and canonical("Khánh Hoà") == "Khánh Hòa"
    assert places_in(["tỉnh Thừa Thiên Huế", "TP. Hà Nội"]) == ("Huế", "Hà Nội")
    assert canonical("Hồ Chí Minh") is None  # a person, a road: not the city's name alone
    assert "TP.HCM" in provinces() and "Cao Bằng" in provinces()


def test_names_count_with_their_printed_capitals():
    found = places_in(["Giữ gìn hòa bình, phát triển bền vững; làm động lực",
                       "cao tốc Hòa Bình - Mộc Châu; UBND TỈNH LÂM ĐỒNG;",
                       "TP.HCM và TP. Hồ Chí Minh"])
    assert found[:3] == ("Thành phố Hồ Chí Minh", "Hòa Bình", "Lâm Đồng")


def test_communes_wards_and_districts_a_text_names():
    units = unit_places("xảy ra 01 vụ tại xã Lạc Đạo; Phường 2 Bảo Lộc; huyện Văn Giang và thị "
                        "xã Mỹ Hào; UBND XÃ ĐẮK HÒA; kinh tế - XÃ HỘI; CỘNG HÒA XÃ HỘI CHỦ NGHĨA "
                        "VIỆT NAM; hợp tác xã Xuân Quý Mão; xã Đắk Hòa TH 2019; cấp xã; các xã "
                        "vùng cao; thành phố Hà Nội")
    assert units == Counter({"xã Đắk Hòa": 2, "xã Lạc Đạo": 1, "phường 2": 1,
                             "huyện Văn Giang": 1, "thị xã Mỹ Hào": 1})


def test_places_of_real_documents():
    oct_ = _doc(stats_doc("hung-yen_2025-10_bao-cao-kt-xh.txt"))
    assert oct_.province == "Hưng Yên"
    assert {"xã Lạc Đạo", "phường Trà Lý", "xã Quỳnh An"} <= set(oct_.places)
    jul = _doc(stats_doc("hung-yen_2025-07_bao-cao-kt-xh.txt"))
    assert "Thái Bình" in jul.places  # "hợp nhất tỉnh Hưng Yên và tỉnh Thái Bình"
    # the annex table of 2639/QĐ-TTg lists 27 localities, one a row ("TUYÊN QUANG | 152.100")
    qd = _doc(more_doc("national_2025-12_qd-ttg-2639-budget-supplement-27-localities.md"))
    assert {"Tuyên Quang", "Cà Mau", "Huế", "Lâm Đồng", "Hưng Yên"} <= set(qd.places)
    assert qd.province is None  # a national decision is about none of them in particular
    lam = _doc(realdoc("lamdong_2025_associations-report-bc-ubnd.docx"))
    assert lam.province == "Lâm Đồng" and {"Bình Thuận", "Đắk Nông"} <= set(lam.places)
    commune = _doc(realdoc("daknong_2019-2020_dakhoa-indicator-table.pdf"))
    assert commune.places == ("xã Đắk Hòa",) and commune.province is None


def test_home_province_from_issuer_title_or_a_dominant_share():
    assert home_province(["ỦY BAN NHÂN DÂN", "TỈNH BẮC NINH"], "", ["Hà Nội, Hà Nội"]) == "Bắc Ninh"
    assert home_province([], "Tình hình … tỉnh Hưng Yên tháng 10", []) == "Hưng Yên"
    assert home_province([], "", ["Lâm Đồng", "Lâm Đồng", "Hà Nội"]) == "Lâm Đồng"
    assert home_province([], "", ["Lâm Đồng", "Hà Nội", "Cà Mau"]) is None


def test_a_province_is_declined_only_when_no_indexed_text_names_it():
    covered = set(_doc(stats_doc("hung-yen_2025-07_bao-cao-kt-xh.txt")).places)
    assert foreign_place("san luong lua tinh Thai Binh thang 7/2025", covered) is None
    assert foreign_place("thu ngân sách Hưng Yên 7 tháng", covered) is None
    assert foreign_place("thu ngân sách tỉnh Cao Bằng 7 tháng", covered) == "Cao Bằng"
    assert foreign_place("thu ngân sách TP.HCM", {"Thành phố Hồ Chí Minh"}) is None
    assert foreign_place("thu ngân sách TP.HCM", {"Hà Nội"}) == "TP.HCM"
    # a commune is never declined here: the answer stage checks the passage names it
    assert foreign_place("số vụ cháy xã Lạc Đạo tháng 10/2025", covered) is None


def test_the_answer_stage_gets_the_provinces_not_the_communes():
    """Communes stay out of the place words the answer stage drops from a question's terms
    (with "xã Sàn Viên" among them, "xã" left "Bình quân mỗi xã …")."""
    from types import SimpleNamespace

    from rag.service import Engine

    docs = {"a": SimpleNamespace(places=("Lạng Sơn", "huyện Lộc Bình", "xã Sàn Viên"),
                                 province="Lạng Sơn"),
            "b": SimpleNamespace(places=(), province="Cao Bằng")}
    engine = SimpleNamespace(index=SimpleNamespace(docs=docs))
    assert Engine.places.fget(engine) == {"Lạng Sơn", "Cao Bằng"}
