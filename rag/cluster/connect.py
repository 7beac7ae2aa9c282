"""Joining a Ray cluster as a driver, and what is alive in it.

Ray is imported here only, on demand: a missing package is one clear line. Usage
statistics are off (no report leaves the machine) and the workers' logs stay on
their nodes (``log_to_driver=False``), so the command line prints only its own lines.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from rag.errors import ClusterError, InputError

PROBE_SECONDS = 3.0  # Ray itself waits minutes for a head that is not there


def ray_module():
    """The ``ray`` package, or one clear line saying how to install it."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
    except ImportError as exc:
        raise InputError("cluster.needs_ray") from exc
    return ray


def connect(address: str):
    """Join the cluster whose head listens at ``address`` (host:port); returns ``ray``."""
    ray = ray_module()
    if ray.is_initialized():
        return ray
    probe(address)
    try:
        ray.init(address=address, namespace="baocao", log_to_driver=False,
                 logging_level=logging.WARNING, include_dashboard=False)
    except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
        raise ClusterError("cluster.unreachable", address=address,
                           why=str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                           ) from exc
    return ray


def probe(address: str) -> None:
    """A head that does not answer is one line within seconds, not a wait of minutes."""
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=PROBE_SECONDS):
            pass
    except (OSError, ValueError) as exc:
        raise ClusterError("cluster.unreachable", address=address,
                           why=getattr(exc, "strerror", None) or str(exc) or "no answer"
                           ) from exc


def disconnect() -> None:
    ray = ray_module()
    if ray.is_initialized():
        ray.shutdown()


def live_nodes(ray) -> list[dict]:
    """The alive nodes that can run a task (a CPU): the head may have none on purpose."""
    return [n for n in ray.nodes() if n.get("Alive") and n.get("Resources", {}).get("CPU")]


class NodeWatch:
    """The live CPU nodes, read in a thread of its own every ``every`` seconds: a call to
    a head that is gone blocks for a minute, and a build must notice within seconds."""

    def __init__(self, ray, every: float = 1.0) -> None:
        self.ray, self.every = ray, every
        self.nodes: list[dict] = live_nodes(ray)
        self.at = time.monotonic()
        self._stop = threading.Event()
        threading.Thread(target=self._loop, name="baocao-nodes", daemon=True).start()

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.nodes, self.at = live_nodes(self.ray), time.monotonic()
            except Exception:  # noqa: BLE001 - a head that is gone: ``stale`` says so
                continue

    def stale(self) -> float:
        """Seconds since the head last answered."""
        return time.monotonic() - self.at

    def stop(self) -> None:
        self._stop.set()
