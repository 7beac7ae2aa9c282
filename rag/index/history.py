"""Who changed the index and how to undo it: ``changes.jsonl`` and rollback.

Every write that publishes a version appends one JSON line to
``<index>/changes.jsonl`` (time, who, what, which version became live and
which one it replaced), under the index's write lock. ``rollback`` makes the
version that was live before the live one live again (``rag.index.lineage``
keeps which version was live when), and logs that too.
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
from rag.index import lineage
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
    """Make the version that was live before the live one live again, following the
    history (``rag.index.lineage``), never a folder that was never live; a version that
    is gone or cannot be loaded is passed over. With a damaged ``CURRENT``: the last
    loadable version that was live. Nothing is deleted."""
    store = IndexStore(root)
    with store.write_lock():
        try:
            live = store.live()
        except BaocaoError:
            live = None
        if live is None and not store.versions():
            raise IndexStoreError("index.missing", root=str(store.root))
        steps = lineage.reconcile(store.root, store.current_name(), store.version_names())
        targets = lineage.stack(steps)
        if live is not None:
            targets = targets[:-1] if targets and targets[-1] == live.name else targets
        for name in reversed(targets):
            done = _make_live(store, name, live, who)
            if done is not None:
                return done
    raise IndexStoreError("index.no_previous", root=str(store.root))


def _make_live(store: IndexStore, name: str, live: Path | None,
               who: str | None) -> Rollback | None:
    """Point ``CURRENT`` at version ``name`` if it loads; log it in both files."""
    from rag.index.load import load_version

    candidate = store.root / name
    try:
        index = load_version(store, candidate)
    except (BaocaoError, OSError):
        return None
    previous = live.name if live else None
    store.point_to(candidate)
    lineage.append(store.root, [lineage.Step("rollback", name, previous, time.time())])
    record(store.root, who, "rollback", {}, name, previous)
    written = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(
        (candidate / "manifest.json").stat().st_mtime))
    return Rollback(name, previous, len(index.docs), len(index.chunks), written)
