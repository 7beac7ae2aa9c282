"""Index stage: parsed reports -> a hybrid (FAISS + BM25) index on disk, and back.

Every write produces a complete new version (see ``rag.store``); vectors are
reused for any chunk whose embedded text is unchanged, so adding, removing or
rebuilding re-embeds only what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.analyze import Analyzer, AnalyzerConfig
from rag.bm25 import SparseBM25
from rag.chunk import chunk_document
from rag.dense import DenseIndex
from rag.embed import Embedder
from rag.ingest import doc_id_for, parse_file
from rag.readers import SUFFIXES, InputError
from rag.records import Chunk, Document, chunk_from_dict, chunk_to_dict
from rag.store import FORMAT_VERSION, DocInfo, IndexStore, IndexStoreError, write_json

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CORPUS = REPO_ROOT / "data" / "reports"
PARSER_VERSION = 1
Progress = Callable[[str, int, int], None]


def default_index_dir() -> Path:
    return Path(os.environ.get("BAOCAO_INDEX_DIR") or REPO_ROOT / "index" / "default")


@dataclass
class Index:
    """A loaded index version: chunk records, vectors, BM25 matrix, documents."""

    folder: Path
    manifest: dict
    docs: dict[str, DocInfo]
    chunks: list[Chunk]
    dense: DenseIndex
    bm25: SparseBM25
    analyzer: Analyzer
    doc_rows: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def embedder_name(self) -> str:
        return self.manifest["embedder"]["name"]

    def document(self, doc_id: str) -> dict:
        """The stored parsed report, for the reader view; only indexed ids are served."""
        if doc_id not in self.docs:
            raise IndexStoreError(f"no report '{doc_id}' in the index")
        return json.loads((self.folder / "docs" / f"{doc_id}.json").read_text(encoding="utf-8"))


@dataclass
class Entry:
    """One document's share of an index: its record, chunks and their vectors."""

    info: DocInfo
    document: dict | None  # parsed report as JSON; None = copy from the old version
    chunks: list[Chunk]
    vectors: np.ndarray


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    embedded_chunks: int = 0
    total_chunks: int = 0


def load_index(root: Path | None = None, embedder_name: str | None = None) -> Index:
    """Load the live version; refuse an index built with a different embedder."""
    store = IndexStore(root or default_index_dir())
    manifest = store.manifest()
    built_with = manifest["embedder"]["name"]
    if embedder_name is not None and embedder_name != built_with:
        raise IndexStoreError(
            f"index at {store.root} was built with embedder '{built_with}', not "
            f"'{embedder_name}'; rebuild it with 'baocao index build --embedder {embedder_name}'")
    folder = store.current()
    with open(folder / "chunks.jsonl", encoding="utf-8") as fh:
        chunks = [chunk_from_dict(json.loads(line)) for line in fh]
    docs = {d["doc_id"]: DocInfo.from_dict(d) for d in manifest["documents"]}
    index = Index(folder, manifest, docs, chunks, DenseIndex.load(folder),
                  SparseBM25.load(folder), Analyzer(AnalyzerConfig.from_dict(manifest["analyzer"])))
    index.doc_rows = _doc_rows(chunks)
    return index


def _doc_rows(chunks: list[Chunk]) -> dict[str, np.ndarray]:
    rows: dict[str, list[int]] = {}
    for i, c in enumerate(chunks):
        rows.setdefault(c.doc_id, []).append(i)
    return {d: np.asarray(r, dtype=np.int64) for d, r in rows.items()}


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _old_entries(store: IndexStore, embedder: Embedder) -> tuple[dict[str, Entry], dict]:
    """Entries of the live version, when it was made with the same embedder."""
    try:
        old = load_index(store.root)
    except IndexStoreError:
        return {}, {}
    if old.embedder_name != embedder.name:
        return {}, {}
    entries = {}
    for doc_id, info in old.docs.items():
        rows = old.doc_rows.get(doc_id, np.zeros(0, dtype=np.int64))
        entries[doc_id] = Entry(info, None, [old.chunks[i] for i in rows], old.dense.vectors[rows])
    cache = {_text_key(c.search_text()): old.dense.vectors[i] for i, c in enumerate(old.chunks)}
    return entries, {"cache": cache, "folder": old.folder}


