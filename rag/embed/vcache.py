"""A per-machine store of passage vectors keyed by (model, text hash), so the same text
is never embedded twice: a rebuilt, forced or second index over the same reports, an
evaluation index, a test session, a report uploaded again after it was removed.

Embedding is ~0.1-0.2 CPU-s per chunk on these machines (eval/EMBEDDER.md), looking a
vector up ~20 µs. Only embedders that name exactly what computes their vectors (a
``fingerprint``: model files, runtime version) are cached; the others (``hash``,
``st:`` folders that could change in place) always embed.

One SQLite file under the user cache (``$BAOCAO_CACHE_DIR``), safe for concurrent
writers; ``BAOCAO_VECTOR_CACHE=off`` disables it, another value is the file to use.
A cache that cannot be read or written is logged and bypassed, never an error: it
only ever saves time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from rag.embed.base import Embedder

log = logging.getLogger(__name__)
ENV = "BAOCAO_VECTOR_CACHE"
FILE_NAME = "vectors-v1.sqlite"
_SCHEMA = ("CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, key BLOB NOT NULL, "
           "vec BLOB NOT NULL, PRIMARY KEY (model, key)) WITHOUT ROWID")
_LOOKUP_CHUNK = 500  # SQLite's bound-parameter limit is 999 on old builds


def text_hash(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


def cache_path() -> Path | None:
    value = os.environ.get(ENV, "").strip()
    if value.lower() in ("off", "0", "false", "no"):
        return None
    if value:
        return Path(value).expanduser()
    from rag.embed.e5cache import cache_dir

    return cache_dir() / FILE_NAME


class VectorCache:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._broken = False

    def _conn(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SCHEMA)
                self._db = db
            except (sqlite3.Error, OSError) as exc:
                self._disable(exc)
        return self._db

    def _disable(self, exc: Exception) -> None:
        log.warning("vector cache %s unusable, embedding without it: %s", self.path, exc)
        self._broken, self._db = True, None

    def get(self, model: str, keys: list[bytes], dim: int) -> dict[bytes, np.ndarray]:
        with self._lock:
            db = self._conn()
            if db is None:
                return {}
            found: dict[bytes, np.ndarray] = {}
            try:
                for start in range(0, len(keys), _LOOKUP_CHUNK):
                    part = keys[start:start + _LOOKUP_CHUNK]
                    marks = ",".join("?" * len(part))
                    rows = db.execute(f"SELECT key, vec FROM vectors WHERE model = ? "
                                      f"AND key IN ({marks})", [model, *part])
                    for key, blob in rows:
                        vec = np.frombuffer(blob, dtype="<f4")
                        if vec.shape == (dim,):  # a wrong length is ignored, never used
                            found[key] = vec
            except sqlite3.Error as exc:
                self._disable(exc)
                return {}
            return found

    def put(self, model: str, items: dict[bytes, np.ndarray]) -> None:
        with self._lock:
            db = self._conn()
            if db is None or not items:
                return
            rows = [(model, k, np.asarray(v, dtype="<f4").tobytes()) for k, v in items.items()]
            try:
                with db:
                    db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
            except sqlite3.Error as exc:
                self._disable(exc)


_CACHES: dict[Path, VectorCache] = {}
_CACHES_LOCK = threading.Lock()


def shared_cache() -> VectorCache | None:
    path = cache_path()
    if path is None:
        return None
    with _CACHES_LOCK:
        return _CACHES.setdefault(path, VectorCache(path))


def embed_passages_cached(embedder: Embedder, texts: list[str],
                          on_progress: Callable[[int, int], None] | None = None,
                          ) -> tuple[np.ndarray, int]:
    """``embedder.embed_passages(texts)`` and how many texts the model embedded: vectors
    of texts seen before come from the cache, new ones are stored in it. Progress counts
    looked-up texts as done."""
    model = getattr(embedder, "fingerprint", None) if texts else None
    cache = shared_cache() if model else None
    if cache is None:
        return embedder.embed_passages(texts, on_progress=on_progress), len(texts)
    keys = [text_hash(t) for t in texts]
    found = cache.get(model, list(dict.fromkeys(keys)), embedder.dim)
    todo = [i for i, k in enumerate(keys) if k not in found]
    hits = len(texts) - len(todo)
    tick = None
    if on_progress is not None:
        tick = lambda done, _total: on_progress(hits + done, len(texts))  # noqa: E731
        if hits:
            on_progress(hits, len(texts))
    fresh = embedder.embed_passages([texts[i] for i in todo], on_progress=tick)
    cache.put(model, {keys[i]: fresh[row] for row, i in enumerate(todo)})
    out = np.empty((len(texts), embedder.dim), dtype=np.float32)
    for i, k in enumerate(keys):
        out[i] = found.get(k, 0.0)
    if todo:
        out[todo] = fresh
    return out, len(todo)
