"""On-disk index: versions of a directory of plain files, and the pointer to the live one.

Layout of an index root::

    CURRENT                   name of the live version folder (replaced atomically)
    v-<stamp>/manifest.json   format version, parser version, embedder, analyzer, documents
    v-<stamp>/chunks.jsonl    one chunk per line, row i <-> vector i
    v-<stamp>/vectors.npy     float32 (n, dim), L2-normalized
    v-<stamp>/bm25_*.npy      sparse BM25 matrix, bm25_vocab.json, bm25_meta.json
    v-<stamp>/docs/<id>.json  parsed report (paragraphs, sections, footnotes) for the reader
    v-<stamp>/sources/<id>.*  the report file as uploaded, so a new parser can re-read it

A writer builds a complete new version folder, fsyncs it, renames it into
place and swaps ``CURRENT`` with ``os.replace`` (the directory fsynced after
each rename); a crash or ``kill -9`` at any moment leaves the previous version
loadable. Readers read ``CURRENT`` once per load. Nothing is pickled.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from rag.errors import IndexStoreError
from rag.fsutil import atomic_write_text, file_lock, fsync_dir, fsync_tree
from rag.records import Manifest

FORMAT_VERSION = 2  # 2: typed manifest with parser version and analyzer data; sources/
KEEP_VERSIONS = 3  # the live version and two before it stay on disk after a publish


class IndexStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def live(self) -> Path | None:
        """The live version folder named by ``CURRENT``, read once; None when there is none."""
        pointer = self.root / "CURRENT"
        try:
            name = pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        folder = self.root / name
        if not name or not (folder / "manifest.json").is_file():
            raise IndexStoreError("index.missing", root=str(self.root))
        return folder

    def live_folder(self) -> Path:
        folder = self.live()
        if folder is None:
            raise IndexStoreError("index.missing", root=str(self.root))
        return folder

    def manifest(self, folder: Path | None = None) -> Manifest:
        """The manifest of ``folder`` (default: the live version), format checked."""
        folder = folder or self.live_folder()
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        found = data.get("format_version")
        if found != FORMAT_VERSION:
            raise IndexStoreError("index.format", root=str(self.root), found=found,
                                  expected=FORMAT_VERSION)
        return Manifest.from_dict(data)

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """One writer at a time (the app and a CLI may both add reports)."""
        with file_lock(self.root / ".lock"):
            yield

    def new_version(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        nanos = time.time_ns() % 10**9  # orders versions made within one second
        folder = self.root / f".tmp-v-{stamp}-{nanos:09d}-{os.getpid()}"
        folder.mkdir()
        (folder / "docs").mkdir()
        (folder / "sources").mkdir()
        return folder

    def publish(self, folder: Path) -> Path:
        """Make a fully written version live, atomically; keep the last few versions."""
        final = self.root / folder.name.removeprefix(".tmp-")
        fsync_tree(folder)
        folder.rename(final)
        fsync_dir(self.root)
        atomic_write_text(self.root / "CURRENT", final.name)
        self._cleanup(keep=final)
        return final

    def _cleanup(self, keep: Path) -> None:
        versions = sorted((p for p in self.root.iterdir() if p.name.startswith("v-")
                           and p.is_dir() and p != keep), key=lambda p: p.name)
        for old in versions[:max(0, len(versions) - (KEEP_VERSIONS - 1))]:
            shutil.rmtree(old, ignore_errors=True)
        for tmp in self.root.glob(".tmp-v-*"):  # a dead writer's leftovers; we hold the lock
            shutil.rmtree(tmp, ignore_errors=True)
        for tmp in self.root.glob(".CURRENT.*.tmp"):
            tmp.unlink(missing_ok=True)
