"""A write whose reports are read on a Ray cluster: ``index build|add --ray ADDRESS``.

The driver (this process) sends each report file's bytes to a Ray task
(``rag.cluster.work``), which reads, parses, chunks and embeds it and extracts its
observations on whichever node has a free CPU. ``ClusterReader`` is the ``read``
function ``update_index`` calls for each report: on its first call (under the
index's write lock, after the live version was read) it plans the reports' ids the
way the write will give them, runs every task and waits; each call then hands back
its report's result. From there the write is the local one (same ids, same manifest,
same files, same atomic publish), so a cluster build equals a local build of the
same files. A result the plan did not foresee (an earlier file failed, so an id
moved) is read here instead.

Failures: a task whose worker or node dies is retried elsewhere by Ray
(``max_retries``); a cluster with no live CPU node for ``NO_WORKER_SECONDS``, or a
lost head, stops the write with one line before anything is published.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rag import errors
from rag.cluster.connect import NodeWatch, connect, disconnect, probe
from rag.cluster.work import code_version, read_remote
from rag.errors import BaocaoError, ClusterError, InputError
from rag.index.ids import assign_doc_id
from rag.index.report import Read, read_report
from rag.index.store import IndexStore
from rag.ingest import MAX_BYTES
from rag.records import DocInfo

TASK_RETRIES = 3  # a report's task is run again this often when its worker or node dies
NO_WORKER_SECONDS = 60.0  # no node to run on for this long: the build stops
LOST_HEAD_SECONDS = 10.0  # a head that does not answer for this long: the build stops (Ray
# itself would end the process after 60 s with a message of its own)
POLL_SECONDS = 1.0  # progress and liveness are checked this often while tasks run
IN_FLIGHT_PER_CPU = 2  # reports sent ahead per CPU: bounds the bytes held in the cluster


@dataclass
class ClusterProgress:
    done: int  # reports read
    total: int
    chunks: int  # passages made so far
    seconds: float
    nodes: int  # live nodes with a CPU
    read_on: int  # nodes that have read reports of this write

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _Job:
    path: Path
    doc_id: str
    known: DocInfo | None


class ClusterReader:
    """``read_report`` with every report of ``files`` read on the cluster at ``address``."""

    def __init__(self, address: str, files: list[Path], root: Path, force: bool = False,
                 on_progress: Callable[[ClusterProgress], None] | None = None) -> None:
        self.address, self.files, self.root, self.force = address, list(files), root, force
        self.on_progress = on_progress
        self.results: dict[tuple, tuple] | None = None  # (path, id) -> (known, result)
        self.local = 0  # reports the plan did not foresee, read here

    def __call__(self, path: Path, doc_id: str, known: DocInfo | None, replace, embedder,
                 cache: dict, progress=None) -> Read:
        if self.results is None:
            self.results = self._run(embedder, replace)
        planned, found = self.results.get((str(path), doc_id), (None, None))
        if found is None or planned != known:
            self.local += 1
            return read_report(path, doc_id, known, replace, embedder, cache, progress)
        if isinstance(found, BaocaoError):
            raise found
        if found.entry is not None:
            found.entry.source = path  # stored with the version, as a local write does
        return found

    def _run(self, embedder, replace) -> dict[tuple, tuple]:
        jobs = plan(self.files, self.root, embedder.name, self.force)
        ray, lost = connect(self.address), False
        try:
            return _Run(ray, self.address, jobs, replace, embedder.name, self.on_progress).wait()
        except ClusterError as exc:
            lost = exc.code == "cluster.lost"  # a goodbye to a dead head would wait a minute
            raise
        finally:
            if not lost:
                disconnect()


def plan(files: list[Path], root: Path, embedder_name: str, force: bool) -> list[_Job]:
    """Each file's id and indexed report, as ``update_index`` will give them if every
    file before it is read (the live manifest, read under the write's lock)."""
    store = IndexStore(root)
    known: dict[str, DocInfo] = {}
    if not force and store.exists():
        manifest = store.manifest()
        if manifest.embedder.name == embedder_name:  # else the write re-embeds everything
            known = {d.doc_id: d for d in manifest.documents}
    taken = {doc_id: info.source for doc_id, info in known.items()}
    jobs = []
    for path in files:
        try:
            doc_id = assign_doc_id(Path(path).name, taken)
        except InputError:
            continue  # refused by name in the write itself
        jobs.append(_Job(Path(path), doc_id, known.get(doc_id)))
        taken[doc_id] = Path(path).name
    return jobs


class _Run:
    """The tasks of one write: sent a window at a time, collected as they finish."""

    def __init__(self, ray, address: str, jobs: list[_Job], replace, embedder_name: str,
                 on_progress) -> None:
        self.ray, self.address, self.jobs = ray, address, jobs
        self.replace, self.embedder_name, self.on_progress = replace, embedder_name, on_progress
        self.task = ray.remote(num_cpus=1, max_retries=TASK_RETRIES)(read_remote)
        self.expected = code_version()
        self.results: dict[tuple, tuple] = {}
        self.chunks, self.started, self.read_on = 0, time.monotonic(), set()
        self.skipped = 0
        self.nodes, self.no_nodes_since, self.head_lost_since = 0, None, None
        self.watch = NodeWatch(ray, POLL_SECONDS)

    def wait(self) -> dict[tuple, tuple]:
        try:
            return self._wait()
        finally:
            self.watch.stop()

    def _wait(self) -> dict[tuple, tuple]:
        todo, pending = list(reversed(self.jobs)), {}
        while todo or pending:
            window = max(IN_FLIGHT_PER_CPU * self._cpus(), 1)
            while todo and len(pending) < window:
                job = todo.pop()
                ref = self._submit(job)
                if ref is None:
                    self.skipped += 1  # read here by the write, which refuses it
                else:
                    pending[ref] = job
            ready, _ = self._ray_call(self.ray.wait, list(pending), num_returns=len(pending),
                                      timeout=POLL_SECONDS)
            for ref in ready:
                self._collect(pending.pop(ref), ref)
            self._report()
        return self.results

    def _submit(self, job: _Job):
        """The task of one report; None for a file the write refuses before reading it
        (missing, unreadable, over the size limit): the write says why, as a local one."""
        try:
            if job.path.stat().st_size > MAX_BYTES:
                return None
            data = job.path.read_bytes()
        except OSError:
            return None
        return self.task.remote(job.path.name, data, job.doc_id, job.known, self.replace,
                                self.embedder_name)

    def _collect(self, job: _Job, ref) -> None:
        out = self._ray_call(self.ray.get, ref)
        if out["code"] != self.expected:
            raise ClusterError("cluster.code_mismatch", node=out["node"],
                               found=out["code"], expected=self.expected)
        key = (str(job.path), job.doc_id)
        self.read_on.add(out["node"])
        if "error" in out:
            kind, code, details = out["error"]
            self.results[key] = (job.known, getattr(errors, kind, BaocaoError)(code, **details))
            return
        self.results[key] = (job.known, out["read"])
        if out["read"].entry is not None:
            self.chunks += len(out["read"].entry.chunks)

    def _check_head(self) -> None:
        """A head whose port refuses, or whose answers stopped, for ``LOST_HEAD_SECONDS``."""
        try:
            probe(self.address)
            why = "it stopped answering" if self.watch.stale() > LOST_HEAD_SECONDS else None
        except ClusterError as exc:
            why = exc.details["why"]
        if why is None:
            self.head_lost_since = None
            return
        now = time.monotonic()
        self.head_lost_since = self.head_lost_since or now
        if now - self.head_lost_since > LOST_HEAD_SECONDS:
            raise ClusterError("cluster.lost", address=self.address,
                               why=f"the head does not answer: {why}")

    def _cpus(self) -> int:
        self._check_head()
        nodes = self.watch.nodes
        self.nodes = len(nodes)
        if nodes:
            self.no_nodes_since = None
        elif self.no_nodes_since is None:
            self.no_nodes_since = time.monotonic()
        elif time.monotonic() - self.no_nodes_since > NO_WORKER_SECONDS:
            raise ClusterError("cluster.no_workers", address=self.address,
                               seconds=int(NO_WORKER_SECONDS))
        return int(sum(n["Resources"]["CPU"] for n in nodes))

    def _report(self) -> None:
        if self.on_progress is not None:
            self.on_progress(ClusterProgress(len(self.results) + self.skipped, len(self.jobs),
                                             self.chunks,
                                             time.monotonic() - self.started, self.nodes,
                                             len(self.read_on)))

    def _ray_call(self, fn, *args, **kwargs):
        """A call into Ray; a failure of the cluster itself (not of a report) is one line.
        An exception a task raised that is no BaocaoError is a bug: raised as it was."""
        ray = self.ray
        try:
            return fn(*args, **kwargs)
        except ray.exceptions.RayTaskError as exc:
            raise exc.as_instanceof_cause() from None
        except ray.exceptions.RayError as exc:
            why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ClusterError("cluster.lost", address=self.address, why=why[:200]) from exc
