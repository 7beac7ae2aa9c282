"""Load test of the web app: N concurrent clients x M questions over loopback, bounded.

    python eval/load_test.py                       # 30 clients x 3 questions, default embedder
    python eval/load_test.py --embedder hash       # the same without the model: app overhead
    python eval/load_test.py --endpoint answer     # the JSON API instead of the page's /ask
    python eval/load_test.py --flood 200           # one more client fires 200 questions at once

It builds (or reuses, ``--index``) an index of the bundled sample reports, starts
``baocao serve`` in a child process on a free 127.0.0.1 port, asks every
question once alone (the reference answer and the single-question latency), then
lets all clients start together; each asks its questions one after another,
as an official at a page would, each from its own address (``X-Forwarded-For``,
which the server trusts from 127.0.0.1: it bounds requests per client address,
``ui/guard.py``). Every answer under load must equal the one
given alone (so a dropped, mixed-up or empty answer counts as wrong). Reports
p50/p95/max latency, questions per second over the whole run, and the server's
CPU seconds per question. Questions: the gold set's answerable ones, in file
order. Nothing leaves the machine; every wait has a timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "eval" / "gold.jsonl"
READY_TIMEOUT = 900.0  # a first start converts the model and builds the index
ANSWER_TIMEOUT = 120.0
WARM_UP = "tình hình kinh tế xã hội"  # not a gold question: its vector is no help later
ALL_PERIODS = "(tất cả các kỳ)"
_TOOK = re.compile(r'<span class="muted">\([\d,]+ giây\)</span>')  # differs run to run


def questions(n: int) -> list[str]:
    items = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    pool = [x["question"] for x in items if x["answer_figures"]]
    return [pool[i % len(pool)] for i in range(n)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_index(folder: Path, embedder: str | None) -> None:
    cmd = [sys.executable, "-m", "ui.cli", "index", "build", "--index", str(folder), "--json"]
    if embedder:
        cmd += ["--embedder", embedder]
    subprocess.run(cmd, cwd=REPO, check=True, stdout=subprocess.DEVNULL, timeout=READY_TIMEOUT)


def payload(endpoint: str, question: str) -> list:
    return [question, [], ALL_PERIODS, "Trả lời"] if endpoint == "ask" else [question, "", []]


async def call(client: httpx.AsyncClient, endpoint: str, question: str,
               headers: dict[str, str] | None = None) -> str:
    """One question through Gradio's HTTP API: join the queue, read the result stream."""
    r = await client.post(f"/gradio_api/call/{endpoint}",
                          json={"data": payload(endpoint, question)}, headers=headers)
    r.raise_for_status()
    event = r.json()["event_id"]
    async with client.stream("GET", f"/gradio_api/call/{endpoint}/{event}",
                             headers=headers) as stream:
        kind = None
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and kind in ("complete", "error"):
                data = line.split(":", 1)[1].strip()
                if kind == "error":
                    raise RuntimeError(f"server error: {data[:200]}")
                out = json.loads(data)[0]
                return _TOOK.sub("", out) if isinstance(out, str) else out["text"]
    raise RuntimeError("stream ended without a result")


async def wait_ready(base: str, endpoint: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    async with httpx.AsyncClient(base_url=base, timeout=ANSWER_TIMEOUT) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with status {proc.returncode}")
            try:
                await call(client, endpoint, WARM_UP)  # the app itself waits for its index
                return
            except httpx.TransportError:  # not listening yet
                await asyncio.sleep(1.0)
    raise RuntimeError("the server did not become ready in time")


async def alone(base: str, endpoint: str, qs: list[str]) -> tuple[dict[str, str], list[float]]:
    """Each distinct question once, one at a time: reference answers and latencies (each
    from its own address: one client asking nonstop would meet its rate bound)."""
    ref, took = {}, []
    async with httpx.AsyncClient(base_url=base, timeout=ANSWER_TIMEOUT) as client:
        for i, q in enumerate(dict.fromkeys(qs)):
            t0 = time.perf_counter()
            ref[q] = await call(client, endpoint, q, {"X-Forwarded-For": f"10.78.0.{i + 1}"})
            took.append(time.perf_counter() - t0)
    return ref, took


async def flood(http: httpx.AsyncClient, endpoint: str, n: int, qs: list[str],
                counts: dict[int, int]) -> None:
    """One client (its own address) sends ``n`` questions at once, as a script would; the
    HTTP status of each join is counted (429: refused by the per-client bound)."""
    address = {"X-Forwarded-For": "10.79.0.1"}

    async def one(q: str) -> None:
        r = await http.post(f"/gradio_api/call/{endpoint}", json={"data": payload(endpoint, q)},
                            headers=address)
        counts[r.status_code] = counts.get(r.status_code, 0) + 1

    await asyncio.gather(*(one(qs[i % len(qs)]) for i in range(n)))


async def loaded(base: str, endpoint: str, clients: int, per_client: int,
                 qs: list[str], flood_n: int = 0, counts: dict[int, int] | None = None
                 ) -> tuple[list[tuple[float, float, str, str]], float]:
    """All clients at once (and ``flood_n`` questions of one more client at the start);
    returns (start, end, question, answer) per question, wall time."""
    limits = httpx.Limits(max_connections=clients * 2, max_keepalive_connections=clients * 2)
    results: list[tuple[float, float, str, str]] = []
    start = asyncio.Event()
    async with httpx.AsyncClient(base_url=base, timeout=ANSWER_TIMEOUT, limits=limits) as http:
        async def user(i: int) -> None:
            address = {"X-Forwarded-For": f"10.77.{i // 250}.{i % 250 + 1}"}
            await start.wait()
            for q in qs[i * per_client:(i + 1) * per_client]:
                t0 = time.perf_counter()
                try:
                    answer = await call(http, endpoint, q, address)
                except (httpx.HTTPError, RuntimeError) as exc:
                    answer = f"ERROR {exc}"
                results.append((t0, time.perf_counter(), q, answer))

        tasks = [asyncio.create_task(user(i)) for i in range(clients)]
        await asyncio.sleep(0.2)  # every task is waiting on the barrier
        t0 = time.perf_counter()
        if flood_n:
            await flood(http, endpoint, flood_n, qs, counts if counts is not None else {})
        start.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=ANSWER_TIMEOUT * per_client * 2)
    return results, time.perf_counter() - t0


