"""``observations.jsonl`` in an index version: written with the version, read once.

One observation per line by the one conversion rule (``Record.to_dict``). A write
reuses the previous version's observations of a report whose chunks are unchanged (same
chunk texts, same extractor code and data), and extracts the others; the meta file
records the extractor fingerprint and each report's chunk fingerprint. An index written
before observations existed, or by another extractor, gets them extracted from its
chunks at load time, so nothing has to be rebuilt. eval/observe_bench.py measures both.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from pathlib import Path

from rag.observe.extract import extract
from rag.records import Chunk, DocInfo, Observation

FILE = "observations.jsonl"
META = "observations.meta.json"  # the extractor fingerprint the file was written with
_RAG = Path(__file__).resolve().parents[1]
_CODE = _RAG / "observe"  # the extraction stage: its rules decide what is stored
_DATA = _RAG / "data"
_CACHE: OrderedDict[Path, list[Observation]] = OrderedDict()
_CACHE_SIZE = 4  # the live version and the ones a long-running search may still hold
_LOCK = threading.Lock()


def write_observations(folder: Path, chunks: Iterable[Chunk], docs: dict[str, DocInfo],
                       previous: Path | None = None,
                       ready: Mapping[str, list[str]] | None = None) -> int:
    """Write the observations of a version folder (reusing ``previous``'s for reports whose
    chunks did not change, taking ``ready``'s lines for the reports extracted where they
    were read: rag.cluster); returns how many were written."""
    ready = ready or {}
    by_doc: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_doc.setdefault(c.doc_id, []).append(c)
    old, old_prints = _previous(previous)
    prints, count = {}, 0
    with open(Path(folder) / FILE, "w", encoding="utf-8") as fh:
        for doc_id in sorted(by_doc):
            prints[doc_id] = fingerprint(by_doc[doc_id])
            if doc_id in ready:
                rows = ready[doc_id]
            elif old_prints.get(doc_id) == prints[doc_id] and doc_id in old:
                rows = old[doc_id]
            else:
                rows = observation_lines(by_doc[doc_id], docs.get(doc_id))
            fh.writelines(r + "\n" for r in rows)
            count += len(rows)
    meta = {"extractor": extractor_version(), "count": count, "docs": prints}
    (Path(folder) / META).write_text(json.dumps(meta), encoding="utf-8")
    return count


def observation_lines(chunks: list[Chunk], info: DocInfo | None) -> list[str]:
    """A report's observations as the JSON lines of the file."""
    return [json.dumps(o.to_dict(), ensure_ascii=False) for o in extract(chunks, info)]


def fingerprint(chunks: list[Chunk]) -> str:
    """What a report's observations depend on: its chunks (text, offsets, periods, notes)."""
    h = hashlib.sha1()
    for c in sorted(chunks, key=lambda c: c.start):
        h.update(json.dumps(c.to_dict(), ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()


def _previous(folder: Path | None) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The previous version's observation lines by report, when its extractor is ours."""
    if folder is None:
        return {}, {}
    meta_path, path = Path(folder) / META, Path(folder) / FILE
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("extractor") != extractor_version():
            return {}, {}
        rows: dict[str, list[str]] = {}
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rows.setdefault(json.loads(line)["doc_id"], []).append(line.rstrip("\n"))
        return rows, meta.get("docs", {})
    except (OSError, ValueError, KeyError):
        return {}, {}  # nothing to reuse: extract afresh


def extractor_version() -> str:
    """Hash of the extractor's code and data files: a changed rule re-extracts at load."""
    h = hashlib.sha256()
    paths = sorted(_CODE.glob("*.py")) + sorted((_RAG / "periods").glob("*.py")) + [
                                          _DATA / "period_words.tsv",
                                          _DATA / "period_context.tsv",
                                          _DATA / "observation_units.tsv",
                                          _DATA / "indicator_synonyms.tsv",
                                          _DATA / "abbreviations.tsv"]
    for path in paths:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def read_observations(folder: Path) -> list[Observation] | None:
    """The stored observations, or None when the version has none or older ones."""
    path, meta = Path(folder) / FILE, Path(folder) / META
    if not path.is_file() or not meta.is_file():
        return None
    if json.loads(meta.read_text(encoding="utf-8")).get("extractor") != extractor_version():
        return None
    with open(path, encoding="utf-8") as fh:
        return [Observation.from_dict(json.loads(line)) for line in fh if line.strip()]


def observations_of(index) -> list[Observation]:
    """The observations of a loaded ``Index`` (read once per version folder)."""
    folder = Path(index.folder)
    with _LOCK:
        if folder in _CACHE:
            _CACHE.move_to_end(folder)
            return _CACHE[folder]
    found = read_observations(folder)
    if found is None:
        from rag.observe.extract import extract_all

        found = extract_all(index.chunks, index.docs)
    with _LOCK:
        _CACHE[folder] = found
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return found
