"""Issue 23's measurements for eval/bench_speed.py: the default embedder beside the one it
replaced, builds with and without parsing ahead, a first start on a fresh machine, and
OCR of the real scanned letter the new way beside the former one.

Each command runs in a fresh process; wall seconds, and CPU seconds (user + sys) of the
process and its children from ``wait4``: on a shared machine the CPU seconds say what
the work costs, the wall seconds what a user waits.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
BEFORE = "e5-small-onnx"  # the default embedder this issue replaced
C04 = "lamdong_2025_c04-drug-programme-letter-scanned.pdf"


def load() -> float:
    return round(os.getloadavg()[0], 1)


def run(args: list[str], env: dict) -> dict:
    """One command in a fresh process: wall s, CPU s (user + sys, children included) and
    peak RSS MB of that process (``wait4``), exit code, output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([PY, *args], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mb": ru.ru_maxrss / 1024,
                "rc": proc.returncode, "stdout": out.read().decode("utf-8", "replace"),
                "stderr": err.read().decode("utf-8", "replace")}


EMBED_RATE = """
import json, sys, time
sys.path.insert(0, "eval")
import bench_embedder as b
from rag.embed import get_embedder
texts = b.index_chunks()
emb = get_embedder(sys.argv[1])
emb.embed_passages(texts[:2])
passes = []
for _ in range(int(sys.argv[2])):
    t, c = time.perf_counter(), time.process_time()
    emb.embed_passages(texts)
    passes.append((time.perf_counter() - t, time.process_time() - c))
print(json.dumps({"chunks": len(texts), "passes": passes}))
"""


def embed_rate(env: dict, name: str, passes: int = 2) -> dict:
    """Embedding alone (model loaded, no parsing, no vector cache) over the sample's own
    chunk texts: the best of ``passes`` passes (the machine may be shared)."""
    r = run(["-c", EMBED_RATE, name, str(passes)], env)
    if r["rc"] != 0:
        raise RuntimeError(r["stderr"][-2000:])
    d = json.loads(r["stdout"].strip().splitlines()[-1])
    wall, cpu = min(d["passes"])
    return {"embedder": name, "chunks": d["chunks"],
            "chunks_per_s": round(d["chunks"] / wall, 1),
            "passes_chunks_per_s": [round(d["chunks"] / w, 1) for w, _ in d["passes"]],
            "cpu_s_per_chunk": round(cpu / d["chunks"], 4), "load": load()}


SEQUENTIAL = ("import sys, rag.index.pipeline as p; p.AHEAD = 0\n"
              "from ui.cli import main; sys.exit(main(sys.argv[1:]))")


def build(work: Path, env: dict, name: str, embedder: str, ahead: bool,
          folder: Path | None = None) -> dict:
    """``index build`` of the sample corpus (or ``folder``) from scratch (vector cache off)."""
    args = ["index", "build", *([str(folder)] if folder else []), "--index", str(work / name),
            "--embedder", embedder, "--json"]
    cmd = ["-m", "ui.cli", *args] if ahead else ["-c", SEQUENTIAL, *args]
    r = run(cmd, {**env, "BAOCAO_VECTOR_CACHE": "off"})
    if r["rc"] != 0:
        raise RuntimeError(r["stderr"][-2000:])
    report = json.loads(r["stdout"])
    return {"embedder": embedder, "parse_ahead": ahead, "chunks": report["total_chunks"],
            "wall_s": round(r["wall"], 1), "cpu_s": round(r["cpu"], 1),
            "peak_rss_mb": round(r["rss_mb"]), "load": load()}


def builds(work: Path, env: dict, default: str) -> list[dict]:
    """The default with parsing ahead (the product), without, and the former default
    without (the code path before this issue)."""
    return [build(work, env, "b-new", default, True), build(work, env, "b-seq", default, False),
            build(work, env, "b-old", BEFORE, False)]