def _embed_entry(doc: Document, embedder: Embedder, cache: dict, progress: Progress | None,
                 report: BuildReport) -> Entry:
    chunks = chunk_document(doc)
    texts = [c.search_text() for c in chunks]
    missing = [i for i, t in enumerate(texts) if _text_key(t) not in cache]
    fresh = embedder.embed_passages(
        [texts[i] for i in missing],
        on_progress=(lambda done, total: progress(doc.doc_id, done, total)) if progress else None,
    ) if missing else np.zeros((0, embedder.dim), dtype=np.float32)
    for row, i in enumerate(missing):
        cache[_text_key(texts[i])] = fresh[row]
    report.embedded_chunks += len(missing)
    vectors = np.stack([cache[_text_key(t)] for t in texts]) if texts else np.zeros(
        (0, embedder.dim), dtype=np.float32)
    return Entry(DocInfo.of(doc, len(chunks)), document_json(doc), chunks, vectors)


def document_json(doc: Document) -> dict:
    from dataclasses import asdict

    return asdict(doc)


def list_report_files(folder: Path) -> list[Path]:
    """Report files of a folder, in a stable order (README files are not reports)."""
    files = [p for p in sorted(Path(folder).iterdir())
             if p.is_file() and p.suffix.lower() in SUFFIXES and p.stem.upper() != "README"]
    if not files:
        raise InputError(f"{folder}: no report files ({', '.join(SUFFIXES)})")
    return files


def update_index(files: list[Path], embedder: Embedder, analyzer_config: AnalyzerConfig,
                 root: Path | None = None, replace_all: bool = False,
                 remove: list[str] = (), progress: Progress | None = None) -> BuildReport:
    """Add/replace ``files``, drop ``remove`` ids (or all others with ``replace_all``), publish.

    A file that fails to parse is reported and skipped; the other files and
    the existing index are not affected.
    """
    store = IndexStore(root or default_index_dir())
    with store.write_lock():
        return _update(store, files, embedder, analyzer_config, replace_all, remove, progress)


def _update(store: IndexStore, files: list[Path], embedder: Embedder,
            analyzer_config: AnalyzerConfig, replace_all: bool, remove: list[str],
            progress: Progress | None) -> BuildReport:
    entries, old = _old_entries(store, embedder)
    cache = old.get("cache", {})
    report = BuildReport()
    new_ids = set()
    for path in files:
        _add_file(Path(path), entries, embedder, cache, progress, report)
        new_ids.add(doc_id_for(Path(path).name))
    drop = set(remove) | (set(entries) - new_ids if replace_all else set())
    for doc_id in sorted(drop):
        if entries.pop(doc_id, None) is not None:
            report.removed.append(doc_id)
    missing = set(remove) - set(report.removed)
    if missing:
        raise IndexStoreError(f"no report '{sorted(missing)[0]}' in the index")
    _write(store, entries, embedder, analyzer_config, old.get("folder"))
    report.total_chunks = sum(len(e.chunks) for e in entries.values())
    return report


def _add_file(path: Path, entries: dict[str, Entry], embedder: Embedder, cache: dict,
              progress: Progress | None, report: BuildReport) -> None:
    try:
        doc = parse_file(path)
    except InputError as exc:
        report.failed[path.name] = str(exc)
        return
    same = entries.get(doc.doc_id)
    if same is not None and same.info.content_hash == doc.content_hash:
        report.unchanged.append(doc.doc_id)
        return
    entries[doc.doc_id] = _embed_entry(doc, embedder, cache, progress, report)
    report.added.append(doc.doc_id)


def _write(store: IndexStore, entries: dict[str, Entry], embedder: Embedder,
           analyzer_config: AnalyzerConfig, old_folder: Path | None) -> Path:
    ordered = [entries[k] for k in sorted(entries)]
    chunks = [c for e in ordered for c in e.chunks]
    vectors = (np.concatenate([e.vectors for e in ordered]) if ordered
               else np.zeros((0, embedder.dim), dtype=np.float32))
    folder = store.new_version()
    with open(folder / "chunks.jsonl", "w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps(chunk_to_dict(c), ensure_ascii=False) + "\n")
    DenseIndex(vectors).save(folder)
    analyzer = Analyzer(analyzer_config)
    SparseBM25.build(analyzer.tokens(c.search_text()) for c in chunks).save(folder)
    for e in ordered:
        doc = e.document
        if doc is None:
            doc = json.loads((old_folder / "docs" / f"{e.info.doc_id}.json").read_text("utf-8"))
        write_json(folder / "docs" / f"{e.info.doc_id}.json", doc)
    write_json(folder / "manifest.json", {
        "format_version": FORMAT_VERSION, "parser_version": PARSER_VERSION,
        "embedder": {"name": embedder.name, "dim": embedder.dim},
        "analyzer": analyzer_config.to_dict(), "n_chunks": len(chunks),
        "documents": [e.info.to_dict() for e in ordered],
    })
    return store.publish(folder)
