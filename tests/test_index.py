"""Index persistence, incremental updates and crash safety, on the real sample corpus."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from rag import service
from rag.errors import IndexStoreError
from rag.index import FORMAT_VERSION, IndexStore, load_index, parser_version
from rag.index.analyzer import Analyzer
from rag.index.bm25 import SparseBM25

REPO = Path(__file__).resolve().parents[1]
REPORTS = REPO / "data" / "reports"
F2024 = "lang-son_2024-05_bao-cao-kt-xh"


def test_manifest_lists_documents_hashes_and_embedder(plumbing_index):
    index = load_index(plumbing_index)
    m = index.manifest
    assert m.format_version == FORMAT_VERSION and m.embedder.name == "hash"
    assert m.embedder.dim == index.dense.vectors.shape[1]
    assert m.n_chunks == len(index.chunks) == index.dense.vectors.shape[0]
    docs = {d.doc_id: d for d in m.documents}
    assert set(docs) == {p.stem for p in REPORTS.glob("*.txt")}
    assert all(len(d.content_hash) == 64 for d in docs.values())
    norms = np.linalg.norm(index.dense.vectors, axis=1)
    assert np.allclose(norms, 1.0, atol=1e-3)
    # plain files only: no pickles anywhere in the index folder
    assert not list(index.folder.rglob("*.pkl")) and not list(index.folder.rglob("*.pickle"))


def test_sparse_bm25_equals_rank_bm25(plumbing_index):
    index = load_index(plumbing_index)
    analyzer = Analyzer(index.analyzer.config)
    corpus = [analyzer.tokens(c.search_text()) for c in index.chunks]
    reference = BM25Okapi(corpus)
    for query in ("giải ngân vốn đầu tư công tháng 5", "kim ngach xnk quy I", "thu ngân sách"):
        tokens = analyzer.tokens(query)
        ours = index.bm25.scores(tokens)
        assert np.allclose(ours, reference.get_scores(tokens), rtol=1e-4, atol=1e-4)


def test_sparse_bm25_round_trip(tmp_path):
    bm = SparseBM25.build([["a", "b"], ["b", "c", "c"], ["d"]])
    bm.save(tmp_path)
    again = SparseBM25.load(tmp_path)
    assert np.allclose(again.scores(["c", "b"]), bm.scores(["c", "b"]))


def test_add_same_file_is_unchanged_and_modified_file_reembeds_only_itself(index_copy, tmp_path):
    report = service.add([REPORTS / f"{F2024}.txt"], index_copy)
    assert report.unchanged == [F2024] and report.embedded_chunks == 0
    changed = tmp_path / f"{F2024}.txt"
    text = (REPORTS / f"{F2024}.txt").read_text(encoding="utf-8")
    changed.write_text(text.replace("816 tỷ đồng", "817 tỷ đồng"), encoding="utf-8")
    report = service.add([changed], index_copy)
    assert report.added == [F2024]
    assert 0 < report.embedded_chunks <= 2  # only the chunks whose text changed
    index = load_index(index_copy)
    assert any("817 tỷ đồng" in c.text for c in index.chunks)
    assert not any("816 tỷ đồng" in c.text for c in index.chunks)


def test_remove_document(index_copy):
    report = service.remove([F2024], index_copy)
    assert report.removed == [F2024]
    index = load_index(index_copy)
    assert F2024 not in index.docs and all(c.doc_id != F2024 for c in index.chunks)
    with pytest.raises(IndexStoreError, match="no report"):
        service.remove(["khong-co"], index_copy)


def test_bad_file_is_reported_and_index_kept(index_copy, tmp_path):
    before = load_index(index_copy)
    bad = tmp_path / "hong.txt"
    bad.write_bytes("Báo cáo".encode("utf-16"))
    report = service.add([bad], index_copy)
    assert "UTF-16" in report.failed["hong.txt"]
    after = load_index(index_copy)
    assert len(after.chunks) == len(before.chunks)


def test_loading_with_another_embedder_fails_clearly(plumbing_index):
    with pytest.raises(IndexStoreError, match="built with embedder"):
        load_index(plumbing_index, embedder_name="st:some-other-model")


def test_missing_index_is_one_clear_error(tmp_path):
    with pytest.raises(IndexStoreError, match="baocao index build"):
        load_index(tmp_path / "nothing")


_KILL_SCRIPT = """
import sys, time
from pathlib import Path
from rag import service
marker = Path(sys.argv[2])
def progress(doc, done, total):
    marker.write_text("embedding")
    time.sleep(30)
