"""A real multi-node Ray cluster on this machine, over loopback only (tests, benchmarks).

Each node is a ``ray start --block`` process with a loopback address of its own
(Ray replaces 127.0.0.1 with the machine's network address, so the head is
127.0.0.2 and the workers 127.0.0.3, 127.0.0.4, ...), usage statistics off, in a
session of its own: every process of a node (raylet, agents, workers, replicas)
is found by that session id and stopped by PID, never by name. Every fixed port
Ray would pick is given a free one, so two clusters never collide. ``sample``
records every TCP connection of the cluster's processes and of this process, so a
test can assert that none left 127.0.0.0/8.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
RAY = Path(sys.executable).with_name("ray")
START_TIMEOUT = 180.0
TIMEOUT = 120.0  # one answer
OBJECT_STORE_BYTES = 80 * 2**20  # Ray's floor is 75 MiB; report files are a few MB at most


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class Node:
    def __init__(self, ip: str, proc: subprocess.Popen, log: Path) -> None:
        self.ip, self.proc, self.log = ip, proc, log

    def pids(self) -> list[int]:
        """Every live process of this node (its session), this one's ``ray start`` first."""
        found = []
        for p in psutil.process_iter(["pid"]):
            with contextlib.suppress(psutil.Error, ProcessLookupError, PermissionError):
                if os.getsid(p.pid) == self.proc.pid and p.status() != psutil.STATUS_ZOMBIE:
                    found.append(p.pid)
        return sorted(found, key=lambda pid: pid != self.proc.pid)

    def kill(self, sig: int = signal.SIGKILL) -> list[int]:
        pids = self.pids()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        return pids


class LocalCluster:
    """``with LocalCluster(workers=2) as c:`` a head and ``workers`` worker nodes."""

    def __init__(self, workers: int = 2, worker_cpus: int = 2,
                 env: dict[str, str] | None = None, head_ip: str = "127.0.0.2") -> None:
        self.head_ip = head_ip
        self.port = free_port(self.head_ip)
        self.address = f"{self.head_ip}:{self.port}"
        self.temp = Path(tempfile.mkdtemp(prefix="rt-", dir="/tmp"))  # socket paths are short
        self.env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", **(env or {})}
        self.env.pop("RAY_ADDRESS", None)
        self.worker_cpus = worker_cpus
        self.nodes: dict[str, Node] = {}
        self.connections: set[tuple[str, str]] = set()
        self.watched: set[int] = {os.getpid()}  # drivers and servers started by a test too
        self._stop = threading.Event()
        self._n_workers = workers

    def __enter__(self) -> LocalCluster:
        try:
            self._start(self.head_ip, ["--head", "--port", str(self.port), "--num-cpus", "0",
                                       "--include-dashboard=false",
                                       "--temp-dir", str(self.temp),
                                       "--ray-client-server-port", str(free_port())])
            first = int(self.head_ip.rsplit(".", 1)[1]) + 1
            for i in range(self._n_workers):
                self.add_worker(f"127.0.0.{first + i}")
        except BaseException:
            self.stop()
            raise
        threading.Thread(target=self._watch, name="ss-watch", daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def add_worker(self, ip: str) -> Node:
        return self._start(ip, ["--address", self.address, "--num-cpus", str(self.worker_cpus)])

    def _start(self, ip: str, args: list[str]) -> Node:
        log = self.temp / f"node-{ip}.log"
        cmd = [str(RAY), "start", "--block", "--node-ip-address", ip, "--disable-usage-stats",
               "--object-store-memory", str(OBJECT_STORE_BYTES),
               "--dashboard-agent-listen-port", str(free_port(ip)), *args]
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=self.env,
                                    cwd=REPO, start_new_session=True, stdin=subprocess.DEVNULL)
        node = self.nodes[ip] = Node(ip, proc, log)
        deadline = time.monotonic() + START_TIMEOUT
        while b"Ray runtime started" not in log.read_bytes():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"ray node {ip} did not start:\n"
                                   + log.read_text(errors="replace")[-3000:])
            time.sleep(0.3)
        return node

    def restart_missing(self) -> None:
        """Start again the worker nodes a test killed."""
        for ip, node in list(self.nodes.items()):
            if ip != self.head_ip and node.proc.poll() is not None:
                node.kill()
                self.add_worker(ip)

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM every node's ``ray start`` (it stops its node), then SIGKILL whatever of
        a node is left after ``grace`` seconds."""
        self._stop.set()
        for node in self.nodes.values():
            if node.proc.poll() is None:
                node.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for node in self.nodes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                node.proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            node.kill()  # whatever of the node outlived its ray start
        shutil.rmtree(self.temp, ignore_errors=True)

    def watch(self, pid: int) -> None:
        self.watched.add(pid)

    def all_pids(self) -> set[int]:
        return {pid for node in self.nodes.values() for pid in node.pids()} | self.watched

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            with contextlib.suppress(Exception):
                self.sample()

    def sample(self) -> None:
        """Record the peers of every TCP connection of the cluster and of this process."""
        pids = self.all_pids()
        out = subprocess.run(["ss", "-tnpH"], capture_output=True, text=True, timeout=10).stdout
        for line in out.splitlines():
            fields = line.split()
            if len(fields) < 6 or not any(f"pid={pid}," in fields[-1] for pid in pids):
                continue
            self.connections.add((fields[3], fields[4]))

    def outside_loopback(self) -> list[tuple[str, str]]:
        self.sample()
        return sorted(c for c in self.connections
                      if not (_loopback(c[0]) and _loopback(c[1])))


def _loopback(endpoint: str) -> bool:
    host = endpoint.rsplit(":", 1)[0].strip("[]")
    host = host.removeprefix("::ffff:")
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# -- asking the app over HTTP (tests and eval/bench_cluster.py) --------------
def wait_ready(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        try:
            with httpx.Client(base_url=base, timeout=TIMEOUT) as client:
                answer(client, "thu ngân sách")
            return
        except (httpx.HTTPError, RuntimeError):
            time.sleep(1.0)
    raise AssertionError(f"{base} did not answer in time")


def answer(client: httpx.Client, question: str, doc_ids=(), endpoint: str = "answer",
           address: str = "10.66.0.1") -> tuple[dict, str | None]:
    """One question through the app's ``answer`` endpoint (join, then read the stream):
    the answer without its timing, and the replica that gave it."""
    head = {"X-Forwarded-For": address}
    r = client.post(f"/gradio_api/call/{endpoint}", json={"data": [question, "", list(doc_ids)]},
                    headers=head)
    r.raise_for_status()
    event, kind = r.json()["event_id"], None
    with client.stream("GET", f"/gradio_api/call/{endpoint}/{event}", headers=head) as s:
        for line in s.iter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and kind in ("complete", "error"):
                if kind == "error":
                    raise RuntimeError(line)
                out = timeless(json.loads(line.split(":", 1)[1])[0])
                return out, s.headers.get("x-baocao-replica")
    raise RuntimeError("the stream ended without a result")


def timeless(obj):
    """An answer without its timings (``latency_ms``, at any depth): all else must agree."""
    if isinstance(obj, dict):
        return {k: timeless(v) for k, v in obj.items() if k != "latency_ms"}
    if isinstance(obj, list):
        return [timeless(v) for v in obj]
    return obj
