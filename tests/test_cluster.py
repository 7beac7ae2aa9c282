"""Beyond one machine, on a real Ray cluster: a head (127.0.0.2) and two worker nodes
(127.0.0.3, 127.0.0.4) started as separate processes on this machine (tests/ray_cluster.py),
every connection inside 127.0.0.0/8 (checked with ``ss`` all along).

Indexing through the cluster (``index build --ray``) must give the index a local build
gives, also when a worker node is SIGKILLed mid-build; ``serve --ray --replicas 2`` must
answer the gold dev split as one local server does, keep answering 30 clients while a
replica's process is killed, and show every replica a report the admin path added. The
``hash`` embedder keeps these fast: the model is not what is tested here.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import numpy as np
import psutil
import pytest

from tests.ray_cluster import REPO, TIMEOUT, LocalCluster, answer, free_port, timeless, wait_ready

pytestmark = pytest.mark.slow

if os.environ.get("CI"):  # CI installs the 'cluster' extra: a missing Ray is a failure there
    import ray  # noqa: F401
else:
    pytest.importorskip("ray")

SAMPLE = REPO / "data" / "reports"
REALDOCS = REPO.parent / "shared" / "realdocs"
TWO_REAL = ("lamdong_2025_associations-report-bc-ubnd.docx",  # Word, a province's report
            "daknong_2019-2020_dakhoa-indicator-table.pdf")  # PDF tables, a district's
MORE_REAL = ("bac-ninh_2025-11_kh-144-digital-economy-2026-2030.md",
             "can-tho_2025-11_kh-153-drug-prevention-programme.md",
             "ha-noi_2025-11_nq-hdnd-48-budget-allocation-norms.md",
             "national_2025-02_qh-resolution-ktxh-plan-2025-growth-8pct.md",
             "son-la_2025-11_qd-2954-export-plan-2026-2030.md",
             "vinh-long_2025-11_nq-hdnd-22-exam-spending-levels.md")
ADDED = "lamdong_2026-04_expressway-conclusion-notice.docx"
ENV = {"BAOCAO_VECTOR_CACHE": "off", "BAOCAO_CLIENT_RATE": "1000", "BAOCAO_CLIENT_BURST": "1000",
       "BAOCAO_CLIENT_IN_FLIGHT": "100"}


@pytest.fixture(scope="module")
def cluster():
    if not REALDOCS.is_dir():
        pytest.skip("../shared/realdocs is not beside the clone")
    with LocalCluster(workers=2, worker_cpus=2, env=ENV) as c:
        yield c
        assert c.outside_loopback() == []


def corpus(folder: Path, names: tuple[str, ...]) -> Path:
    folder.mkdir()
    for f in sorted(SAMPLE.iterdir()):
        if f.suffix == ".txt":
            shutil.copyfile(f, folder / f.name)
    for name in names:
        source = REALDOCS / name if (REALDOCS / name).exists() else REALDOCS / "more" / name
        shutil.copyfile(source, folder / name)
    return folder


def cli(*args: str, cluster: LocalCluster | None = None, **popen) -> subprocess.Popen:
    env = {**os.environ, **ENV}
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)
    if cluster is not None:
        cluster.watch(proc.pid)
    return proc


def run(*args: str, cluster: LocalCluster | None = None) -> tuple[str, str]:
    proc = cli(*args, cluster=cluster)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    return out, err


def live(root: Path) -> Path:
    return root / (root / "CURRENT").read_text().strip()


def assert_same_index(a_root: Path, b_root: Path) -> None:
    a, b = live(a_root), live(b_root)
    for name in ("chunks.jsonl", "observations.jsonl", "observations.meta.json",
                 "manifest.json", "bm25_vocab.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    va, vb = np.load(a / "vectors.npy"), np.load(b / "vectors.npy")
    assert va.shape == vb.shape and float(np.abs(va - vb).max()) <= 1e-5
    for sub in ("docs", "sources"):
        names = sorted(p.name for p in (a / sub).iterdir())
        assert names == sorted(p.name for p in (b / sub).iterdir())
        assert all((a / sub / n).read_bytes() == (b / sub / n).read_bytes() for n in names)


def test_cluster_build_equals_local_build(cluster, tmp_path):
    files = corpus(tmp_path / "reports", TWO_REAL)
    run("index", "build", str(files), "--index", str(tmp_path / "local"), "--embedder", "hash")
    _, err = run("index", "build", str(files), "--index", str(tmp_path / "ray"), "--embedder",
                 "hash", "--ray", cluster.address, cluster=cluster)
    last = err.replace("\r", "\n").strip().splitlines()
    progress = [line for line in last if "cluster:" in line][-1]
    assert "7/7 reports read" in progress and "2 live nodes" in progress
    assert progress.rstrip().endswith("read on 2"), progress  # both worker nodes worked
    assert_same_index(tmp_path / "local", tmp_path / "ray")
    manifest = json.loads((live(tmp_path / "ray") / "manifest.json").read_text())
    assert {d["source"] for d in manifest["documents"]} >= set(TWO_REAL)
    assert cluster.outside_loopback() == []


def test_cluster_add_refuses_what_a_local_add_refuses(cluster, tmp_path):
    """A missing file (never sent), an empty one and a binary one (refused on a node, the
    error sent back) fail with the lines a local add prints; the good file is added."""
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    files = [str(tmp_path / "missing.txt"), str(tmp_path / "empty.txt"),
             str(tmp_path / "binary.txt"), str(REALDOCS / ADDED)]
    outputs = []
    for name, extra in (("local", ()), ("ray", ("--ray", cluster.address))):
        run("index", "build", "--index", str(tmp_path / name), "--embedder", "hash")
        proc = cli("index", "add", *files, "--index", str(tmp_path / name), *extra,
                   cluster=cluster)
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 2
        outputs.append((out.replace(live(tmp_path / name).name, "V"),
                        [x for x in err.splitlines() if x.startswith("baocao:")]))
    assert outputs[0] == outputs[1]
    assert len(outputs[0][1]) == 3 and "added: " + Path(ADDED).stem in outputs[0][0]
    assert_same_index(tmp_path / "local", tmp_path / "ray")


def test_worker_node_killed_mid_build_still_builds_the_same_index(cluster, tmp_path):
    cluster.restart_missing()
    files = corpus(tmp_path / "reports", TWO_REAL + MORE_REAL)
    run("index", "build", str(files), "--index", str(tmp_path / "local"), "--embedder", "hash")
    victim = cluster.nodes["127.0.0.4"]
    build = cli("index", "build", str(files), "--index", str(tmp_path / "ray"), "--embedder",
                "hash", "--ray", cluster.address, cluster=cluster)
    killed = _kill_when_reading(victim, build)
    out, err = build.communicate(timeout=600)
    assert build.returncode == 0, err[-3000:]
    assert killed, "no task of the build ran on the worker node before it finished"
    assert "13/13 reports read" in err  # the killed node's tasks were run again elsewhere
    assert_same_index(tmp_path / "local", tmp_path / "ray")
    assert cluster.outside_loopback() == []
    cluster.restart_missing()


def _kill_when_reading(node, build: subprocess.Popen) -> list[int]:
    """SIGKILL every process of ``node`` once one of its workers runs a report's task."""
    deadline = time.monotonic() + TIMEOUT
    while build.poll() is None and time.monotonic() < deadline:
        for pid in node.pids():
            try:
                if psutil.Process(pid).name().startswith("ray::read_remote"):
                    return node.kill(signal.SIGKILL)
            except psutil.Error:
                continue
        time.sleep(0.02)
    return []


