"""Which version was live when: ``history.jsonl`` beside ``CURRENT``.

Version folder names sort by creation time, not by when they were live: a
rollback makes an older folder live again, and a writer killed between the
folder's rename and the pointer swap leaves a complete folder that was never
live (an orphan). Rollback and retention therefore follow this history, never
the names:

* a publish appends ``{"action": "publish", "live": new, "previous": old}``
  after the pointer swap, a rollback ``{"action": "rollback", ...}``; each line
  is fsynced, under the index's write lock;
* replaying the lines gives a stack of live versions: a publish pushes, a
  rollback pops back to the version it made live. ``index rollback`` goes to
  the one below the top; retention keeps the top ``KEEP_VERSIONS``;
* a version never named by the history (nor by ``CURRENT``) was never live:
  the next writer deletes it.

``CURRENT`` stays the truth about the present: a crash after the swap and
before the line loses the line, and ``reconcile`` adds it back (a version
already on the stack was rolled back to, any other one was published). An
index written before this file existed is seeded from ``changes.jsonl``, whose
lines name the version each write made live and the one it replaced.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

HISTORY_NAME = "history.jsonl"
CHANGES_NAME = "changes.jsonl"  # rag.index.history's log: only read here, to seed


@dataclass(frozen=True)
class Step:
    """One change of the live version: ``live`` became live at ``ts`` (epoch seconds),
    replacing ``previous``."""

    action: str  # "publish", "rollback" or "seed" (reconstructed for an older index)
    live: str
    previous: str | None
    ts: float


def read(root: Path) -> list[Step]:
    """The history, oldest first; a line cut short by a crash is skipped."""
    return list(_read_lines(Path(root) / HISTORY_NAME, _step))


def append(root: Path, steps: Iterable[Step]) -> None:
    """Append ``steps`` durably (called under the write lock)."""
    text = "".join(json.dumps(asdict(s), ensure_ascii=False) + "\n" for s in steps)
    if not text:
        return
    with open(Path(root) / HISTORY_NAME, "a", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def stack(steps: Iterable[Step]) -> list[str]:
    """The live versions a rollback can return to, oldest first; the last one is live."""
    out: list[str] = []
    for s in steps:
        if s.action == "rollback" and s.live in out:
            del out[out.index(s.live) + 1:]
        elif not out or out[-1] != s.live:
            out.append(s.live)
    return out


def ever_live(steps: Iterable[Step]) -> set[str]:
    return {s.live for s in steps}


def retired_at(steps: list[Step], version: str) -> float | None:
    """When ``version`` last stopped being live (None: it is live, or never was)."""
    when = None
    for s, nxt in zip(steps, steps[1:], strict=False):
        if s.live == version and nxt.live != version:
            when = nxt.ts
    return when


def reconcile(root: Path, current: str | None, versions: list[str]) -> list[Step]:
    """The history made to agree with ``CURRENT`` (``current``: the name it holds, None when
    it cannot be read), seeded when missing; what was added is written. Under the lock."""
    root = Path(root)
    steps = read(root)
    added: list[Step] = []
    if not steps:
        added = _seed(root, current, versions)
        steps = added
    if current is not None:
        live = stack(steps)
        if not live or live[-1] != current:
            action = "rollback" if current in live else "publish"
            fix = Step(action, current, live[-1] if live else None, time.time())
            steps, added = [*steps, fix], [*added, fix]
    append(root, added)
    return steps


def _seed(root: Path, current: str | None, versions: list[str]) -> list[Step]:
    """A history for an index written before this file: the change log's versions in log
    order (each line names the version made live and the one it replaced); folders older
    than every logged one were live before the log began. Without a log (or ``CURRENT``)
    every folder up to ``CURRENT`` counts as once live, in name order, as before."""
    logged: list[tuple[str, str]] = []  # (action, version), in the order they were live
    for entry in _read_lines(root / CHANGES_NAME, lambda d: d):
        previous, version = entry.get("previous"), entry.get("version")
        if isinstance(previous, str) and (not logged or logged[-1][1] != previous):
            logged.append(("seed", previous))
        if isinstance(version, str):
            logged.append(("rollback" if entry.get("action") == "rollback" else "seed",
                           version))
    if logged and current is not None:
        first = min(v for _, v in logged)
        older = [("seed", v) for v in versions if v < first]
        order = older + logged
    else:
        order = [("seed", v) for v in versions if current is None or v <= current]
    return [Step(action, v, None, _written(root / v)) for action, v in order]


def _written(folder: Path) -> float:
    try:
        return (folder / "manifest.json").stat().st_mtime
    except OSError:
        return 0.0


def _step(data: dict) -> Step:
    return Step(str(data["action"]), str(data["live"]),
                None if data.get("previous") is None else str(data["previous"]),
                float(data["ts"]))


def _read_lines(path: Path, parse) -> Iterable:
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            data = json.loads(line)
            yield parse(data)
        except (ValueError, KeyError, TypeError):
            continue
