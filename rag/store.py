"""On-disk index: a directory of plain files plus ``manifest.json``.

Layout of an index root::

    CURRENT                 name of the live version folder (replaced atomically)
    v-<stamp>/manifest.json format version, embedder, analyzer, documents + content hashes
    v-<stamp>/chunks.jsonl  one chunk per line, row i <-> vector i
    v-<stamp>/vectors.npy   float32 (n, dim), L2-normalized
    v-<stamp>/bm25_*.npy    sparse BM25 matrix, bm25_vocab.json
    v-<stamp>/docs/<id>.json  parsed report (paragraphs, sections, footnotes) for the reader view

A writer builds a complete new version folder, then swaps ``CURRENT`` with
``os.replace``; a crash or ``kill -9`` at any moment leaves the previous
version loadable. Nothing is pickled.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from rag.records import Document, Period

FORMAT_VERSION = 1


class IndexStoreError(ValueError):
    """The index cannot be used as asked; the message is one line for the user."""


@dataclass(frozen=True)
class DocInfo:
    doc_id: str
    source: str
    title: str
    date: str | None
    doc_type: str
    province: str | None
    periods: tuple[Period, ...]
    plan_periods: tuple[Period, ...]
    content_hash: str
    n_chunks: int

    @classmethod
    def of(cls, doc: Document, n_chunks: int) -> DocInfo:
        return cls(doc.doc_id, doc.source, doc.title, doc.date, doc.doc_type, doc.province,
                   doc.periods, doc.plan_periods, doc.content_hash, n_chunks)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> DocInfo:
        periods = tuple(Period(**p) for p in d["periods"])
        plans = tuple(Period(**p) for p in d["plan_periods"])
        return cls(**{**d, "periods": periods, "plan_periods": plans})

    @property
    def period_label(self) -> str:
        return ", ".join(p.label for p in self.periods)


class IndexStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def current(self) -> Path | None:
        pointer = self.root / "CURRENT"
        if not pointer.is_file():
            return None
        folder = self.root / pointer.read_text().strip()
        return folder if (folder / "manifest.json").is_file() else None

    def manifest(self) -> dict:
        folder = self.current()
        if folder is None:
            raise IndexStoreError(f"no index at {self.root}; run 'baocao index build' first")
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexStoreError(
                f"index at {self.root} has format {manifest.get('format_version')}, this "
                f"baocao reads {FORMAT_VERSION}; rebuild it with 'baocao index build'")
        return manifest

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """One writer at a time (the app and a CLI may both add reports)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def new_version(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        folder = self.root / f".tmp-v-{stamp}-{os.getpid()}-{time.monotonic_ns()}"
        folder.mkdir()
        (folder / "docs").mkdir()
        return folder

    def publish(self, folder: Path) -> Path:
        """Make a fully written version live, atomically, and drop older versions."""
        final = self.root / folder.name.removeprefix(".tmp-")
        _fsync_tree(folder)
        folder.rename(final)
        tmp_pointer = self.root / f".CURRENT.{os.getpid()}"
        tmp_pointer.write_text(final.name)
        _fsync_file(tmp_pointer)
        os.replace(tmp_pointer, self.root / "CURRENT")
        self._cleanup(keep=final)
        return final

    def _cleanup(self, keep: Path) -> None:
        for child in self.root.iterdir():
            stale = child.name.startswith(("v-", ".tmp-v-")) and child != keep
            if stale and child.is_dir():
                shutil.rmtree(child, ignore_errors=True)


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            _fsync_file(path)