def realdocs_builds(work: Path, env: dict, default: str) -> list[dict]:
    """The sample corpus plus the PDF and DOCX files of ../shared/realdocs (a scanned
    letter for OCR, a 55-column table that takes seconds to parse), OCR page cache empty
    (the model cache shared), with and without parsing ahead."""
    import shutil

    from rag.embed.e5cache import models_dir

    real = Path(env.get("BAOCAO_REALDOCS") or REPO.parent / "shared" / "realdocs")
    files = sorted([*real.glob("*.pdf"), *real.glob("*.docx")])
    if not files:
        return [{"skipped": f"no PDF or DOCX in {real}"}]
    folder = work / "realdocs-set"
    shutil.copytree(REPO / "data" / "reports", folder)
    for f in files:
        shutil.copyfile(f, folder / f.name)
    out = []
    for i, ahead in enumerate((True, False)):
        cache = work / f"rcache{i}"
        cache.mkdir()
        (cache / "models").symlink_to(models_dir())
        out.append(build(work, {**env, "BAOCAO_CACHE_DIR": str(cache)}, f"r{i}", default,
                         ahead, folder))
    return out


OCR_NEW = """
import json, resource, sys, time
from rag.ingest import parse_file
def cpu():
    a, b = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime
t, c = time.perf_counter(), cpu()
doc = parse_file(sys.argv[1])
print(json.dumps({"wall": time.perf_counter() - t, "cpu": cpu() - c, "pages": len(doc.ocr_pages),
                  "poor": list(doc.poor_pages)}))
"""

OCR_OLD = """
import json, os, resource, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
def page(p):  # what rag/ingest/ocr.py did before issue 23: a PNG, tesseract finds its dpi
    png = subprocess.run(["pdftoppm", "-r", "200", "-f", str(p), "-l", str(p), "-gray", "-png",
                          "-singlefile", sys.argv[1]], capture_output=True, check=True).stdout
    return subprocess.run(["tesseract", "stdin", "stdout", "-l", "vie", "--psm", "4", "-c",
                           "preserve_interword_spaces=1", "tsv"], input=png, check=True,
                          capture_output=True, env=dict(os.environ, OMP_THREAD_LIMIT="1")).stdout
def cpu():
    a, b = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime
t, c = time.perf_counter(), cpu()
with ThreadPoolExecutor(2) as pool:
    list(pool.map(page, range(1, int(sys.argv[2]) + 1)))
print(json.dumps({"wall": time.perf_counter() - t, "cpu": cpu() - c}))
"""


def ocr(work: Path, env: dict, rounds: int = 3) -> dict:
    """The scanned letter read from an empty page cache, now (the whole parse) and the
    former way (render + tesseract of its pages, 2 at a time: the part that changed),
    alternately; medians."""
    real = Path(env.get("BAOCAO_REALDOCS") or REPO.parent / "shared" / "realdocs")
    path = real / C04
    if not path.is_file():
        return {"skipped": f"{path} missing"}
    new, old, pages = [], [], 0
    for i in range(rounds):
        r = run(["-c", OCR_NEW, str(path)], {**env, "BAOCAO_CACHE_DIR": str(work / f"ocr{i}")})
        d = json.loads(r["stdout"].strip().splitlines()[-1])
        new.append((d["wall"], d["cpu"]))
        pages = d["pages"]
        r = run(["-c", OCR_OLD, str(path), str(pages)], env)
        d = json.loads(r["stdout"].strip().splitlines()[-1])
        old.append((d["wall"], d["cpu"]))
    med = {k: [round(statistics.median(x[j] for x in v), 2) for j in (0, 1)]
           for k, v in (("new", new), ("old", old))}
    return {"pages": pages, "new_wall_s": med["new"][0], "new_cpu_s": med["new"][1],
            "old_wall_s": med["old"][0], "old_cpu_s": med["old"][1],
            "speedup_wall": round(med["old"][0] / med["new"][0], 2),
            "speedup_cpu": round(med["old"][1] / med["new"][1], 2),
            "runs_wall_s": {"new": [round(w, 2) for w, _ in new],
                            "old": [round(w, 2) for w, _ in old]}, "load": load()}
