"""Index benchmark: build throughput, warm query latency (p50/p95, query embedding
included) and memory, for the sample corpus and synthetic corpora of 10k / 100k / 1M
chunks, against the LangChain EnsembleRetriever baseline on the same chunks.

Synthetic corpora: chunk i is a perturbed copy of real chunk i mod n (a few
tokens replaced by random numbers, its report and period drawn from the real
reports' periods shifted by year), and its vector is the real chunk's vector
plus Gaussian noise (sigma 0.05), re-normalized. Embedding 1M chunks for real
would take a day on 2 cores; queries are always embedded for real.

BM25 alone is also compared with bm25s (a second BM25 peer) on the same tokens.
eval/bench_speed.py runs this as one step of the issue's whole table.

Usage: python eval/bench_index.py [--sizes 10000 1000000] [--json-out F] [--md-out F]
       python eval/bench_index.py --from-json F --md-out F   (tables from an earlier run)
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rag import service  # noqa: E402
from rag.index import Index  # noqa: E402
from rag.index.bm25 import SparseBM25  # noqa: E402
from rag.index.dense import DenseIndex  # noqa: E402
from rag.query import Retriever  # noqa: E402
from rag.records import Period  # noqa: E402

QUERIES = [
    "giải ngân vốn đầu tư công tháng 5/2024?", "giai ngan von dau tu cong thang 5/2024",
    "kim ngạch XNK quý I/2022", "thu ngân sách tháng 1/2023", "khách du lịch 9 tháng 2021",
    "doanh nghiệp thành lập mới tháng 01/2022", "trồng rừng mới quý I/2022",
    "tong thu ngan sach nha nuoc 5 thang dau nam 2024", "tai nạn giao thông tháng 5/2024",
    "chỉ số sản xuất công nghiệp tháng 1/2023", "nhiệm vụ trọng tâm tháng 6/2024",
    "dien tich lua 9 thang 2021", "BHXH quý I/2022", "MTQG giải ngân tháng 5/2024",
    "tổng mức lưu chuyển hàng hóa quý I/2022", "đàn trâu bò tháng 1/2023",
    # no period: the whole index is searched (HNSW above 200k chunks)
    "công tác cải cách hành chính", "tinh hinh thu hut dau tu",
]


def rss_mb() -> float:
    """Current resident memory (peak would hide that smaller corpora use less)."""
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(ms: list[float]) -> tuple[float, float]:
    ms = sorted(ms)
    return statistics.median(ms), ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]


def time_queries(fn, rounds: int = 3) -> tuple[float, float]:
    for q in QUERIES[:3]:
        fn(q)  # warm-up
    ms = []
    for _ in range(rounds):
        for q in QUERIES:
            t0 = time.perf_counter()
            fn(q)
            ms.append((time.perf_counter() - t0) * 1000)
    return percentiles(ms)


def synthetic(base: Index, size: int, seed: int = 0):
    """Perturbed copies of the real chunks and noisy copies of their vectors."""
    nrng = np.random.default_rng(seed)
    docs, chunks = dict(base.docs), []
    n = len(base.chunks)
    for i in range(size):
        c = base.chunks[i % n]
        shift = (i // n) % 40
        doc_id = f"{c.doc_id}~{shift}"
        if doc_id not in docs:
            info = base.docs[c.doc_id]
            docs[doc_id] = replace(info, doc_id=doc_id, periods=_shift(info.periods, shift),
                                   plan_periods=_shift(info.plan_periods, shift))
        periods = docs[doc_id].plan_periods if c.is_plan else docs[doc_id].periods
        chunks.append(replace(c, chunk_id=f"{doc_id}#{i}", doc_id=doc_id, periods=periods))
    dim = base.dense.vectors.shape[1]
    vecs = base.dense.vectors[np.arange(size) % n]
    vecs = vecs + 0.05 * nrng.standard_normal((size, dim), dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return docs, chunks, vecs.astype(np.float32)


def synthetic_tokens(base: Index, size: int, seed: int = 0):
    """Chunk i's tokens: real chunk i mod n's with three replaced by random numbers.
    A generator, so 1M token lists never sit in memory at once."""
    rng = random.Random(seed)
    base_tokens = [base.analyzer.tokens(c.search_text()) for c in base.chunks]
    for i in range(size):
        toks = list(base_tokens[i % len(base_tokens)])
        for _ in range(3):
            toks[rng.randrange(len(toks))] = str(rng.randrange(10, 99999))
        yield toks


def _shift(periods, years: int):
    return tuple(Period(p.year - years if p.year else None, p.start_month, p.end_month, p.kind,
                        p.label) for p in periods)


def bench_size(base: Index, embedder, size: int, with_bm25s: bool = True) -> dict:
    gc.collect()
    docs, chunks, vecs = synthetic(base, size)
    t0 = time.perf_counter()
    bm25 = SparseBM25.build(synthetic_tokens(base, size))
    t_bm25 = time.perf_counter() - t0
    t0 = time.perf_counter()
    dense = DenseIndex(vecs)
    t_dense = time.perf_counter() - t0
    kind = dense.kind
    index = Index(base.folder, base.manifest, docs, chunks, dense, bm25, base.analyzer)
    index.doc_rows = _rows(chunks)
    retriever = Retriever(index, embedder)
    search = retriever.search
    p50, p95 = time_queries(lambda q: search(service.read_question(q)))
    rss = rss_mb()
    del retriever, index, dense, vecs, chunks, docs
    engines = bench_bm25_engines(base, size, bm25) if with_bm25s else None
    row = {"chunks": size, "dense_index": kind, "bm25_engines": engines,
           "build_bm25_s": round(t_bm25, 1), "build_faiss_s": round(t_dense, 1),
           "build_chunks_per_s": round(size / (t_bm25 + t_dense)),
           "p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "rss_mb": round(rss)}
    return row


def _rows(chunks):
    rows: dict[str, list[int]] = {}
    for i, c in enumerate(chunks):
        rows.setdefault(c.doc_id, []).append(i)
    return {d: np.asarray(r) for d, r in rows.items()}


def bench_langchain(base: Index, embedder, size: int) -> dict:
    from rag.evaluation.baselines import langchain_ensemble

    docs, chunks, vecs = synthetic(base, size)
    texts = [c.search_text() for c in chunks]
    t0 = time.perf_counter()
    ens = langchain_ensemble(texts, vecs, embedder, k=10)
    build = time.perf_counter() - t0
    rounds = 1 if size > 20000 else 3
    p50, p95 = time_queries(lambda q: ens.invoke(q), rounds=rounds)
    return {"chunks": size, "build_s": round(build, 1), "p50_ms": round(p50, 1),
            "p95_ms": round(p95, 1), "rss_mb": round(rss_mb())}


def bench_bm25_engines(base: Index, size: int | None, bm25: SparseBM25) -> dict:
    """BM25 alone, same analyzer tokens: our sparse matrix against bm25s (a second BM25
    peer, Robertson/Okapi scoring with the same k1 and b). Neither embeds the query.
    ``size`` None: the real sample chunks' tokens, else the synthetic corpus of that size."""
    import bm25s

    from rag.index.bm25 import K1, B, top_k

    tokens = (synthetic_tokens(base, size) if size else
              (base.analyzer.tokens(c.search_text()) for c in base.chunks))
    t0 = time.perf_counter()
    peer = bm25s.BM25(method="robertson", k1=K1, b=B)
    peer.index(list(tokens), show_progress=False)
    build = time.perf_counter() - t0
    analyzer = base.analyzer

    def ours(q: str) -> None:
        top_k(bm25.scores(analyzer.tokens(q)), 10)

    def theirs(q: str) -> None:
        ids = peer.get_tokens_ids(analyzer.tokens(q))
        peer.retrieve([ids], k=10, show_progress=False, n_threads=1)

    o50, o95 = time_queries(ours)
    b50, b95 = time_queries(theirs)
    peer = None
    gc.collect()
    return {"chunks": size or len(base.chunks), "ours_p50_ms": round(o50, 2),
            "ours_p95_ms": round(o95, 2),
            "bm25s_build_s": round(build, 1), "bm25s_p50_ms": round(b50, 2),
            "bm25s_p95_ms": round(b95, 2), "rss_mb": round(rss_mb())}


