"""The app's shared state: one engine, its start-up, and reloads when the index changes.

Searches run in many threads at once and only read the engine. The engine is
set only once a question can really be answered (index loaded, model loaded
and warmed by one query), so "ready" in the page is true; a question asked
before that waits for it (``wait_ready``). A watcher thread reads ``CURRENT``
every ``RELOAD_POLL_SECONDS`` and loads a version another process published
(``baocao index add`` while the app runs) in the background, then swaps it in;
a search in flight keeps the version it started on. An index that cannot be
read is reported in the page and never rebuilt over.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from rag import service
from rag.errors import BaocaoError
from rag.index import IndexStore, default_index_dir
from rag.records import Chunk, DocInfo, Document
from ui.messages import vi_error

log = logging.getLogger("baocao.ui")

RELOAD_POLL_SECONDS = 2.0  # no measurement: a CLI change shows up within a few seconds
# measured (README, start-up): loading the model and index takes ~10 s on a later start; the
# progress bar of a step moves towards its end on this time scale, never reaching it early
MODEL_LOAD_SECONDS = 12.0
SYSTEM_ERROR = "lỗi hệ thống (chi tiết trong nhật ký máy chủ)"


def periods_key(d: DocInfo) -> tuple:
    """Newest reporting period first: the latest month a report covers, then its date."""
    ends = [(p.year or 0, p.end_month, -p.start_month) for p in d.periods]
    return (max(ends) if ends else (0, 0, 0), d.date or "", d.doc_id)


class AppState:
    """Engine holder; builds the bundled sample index in the background when there is no
    index at all (never over one that exists but cannot be read)."""

    def __init__(self, index_dir=None, engine: service.Engine | None = None) -> None:
        self.root = Path(engine.root if engine else index_dir or default_index_dir())
        self.engine: service.Engine | None = None
        self.error: str | None = None  # Vietnamese: why no question can be answered
        self.notice: str | None = None  # Vietnamese: e.g. a newer version could not be read
        self.progress = {"text": "Đang mở chỉ mục…", "fraction": 0.0}
        self.started = time.perf_counter()
        self.ready_after: float | None = None
        self.write_lock = threading.Lock()  # one upload/removal of this app at a time
        self._settled = threading.Event()  # ready, or failed for good
        self._chunks: tuple[int, dict[str, Chunk]] = (0, {})
        self._failed_version: str | None = None
        self._watching = False
        if engine is not None:
            self._set_engine(engine)

    def start(self, background: bool = True, open_in_background: bool = False,
              watch: bool = True) -> AppState:
        """Open the index; with none on disk, build the sample corpus (in a thread).

        ``open_in_background`` also loads an existing index (and the embedding
        model, several seconds) in a thread, so the page is up sooner.
        """
        if self.engine is None:
            build = not IndexStore(self.root).exists()
            task = self._build if build else self._open_or_report
            if (background and build) or open_in_background:
                threading.Thread(target=task, name="baocao-index", daemon=True).start()
            else:
                task()
        if watch:
            self.watch()
        return self

    # -- opening ------------------------------------------------------------------
    def _open_or_report(self) -> None:
        try:
            with self.ticking("Đang mở chỉ mục và tải mô hình…", 0.05, 0.95,
                              MODEL_LOAD_SECONDS):
                self._open()
        except BaocaoError as exc:
            self._fail(vi_error(exc))
        except Exception:  # noqa: BLE001 - e.g. a broken model cache: said in the page
            log.exception("opening the index failed")
            self._fail(f"Không mở được chỉ mục: {SYSTEM_ERROR}.")

    def _open(self) -> None:
        engine = service.Engine.open(self.root)
        engine.retriever.embedder.embed_query("khởi động")  # the first query pays for warm-up
        self._set_engine(engine)
        self.ready_after = time.perf_counter() - self.started
        log.info("index ready after %.1f s (%s)", self.ready_after, self.root)

    def _set_engine(self, engine: service.Engine) -> None:
        self.engine, self.error = engine, None
        self._settled.set()

    def _fail(self, text: str) -> None:
        self.error = text
        self._failed_version = self.live_version()  # retried when CURRENT changes
        self._settled.set()

    def _build(self) -> None:
        """First start: index data/reports with progress the page shows."""
        try:
            with self.ticking("Lần chạy đầu: đang tải mô hình nhúng…", 0.01, 0.10,
                              MODEL_LOAD_SECONDS):
                service.embedder()
            files = service.list_report_files(service.SAMPLE_CORPUS)
            service.build(index_dir=self.root, progress=self._on_progress([], len(files)),
                          who="baocao serve (first start)")
            self.progress = {"text": "Đang mở chỉ mục…", "fraction": 0.97}
            self._open()
        except BaocaoError as exc:
            self._fail(f"Không lập được chỉ mục mẫu: {vi_error(exc)}.")
        except Exception:  # noqa: BLE001 - shown in the page, logged in full
            log.exception("building the sample index failed")
            self._fail(f"Không lập được chỉ mục mẫu: {SYSTEM_ERROR}.")

    @contextlib.contextmanager
    def ticking(self, text: str, start: float, end: float, seconds: float) -> Iterator[None]:
        """Progress for a step that reports none (loading a model): the bar moves towards
        ``end`` on the step's usual time scale and the text counts the seconds."""
        done = threading.Event()
        t0 = time.perf_counter()

        def tick() -> None:
            while not done.wait(0.5):
                t = time.perf_counter() - t0
                frac = start + (end - start) * (1 - math.exp(-t / seconds))
                self.progress = {"text": f"{text} ({t:.0f} giây)", "fraction": frac}

        self.progress = {"text": text, "fraction": start}
        thread = threading.Thread(target=tick, name="baocao-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()

    def _on_progress(self, seen: list[str], n_files: int) -> Callable[[str, int, int], None]:
        def report(doc_id: str, done: int, total: int) -> None:
            if doc_id not in seen:
                seen.append(doc_id)
            frac = (len(seen) - 1 + (done / total if total else 1)) / max(n_files, 1)
            self.progress = {
                "text": f"Lần chạy đầu: đang lập chỉ mục báo cáo mẫu {len(seen)}/{n_files} "
                        f"({doc_id}: {done}/{total} đoạn)",
                "fraction": 0.10 + 0.85 * frac,
            }
        return report

    # -- readiness and reloads -----------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self.engine is not None

    def wait_ready(self, timeout: float) -> bool:
        """Block until a question can be answered (True) or the index failed (False)."""
        self._settled.wait(timeout)
        return self.engine is not None

    def watch(self) -> None:
        """Start the CURRENT watcher (once)."""
        if self._watching:
            return
        self._watching = True
        threading.Thread(target=self._watch, name="baocao-reload", daemon=True).start()

    def _watch(self) -> None:
        while True:
            time.sleep(RELOAD_POLL_SECONDS)
            try:
                self.check_reload()
            except Exception:  # noqa: BLE001 - the watcher must outlive any one failure
                log.exception("checking the index for a new version failed")

    def live_version(self) -> str | None:
        try:
            return (self.root / "CURRENT").read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def check_reload(self) -> bool:
        """Load the version ``CURRENT`` names if it is not the one served; True if swapped."""
        name = self.live_version()
        engine = self.engine
        if engine is None:
            if self.error and name and name != self._failed_version and self._settled.is_set():
                self._failed_version = name  # e.g. after 'baocao index rollback'
                self._settled.clear()
                self._open_or_report()
                return self.engine is not None
            return False
        if name is None or name == engine.index.folder.name or name == self._failed_version:
            return False
        try:
            with self.write_lock:
                engine.reload()
        except BaocaoError as exc:
            self._failed_version = name
            self.notice = (f"Phiên bản mới của chỉ mục không đọc được ({vi_error(exc)}); "
                           "vẫn đang dùng phiên bản trước.")
            log.warning("cannot load %s: %s", name, exc)
            return False
        self.notice = None
        log.info("reloaded the index: %s is live", engine.index.folder.name)
        return True

    # -- reading ---------------------------------------------------------------------
    def status(self) -> dict:
        if self.engine is not None:
            n = len(self.engine.index.docs)
            text = f"Sẵn sàng: {n} báo cáo trong chỉ mục."
            if self.notice:
                text += " " + self.notice
            return {"state": "ready", "text": text, "version": self.engine.index.folder.name}
        if self.error:
            return {"state": "error", "text": self.error}
        return {"state": "building", **self.progress}

    def docs(self) -> list[DocInfo]:
        """Indexed reports, newest period first."""
        if self.engine is None:
            return []
        return sorted(self.engine.index.docs.values(), key=periods_key, reverse=True)

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


def start_for_serve(index_dir=None) -> AppState:
    """``baocao serve``'s state, started before the web app is even imported: on a first
    start the sample index builds (model, parsing, embedding) while gradio loads, about
    2.5 CPU-s that used to come first (eval/BENCHMARKS.md, "Issue 23")."""
    # Before torch could load: idle OpenMP threads sleep instead of spinning. A server runs
    # short passes from many threads, and spinning workers burned the CPU the next pass
    # needed (eval/BENCHMARKS.md "Load": 126-158 -> 50-59 ms of server CPU per question).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    state = AppState(Path(index_dir) if index_dir else None)
    if not (state.root / "CURRENT").exists() and not any(state.root.glob("v-*")):
        log.info("no index at %s: building the sample corpus index (progress in the page)",
                 state.root)
    return state.start(open_in_background=True)
