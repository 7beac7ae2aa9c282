"""``baocao ask`` answering from a table cell and citing the table."""

from __future__ import annotations

import subprocess
import sys

import pytest
from realdocs import REPO, table_index

QUESTION = "diện tích cà phê xã Đắk Hòa thực hiện năm 2019"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return table_index(tmp_path_factory.mktemp("tables") / "index")


def ask(index, question: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ui.cli", "ask", question, "--index",
                           str(index), *extra], cwd=REPO, capture_output=True, text=True,
                          timeout=300)


def test_cli_answers_from_the_cell_and_cites_the_table(index):
    run = ask(index, QUESTION)
    assert run.returncode == 0, run.stderr
    first, *rest = run.stdout.splitlines()
    assert "1 Cà phê — Thực hiện 2019: 2.100,00 Ha [1]" in first
    assert "KH 2019" not in first.split("[1]")[0]  # one cell, the one asked for
    cited = "\n".join(rest)
    assert "Bảng T1, dòng" in cited and "Xã Đắk Hòa" in cited and "tr. 2" in cited


def test_cli_json_carries_the_cited_cell(index):
    import json

    run = ask(index, "Mục tiêu năm 2020 diện tích đất nông nghiệp xã Đắk Hòa", "--json")
    answer = json.loads(run.stdout)
    assert "Mục tiêu 2020: 11.100,00 Ha" in answer["text"]
    (cite,) = answer["citations"]
    assert cite["table_id"] == "T1" and cite["figures"] == ["11.100,00"]
    assert cite["page"] == 1 and len(cite["columns"]) == 1