def bench_sample_build(embedder_name: str | None) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        report = service.build(index_dir=Path(tmp) / "i", embedder_name=embedder_name)
        seconds = time.perf_counter() - t0
    return {"chunks": report.total_chunks, "seconds": round(seconds, 1),
            "chunks_per_s": round(report.total_chunks / seconds, 2)}


def markdown(out: dict) -> str:
    """The result tables as they go into eval/BENCHMARKS.md."""
    q = out["sample"]["query"]
    lines = [f"Embedder: `{out['embedder']}`; 1-minute load average at each step in brackets.",
             "", "| chunks | dense index | BM25 build s | dense build s | hybrid p50 ms "
             "| hybrid p95 ms | RSS MB | load |", "|---|---|---|---|---|---|---|---|",
             f"| {q['chunks']} (sample, real) | flat | | | {q['p50_ms']} | {q['p95_ms']} "
             f"| {q['rss_mb']} | {q.get('load', '')} |"]
    for r in out["sizes"]:
        lines.append(f"| {r['chunks']:,} | {r['dense_index']} | {r['build_bm25_s']} "
                     f"| {r['build_faiss_s']} | {r['p50_ms']} | {r['p95_ms']} | {r['rss_mb']} "
                     f"| {r.get('load', '')} |")
    lines += ["", "LangChain EnsembleRetriever (BM25Retriever + FAISS vector store, 0.5/0.5), "
              "same chunks, same embedder, query embedded for real:", "",
              "| chunks | build s | p50 ms | p95 ms | RSS MB |", "|---|---|---|---|---|"]
    lines += [f"| {r['chunks']:,} | {r['build_s']} | {r['p50_ms']} | {r['p95_ms']} "
              f"| {r['rss_mb']} |" for r in out["langchain"]]
    engines = [out["sample"].get("bm25_engines")] + [r.get("bm25_engines") for r in out["sizes"]]
    lines += ["", "BM25 alone, same analyzer tokens (no query embedding): our sparse matrix "
              "against bm25s (Robertson, same k1/b):", "",
              "| chunks | ours p50 ms | ours p95 ms | bm25s build s | bm25s p50 ms "
              "| bm25s p95 ms |", "|---|---|---|---|---|---|"]
    lines += [f"| {e['chunks']:,} | {e['ours_p50_ms']} | {e['ours_p95_ms']} "
              f"| {e['bm25s_build_s']} | {e['bm25s_p50_ms']} | {e['bm25s_p95_ms']} |"
              for e in engines if e]
    return "\n".join(lines) + "\n"


