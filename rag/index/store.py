"""On-disk index: versions of a directory of plain files, and the pointer to the live one.

Layout of an index root::

    CURRENT                   name of the live version folder (replaced atomically)
    history.jsonl             which version was live when (rollback and retention follow it)
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
loadable. Readers read ``CURRENT`` once per load. ``history.jsonl`` records
which version was live when (``rag.index.lineage``): old versions are deleted
only when they are neither among the last ``KEEP_VERSIONS`` live ones nor
retired less than ``GRACE_SECONDS`` ago, so a reader that read ``CURRENT`` just
before a publish still finds its folder, and a bad write can be undone
(``baocao index rollback``); a folder that was never live (a writer killed
between rename and swap) is deleted by the next writer. Nothing is pickled.
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
from rag.index import integrity, lineage
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
        """Cheap checks of a version's files (no full load): all there (the parsed report of
        every document the manifest lists too), vectors, chunks and the BM25 arrays whole
        and of the manifest's counts (``rag.index.integrity``).
        Run before anything expensive, such as loading the embedding model for a write."""
        for name in REQUIRED_FILES:
            if not (folder / name).is_file():
                raise self.damaged(f"{folder.name}/{name} is missing")
        for doc in manifest.documents:  # the reader and the next write need each of them
            if not (folder / "docs" / f"{doc.doc_id}.json").is_file():
                raise self.damaged(f"{folder.name}/docs/{doc.doc_id}.json is missing")
        try:
            vectors = np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError, EOFError) as exc:
            raise self.damaged(f"{folder.name}/vectors.npy is damaged: {exc}") from exc
        if vectors.ndim != 2 or vectors.shape[0] != manifest.n_chunks:
            raise self.damaged(f"{folder.name}/vectors.npy has shape {vectors.shape}, the "
                               f"manifest says {manifest.n_chunks} chunks")
        why = (integrity.chunks_problem(folder / "chunks.jsonl", manifest.n_chunks)
               or integrity.bm25_problem(folder, manifest.n_chunks))
        if why:
            raise self.damaged(f"{folder.name}/{why}")

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
        self.remove_orphans()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        nanos = time.time_ns() % 10**9  # orders versions made within one second
        folder = self.root / f".tmp-v-{stamp}-{nanos:09d}-{os.getpid()}"
        folder.mkdir()
        (folder / "docs").mkdir()
        (folder / "sources").mkdir()
        return folder

    def publish(self, folder: Path) -> Path:
        """Make a fully written version live, atomically; record it in the history (after
        the swap: a crash between the two is repaired from ``CURRENT``); keep the last
        few live versions."""
        final = self.root / folder.name.removeprefix(".tmp-")
        previous = self.current_name()
        lineage.reconcile(self.root, previous, self.version_names())
        fsync_tree(folder)
        folder.rename(final)
        fsync_dir(self.root)
        self.point_to(final)
        lineage.append(self.root, [lineage.Step("publish", final.name, previous, time.time())])
        self._cleanup(keep=final)
        return final

    def point_to(self, folder: Path) -> None:
        """Swap ``CURRENT`` to ``folder`` (a published version), atomically."""
        atomic_write_text(self.root / "CURRENT", folder.name)

    def current_name(self) -> str | None:
        """The version name ``CURRENT`` holds if it names a folder here, else None."""
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return name if _VERSION_NAME.match(name) and (self.root / name).is_dir() else None

    def version_names(self) -> list[str]:
        return [v.name for v in self.versions()]

    def _cleanup(self, keep: Path) -> None:
        """Delete what no rollback can reach: versions never live at once (a killed
        writer's), others once they are beyond the last ``KEEP_VERSIONS`` live ones and
        ``GRACE_SECONDS`` after they stopped being live."""
        steps = lineage.read(self.root)
        kept = {keep.name, *lineage.stack(steps)[-KEEP_VERSIONS:]}
        now = time.time()
        for old in self.versions():
            if old.name in kept:
                continue
            retired = lineage.retired_at(steps, old.name)
            if retired is None or now - retired >= GRACE_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
        self._remove_leftovers()

    def remove_orphans(self) -> None:
        """Complete version folders that were never live (a writer killed between the
        rename and the pointer swap): deleted by the next writer, under the lock. Nothing
        is deleted while ``CURRENT`` cannot be read."""
        current = self.current_name()
        if current is None:
            return
        steps = lineage.reconcile(self.root, current, self.version_names())
        live = lineage.ever_live(steps)
        for folder in self.versions():
            if folder.name not in live:
                shutil.rmtree(folder, ignore_errors=True)

    def _remove_leftovers(self) -> None:
        for tmp in self.root.glob(".tmp-v-*"):  # a dead writer's leftovers; we hold the lock
            shutil.rmtree(tmp, ignore_errors=True)
        for tmp in self.root.glob(".CURRENT.*.tmp"):
            tmp.unlink(missing_ok=True)
