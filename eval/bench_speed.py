"""Issues 13 and 23's tables in one run: cold CLI commands, indexing, first ``serve``, the
server's memory, search latency beside the LangChain baseline and bm25s; and (issue 23,
eval/speed_steps.py) the default embedder beside the former one, builds with and without
parsing ahead, a first ``serve`` on a fresh machine, OCR of the real scanned letter.

Every command runs in a fresh process, as a user starts it (``python -m ui.cli …``),
timed from spawn to exit, with its CPU time and peak RSS from ``wait4``. The model is
already converted in the user cache (the issue's premise; the conversion into an empty
cache is timed separately); the vector cache (rag/embed/vcache.py) starts EMPTY, so
"from scratch" means every chunk is embedded, and the warm rebuild shows what the cache
saves. Search latency comes from eval/bench_index.py (synthetic 10k / 1M corpora).
The 1-minute load average is recorded at every step: the machine is shared.

Usage:
    python eval/bench_speed.py [--sizes 10000 1000000] [--json F] [--write eval/BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "eval")]

import speed_steps  # noqa: E402  (issue 23's steps)
from speed_steps import load, run  # noqa: E402

PY = sys.executable
QUESTION = "giải ngân vốn đầu tư công tháng 5/2024?"
FIGURE = "816 tỷ đồng"  # what the May 2024 report states for QUESTION
REPORT = REPO / "data" / "reports" / "lang-son_2024-05_bao-cao-kt-xh.txt"
REMOVE_ID = "lang-son_2022-01_bao-cao-kt-xh"
BEGIN, END = "<!-- bench_speed:begin -->", "<!-- bench_speed:end -->"


def repeat(args: list[str], env: dict, n: int = 3, before=None) -> dict:
    """Median wall of n runs (``before`` prepares each one, untimed)."""
    runs = []
    for _ in range(n):
        if before:
            before()
        runs.append(run(args, env))
    walls = sorted(r["wall"] for r in runs)
    return {"median_s": round(statistics.median(walls), 2), "runs_s": [round(w, 2) for w in walls],
            "cpu_s": round(statistics.median(r["cpu"] for r in runs), 2),
            "rc": sorted({r["rc"] for r in runs}), "load": load(),
            "stderr": runs[-1]["stderr"].strip()[-300:]}


# ------------------------------------------------------------------ the server

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask_http(url: str, question: str, timeout: float = 30) -> dict | None:
    """The app's JSON endpoint (``/answer``, inputs: question, period, report ids) through
    gradio's HTTP API; None while the app is not up or still building its index."""
    body = json.dumps({"data": [question, "", []]}).encode()  # question, period, reports
    req = urllib.request.Request(f"{url}gradio_api/call/answer", data=body,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            event = json.loads(r.read())["event_id"]
        with urllib.request.urlopen(f"{url}gradio_api/call/answer/{event}", timeout=timeout) as r:
            stream = r.read().decode("utf-8")
    except (OSError, ValueError, KeyError):
        return None
    lines = stream.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == "event: complete" and i + 1 < len(lines):
            data = json.loads(lines[i + 1].removeprefix("data:").strip())
            return data[0] if data else None
    return None


def serve(index: Path, env: dict, questions: int = 20, limit_s: float = 600) -> dict:
    """Start ``baocao serve``; seconds until it answers QUESTION with FIGURE, then its
    resident memory after ``questions`` more answers."""
    import psutil

    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    t0 = time.perf_counter()
    proc = subprocess.Popen([PY, "-m", "ui.cli", "serve", "--index", str(index), "--port",
                             str(port)], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        answered = None
        while time.perf_counter() - t0 < limit_s and proc.poll() is None:
            reply = ask_http(url, QUESTION)
            if reply and FIGURE in reply.get("text", ""):
                answered = time.perf_counter() - t0
                break
            time.sleep(0.25)
        for _ in range(questions if answered else 0):
            ask_http(url, QUESTION)
        rss = psutil.Process(proc.pid).memory_info().rss / 2**20 if answered else None
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {"answered_s": round(answered, 1) if answered else None,
            "rss_mb": round(rss) if rss else None, "load": load()}


# ------------------------------------------------------------------ the steps

def step_build(work: Path, env: dict) -> dict:
    first = run(["-m", "ui.cli", "index", "build", "--index", str(work / "sample"), "--json"],
                env)
    report = json.loads(first["stdout"])
    out = {"chunks": report["total_chunks"], "embedded": report["embedded_chunks"],
           "wall_s": round(first["wall"], 1), "cpu_s": round(first["cpu"], 1),
           "peak_rss_mb": round(first["rss_mb"]), "load": load()}
    warm = run(["-m", "ui.cli", "index", "build", "--index", str(work / "again"), "--json"], env)
    out["warm_wall_s"] = round(warm["wall"], 1)
    out["warm_embedded"] = json.loads(warm["stdout"])["embedded_chunks"]
    return out


EMBED_RATE = """
import json, time
from rag.embed import get_embedder
import sys; sys.path.insert(0, "eval")
import bench_embedder as b
texts = b.index_chunks()
emb = get_embedder()
emb.embed_passages(texts[:2])
t, c = time.perf_counter(), time.process_time()
emb.embed_passages(texts)
wall, cpu = time.perf_counter() - t, time.process_time() - c
print(json.dumps({"chunks": len(texts), "wall_s": wall, "cpu_s": cpu}))
"""


def step_embed_rate(env: dict) -> dict:
    """Embedding alone (no parsing, model loaded), the default embedder on the sample's
    own chunk texts; the vector cache is not involved."""
    r = run(["-c", EMBED_RATE], env)
    d = json.loads(r["stdout"].strip().splitlines()[-1])
    return {"chunks": d["chunks"], "chunks_per_s": round(d["chunks"] / d["wall_s"], 2),
            "cpu_s_per_chunk": round(d["cpu_s"] / d["chunks"], 3), "load": load()}


def step_commands(work: Path, env: dict) -> dict:
    idx = str(work / "sample")
    copy = work / "copy"

    def fresh_copy() -> None:
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(work / "sample", copy)

    cli = ["-m", "ui.cli"]
    return {
        "ask": repeat([*cli, "ask", QUESTION, "--index", idx], env),
        "index list": repeat([*cli, "index", "list", "--index", idx], env),
        "index remove": repeat([*cli, "index", "remove", REMOVE_ID, "--index", str(copy)], env,
                               before=fresh_copy),
        "parse": repeat([*cli, "parse", str(REPORT)], env),
        "--help": repeat([*cli, "--help"], env),
        "error: no such report": repeat([*cli, "index", "remove", "khong-co", "--index", idx],
                                        env),
        "error: no index": repeat([*cli, "search", "thu ngân sách", "--index",
                                   str(work / "none")], env),
    }


CONVERT = ("import time; from rag.embed import get_embedder\n"
           "t = time.perf_counter(); get_embedder(); print(time.perf_counter() - t)")


def step_conversion(work: Path, env: dict) -> dict:
    """The default embedder's graph written into an empty model cache, and loaded."""
    r = run(["-c", CONVERT], {**env, "BAOCAO_CACHE_DIR": str(work / "empty-model-cache")})
    return {"wall_s": round(r["wall"], 1), "seconds_in_process": round(float(r["stdout"]), 1)}


def step_search(work: Path, env: dict, sizes: list[int], lc_sizes: list[int]) -> dict:
    out = work / "index.json"
    args = [str(REPO / "eval" / "bench_index.py"), "--index", str(work / "sample"),
            "--sizes", *map(str, sizes), "--langchain-sizes", *map(str, lc_sizes),
            "--json-out", str(out)]
    r = run(args, env)
    if r["rc"] != 0:
        raise RuntimeError(r["stderr"][-2000:])
    return json.loads(out.read_text())


def machine() -> dict:
    import platform

    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text()
                .splitlines() if ln.startswith("model name")), "?")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                           capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "commit": commit + (" (uncommitted changes)" if dirty else ""),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 1_000_000])
    ap.add_argument("--langchain-sizes", type=int, nargs="*", default=[10_000])
    ap.add_argument("--json", type=Path)
    ap.add_argument("--write", type=Path, help="replace the table section of this markdown")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO / "eval"))
    from speed_report import markdown

    res = {"machine": machine(), "load_start": load()}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "BAOCAO_VECTOR_CACHE": str(work / "vectors.sqlite"),
               "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        env.pop("BAOCAO_INDEX_DIR", None)
        run(["-c", "from rag.embed import get_embedder; get_embedder()"], env)  # converted
        from rag.embed import DEFAULT_EMBEDDER as default
        steps = [("conversion", lambda: step_conversion(work, env)),
                 ("build", lambda: step_build(work, env)),
                 ("embed", lambda: step_embed_rate(env)),
                 ("commands", lambda: step_commands(work, env)),
                 ("first_serve", lambda: serve(work / "fresh", {
                     **env, "BAOCAO_VECTOR_CACHE": str(work / "fresh-vectors.sqlite")})),
                 ("fresh_machine_serve", lambda: serve(work / "fresh2", {
                     **env, "BAOCAO_CACHE_DIR": str(work / "fresh-machine-cache"),
                     "BAOCAO_VECTOR_CACHE": str(work / "fresh-machine-vectors.sqlite")})),
                 ("embed_compared", lambda: [speed_steps.embed_rate(env, n)
                                             for n in (default, speed_steps.BEFORE)]),
                 ("builds", lambda: speed_steps.builds(work, env, default)),
                 ("realdocs_builds", lambda: speed_steps.realdocs_builds(work, env, default)),
                 ("ocr", lambda: speed_steps.ocr(work, env)),
                 ("serve", lambda: serve(work / "sample", env)),
                 ("search", lambda: step_search(work, env, args.sizes, args.langchain_sizes))]
        for name, fn in steps:
            res[name] = fn()
            print(name, json.dumps(res[name], ensure_ascii=False)[:600], file=sys.stderr,
                  flush=True)
    res["load_end"], res["total_min"] = load(), round((time.perf_counter() - t0) / 60, 1)
    res["command"] = "python eval/bench_speed.py " + " ".join(argv or sys.argv[1:])
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1))
    text = markdown(res)
    if args.write:
        doc = args.write.read_text(encoding="utf-8")
        head, _, rest = doc.partition(BEGIN)
        tail = rest.partition(END)[2] if END in rest else ""
        args.write.write_text(f"{head}{BEGIN}\n{text}{END}{tail}", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
