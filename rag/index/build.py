"""Build: report files -> a new index version, reusing what has not changed.

Three kinds of reuse, each keyed by what could change it:

* a report's parsed document and chunks: reused only when its content hash
  *and* the parser version match; otherwise the report is parsed afresh (from
  the copy of its file stored in the index when no new file is given), so a
  parser or chunker fix reaches every indexed report at the next write;
* a chunk's vector: reused whenever its embedded text is unchanged, whatever
  changed around it (so re-parsing costs no embedding for unchanged chunks);
* the BM25 matrix: rebuilt for every version, with the analyzer's current data.

A write never starts from an index it could not read: it stops with one line
naming the problem, unless the caller asks to replace the index (``force``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.config import AnalyzerConfig
from rag.embed import Embedder
from rag.embed.vcache import embed_passages_cached
from rag.errors import BaocaoError, IndexStoreError, InputError
from rag.fsutil import write_json
from rag.index import history
from rag.index.analyzer import Analyzer, data_fingerprint, sparse_text
from rag.index.bm25 import SparseBM25
from rag.index.dense import DenseIndex
from rag.index.ids import assign_doc_id
from rag.index.limits import check_chunks
from rag.index.load import load_version
from rag.index.observations import write_observations
from rag.index.pipeline import parse_ahead, report_parser
from rag.index.report import Read, read_report
from rag.index.store import FORMAT_VERSION, IndexStore
from rag.ingest import SUFFIXES, parse_file
from rag.ingest.ocr import poor_pages_warning
from rag.records import Chunk, DocInfo, Document, EmbedderInfo, Manifest

PARSER_VERSION = 2  # bump by hand to re-parse everything; a change to the code below does too
_RAG = Path(__file__).resolve().parents[1]
_PARSER_CODE = ("ingest/*.py", "ingest/tables/*.py", "ingest/sheets/*.py", "chunk/*.py",
                "periods/*.py", "records/*.py", "config.py", "text.py", "data/period_words.tsv",
                "data/period_context.tsv", "data/observation_units.tsv",
                "places.py", "data/provinces.tsv", "data/doc_types.tsv", "data/site_chrome.tsv",
                "data/proper_nouns.txt", "data/table_words.tsv")
Progress = Callable[[str, int, int], None]
# Which existing reports a write may replace: all (True: the command line, whose user owns
# the files), none (False), or {doc_id: content hash the user was shown} (the app's
# confirmation: a report changed by someone else meanwhile is not replaced blindly).
Replace = bool | Mapping[str, str]
ReadReport = Callable[..., Read]  # read_report's signature (rag.cluster runs it remotely)


@functools.cache
def parser_version() -> str:
    """PARSER_VERSION plus a hash of the code that turns a file into chunks."""
    h = hashlib.sha256()
    for pattern in _PARSER_CODE:
        for path in sorted(_RAG.glob(pattern)):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{PARSER_VERSION}-{h.hexdigest()[:12]}"


@dataclass
class Entry:
    """One report's share of an index version."""

    info: DocInfo
    document: Document | None  # None: the stored JSON of the previous version is copied
    chunks: list[Chunk]
    vectors: np.ndarray
    source: Path | None  # the report file to store with the version
    observations: list[str] | None = None  # JSON lines, extracted where the report was read


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # the added ids that were indexed before
    unchanged: list[str] = field(default_factory=list)
    reparsed: list[str] = field(default_factory=list)  # parsed again by a newer parser
    repaired: list[str] = field(default_factory=list)  # stored vectors not numbers: embedded
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # file name -> one-line reason
    errors: dict[str, BaocaoError] = field(default_factory=dict)
    warnings: dict[str, BaocaoError] = field(default_factory=dict)  # indexed, but see why
    embedded_chunks: int = 0
    total_chunks: int = 0
    version: str | None = None  # the version this write published (None: nothing changed)


@dataclass
class _Previous:
    entries: dict[str, Entry]
    cache: dict[str, np.ndarray]  # text key -> vector
    folder: Path | None
    manifest: Manifest | None = None
    repair: dict[str, np.ndarray] = field(default_factory=dict)  # doc id -> rows not numbers


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def list_report_files(folder: Path) -> list[Path]:
    """Report files of a folder, in a stable order (README files are not reports)."""
    files = [p for p in sorted(Path(folder).iterdir())
             if p.is_file() and p.suffix.lower() in SUFFIXES and p.stem.upper() != "README"]
    if not files:
        raise InputError("folder.no_reports", folder=str(folder), allowed=", ".join(SUFFIXES))
    return files