def load_avg() -> float:
    return round(os.getloadavg()[0], 1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", default=None, help="built sample index (default index/default)")
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 1_000_000])
    ap.add_argument("--langchain-sizes", type=int, nargs="*", default=[10_000])
    ap.add_argument("--bm25s-max", type=int, default=1_000_000,
                    help="largest size also indexed with bm25s (its build holds all tokens)")
    ap.add_argument("--build", action="store_true", help="also time a sample build")
    ap.add_argument("--json-out", default=None)
    ap.add_argument("--md-out", default=None, help="write the tables as markdown")
    ap.add_argument("--from-json", default=None, help="render an earlier --json-out")
    args = ap.parse_args()
    if args.from_json:
        Path(args.md_out).write_text(markdown(json.loads(Path(args.from_json).read_text())))
        return 0
    engine = service.Engine.open(args.index)
    # the engine's query batcher remembers recent query vectors (rag/batching.py): every
    # timed query here is embedded for real, so the engine searches through the bare model
    embedder = getattr(engine.retriever.embedder, "inner", engine.retriever.embedder)
    engine.retriever.embedder = embedder
    base = engine.index
    out = {"embedder": embedder.name, "sample": {}, "sizes": [], "langchain": []}
    if args.build:
        out["sample"]["build"] = bench_sample_build(embedder.name)
    p50, p95 = time_queries(lambda q: engine.search(q, k=10))
    out["sample"]["query"] = {"chunks": len(base.chunks), "p50_ms": round(p50, 1),
                              "p95_ms": round(p95, 1), "rss_mb": round(rss_mb()),
                              "load": load_avg()}
    out["sample"]["bm25_engines"] = bench_bm25_engines(base, None, base.bm25)
    out["langchain"].append(bench_langchain(base, embedder, len(base.chunks)))
    for size in args.langchain_sizes:
        out["langchain"].append(bench_langchain(base, embedder, size))
        print(json.dumps(out["langchain"][-1]), file=sys.stderr, flush=True)
    for size in args.sizes:
        row = bench_size(base, embedder, size, with_bm25s=size <= args.bm25s_max)
        out["sizes"].append({**row, "load": load_avg()})
        print(json.dumps(out["sizes"][-1]), file=sys.stderr, flush=True)
    text = json.dumps(out, ensure_ascii=False, indent=1)
    if args.json_out:
        Path(args.json_out).write_text(text)
    if args.md_out:
        Path(args.md_out).write_text(markdown(out))
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
