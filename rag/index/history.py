"""Who changed the index and how to undo it: ``changes.jsonl`` and rollback.

Every write that publishes a version appends one JSON line to
``<index>/changes.jsonl`` (time, who, what, which version became live and
which one it replaced), under the index's write lock. ``rollback`` makes the
newest loadable version older than the live one live again, and logs that too.
The log is appended after the publish: a crash between the two loses the log
line, never the index.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from rag.errors import BaocaoError, IndexStoreError
from rag.index.store import IndexStore

LOG_NAME = "changes.jsonl"


def default_actor() -> str:
    """``user@host`` of the process: who ran a command-line write."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        user = f"uid {os.getuid()}"
    return f"{user}@{socket.gethostname()}"


def record(root: Path, who: str | None, action: str, docs: dict[str, list[str]],
           version: str, previous: str | None) -> dict:
    """Append one change (``docs``: kind -> doc ids, e.g. {"added": [...]}); returns it."""
    entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "who": who or default_actor(),
             "action": action, **{k: v for k, v in docs.items() if v},
             "version": version, "previous": previous}
    path = Path(root) / LOG_NAME
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return entry


def read_log(root: Path) -> list[dict]:
    """The change log, oldest first; a line cut short by a crash is skipped."""
    path = Path(root) / LOG_NAME
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


@dataclass(frozen=True)
class Rollback:
    live: str  # the version live now
    previous: str | None  # the version that was live (None: CURRENT named nothing usable)
    n_docs: int
    n_chunks: int
    written: str  # when the live version was written, local time


def rollback(root: Path, who: str | None = None) -> Rollback:
    """Make the newest loadable version older than the live one live (with a damaged
    ``CURRENT``: the newest loadable version). Nothing is deleted."""
    from rag.index.load import load_version

    store = IndexStore(root)
    with store.write_lock():
        try:
            live = store.live()
        except BaocaoError:
            live = None
        if live is None and not store.versions():
            raise IndexStoreError("index.missing", root=str(store.root))
        older = [v for v in store.versions() if live is None or v.name < live.name]
        for candidate in reversed(older):
            try:
                index = load_version(store, candidate)
            except BaocaoError:
                continue
            store.point_to(candidate)
            record(root, who, "rollback", {}, candidate.name, live.name if live else None)
            written = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(
                (candidate / "manifest.json").stat().st_mtime))
            return Rollback(candidate.name, live.name if live else None, len(index.docs),
                            len(index.chunks), written)
    raise IndexStoreError("index.no_previous", root=str(store.root))
