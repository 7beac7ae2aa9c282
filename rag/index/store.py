"""On-disk index: versions of a directory of plain files, and the pointer to the live one.

Layout of an index root::

    CURRENT                   name of the live version folder (replaced atomically)
    changes.jsonl             who changed what, when (one JSON object per write)
    v-<stamp>/manifest.json   format version, parser version, embedder, analyzer, documents
    v-<stamp>/chunks.jsonl    one chunk per line, row i <-> vector i
    v-<stamp>/vectors.npy     float32 (n, dim), L2-normalized
    v-<stamp>/bm25_*.npy      sparse BM25 matrix, bm25_vocab.json, bm25_meta.json
    v-<stamp>/docs/<id>.json  parsed report (paragraphs, sections, footnotes) for the reader
    v-<stamp>/sources/<id>.*  the report file as uploaded, so a new parser can re-read it

A writer builds a complete new version folder, fsyncs it, renames it into
place and swaps ``CURRENT`` with ``os.replace`` (the directory fsynced after
each rename); a crash or ``kill -9`` at any moment leaves the previous version
loadable. Readers read ``CURRENT`` once per load. Old versions are deleted only
when they are neither among the last ``KEEP_VERSIONS`` nor retired less than
``GRACE_SECONDS`` ago, so a reader that read ``CURRENT`` just before a publish
still finds its folder, and a bad write can be undone (``baocao index rollback``).
Nothing is pickled.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from rag.errors import IndexStoreError
from rag.fsutil import atomic_write_text, file_lock, fsync_dir, fsync_tree
from rag.records import Manifest

FORMAT_VERSION = 2  # 2: typed manifest with parser version and analyzer data; sources/
KEEP_VERSIONS = 3  # the live version and two before it stay on disk after a publish
# No measurement: far longer than a load of the 1M-chunk benchmark index takes, and than
# the app's CURRENT poll (ui.state.RELOAD_POLL_SECONDS); short enough that a burst of
# uploads does not pile up copies of a large index.
GRACE_SECONDS = 120.0
_VERSION_NAME = re.compile(r"^v-[0-9A-Za-z_-]+$")
REQUIRED_FILES = ("manifest.json", "chunks.jsonl", "vectors.npy", "bm25_vocab.json")


class IndexStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def versions(self) -> list[Path]:
        """Published version folders, oldest first (their names sort by creation time)."""
        if not self.root.is_dir():
            return []
        return sorted((p for p in self.root.iterdir()
                       if p.name.startswith("v-") and p.is_dir()), key=lambda p: p.name)

    def exists(self) -> bool:
        """Whether anything of an index is here (a pointer or a version), readable or not:
        a folder that holds versions but no ``CURRENT`` is a damaged index, not a new one."""
        return (self.root / "CURRENT").exists() or bool(self.versions())

    def live(self) -> Path | None:
        """The live version folder named by ``CURRENT``, read once; None when there is
        no index at all. A pointer that names nothing usable is ``index.damaged``."""
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            if self.versions():
                raise self.damaged("CURRENT is missing") from None
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise self.damaged(f"CURRENT cannot be read: {exc}") from exc
        if not name:
            raise self.damaged("CURRENT is empty")
        folder = self.root / name
        if not _VERSION_NAME.match(name) or not (folder / "manifest.json").is_file():
            raise self.damaged(f"CURRENT names {name[:60]!r}, which is not a version here")
        return folder

    def live_folder(self) -> Path:
        folder = self.live()
        if folder is None:
            raise IndexStoreError("index.missing", root=str(self.root))
        return folder

    def damaged(self, why: str) -> IndexStoreError:
        return IndexStoreError("index.damaged", root=str(self.root), why=why)

    def manifest(self, folder: Path | None = None) -> Manifest:
        """The manifest of ``folder`` (default: the live version), format checked."""
        folder = folder or self.live_folder()
        try:
            data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise self.damaged(f"{folder.name}/manifest.json cannot be read: {exc}") from exc
        found = data.get("format_version") if isinstance(data, dict) else None
        if isinstance(found, int) and found > FORMAT_VERSION:
            raise IndexStoreError("index.format_newer", root=str(self.root), found=found,
                                  expected=FORMAT_VERSION)
        if found != FORMAT_VERSION:
            raise IndexStoreError("index.format", root=str(self.root), found=found,
                                  expected=FORMAT_VERSION)
        try:
            return Manifest.from_dict(data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise self.damaged(f"{folder.name}/manifest.json is incomplete: {exc!r}") from exc

    def verify(self, folder: Path, manifest: Manifest) -> None:
        """Cheap checks of a version's files (no full load): all there, vectors complete.
        Run before anything expensive, such as loading the embedding model for a write."""
        for name in REQUIRED_FILES:
            if not (folder / name).is_file():
                raise self.damaged(f"{folder.name}/{name} is missing")
        try:
            vectors = np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError, EOFError) as exc:
            raise self.damaged(f"{folder.name}/vectors.npy is damaged: {exc}") from exc
        if vectors.ndim != 2 or vectors.shape[0] != manifest.n_chunks:
            raise self.damaged(f"{folder.name}/vectors.npy has shape {vectors.shape}, the "
                               f"manifest says {manifest.n_chunks} chunks")

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """One writer at a time (the app and a CLI may both add reports)."""
        with file_lock(self.root / ".lock"):
            yield

    def new_version(self) -> Path:
        """A fresh temporary folder (called under the write lock, so any other temporary
        folder is a dead writer's leftover and goes first)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._remove_leftovers()
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
        self.point_to(final)
        self._cleanup(keep=final)
        return final

    def point_to(self, folder: Path) -> None:
        """Swap ``CURRENT`` to ``folder`` (a published version), atomically."""
        atomic_write_text(self.root / "CURRENT", folder.name)

    def _cleanup(self, keep: Path) -> None:
        versions = self.versions()
        others = [v for v in versions if v != keep]
        now = time.time()
        for old in others[:max(0, len(others) - (KEEP_VERSIONS - 1))]:
            if now - self.retired_at(old, versions) >= GRACE_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
        self._remove_leftovers()

    @staticmethod
    def retired_at(version: Path, versions: list[Path]) -> float:
        """When ``version`` stopped being live: when the next version was written (its
        manifest is the last file written before its publish)."""
        later = [v for v in versions if v.name > version.name]
        for nxt in later:
            with contextlib.suppress(OSError):
                return (nxt / "manifest.json").stat().st_mtime
        return time.time()

    def _remove_leftovers(self) -> None:
        for tmp in self.root.glob(".tmp-v-*"):  # a dead writer's leftovers; we hold the lock
            shutil.rmtree(tmp, ignore_errors=True)
        for tmp in self.root.glob(".CURRENT.*.tmp"):
            tmp.unlink(missing_ok=True)