def update_index(files: list[Path], embedder: Embedder, analyzer_config: AnalyzerConfig,
                 root: Path, replace_all: bool = False, remove: list[str] = (),
                 progress: Progress | None = None, force: bool = False,
                 replace: Replace = True, who: str | None = None,
                 read: ReadReport | None = None) -> BuildReport:
    """Add/replace ``files``, drop ``remove`` ids (or all others with ``replace_all``), publish.

    A file that fails to parse, has nothing to index, or would replace a report
    ``replace`` does not allow is reported and skipped; the other files and the
    existing index are not affected. A published change is logged (``who``). ``read``
    does one report's work (default: ``read_report``, here; rag.cluster: on a cluster).
    """
    store = IndexStore(root)
    with store.write_lock():
        previous = _previous(store, embedder, replace_all, force)
        report = BuildReport()
        entries = previous.entries
        new_ids = set()
        with closing(_readers(files, read, progress)) as readers:
            for p, read_one in readers:
                new_ids.add(_add_file(p, entries, embedder, previous.cache, progress, report,
                                      replace, read_one))
        new_ids.discard(None)  # a file whose name could not be used
        _drop(entries, set(remove) | (set(entries) - new_ids if replace_all else set()),
              set(remove), report)
        _reparse_stale(entries, previous, embedder, report)
        _repair_vectors(entries, previous, embedder, report)
        report.total_chunks = sum(len(e.chunks) for e in entries.values())
        if _changed(report, previous, embedder, analyzer_config):
            live = _write(store, entries, embedder, analyzer_config, previous.folder)
            report.version = live.name
            _log(store, report, who, replace_all, previous)
        return report


def _log(store: IndexStore, report: BuildReport, who: str | None, replace_all: bool,
         previous: _Previous) -> None:
    """One line in changes.jsonl for the published version."""
    added = [d for d in report.added if d not in report.replaced]
    action = "build" if replace_all else ("remove" if report.removed and not report.added
                                          else "add")
    history.record(store.root, who, action,
                   {"added": added, "replaced": report.replaced, "removed": report.removed,
                    "reparsed": report.reparsed}, report.version,
                   previous.folder.name if previous.folder else None)


def _changed(report: BuildReport, previous: _Previous, embedder: Embedder,
             analyzer_config: AnalyzerConfig) -> bool:
    """Whether a new version is needed: nothing parsed, dropped or re-tokenized means the
    live version already is the result (a refused upload publishes nothing)."""
    if (report.added or report.removed or report.reparsed or report.repaired
            or previous.manifest is None):
        return True
    m = previous.manifest
    return (m.embedder.name != embedder.name or m.analyzer != analyzer_config
            or m.analyzer_data != data_fingerprint())


def _previous(store: IndexStore, embedder: Embedder, replace_all: bool,
              force: bool) -> _Previous:
    """What the live version offers for reuse; an unreadable index stops the write.

    "Unreadable" includes a ``CURRENT`` naming nothing, an empty one, version folders
    without a ``CURRENT``, a newer format and damaged files: a write that started from
    such an index as if it were empty would publish only its own files and let the
    cleanup delete every older version. ``force`` replaces the index on purpose."""
    if force or not store.exists():
        return _Previous({}, {}, None)
    try:
        old = load_version(store, store.live_folder())
    except (BaocaoError, OSError, ValueError, KeyError, TypeError) as exc:
        why = exc.details.get("why", str(exc)) if isinstance(exc, BaocaoError) else str(exc)
        raise IndexStoreError("index.unreadable", root=str(store.root), why=why) from exc
    if old.embedder_name != embedder.name:
        if replace_all:  # 'index build --embedder X': every chunk is embedded again
            return _Previous({}, {}, old.folder, old.manifest)
        raise IndexStoreError("index.embedder_mismatch", root=str(store.root),
                              built_with=old.embedder_name, wanted=embedder.name)
    entries = {}
    for doc_id, info in old.docs.items():
        rows = old.doc_rows.get(doc_id, np.zeros(0, dtype=np.int64))
        entries[doc_id] = Entry(info, None, [old.chunks[i] for i in rows],
                                old.dense.vectors[rows], _stored_source(old.folder, info))
    bad = set(old.bad_rows.tolist())  # stored vectors that are not numbers: never reused
    cache = {text_key(c.search_text()): old.dense.vectors[i] for i, c in enumerate(old.chunks)
             if i not in bad}
    repair: dict[str, list[int]] = {}
    for i in sorted(bad):
        doc_id = old.chunks[i].doc_id
        repair.setdefault(doc_id, []).append(int(np.searchsorted(old.doc_rows[doc_id], i)))
    return _Previous(entries, cache, old.folder, old.manifest,
                     {d: np.asarray(r) for d, r in repair.items()})


