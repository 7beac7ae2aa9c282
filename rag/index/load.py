"""Load an index version into memory: chunks, vectors, BM25 matrix, documents."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rag.errors import IndexStoreError
from rag.index.analyzer import Analyzer, data_fingerprint, sparse_text
from rag.index.dense import DenseIndex
from rag.index.integrity import nonfinite_rows
from rag.index.store import IndexStore
from rag.records import Chunk, DocInfo, Document, Manifest

if TYPE_CHECKING:  # scipy is imported only when an index is loaded
    from rag.index.bm25 import SparseBM25

log = logging.getLogger(__name__)
REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CORPUS = REPO_ROOT / "data" / "reports"


def default_index_dir() -> Path:
    return Path(os.environ.get("BAOCAO_INDEX_DIR") or REPO_ROOT / "index" / "default")


@dataclass
class Index:
    """A loaded index version: chunk records, vectors, BM25 matrix, documents."""

    folder: Path
    manifest: Manifest
    docs: dict[str, DocInfo]
    chunks: list[Chunk]
    dense: DenseIndex
    bm25: SparseBM25
    analyzer: Analyzer
    doc_rows: dict[str, np.ndarray] = field(default_factory=dict)
    # rows whose stored vector was not a number: zeros in memory, embedded again next write
    bad_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def embedder_name(self) -> str:
        return self.manifest.embedder.name

    def document(self, doc_id: str) -> Document:
        """The stored parsed report, for the reader view; only indexed ids are served."""
        if doc_id not in self.docs:
            raise IndexStoreError("index.no_report", doc_id=doc_id)
        path = self.folder / "docs" / f"{doc_id}.json"
        try:
            return Document.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            if not self.folder.is_dir():  # the version was retired: the caller reloads
                raise FileNotFoundError(str(self.folder)) from exc
            raise IndexStoreError("index.damaged", root=str(self.folder.parent),
                                  why=f"{self.folder.name}/docs/{doc_id}.json: "
                                      f"{type(exc).__name__}") from exc


def load_index(root: Path | None = None, embedder_name: str | None = None) -> Index:
    """Load the live version; refuse an index built with a different embedder."""
    store = IndexStore(root or default_index_dir())
    return load_version(store, store.live_folder(), embedder_name)


def load_version(store: IndexStore, folder: Path, embedder_name: str | None = None) -> Index:
    """Load one version folder; damaged files are one ``index.damaged`` line, never a
    traceback (a cut-short ``vectors.npy``, a broken ``chunks.jsonl``…)."""
    manifest = store.manifest(folder)
    built_with = manifest.embedder.name
    if embedder_name is not None and embedder_name != built_with:
        raise IndexStoreError("index.embedder_mismatch", root=str(store.root),
                              built_with=built_with, wanted=embedder_name)
    store.verify(folder, manifest)
    try:
        chunks = read_chunks(folder)
        analyzer = Analyzer(manifest.analyzer)
        index = Index(folder, manifest, {d.doc_id: d for d in manifest.documents}, chunks,
                      DenseIndex.load(folder), _bm25(folder, manifest, chunks, analyzer),
                      analyzer)
    except (OSError, ValueError, KeyError, TypeError, EOFError, RuntimeError) as exc:
        raise store.damaged(f"{folder.name}: {type(exc).__name__}: {exc}"[:300]) from exc
    if len(chunks) != index.dense.vectors.shape[0] or len(chunks) != index.bm25.n_docs:
        raise store.damaged(f"{folder.name}: {len(chunks)} chunks but "
                            f"{index.dense.vectors.shape[0]} vectors")
    index.doc_rows = doc_rows(chunks)
    index.bad_rows = nonfinite_rows(index.dense.vectors)
    if index.bad_rows.size:
        log.warning("%s: %d stored vectors are not numbers (NaN); they are left out of "
                    "searches and embedded again at the next write", folder.name,
                    index.bad_rows.size)
        vectors = np.array(index.dense.vectors)
        vectors[index.bad_rows] = 0.0
        index.dense = DenseIndex(vectors, index.dense.index)
    return index


def read_chunks(folder: Path) -> list[Chunk]:
    with open(folder / "chunks.jsonl", encoding="utf-8") as fh:
        return [Chunk.from_dict(json.loads(line)) for line in fh]


def _bm25(folder: Path, manifest: Manifest, chunks: list[Chunk],
          analyzer: Analyzer) -> SparseBM25:
    """The stored matrix, or a fresh one when the analyzer's data files have changed since
    the index was written (the stored tokens would no longer match the query's)."""
    from rag.index.bm25 import SparseBM25

    if manifest.analyzer_data == data_fingerprint():
        return SparseBM25.load(folder)
    log.info("analyzer data changed since %s was built: rebuilding BM25 in memory", folder.name)
    return SparseBM25.build(analyzer.tokens(sparse_text(c)) for c in chunks)


def doc_rows(chunks: list[Chunk]) -> dict[str, np.ndarray]:
    rows: dict[str, list[int]] = {}
    for i, c in enumerate(chunks):
        rows.setdefault(c.doc_id, []).append(i)
    return {d: np.asarray(r, dtype=np.int64) for d, r in rows.items()}
