"""The front door's behaviours the app relies on: filters, batched query embedding, the app
state's start-up, reloads and broken indexes (no browser here; see test_ui*.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from rag import service
from rag.batching import QueryBatcher
from rag.embed import get_embedder
from rag.index import IndexStore
from ui.state import AppState

REPO = Path(__file__).resolve().parents[1]
F2022_01 = "lang-son_2022-01_bao-cao-kt-xh"
F2022_Q1 = "lang-son_2022-q1_thong-cao-bao-chi"
F2023_01 = "lang-son_2023-01_bao-cao-kt-xh"


@pytest.mark.slow
def test_the_questions_period_wins_over_the_period_filter(engine):
    ans = engine.ask("tổng thu ngân sách tháng 1/2023", period="tháng 1/2022")
    assert ans.result.period_overridden == "tháng 1/2022"
    assert [p.label for p in ans.result.periods] == ["tháng 1/2023"]
    assert "418,1 tỷ đồng" in ans.text and "855 tỷ đồng" not in ans.text
    same = engine.ask("tổng thu ngân sách tháng 1/2023", period="tháng 01/2023")
    assert same.result.period_overridden is None and "418,1 tỷ đồng" in same.text
    no_period = engine.ask("tổng thu ngân sách nhà nước", period="tháng 1/2022")
    assert no_period.result.period_overridden is None and "855 tỷ đồng" in no_period.text


@pytest.mark.slow
def test_a_report_filter_that_excludes_the_answer_names_the_report_that_has_it(engine):
    ans = engine.ask("giải ngân vốn đầu tư công tháng 5/2024", doc_ids=[F2022_Q1])
    assert ans.abstained and ans.reason == "not_in_selected"
    assert "trong báo cáo đã chọn" in ans.text and "trong các báo cáo hiện có" not in ans.text
    assert [d.doc_id for d in ans.result.elsewhere] == ["lang-son_2024-05_bao-cao-kt-xh"]
    assert "«Tình hình kinh tế - xã hội tháng 5 và 5 tháng đầu năm" in ans.text
    inside = engine.ask("kim ngạch xuất nhập khẩu quý I/2022", doc_ids=[F2022_Q1])
    assert not inside.abstained and "800 triệu USD" in inside.text
    nowhere = engine.ask("giải ngân vốn đầu tư công tháng 5/2019", doc_ids=[F2022_Q1])
    assert nowhere.abstained and nowhere.reason == "period_not_covered"


def test_batched_query_embeddings_equal_one_at_a_time_ones():
    inner = get_embedder("hash")
    batcher = QueryBatcher(inner)
    questions = [f"thu ngân sách tháng {m}/2024" for m in range(1, 13)] * 3
    out: dict[int, np.ndarray] = {}
    barrier = threading.Barrier(len(questions))

    def one(i: int) -> None:
        barrier.wait(timeout=30)
        out[i] = batcher.embed_query(questions[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(questions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    for i, q in enumerate(questions):
        assert np.allclose(out[i], inner.embed_query(q), atol=1e-6), q
    assert len(batcher._cache) == 12  # each distinct question embedded once, then remembered


def test_a_failing_batch_reaches_every_caller():
    class Broken:
        name, dim = "broken", 4

        def embed_queries(self, texts):
            raise RuntimeError("model crashed")

    batcher = QueryBatcher(Broken())
    with pytest.raises(RuntimeError, match="model crashed"):
        batcher.embed_query("thu ngân sách")


def test_ready_only_once_a_question_can_be_answered(plumbing_index, monkeypatch):
    """The page said "Sẵn sàng" while questions were still refused: now the engine is set
    only after the model answered one query, and a question asked before waits."""
    release = threading.Event()
    real = service.Engine.open

    def slow_open(root):
        engine = real(root)
        inner = engine.retriever.embedder.embed_query

        def first_query(text):
            release.wait(timeout=60)
            return inner(text)

        engine.retriever.embedder.embed_query = first_query
        return engine

    monkeypatch.setattr(service.Engine, "open", slow_open)
    state = AppState(plumbing_index).start(open_in_background=True, watch=False)
    time.sleep(0.3)
    assert state.status()["state"] == "building" and not state.wait_ready(0.2)
    release.set()
    assert state.wait_ready(60) and state.status()["text"].startswith("Sẵn sàng: 5 báo cáo")


def test_model_loading_progress_moves():
    state = AppState("/nonexistent")
    seen = []
    with state.ticking("Đang tải mô hình nhúng…", 0.02, 0.10, 2.0):
        for _ in range(3):
            time.sleep(0.6)
            seen.append(dict(state.progress))
    fractions = [s["fraction"] for s in seen]
    assert fractions == sorted(fractions) and fractions[-1] > fractions[0] > 0.02
    assert all(f < 0.10 for f in fractions) and seen[-1]["text"].endswith("giây)")


def test_the_app_sees_a_report_the_cli_added(index_copy, tmp_path):
    state = AppState(index_copy).start(background=False, watch=False)
    assert "bao-cao-cli" not in state.engine.index.docs
    report = tmp_path / "bao-cao-cli.txt"
    report.write_text("Báo cáo tình hình kinh tế - xã hội tháng 8 năm 2025\n\nI. KINH TẾ\n\n"
                      "Thu ngân sách trên địa bàn tháng 8 ước đạt 777 tỷ đồng, tăng 5% so với "
                      "cùng kỳ năm trước.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "ui.cli", "index", "add", str(report),
                           "--index", str(index_copy)], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert state.check_reload()  # what the watcher thread does every RELOAD_POLL_SECONDS
    assert "bao-cao-cli" in state.engine.index.docs
    ans = state.engine.ask("thu ngân sách tháng 8/2025")
    assert not ans.abstained and "777 tỷ đồng" in ans.text


@pytest.mark.parametrize("kind", ["current_missing_folder", "current_deleted", "vectors_cut"])
def test_serve_on_a_broken_index_says_so_in_vietnamese_and_never_rebuilds(index_copy, kind):
    from test_index_safety import damage, snapshot

    damage(index_copy, kind)
    before = snapshot(index_copy)
    state = AppState(index_copy).start(background=False, watch=False)
    status = state.status()
    assert status["state"] == "error" and "chỉ mục bị hỏng" in status["text"]
    assert "baocao index rollback" in status["text"] and "Traceback" not in status["text"]
    assert snapshot(index_copy) == before
    assert not state.check_reload()  # nothing changed on disk: no retry


def test_the_app_recovers_after_a_rollback(index_copy):
    store = IndexStore(index_copy)
    good = store.live_folder()
    broken = index_copy / "v-99990101-000000-000000000-1"
    shutil.copytree(good, broken)
    (broken / "chunks.jsonl").unlink()
    store.point_to(broken)
    state = AppState(index_copy).start(background=False, watch=False)
    assert state.status()["state"] == "error"
    assert service.rollback(index_copy).live == good.name
    assert state.check_reload() and state.status()["state"] == "ready"