def _stored_source(folder: Path, info: DocInfo) -> Path | None:
    path = folder / "sources" / f"{info.doc_id}{Path(info.source).suffix.lower()}"
    return path if path.is_file() else None


def _readers(files, read: ReadReport | None, progress: Progress | None):
    """(path, read) per file, in order. Locally the next reports are parsed while this one
    is embedded (rag.index.pipeline); a given ``read`` (rag.cluster) schedules its own."""
    paths = map(Path, files)
    if read is not None:
        for p in paths:
            yield p, read
        return
    with closing(parse_ahead(paths, report_parser(progress))) as parsed:
        for p, get in parsed:
            yield p, functools.partial(read_report, parsed=get)


def _add_file(path: Path, entries: dict[str, Entry], embedder: Embedder, cache: dict,
              progress: Progress | None, report: BuildReport, replace: Replace,
              read: ReadReport) -> str | None:
    try:
        doc_id = assign_doc_id(path.name, {k: e.info.source for k, e in entries.items()})
    except InputError as exc:  # a name that cannot be written: refused by name, alone
        report.failed[exc.details["name"]], report.errors[exc.details["name"]] = str(exc), exc
        return None
    same = entries.get(doc_id)
    try:
        done = read(path, doc_id, same.info if same else None, replace, embedder, cache, progress)
    except BaocaoError as exc:
        if exc.stops_write:  # e.g. the cluster reading the reports is lost: nothing published
            raise
        report.failed[path.name], report.errors[path.name] = str(exc), exc
        return doc_id
    if done.poor_pages:  # scanned pages OCR could not read well: said, not indexed
        report.warnings[path.name] = poor_pages_warning(path.name, done.poor_pages)
    report.embedded_chunks += done.embedded
    if done.entry is None:
        report.unchanged.append(doc_id)
        return doc_id
    if same is not None and same.info.content_hash != done.entry.info.content_hash:
        report.replaced.append(doc_id)
    entries[doc_id] = done.entry
    report.added.append(doc_id)
    return doc_id


def _check_replace(name: str, old: DocInfo, replace: Replace) -> None:
    """A replacement only where the caller allowed it, and (for a confirmation) only of
    the version of the report the user was shown."""
    allowed = replace is True or (not isinstance(replace, bool)
                                  and replace.get(old.doc_id) == old.content_hash)
    if not allowed:
        raise IndexStoreError("index.replace_unconfirmed", name=name, doc_id=old.doc_id,
                              title=old.title)


def _drop(entries: dict[str, Entry], drop: set[str], asked: set[str],
          report: BuildReport) -> None:
    missing = sorted(asked - set(entries))
    if missing:
        raise IndexStoreError("index.no_report", doc_id=missing[0])
    for doc_id in sorted(drop):
        if entries.pop(doc_id, None) is not None:
            report.removed.append(doc_id)


def _reparse_stale(entries: dict[str, Entry], previous: _Previous, embedder: Embedder,
                   report: BuildReport) -> None:
    """Reports kept from the previous version but parsed by an older parser: read their
    stored files again (their vectors are reused wherever a chunk's text is unchanged)."""
    for doc_id, entry in sorted(entries.items()):
        if entry.document is not None or entry.info.parser_version == parser_version():
            continue
        if entry.source is None:  # nothing to re-read; keep what we have
            continue
        doc = parse_file(entry.source, source_name=entry.info.source)
        doc.doc_id = doc_id  # the id it was given, whatever the slug of its name is now
        entries[doc_id] = _embed_entry(doc, entry.source, embedder, previous.cache, None, report)
        report.reparsed.append(doc_id)