def test_a_lost_cluster_stops_the_build_with_one_line_and_keeps_the_live_version(tmp_path):
    """The whole cluster (a head and its one worker of their own) is killed mid-build."""
    files = corpus(tmp_path / "reports", TWO_REAL + MORE_REAL)
    index = tmp_path / "index"
    run("index", "build", "--index", str(index), "--embedder", "hash")  # the live version
    before = (index / "CURRENT").read_text()
    with LocalCluster(workers=1, worker_cpus=1, env=ENV, head_ip="127.0.0.5") as lost:
        build = cli("index", "build", str(files), "--index", str(index), "--ray", lost.address,
                    cluster=lost)
        killed = _kill_when_reading(lost.nodes["127.0.0.6"], build)
        assert killed, "no task of the build started"
        lost.nodes["127.0.0.5"].kill(signal.SIGKILL)
        out, err = build.communicate(timeout=TIMEOUT)
        assert lost.outside_loopback() == []
    assert build.returncode == 2, err[-2000:]
    lines = [x for x in err.replace("\r", "\n").splitlines() if x.startswith("baocao: ")]
    assert lines == [f"baocao: error: lost the Ray cluster at {lost.address} (the head does not "
                     "answer: Connection refused); nothing was published, the previous version "
                     "of the index stays live"]
    assert (index / "CURRENT").read_text() == before
    listed, _ = run("index", "list", "--index", str(index))
    assert len(listed.splitlines()) == 5  # the sample reports, as before


