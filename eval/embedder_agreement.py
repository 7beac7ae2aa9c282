"""How closely one embedder follows another, on what the product embeds: every chunk of the
five sample reports (``Chunk.search_text``) and every question of eval/gold.jsonl.

The bar a new default must pass (issue 23): cosine to the reference >= 0.995 on every
passage and every question. Also printed: the dense top-1 chunk of each question over
the sample's chunks (same or not), and each embedder's CPU seconds per chunk with one
session of one thread (``time.process_time``: comparable on a shared machine).

Usage:
    python eval/embedder_agreement.py [--candidate e5-small-int8] [--reference e5-small-onnx]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "eval")]
BAR = 0.995


def questions() -> list[str]:
    lines = (REPO / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def vectors(name: str, passages: list[str], qs: list[str]) -> dict:
    from rag.embed import get_embedder

    emb = get_embedder(name)
    if hasattr(emb, "workers"):
        emb.workers = 1  # CPU per chunk of one session, as the bench of each graph
    emb.embed_passages(passages[:4])  # warm-up
    c = time.process_time()
    p = emb.embed_passages(passages)
    cpu = time.process_time() - c
    return {"p": p, "q": emb.embed_queries(qs), "cpu_per_chunk": cpu / len(passages)}


def summary(cos: np.ndarray, texts: list[str]) -> dict:
    worst = np.argsort(cos)[:3]
    return {"n": len(cos), "min": round(float(cos.min()), 5), "mean": round(float(cos.mean()), 5),
            "below_bar": int((cos < BAR).sum()),
            "worst": [(round(float(cos[i]), 5), texts[i][:80]) for i in worst]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--candidate", default="e5-small-int8")
    ap.add_argument("--reference", default="e5-small-onnx")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    from bench_embedder import index_chunks

    passages, qs = index_chunks(), questions()
    ref, cand = (vectors(n, passages, qs) for n in (args.reference, args.candidate))
    top_ref, top_cand = (np.argmax(v["q"] @ v["p"].T, axis=1) for v in (ref, cand))
    out = {"candidate": args.candidate, "reference": args.reference,
           "passages": summary((ref["p"] * cand["p"]).sum(1), passages),
           "questions": summary((ref["q"] * cand["q"]).sum(1), qs),
           "same_top1": f"{int((top_ref == top_cand).sum())}/{len(qs)}",
           "cpu_s_per_chunk": {args.reference: round(ref["cpu_per_chunk"], 4),
                               args.candidate: round(cand["cpu_per_chunk"], 4)}}
    out["passes_bar"] = out["passages"]["below_bar"] == out["questions"]["below_bar"] == 0
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0 if out["passes_bar"] else 1


if __name__ == "__main__":
    sys.exit(main())
