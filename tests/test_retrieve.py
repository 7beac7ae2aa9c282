"""Hybrid, period-aware retrieval over the real sample index."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rag.query import fusion
from rag.records import SearchResult

REPO = Path(__file__).resolve().parents[1]
F2024 = "lang-son_2024-05_bao-cao-kt-xh"
FQ1 = "lang-son_2022-q1_thong-cao-bao-chi"
F2023 = "lang-son_2023-01_bao-cao-kt-xh"


def test_month_question_finds_816_in_may_2024_report(engine):
    result = engine.search("giải ngân vốn đầu tư công tháng 5/2024?", k=5)
    assert result.period_covered and result.periods[0].label == "tháng 5/2024"
    assert all(h.chunk.doc_id == F2024 for h in result.hits)
    assert any("816 tỷ đồng" in h.chunk.text for h in result.hits[:3])


def test_question_without_diacritics_finds_the_same_passage(engine):
    result = engine.search("giai ngan von dau tu cong thang 5/2024", k=5)
    assert any("816 tỷ đồng" in h.chunk.text for h in result.hits[:3])


def test_abbreviation_and_quarter(engine):
    result = engine.search("kim ngạch XNK quý I/2022", k=5)
    assert result.hits[0].chunk.doc_id == FQ1
    assert any("800 triệu USD" in h.chunk.text for h in result.hits[:3])


def test_same_topic_other_period_goes_to_other_report(engine):
    may = engine.search("tổng thu ngân sách nhà nước tháng 5/2024", k=3)
    jan = engine.search("tổng thu ngân sách nhà nước tháng 1/2023", k=3)
    assert may.hits[0].chunk.doc_id == F2024
    assert jan.hits[0].chunk.doc_id == F2023
    assert any("418,1 tỷ đồng" in h.chunk.text for h in jan.hits)


def test_uncovered_period_is_reported(engine):
    result = engine.search("giải ngân vốn đầu tư công tháng 7/2024", k=5)
    assert not result.period_covered and result.hits  # nearest passages still listed


def test_results_preferred_over_plans_unless_tasks_asked(engine):
    results = engine.search("giải ngân vốn đầu tư công tháng 5/2024", k=5)
    assert not any(h.chunk.is_plan for h in results.hits[:3])
    tasks = engine.search("nhiệm vụ trọng tâm tháng 6/2024 về giải ngân đầu tư công", k=5)
    assert tasks.hits[0].chunk.is_plan and tasks.hits[0].chunk.doc_id == F2024


def test_doc_filter(engine):
    result = engine.search("thu ngân sách", k=10, doc_ids=[FQ1])
    assert result.hits and all(h.chunk.doc_id == FQ1 for h in result.hits)


def test_search_json_round_trips(engine):
    result = engine.search("giải ngân vốn đầu tư công tháng 5/2024", k=3)
    d = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert set(d) >= {"query", "periods", "period_covered", "hits", "latency_ms"}
    assert set(d["hits"][0]) == {"rank", "score", "chunk", "doc"}
    assert d["periods"][0]["kind"] == "month" and d["periods"][0]["start_month"] == 5
    assert SearchResult.from_dict(d) == result


def test_cli_search_queries_file_jsonl(sample_index, tmp_path):
    queries = tmp_path / "q.txt"
    queries.write_text("giải ngân vốn đầu tư công tháng 5/2024\nkim ngach xnk quy I/2022\n",
                       encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "ui.cli", "search", "--queries", str(queries),
                          "--index", str(sample_index), "--k", "3"],
                         capture_output=True, text=True, cwd=REPO, check=True)
    lines = [json.loads(ln) for ln in out.stdout.splitlines()]
    assert len(lines) == 2 and all(ln["latency_ms"] > 0 and len(ln["hits"]) == 3 for ln in lines)


def test_rrf_is_weighted_and_stable():
    fused = fusion.rrf([[1, 2, 3], [3, 2]], [0.5, 0.5], k=60)
    ranked = fusion.ranked(fused, 3)
    assert [i for i, _ in ranked] == [3, 2, 1]  # 0.5/63 + 0.5/61 > 2 * 0.5/62
    assert fusion.ranked({5: 1.0, 4: 1.0}, 2) == [(4, 1.0), (5, 1.0)]
    assert fusion.mix({1: 0.9, 2: 0.1}, {2: 5.0}, 0.5) == {1: 0.5, 2: 0.5}
