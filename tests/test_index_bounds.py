"""Bounded work per file, odd file names, damage the manifest can reveal (issue 22, items 4-7).

Each test writes to a private copy of the sample corpus indexed with the model-free
``hash`` embedder and checks the output a user sees and what is on disk afterwards.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import service
from rag.index import IndexStore, load_index
from ui.cli import main as cli


def long_report(path: Path, paragraphs: int) -> Path:
    """A plausible report of many distinct paragraphs (about 1 passage per 6 of them)."""
    lines = ["BÁO CÁO TÌNH HÌNH KINH TẾ - XÃ HỘI THÁNG 7 NĂM 2024", ""]
    for i in range(paragraphs):
        lines += [f"Mục {i}: thu ngân sách trên địa bàn xã thứ {i} đạt {i},5 tỷ đồng, tăng "
                  f"{i % 17}% so với cùng kỳ; chi ngân sách đạt {i * 3} tỷ đồng.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def small_report(folder: Path, name: str, figure: str = "12") -> Path:
    path = folder / name
    path.write_text(f"I. TÌNH HÌNH\n\nThu ngân sách trên địa bàn đạt {figure} tỷ đồng, tăng "
                    "5% so với cùng kỳ.\n", encoding="utf-8")
    return path


# -- item 4: a bound on passages per report, and the expected time before confirming --------

def test_a_report_over_the_passage_bound_is_refused_by_name_and_the_rest_is_added(
        index_copy, tmp_path, capsys, monkeypatch):
    from rag.index import limits

    monkeypatch.setattr(limits, "MAX_CHUNKS_PER_REPORT", 50)
    big = long_report(tmp_path / "bao-cao-rat-dai.txt", 600)
    small = small_report(tmp_path, "bao-cao-nho.txt")
    assert cli(["index", "add", str(big), str(small), "--index", str(index_copy)]) == 2
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if line.startswith("baocao: error: ")]
    assert len(errors) == 1 and errors[0].startswith("baocao: error: bao-cao-rat-dai.txt: ")
    assert "over the 50 limit for one report" in errors[0] and "Traceback" not in err
    assert "added: bao-cao-nho" in out
    docs = load_index(index_copy).docs
    assert "bao-cao-nho" in docs and "bao-cao-rat-dai" not in docs


def test_the_plan_refuses_an_oversized_report_and_says_how_long_indexing_will_take(
        plumbing_engine, tmp_path, monkeypatch):
    from rag.index import limits
    from ui.messages import vi_error
    from ui.render import plan_view

    monkeypatch.setattr(limits, "MAX_CHUNKS_PER_REPORT", 50)
    big = long_report(tmp_path / "bao-cao-rat-dai.txt", 600)
    ok = long_report(tmp_path / "bao-cao-vua.txt", 120)
    plans = service.preview([big, ok], plumbing_engine.index)
    assert plans[0].status == "failed" and plans[0].error.code == "index.too_many_chunks"
    assert "vượt giới hạn 50 đoạn" in vi_error(plans[0].error)
    assert plans[1].status == "new" and 10 < plans[1].n_chunks <= 50
    assert plans[1].expected_seconds == pytest.approx(
        plans[1].n_chunks / limits.CHUNKS_PER_SECOND)
    html = plan_view(plans, {p.name: vi_error(p.error) for p in plans if p.error})
    assert "Thời gian lập chỉ mục dự kiến" in html and f"{plans[1].n_chunks} đoạn" in html


def test_a_replacement_counts_only_the_passages_to_embed_again(plumbing_engine, tmp_path):
    """Unchanged passages keep their vectors, so they cost no indexing time."""
    text = (Path(__file__).resolve().parents[1] / "data" / "reports" /
            "lang-son_2024-05_bao-cao-kt-xh.txt").read_text(encoding="utf-8")
    edited = tmp_path / "lang-son_2024-05_bao-cao-kt-xh.txt"
    edited.write_text(text.replace("816 tỷ đồng", "999 tỷ đồng"), encoding="utf-8")
    plan = service.preview([edited], plumbing_engine.index)[0]
    assert plan.status == "replace" and 0 < plan.n_embed < plan.n_chunks / 4


def test_the_live_index_is_untouched_by_a_refused_oversized_report(index_copy, tmp_path,
                                                                     monkeypatch):
    from rag.index import limits

    monkeypatch.setattr(limits, "MAX_CHUNKS_PER_REPORT", 50)
    before = IndexStore(index_copy).live_folder()
    report = service.add([long_report(tmp_path / "dai.txt", 600)], index_copy)
    assert report.version is None and list(report.failed) == ["dai.txt"]
    assert IndexStore(index_copy).live_folder() == before
