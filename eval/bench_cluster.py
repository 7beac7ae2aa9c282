"""Beyond one machine, measured on this one: indexing through a Ray cluster against a local
build, and serving with 1 and 2 Ray Serve replicas against one local server.

    python eval/bench_cluster.py                  # the product's embedder, sample corpus
    python eval/bench_cluster.py --embedder hash  # the overhead alone, no model

On 2 cores these numbers show the overhead of the cluster, not a speed-up: the head and
two worker nodes (tests/ray_cluster.py, loopback addresses) share the same two cores.
Indexing: the sample corpus, vector cache off everywhere (every passage is embedded),
wall time and CPU seconds of every process involved (the driver and its children, and
every process of the cluster's nodes). Serving: 30 clients x 3 gold questions through
the ``answer`` endpoint, each client with its own cookies and address; every answer
must equal the one a single local server gives. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.ray_cluster import LocalCluster, answer, free_port, timeless, wait_ready  # noqa: E402

ENV = {"BAOCAO_VECTOR_CACHE": "off", "BAOCAO_CLIENT_RATE": "1000",
       "BAOCAO_CLIENT_BURST": "1000", "BAOCAO_CLIENT_IN_FLIGHT": "100"}


def cpu_of(pids) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            t = psutil.Process(pid).cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    return total


class CpuSampler:
    """CPU seconds the cluster's processes spend from now to ``stop``: every process of
    every node sampled every 0.2 s (a task's worker may exit before the end; it is
    counted up to its last sample)."""

    def __init__(self, cluster: LocalCluster | None) -> None:
        self.cluster, self.first, self.last = cluster, {}, {}
        self._done = threading.Event()
        self._sample()
        self.first = dict(self.last)
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        if self.cluster is None:
            return
        for pid in self.cluster.all_pids() - {os.getpid()}:
            with contextlib.suppress(psutil.Error):
                t = psutil.Process(pid).cpu_times()
                self.last[pid] = t.user + t.system

    def _loop(self) -> None:
        while not self._done.wait(0.2):
            self._sample()

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        self._sample()
        return sum(v - self.first.get(pid, 0.0) for pid, v in self.last.items())


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def build(index: Path, embedder: str, cluster: LocalCluster | None) -> dict:
    cmd = [sys.executable, "-m", "ui.cli", "index", "build", "--index", str(index), "--json",
           "--force", "--embedder", embedder]
    if cluster:
        cmd += ["--ray", cluster.address]
    sampler = CpuSampler(cluster)
    child0, t0 = children_cpu(), time.perf_counter()
    out = subprocess.run(cmd, cwd=REPO, env={**os.environ, **ENV}, capture_output=True,
                         text=True, check=True)
    wall = time.perf_counter() - t0
    cpu = children_cpu() - child0 + sampler.stop()
    report = json.loads(out.stdout)
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "chunks": report["total_chunks"], "embedded": report["embedded_chunks"],
            "chunks_per_s": round(report["total_chunks"] / wall, 1)}


async def load(base: str, questions: list[str], clients: int = 30) -> tuple[list, float]:
    """Each client (own cookies, own address) asks its questions one after another."""
    per = len(questions) // clients
    results: list[tuple[float, str, dict, str]] = []

    async def client(n: int) -> None:
        cookies = httpx.Cookies()  # a page's: it stays with the replica that served it
        for q in questions[n * per:(n + 1) * per]:
            t0 = time.perf_counter()
            got, replica = await asyncio.to_thread(_ask, base, cookies, q, n)
            results.append((time.perf_counter() - t0, q, got, replica))

    t0 = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return results, time.perf_counter() - t0


def _ask(base: str, cookies, question: str, n: int):
    with httpx.Client(base_url=base, timeout=300, cookies=cookies) as c:
        out = answer(c, question, address=f"10.68.0.{n + 1}")
        cookies.update(c.cookies)
        return out


def serve_run(label: str, base: str, pids, questions: list[str], want: dict) -> dict:
    cpu0 = cpu_of(pids)
    results, wall = asyncio.run(load(base, questions))
    lat = sorted(r[0] for r in results)
    return {"server": label, "answered": len(results),
            "wrong": sum(1 for _, q, got, _ in results if got != want[q]),
            "replicas_seen": len({r[3] for r in results if r[3]}),
            "p50_s": round(statistics.median(lat), 3),
            "p95_s": round(lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))], 3),
            "questions_per_s": round(len(results) / wall, 1),
            "cpu_s_per_question": round((cpu_of(pids) - cpu0) / len(results), 3)}


@contextlib.contextmanager
def server(args: list[str], cluster: LocalCluster | None, host: str):
    port = free_port(host)
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--host", host, "--port",
                             str(port), *args], cwd=REPO, env={**os.environ, **ENV},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://{host}:{port}"
    try:
        wait_ready(base, proc)
        yield base, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=120)


def gold_questions(n: int = 90) -> list[str]:
    items = [json.loads(x) for x in (REPO / "eval" / "gold.jsonl").read_text().splitlines()]
    pool = [x["question"] for x in items if x.get("split") == "dev"]
    return [pool[i % len(pool)] for i in range(n)]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--embedder", default="e5-small-onnx")
    p.add_argument("--skip-serving", action="store_true")
    args = p.parse_args()
    out = {"embedder": args.embedder, "load_average_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        index = Path(tmp) / "index"
        out["index_local"] = note("index_local", build(index, args.embedder, None))
        with LocalCluster(workers=2, worker_cpus=1, env=ENV) as cluster:
            out["index_cluster"] = note("index_cluster",
                                        build(Path(tmp) / "index-ray", args.embedder, cluster))
            if not args.skip_serving:
                out["serving"] = serving(index, cluster)
            out["outside_loopback"] = cluster.outside_loopback()
    out["load_average_after"] = os.getloadavg()
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


def note(what: str, value):
    """Each result on stderr as it comes (a later step that fails loses nothing)."""
    sys.stderr.write(f"{what}: {json.dumps(value, ensure_ascii=False)} (load average "
                     f"{os.getloadavg()[0]:.1f})\n")
    return value


def serving(index: Path, cluster: LocalCluster) -> list[dict]:
    questions = gold_questions()
    runs = []
    with server(["--index", str(index)], None, "127.0.0.1") as (base, pid):
        with httpx.Client(base_url=base, timeout=300) as c:
            want = {q: timeless(answer(c, q)[0]) for q in dict.fromkeys(questions)}
        runs.append(note("serve", serve_run("one local server", base, [pid], questions, want)))
    for replicas in (1, 2):
        args = ["--index", str(index), "--ray", cluster.address, "--replicas", str(replicas)]
        with server(args, cluster, cluster.head_ip) as (base, pid):
            pids = cluster.all_pids() - {os.getpid()} | {pid}
            runs.append(note("serve", serve_run(f"Ray Serve, {replicas} replica(s)", base, pids,
                                                questions, want)))
    return runs


if __name__ == "__main__":
    sys.exit(main())