# -- serving ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shared_index(tmp_path_factory):
    """The 'shared storage' of the replicas: on one machine, the same path for every node."""
    root = tmp_path_factory.mktemp("shared") / "index"
    run("index", "build", "--index", str(root), "--embedder", "hash")
    return root


@pytest.fixture(scope="module")
def served(cluster, shared_index):
    cluster.restart_missing()
    port = free_port("127.0.0.2")
    proc = cli("serve", "--ray", cluster.address, "--replicas", "2", "--host", "127.0.0.2",
               "--port", str(port), "--index", str(shared_index), cluster=cluster)
    base = f"http://127.0.0.2:{port}"
    try:
        wait_ready(base, proc)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)  # the app leaves the cluster with its command
        proc.communicate(timeout=60)


@pytest.fixture(scope="module")
def single(cluster, shared_index):
    port = free_port()
    proc = cli("serve", "--port", str(port), "--index", str(shared_index))
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc)
        yield base
    finally:
        proc.terminate()
        proc.communicate(timeout=60)


def dev_questions() -> list[str]:
    items = [json.loads(x) for x in (REPO / "eval" / "gold.jsonl").read_text().splitlines()]
    return [x["question"] for x in items if x.get("split") == "dev"]


def settled(index: Path, seconds: float = 8.0) -> None:
    """Every server watching ``index`` (CURRENT read every 2 s) serves its live version."""
    time.sleep(max(0.0, (index / "CURRENT").stat().st_mtime + seconds - time.time()))


def test_two_replicas_answer_the_gold_dev_split_as_one_local_server(cluster, served, single,
                                                                     shared_index):
    settled(shared_index)
    questions = dev_questions()
    assert len(questions) >= 50
    by = Counter()
    for i, q in enumerate(questions):
        with httpx.Client(base_url=served, timeout=TIMEOUT) as fresh:  # no cookie: balanced
            got, replica = answer(fresh, q, address=f"10.66.1.{i % 250}")
        with httpx.Client(base_url=single, timeout=TIMEOUT) as local:
            want, _ = answer(local, q, address=f"10.66.1.{i % 250}")
        assert got == want, q
        by[replica] += 1
    assert len(by) == 2 and min(by.values()) >= 10, by  # both replicas answered
    assert cluster.outside_loopback() == []


def _replicas(base: str, n: int = 2) -> list[str]:
    """The names of ``n`` replicas taking requests now (a replacement may be starting)."""
    seen: set[str] = set()
    deadline = time.monotonic() + TIMEOUT
    while len(seen) < n and time.monotonic() < deadline:
        try:
            seen.add(httpx.get(base + "/gradio_api/info", timeout=30).headers["x-baocao-replica"])
        except httpx.HTTPError:
            time.sleep(0.5)
    assert len(seen) == n, seen
    return sorted(seen)


