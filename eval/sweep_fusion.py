"""Fusion weight sweep on the gold dev split: how much to trust the dense ranking,
with and without the dense-query rewrite (diacritics restored, abbreviations
spelled out; rag/accents.py). The chosen values live in RetrievalConfig.

Usage: python eval/sweep_fusion.py [--index index/default] [--split dev]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rag import service  # noqa: E402
from rag.config import RetrievalConfig  # noqa: E402
from rag.evaluation.metrics import load_gold, run  # noqa: E402
from rag.query import Retriever  # noqa: E402

COLS = ("hit@1", "hit@5", "mrr@10", "figure_accuracy", "abstention_precision",
        "abstention_recall")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default=None)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--weights", type=float, nargs="+", default=[0.1, 0.2, 0.3, 0.4, 0.5])
    args = ap.parse_args()
    items = load_gold(REPO / "eval" / "gold.jsonl", split=args.split)
    engine = service.Engine.open(args.index)
    print("| dense query rewrite | dense weight | " + " | ".join(COLS) + " | no-diacritics hit@5 |")
    print("|---|---|" + "---|" * (len(COLS) + 1))
    for rewrite in (False, True):
        for w in args.weights:
            cfg = RetrievalConfig(dense_weight=w, rewrite_dense_query=rewrite)
            engine.retriever = Retriever(engine.index, engine.retriever.embedder, cfg)
            m = run(items, lambda q, k: engine.search(q, k=k),
                    lambda q, k: engine.ask(q, k=k), k=10)
            vals = [f"{m['overall'][c]:.3f}" for c in COLS]
            nd = m["by_style"]["no_diacritics"]["hit@5"]
            print(f"| {'yes' if rewrite else 'no'} | {w} | " + " | ".join(vals) + f" | {nd:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
