"""The cluster options on one machine: no Ray unless asked, clear lines when it cannot be
used, and the replica pinning of ``ui.cluster_router`` on a plain ASGI app. The cluster
itself is tested in tests/test_cluster.py."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from tests.ray_cluster import REPO


def _run(*args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300, env=env)


def test_one_machine_never_imports_ray(tmp_path):
    code = ("import sys\n"
            "from ui import cli\n"
            f"assert cli.main(['index', 'build', '--index', {str(tmp_path)!r}, '--embedder', "
            "'hash', '--json']) == 0\n"
            f"assert cli.main(['ask', 'thu ngân sách tháng 5/2024', '--index', {str(tmp_path)!r},"
            " '--json']) == 0\n"
            "import ui.app\n"
            "assert not any(m == 'ray' or m.startswith('ray.') for m in sys.modules), 'ray'\n")
    done = _run("-c", code)
    assert done.returncode == 0, done.stderr[-2000:]


def test_an_unreachable_cluster_is_one_line_and_changes_nothing(tmp_path):
    index = tmp_path / "index"
    done = _run("-m", "ui.cli", "index", "build", "--index", str(index), "--embedder", "hash",
                "--ray", "127.0.0.1:9")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "baocao: error: cannot reach the Ray cluster at 127.0.0.1:9 (Connection refused); start "
        "it with 'ray start --head' there, or check the address"]
    assert not (index / "CURRENT").exists() and not list(index.glob("v-*"))  # no version


def test_replicas_without_a_cluster_is_one_line():
    done = _run("-m", "ui.cli", "serve", "--replicas", "2")
    assert done.returncode == 2
    assert done.stderr.strip() == ("baocao: error: --replicas needs --ray ADDRESS (replicas run "
                                   "on a Ray cluster)")


def _served(app, cookie: bytes | None) -> list[tuple[bytes, bytes]]:
    """The response headers ``app`` sends for one GET / with ``cookie``."""
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    headers = [(b"cookie", cookie)] if cookie else []
    scope = {"type": "http", "method": "GET", "path": "/", "headers": headers}
    asyncio.run(app(scope, receive, send))
    return sent[0]["headers"]


async def _hello(scope, receive, send):
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


def test_a_replica_names_itself_and_pins_a_new_client():
    router = pytest.importorskip("ui.cluster_router")  # imports ray.serve
    app = router.pin(_hello, "r1abc")
    new = _served(app, None)
    assert (b"x-baocao-replica", b"r1abc") in new
    assert (b"set-cookie", b"baocao_replica=r1abc; Path=/; HttpOnly; SameSite=Lax") in new
    pinned = _served(app, b"theme=dark; baocao_replica=r1abc")
    assert (b"x-baocao-replica", b"r1abc") in pinned
    assert not any(k == b"set-cookie" for k, _ in pinned)  # already pinned here
    moved = _served(app, b"baocao_replica=gone42")  # its replica died: pinned here now
    assert (b"set-cookie", b"baocao_replica=r1abc; Path=/; HttpOnly; SameSite=Lax") in moved
    assert router.cookie_value([(b"cookie", b"a=1; baocao_replica=xyz")]) == "xyz"
    assert router.cookie_value([(b"cookie", b"a=1")]) is None
    assert router.cookie_value([(b"accept", b"*/*")]) is None
