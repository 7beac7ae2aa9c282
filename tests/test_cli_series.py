"""``baocao series``: JSON rows in time order, CSV for Excel, one-line errors."""

from __future__ import annotations

import csv
import io
import json

from ui.cli import main


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_series_json_rows_sorted_by_period(plumbing_index, capsys):
    code, out, _ = run(capsys, "series", "thu ngân sách nhà nước", "--json",
                       "--index", str(plumbing_index))
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"schema_version", "indicator", "unit", "rows"}
    assert data["unit"] == "tỷ đồng"
    rows = data["rows"]
    assert set(rows[0]) == {"period", "period_kind", "value", "value_text", "unit",
                            "comparisons", "doc", "chunk_id", "quote"}
    assert [(r["period"], r["value_text"]) for r in rows] == [
        ("9 tháng đầu năm 2021", "8.127,9"), ("tháng 1/2022", "855"), ("quý I/2022", "2.202,4"),
        ("tháng 1/2023", "418,1"), ("tháng 5/2024", "984,5"), ("5 tháng đầu năm 2024", "3.965")]
    assert rows[0]["value"] == 8127.9 and rows[5]["period_kind"] == "cumulative"
    assert rows[1]["comparisons"][0] == {"text": "đạt 10,9% dự toán", "kind": "plan_pct",
                                         "value": 10.9, "basis": None}
    assert all(r["value_text"] in r["quote"] and r["chunk_id"].startswith(r["doc"] + "#")
               for r in rows)


def test_series_csv_has_bom_and_vietnamese_figures(plumbing_index, capsysbinary):
    assert main(["series", "kim ngach XNK", "--csv", "--index", str(plumbing_index)]) == 0
    data = capsysbinary.readouterr().out
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["Số liệu như báo cáo ghi"] == "3.060" and rows[0]["Giá trị"] == "3060"
    assert rows[0]["Báo cáo"].startswith("Tình hình thực hiện kế hoạch phát triển")
    # "tính riêng tại Hải quan tỉnh Lạng Sơn" is part of the whole: not a row of the totals
    assert [r["Số liệu như báo cáo ghi"] for r in rows] == ["3.060", "160", "800", "250"]
    assert not any(r["Số liệu như báo cáo ghi"] == "22.013,3" for r in rows)  # other scope


def test_series_text_lists_a_part_of_the_whole_apart(plumbing_index, capsys):
    code, out, _ = run(capsys, "series", "kim ngach XNK", "--index", str(plumbing_index))
    assert code == 0
    totals, apart = out.split("Số liệu chỉ của một phần (không thuộc dãy trên):")
    assert "1.934,5" not in totals
    assert "1.934,5 triệu USD (tính riêng tại Hải quan tỉnh Lạng Sơn)" in apart


def test_unknown_indicator_is_one_line(plumbing_index, capsys):
    code, out, err = run(capsys, "series", "zzz qqq", "--index", str(plumbing_index))
    assert code == 2 and not out
    assert err.count("\n") == 1 and "no indicator in the index matches 'zzz qqq'" in err