def _repair_vectors(entries: dict[str, Entry], previous: _Previous, embedder: Embedder,
                    report: BuildReport) -> None:
    """Kept reports whose stored vectors were not numbers (NaN): those passages are
    embedded again, so the next version holds none (rag.index.integrity found them)."""
    for doc_id, rows in sorted(previous.repair.items()):
        entry = entries.get(doc_id)
        if entry is None or entry.document is not None:  # removed, or embedded afresh
            continue
        texts = [entry.chunks[r].search_text() for r in rows]
        fresh, embedded = embed_passages_cached(embedder, texts)
        vectors = np.array(entry.vectors)
        vectors[rows] = fresh
        entry.vectors = vectors
        report.embedded_chunks += embedded
        report.repaired.append(doc_id)


def _embed_entry(doc: Document, source: Path, embedder: Embedder, cache: dict,
                 progress: Progress | None, report: BuildReport,
                 bounded: bool = False) -> Entry:
    from rag.chunk import chunk_document  # langchain: ~1 s to import, not needed to remove

    chunks = chunk_document(doc)
    if bounded:  # a new file; a report already indexed is never refused at re-parsing
        check_chunks(source.name, len(chunks))
    texts = [c.search_text() for c in chunks]
    missing = [i for i, t in enumerate(texts) if text_key(t) not in cache]
    tick = (lambda done, total: progress(doc.doc_id, done, total)) if progress else None
    fresh, embedded = embed_passages_cached(embedder, [texts[i] for i in missing],
                                            on_progress=tick)
    for row, i in enumerate(missing):
        cache[text_key(texts[i])] = fresh[row]
    report.embedded_chunks += embedded  # by the model: the vector cache's are not counted
    vectors = (np.stack([cache[text_key(t)] for t in texts]) if texts
               else np.zeros((0, embedder.dim), dtype=np.float32))
    info = DocInfo.of(doc, len(chunks), parser_version())
    return Entry(info, doc, chunks, vectors, source)


def _write(store: IndexStore, entries: dict[str, Entry], embedder: Embedder,
           analyzer_config: AnalyzerConfig, old_folder: Path | None) -> Path:
    ordered = [entries[k] for k in sorted(entries)]
    chunks = [c for e in ordered for c in e.chunks]
    vectors = (np.concatenate([e.vectors for e in ordered]) if ordered
               else np.zeros((0, embedder.dim), dtype=np.float32))
    folder = store.new_version()
    try:
        _fill(folder, ordered, chunks, vectors, embedder, analyzer_config, old_folder)
    except BaseException:  # a failed write leaves no half-written folder behind
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return store.publish(folder)


def _fill(folder: Path, ordered: list[Entry], chunks: list[Chunk], vectors: np.ndarray,
          embedder: Embedder, analyzer_config: AnalyzerConfig, old_folder: Path | None) -> None:
    with open(folder / "chunks.jsonl", "w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    found = {e.info.doc_id: e.observations for e in ordered if e.observations is not None}
    write_observations(folder, chunks, {e.info.doc_id: e.info for e in ordered}, old_folder, found)
    DenseIndex(vectors).save(folder)
    analyzer = Analyzer(analyzer_config)
    SparseBM25.build(analyzer.tokens(sparse_text(c)) for c in chunks).save(folder)
    for e in ordered:
        _write_document(folder, e, old_folder)
    manifest = Manifest(FORMAT_VERSION, parser_version(), EmbedderInfo(embedder.name, embedder.dim),
                        analyzer_config, data_fingerprint(), len(chunks),
                        tuple(e.info for e in ordered))
    write_json(folder / "manifest.json", manifest.to_dict())


def _write_document(folder: Path, entry: Entry, old_folder: Path | None) -> None:
    """The parsed report as JSON and the report file itself (linked from the previous
    version when unchanged, so keeping versions costs no extra space)."""
    doc_id = entry.info.doc_id
    target = folder / "docs" / f"{doc_id}.json"
    if entry.document is not None:
        write_json(target, entry.document.to_dict())
    else:
        _link_or_copy(old_folder / "docs" / f"{doc_id}.json", target)
    if entry.source is None:
        return
    dest = folder / "sources" / f"{doc_id}{Path(entry.info.source).suffix.lower()}"
    if old_folder is not None and old_folder in entry.source.parents:
        _link_or_copy(entry.source, dest)
    else:  # never link a user's file: an in-place edit would change our copy
        shutil.copyfile(entry.source, dest)


def _link_or_copy(src: Path, dest: Path) -> None:
    """Files inside the index's own versions never change after publishing: share them."""
    try:
        os.link(src, dest)
    except OSError:  # another file system, or links not allowed
        shutil.copyfile(src, dest)
