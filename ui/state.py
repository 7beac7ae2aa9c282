"""The app's shared state: one engine, its first-start build, and report uploads.

Searches run in many threads at once and only read the engine; an upload
writes a new index version under a lock and then swaps the engine's index
(``Engine.reload``), so a search in flight keeps the version it started on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rag import service
from rag.errors import BaocaoError
from rag.index import default_index_dir
from rag.ingest import check_file
from rag.records import Chunk, DocInfo, Document
from ui.messages import vi_error

log = logging.getLogger("baocao.ui")


@dataclass
class UploadResult:
    added: list[DocInfo] = field(default_factory=list)  # added or replaced reports
    replaced: set[str] = field(default_factory=set)  # ids that were indexed before
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


class AppState:
    """Engine holder; builds the bundled sample index in the background when none exists."""

    def __init__(self, index_dir=None, engine: service.Engine | None = None) -> None:
        self.root = Path(engine.root if engine else index_dir or default_index_dir())
        self.engine = engine
        self.error: str | None = None
        self.progress = {"text": "Đang mở chỉ mục…", "fraction": 0.0}
        self.started = time.perf_counter()
        self.ready_after: float | None = 0.0 if engine else None
        self._write = threading.Lock()
        self._chunks: tuple[int, dict[str, Chunk]] = (0, {})

    def start(self, background: bool = True, open_in_background: bool = False) -> AppState:
        """Open the index; with none on disk, build the sample corpus (in a thread).

        ``open_in_background`` also loads an existing index (and the embedding
        model, several seconds) in a thread, so the page is up sooner.
        """
        if self.engine is not None:
            return self
        build = not (self.root / "CURRENT").exists()
        task = self._build if build else self._open_or_report
        if (background and build) or open_in_background:
            threading.Thread(target=task, name="baocao-index", daemon=True).start()
        else:
            task()
        return self

    def _open_or_report(self) -> None:
        self.progress = {"text": "Đang mở chỉ mục và tải mô hình…", "fraction": 0.5}
        try:
            self._open()
        except BaocaoError as exc:
            self.error = vi_error(exc)
        except Exception as exc:  # noqa: BLE001 - e.g. a broken model cache: say so in the page
            log.exception("opening the index failed")
            self.error = f"Không mở được chỉ mục: {exc}"

    def _open(self) -> None:
        self.engine = service.Engine.open(self.root)
        self.ready_after = time.perf_counter() - self.started
        log.info("index ready after %.1f s (%s)", self.ready_after, self.root)

    def _build(self) -> None:
        """First start: index data/reports with progress the page shows."""
        try:
            self.progress = {"text": "Đang tải mô hình nhúng…", "fraction": 0.02}
            service.embedder()
            files = service.list_report_files(service.SAMPLE_CORPUS)
            seen: list[str] = []
            service.build(index_dir=self.root, progress=self._on_progress(seen, len(files)))
            self.progress = {"text": "Đang mở chỉ mục…", "fraction": 0.99}
            self._open()
        except Exception as exc:  # noqa: BLE001 - shown in the page, logged in full
            log.exception("building the sample index failed")
            self.error = f"Không xây dựng được chỉ mục mẫu: {exc}"

    def _on_progress(self, seen: list[str], n_files: int) -> Callable[[str, int, int], None]:
        def report(doc_id: str, done: int, total: int) -> None:
            if doc_id not in seen:
                seen.append(doc_id)
            frac = (len(seen) - 1 + (done / total if total else 1)) / max(n_files, 1)
            self.progress = {
                "text": f"Lần chạy đầu: đang lập chỉ mục báo cáo mẫu {len(seen)}/{n_files} "
                        f"({doc_id}: {done}/{total} đoạn)",
                "fraction": 0.05 + 0.9 * frac,
            }
        return report

    @property
    def ready(self) -> bool:
        return self.engine is not None

    def status(self) -> dict:
        if self.engine is not None:
            docs = self.engine.index.docs
            n_chunks = sum(d.n_chunks for d in docs.values())
            return {"state": "ready", "text": f"Sẵn sàng: {len(docs)} báo cáo, "
                                              f"{n_chunks} đoạn trong chỉ mục."}
        if self.error:
            return {"state": "error", "text": self.error}
        return {"state": "building", **self.progress}

    def docs(self) -> list[DocInfo]:
        """Indexed reports, newest period first."""
        if self.engine is None:
            return []
        return sorted(self.engine.index.docs.values(), key=lambda d: (d.date or "", d.doc_id),
                      reverse=True)

    def chunk(self, chunk_id: str) -> Chunk | None:
        index = self.engine.index
        if self._chunks[0] != id(index):
            self._chunks = (id(index), {c.chunk_id: c for c in index.chunks})
        return self._chunks[1].get(chunk_id)

    def document(self, doc_id: str) -> Document:
        """A parsed report; only indexed ids (IndexStoreError otherwise).

        If another process published a new version (old files are removed), reload once.
        """
        try:
            return self.engine.index.document(doc_id)
        except FileNotFoundError:
            self.engine.reload()
            return self.engine.index.document(doc_id)

    def add(self, paths: list[Path], progress=None) -> UploadResult:
        """Index uploaded files; bad ones are reported and the index stays as it was."""
        result = UploadResult()
        ok = []
        for path in paths:
            try:
                check_file(path)
            except BaocaoError as exc:
                result.failed[path.name] = vi_error(exc)
            else:
                ok.append(path)
        if not ok:
            return result
        with self._write:
            before = set(self.engine.index.docs)
            report = service.add(ok, index_dir=self.root, progress=progress)
            result.replaced = before & set(report.added)
            result.failed.update({k: vi_error(e) for k, e in report.errors.items()})
            result.unchanged = list(report.unchanged)
            if report.added:
                self.engine.reload()
            result.added = [self.engine.index.docs[d] for d in report.added]
        return result