def cpu_seconds(pid: int) -> float:
    import psutil

    p = psutil.Process(pid)
    procs = [p, *p.children(recursive=True)]
    return sum(x.cpu_times().user + x.cpu_times().system for x in procs)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@contextlib.contextmanager
def server(index: Path, endpoint: str, extra_env: dict[str, str], repo: Path = REPO):
    """``baocao serve`` (of the checkout ``repo``) in a child process on a free port, ready;
    yields (url, pid)."""
    port = free_port()
    env = {**os.environ, "BAOCAO_ADMIN_TOKEN": "", **extra_env}
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--index", str(index),
                             "--port", str(port)], cwd=repo, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(wait_ready(base, endpoint, proc))
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def run(args) -> dict:
    qs = questions(args.clients * args.questions)
    with tempfile.TemporaryDirectory(prefix="baocao-load-") as tmp:
        index = Path(args.index) if args.index else Path(tmp) / "index"
        if not args.index:
            build_index(index, args.embedder)
        extra = dict(kv.split("=", 1) for kv in args.server_env)
        repo = Path(args.server_repo)
        with server(index, args.endpoint, extra, repo) as (base, _):
            ref, single = asyncio.run(alone(base, args.endpoint, qs))
        # a fresh server: the loaded run must not find the questions' vectors in its cache
        with server(index, args.endpoint, extra, repo) as (base, pid):
            cpu0 = cpu_seconds(pid)
            counts: dict[int, int] = {}
            results, wall = asyncio.run(loaded(base, args.endpoint, args.clients,
                                               args.questions, qs, args.flood, counts))
            cpu = cpu_seconds(pid) - cpu0
    lat = [end - start for start, end, _, _ in results]
    wrong = [q for _, _, q, a in results if a != ref[q]]
    return {
        "endpoint": args.endpoint, "embedder": args.embedder or "default",
        "clients": args.clients, "questions_each": args.questions, "answered": len(results),
        "wrong_or_failed": len(wrong), "alone_p50_s": statistics.median(single),
        "alone_max_s": max(single), "p50_s": statistics.median(lat), "p95_s": pct(lat, 0.95),
        "max_s": max(lat), "questions_per_s": len(results) / wall, "wall_s": wall,
        "server_cpu_s_per_question": cpu / max(len(results), 1),
        "load_average_1m": os.getloadavg()[0], "server_env": extra,
        "flood": args.flood, "flood_http_status": counts,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=30)
    p.add_argument("--questions", type=int, default=3, help="questions per client")
    p.add_argument("--endpoint", choices=["ask", "answer"], default="ask",
                   help="ask: the page's HTML answer (default); answer: the JSON API")
    p.add_argument("--embedder", default=None, help="e.g. hash (default: the product's)")
    p.add_argument("--index", default=None, help="reuse this index instead of building one")
    p.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                   help="environment of the server, e.g. BAOCAO_ENGINE_CONCURRENCY=8")
    p.add_argument("--flood", type=int, default=0, metavar="N",
                   help="one more client sends N questions at once as the clients start")
    p.add_argument("--server-repo", default=str(REPO),
                   help="serve from another checkout (to measure an older version)")
    args = p.parse_args(argv)
    out = run(args)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0 if out["wrong_or_failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