def test_a_report_added_by_the_admin_path_reaches_both_replicas(cluster, served, shared_index):
    names = _replicas(served)
    new_id = Path(ADDED).stem
    for name in names:
        with (httpx.Client(base_url=served, timeout=TIMEOUT,
                           cookies={"baocao_replica": name}) as c,
              pytest.raises(RuntimeError, match=new_id)):  # an unknown report is refused
            answer(c, "cao tốc", doc_ids=[new_id], endpoint="search")
    run("index", "add", str(REALDOCS / ADDED), "--index", str(shared_index))
    for name in names:  # each replica's watcher loads the new version within seconds
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=served, timeout=TIMEOUT, cookies={"baocao_replica": name}) as c:
            while True:
                try:
                    after, by = answer(c, "cao tốc", doc_ids=[new_id], endpoint="search")
                except RuntimeError:  # not loaded yet: still an unknown report
                    after, by = {"hits": []}, name
                assert by == name
                if after["hits"] or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
        assert after["hits"] and {h["chunk"]["doc_id"] for h in after["hits"]} == {new_id}
    assert cluster.outside_loopback() == []


def test_a_replica_killed_while_30_clients_ask_loses_no_question(cluster, served, single,
                                                                 shared_index):
    settled(shared_index)
    questions = dev_questions()[:90]
    while len(questions) < 90:
        questions += questions[:90 - len(questions)]
    with httpx.Client(base_url=single, timeout=TIMEOUT) as local:
        want = {q: answer(local, q)[0] for q in dict.fromkeys(questions)}
    victim = _replica_pids(cluster)[0]
    results, retries, killed = asyncio.run(_ask_while_killing(served, questions, victim))
    assert killed
    assert len(results) == 90 and all(results[i] == want[q] for i, q in enumerate(questions))
    print(f"retries after the kill: {retries}")
    deadline = time.monotonic() + TIMEOUT
    while len(_replica_pids(cluster)) < 2 and time.monotonic() < deadline:
        time.sleep(1.0)
    assert victim not in _replica_pids(cluster)
    assert len(_replica_pids(cluster)) == 2  # Serve started a replacement
    assert len(_replicas(served)) == 2  # and sends it requests
    assert cluster.outside_loopback() == []


def _replica_pids(cluster: LocalCluster) -> list[int]:
    found = []
    for ip in ("127.0.0.3", "127.0.0.4"):
        for pid in cluster.nodes[ip].pids():
            try:
                if psutil.Process(pid).name().startswith("ray::ServeReplica"):
                    found.append(pid)
            except psutil.Error:
                continue
    return found


async def _ask_while_killing(base: str, questions: list[str], victim: int):
    """30 clients, 3 questions each, one after another; the replica ``victim`` is killed
    once 15 answers came. A client whose question was lost asks again, as a page user
    would (its cookie then leads to a live replica)."""
    results: dict[int, dict] = {}
    retries = Counter()
    done = asyncio.Event()

    async def client(n: int) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as http:
            for i in range(n * 3, n * 3 + 3):
                for attempt in range(8):
                    try:
                        results[i] = await _answer_async(http, questions[i], f"10.67.0.{n + 1}")
                        break
                    except (httpx.HTTPError, RuntimeError, KeyError, ValueError):
                        retries[n] += 1
                        await asyncio.sleep(0.5 * (attempt + 1))
                if len(results) >= 15:
                    done.set()

    async def killer() -> bool:
        await asyncio.wait_for(done.wait(), TIMEOUT)
        os.kill(victim, signal.SIGKILL)
        return True

    *_, killed = await asyncio.gather(*(client(n) for n in range(30)), killer())
    return results, sum(retries.values()), killed


async def _answer_async(http: httpx.AsyncClient, question: str, address: str) -> dict:
    head = {"X-Forwarded-For": address}
    r = await http.post("/gradio_api/call/answer", json={"data": [question, "", []]},
                        headers=head)
    r.raise_for_status()
    event, kind = r.json()["event_id"], None
    async with http.stream("GET", f"/gradio_api/call/answer/{event}", headers=head) as s:
        async for line in s.aiter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and kind in ("complete", "error"):
                if kind == "error":
                    raise RuntimeError(line)
                return timeless(json.loads(line.split(":", 1)[1])[0])
    raise RuntimeError("the stream ended without a result")
