"""Latency and server CPU of one question through the HTTP API and through Gradio's API.

    python eval/bench_api.py --index index/default [--n 40]

Starts ``baocao serve`` on a free port over the given index, waits until its health says
ready, warms up, then asks the same questions ``--n`` times one after another through
``GET /api/v1/ask`` and through Gradio's ``/gradio_api/call/answer`` (submit, then read
the event stream). Prints the median and the worst wall time and the server's CPU time
(user + system, from psutil) per request: CPU is what to compare on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = ("giai ngan von dau tu cong thang 5/2024", "thu ngân sách nhà nước tháng 1/2023",
             "kim ngach XNK quy I/2022", "tổng lượng khách du lịch quý I/2022")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask_api(client: httpx.Client, q: str) -> None:
    assert client.get("/api/v1/ask", params={"q": q}).status_code == 200


def ask_gradio(client: httpx.Client, q: str) -> None:
    event = client.post("/gradio_api/call/answer", json={"data": [q, "", None]}).json()
    assert "event: complete" in client.get(f"/gradio_api/call/answer/{event['event_id']}").text


def measure(client, proc: psutil.Process, ask, n: int) -> str:
    walls, cpu0 = [], sum(proc.cpu_times()[:2])
    for i in range(n):
        t = time.perf_counter()
        ask(client, QUESTIONS[i % len(QUESTIONS)])
        walls.append(time.perf_counter() - t)
    cpu = (sum(proc.cpu_times()[:2]) - cpu0) / n
    return (f"p50 {statistics.median(walls) * 1000:.1f} ms, max {max(walls) * 1000:.1f} ms, "
            f"server CPU {cpu * 1000:.1f} ms per question")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", required=True)
    parser.add_argument("--n", type=int, default=40)
    args = parser.parse_args()
    port = free_port()
    # one client asking back to back: the per-client budget (ui/guard.py) must not be what
    # is measured
    env = {**os.environ, "BAOCAO_CLIENT_RATE": "1000", "BAOCAO_CLIENT_BURST": "1000"}
    server = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--index", args.index,
                               "--port", str(port)], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                try:
                    if client.get("/api/v1/health").json()["status"] == "ready":
                        break
                except (httpx.HTTPError, ValueError, KeyError):
                    pass
                time.sleep(0.5)
            proc = psutil.Process(server.pid)
            for q in QUESTIONS:
                ask_api(client, q)
                ask_gradio(client, q)
            print("GET /api/v1/ask:         ", measure(client, proc, ask_api, args.n))
            print("gradio /call/answer:     ", measure(client, proc, ask_gradio, args.n))
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
