"""A newcomer's first ``baocao serve`` on a fresh machine, as the README states it.

Nothing prepared: an empty user cache (the offline model is converted on the way), an
empty vector cache and no index (the sample corpus is indexed on the way). Measured: the
seconds from spawning ``python -m ui.cli serve`` until the app answers "giải ngân vốn đầu
tư công tháng 5/2024?" with 816 tỷ đồng, the server's CPU seconds (user + sys, its own
and its children's) until then, and its resident memory after 20 more answers; then the
same for a second start over what the first left (model converted, index built). The
1-minute load average is recorded: the machine may be shared.

Usage:
    python eval/bench_first_start.py [--json F]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "eval"))

from bench_speed import FIGURE, PY, QUESTION, _free_port, ask_http, load  # noqa: E402


def _cpu(proc) -> float:
    times = proc.cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def start(index: Path, env: dict, questions: int = 20, limit_s: float = 900) -> dict:
    """One ``serve``: seconds and server CPU seconds to the first right answer, RSS after."""
    import psutil

    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    t0 = time.perf_counter()
    proc = subprocess.Popen([PY, "-m", "ui.cli", "serve", "--index", str(index), "--port",
                             str(port)], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    server = psutil.Process(proc.pid)
    answered = cpu = rss = None
    try:
        while time.perf_counter() - t0 < limit_s and proc.poll() is None:
            reply = ask_http(url, QUESTION)
            if reply and FIGURE in reply.get("text", ""):
                answered, cpu = time.perf_counter() - t0, _cpu(server)
                break
            time.sleep(0.25)
        for _ in range(questions if answered else 0):
            ask_http(url, QUESTION)
        rss = server.memory_info().rss / 2**20 if answered else None
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {"answered_s": round(answered, 1) if answered else None,
            "cpu_s": round(cpu, 1) if cpu else None, "rss_mb": round(rss) if rss else None,
            "load": load()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    res = {"load_start": load(), "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="bench-first-start-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "BAOCAO_CACHE_DIR": str(work / "cache"),
               "BAOCAO_VECTOR_CACHE": str(work / "vectors.sqlite"),
               "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        env.pop("BAOCAO_INDEX_DIR", None)
        res["first_start"] = start(work / "index", env)
        res["later_start"] = start(work / "index", env)
    res["command"] = "python eval/bench_first_start.py " + " ".join(argv or sys.argv[1:])
    text = json.dumps(res, ensure_ascii=False, indent=1)
    if args.json:
        args.json.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