service.add([Path(sys.argv[3])], sys.argv[1], progress=progress)
"""


def test_kill_9_during_update_leaves_previous_index_loadable(index_copy, tmp_path):
    before = load_index(index_copy)
    new_doc = tmp_path / "bao-cao-moi.txt"
    text = (REPORTS / f"{F2024}.txt").read_text(encoding="utf-8")
    new_doc.write_text(text.replace("816 tỷ đồng", "999 tỷ đồng"), encoding="utf-8")
    marker = tmp_path / "marker"
    proc = subprocess.Popen([sys.executable, "-c", _KILL_SCRIPT, str(index_copy), str(marker),
                             str(new_doc)], cwd=REPO, env={**os.environ})
    deadline = time.time() + 300
    while not marker.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.2)
    assert marker.exists(), "the writer never reached the embedding step"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = load_index(index_copy)
    assert [c.chunk_id for c in after.chunks] == [c.chunk_id for c in before.chunks]
    assert "bao-cao-moi" not in after.docs
    # and the next writer still works (stale lock and temp folder are harmless)
    report = service.add([new_doc], index_copy)
    assert report.added == ["bao-cao-moi"]
    assert json.loads((load_index(index_copy).folder / "manifest.json").read_text())["n_chunks"] > 0


def _tamper(root: Path, doc_id: str, needle: str) -> None:
    """Overwrite the stored chunk holding ``needle`` and mark its report as parsed by an
    old parser, in the live version (as an index written by an older baocao would be)."""
    live = IndexStore(root).live_folder()
    lines = (live / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        d = json.loads(line)
        if d["doc_id"] == doc_id and needle in d["text"]:
            d["text"] = "TAMPERED " + d["text"].replace(needle, "???")
        out.append(json.dumps(d, ensure_ascii=False))
    (live / "chunks.jsonl").write_text("\n".join(out) + "\n", encoding="utf-8")
    manifest = json.loads((live / "manifest.json").read_text(encoding="utf-8"))
    for d in manifest["documents"]:
        if d["doc_id"] == doc_id:
            d["parser_version"] = "0-older-parser"
    (live / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False),
                                        encoding="utf-8")


def test_parser_change_reparses_a_report_whose_file_is_unchanged(index_copy):
    _tamper(index_copy, F2024, "816 tỷ đồng")
    assert any(c.text.startswith("TAMPERED") for c in load_index(index_copy).chunks)
    report = service.build(index_dir=index_copy)  # same five files, same content hashes
    assert report.added == [F2024] and len(report.unchanged) == 4
    assert report.embedded_chunks == 1  # only the tampered chunk's text differs
    index = load_index(index_copy)
    assert not any(c.text.startswith("TAMPERED") for c in index.chunks)
    assert any("816 tỷ đồng" in c.text for c in index.chunks)
    assert index.docs[F2024].parser_version == parser_version()


def test_stale_report_is_reparsed_from_the_copy_stored_in_the_index(index_copy, tmp_path):
    """A report added long ago (its file gone from the user's disk) still gets the new
    parser at the next write: the index keeps the file it was given."""
    _tamper(index_copy, F2024, "816 tỷ đồng")
    other = tmp_path / "bao-cao-khac.txt"
    other.write_text("I. TÌNH HÌNH\n\nThu ngân sách đạt 12 tỷ đồng.\n", encoding="utf-8")
    report = service.add([other], index_copy)
    assert report.added == ["bao-cao-khac"] and report.reparsed == [F2024]
    index = load_index(index_copy)
    assert any("816 tỷ đồng" in c.text for c in index.chunks if c.doc_id == F2024)
    assert (index.folder / "sources" / f"{F2024}.txt").read_bytes() == \
        (REPORTS / f"{F2024}.txt").read_bytes()


def test_changed_abbreviation_list_rebuilds_bm25(index_copy, tmp_path, monkeypatch):
    from rag.index import analyzer

    assert "qqx" not in load_index(index_copy).bm25.vocab
    changed = tmp_path / "abbreviations.tsv"
    changed.write_text(analyzer._DATA.read_text(encoding="utf-8") + "QQX\tgiải ngân\n",
                       encoding="utf-8")
    monkeypatch.setattr(analyzer, "_DATA", changed)
    monkeypatch.setattr(analyzer, "TOKEN_DATA", (changed, Path(analyzer.__file__)))
    analyzer.load_abbreviations.cache_clear()
    analyzer._tables.cache_clear()
    try:
        stale = load_index(index_copy)  # stored matrix is older than the list: rebuilt on load
        assert "qqx" in stale.bm25.vocab
        report = service.build(index_dir=index_copy)  # nothing else changed: still rewritten
        assert report.added == [] and len(report.unchanged) == 5
        fresh = load_index(index_copy)
        assert fresh.folder != stale.folder and fresh.manifest.analyzer_data == \
            analyzer.data_fingerprint()
        assert "qqx" in SparseBM25.load(fresh.folder).vocab
    finally:
        analyzer.load_abbreviations.cache_clear()
        analyzer._tables.cache_clear()
