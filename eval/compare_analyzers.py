"""Which BM25 analyzer serves the gold questions best: syllables, accent folding,
abbreviations, syllable bigrams, pyvi word segmentation.

The BM25 matrix is rebuilt in memory over the same chunks for each analyzer;
vectors and everything else stay as indexed, so only the analyzer differs.

Usage: python eval/compare_analyzers.py [--index index/default] [--split dev]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rag import service  # noqa: E402
from rag.config import AnalyzerConfig, RetrievalConfig  # noqa: E402
from rag.evaluation.metrics import load_gold, run  # noqa: E402
from rag.index.analyzer import Analyzer  # noqa: E402
from rag.index.bm25 import SparseBM25  # noqa: E402
from rag.query import Retriever  # noqa: E402

VARIANTS = {
    "syllables+folded+abbr": AnalyzerConfig(bigrams=False),
    "syllables only (no folding)": AnalyzerConfig(fold="none", bigrams=False),
    "folded only": AnalyzerConfig(fold="only", bigrams=False),
    "no abbreviations": AnalyzerConfig(abbreviations=False, bigrams=False),
    "+ syllable bigrams (default)": AnalyzerConfig(bigrams=True),
    "+ pyvi words": AnalyzerConfig(segment="pyvi", bigrams=False),
}
COLS = ("hit@1", "hit@5", "mrr@10")


def evaluate(engine, config: AnalyzerConfig, items: list[dict]) -> dict[str, dict]:
    analyzer = Analyzer(config)
    t0 = time.perf_counter()
    bm25 = SparseBM25.build([analyzer.tokens(c.search_text()) for c in engine.index.chunks])
    build_s = time.perf_counter() - t0
    index = replace(engine.index, bm25=bm25, analyzer=analyzer)
    out = {"build_s": build_s}
    for mode in ("bm25", "hybrid"):
        retriever = Retriever(index, engine.retriever.embedder, RetrievalConfig(mode=mode))
        res = run(items, lambda q, k, r=retriever: r.search(service.read_question(q), k=k),
                  None, k=10)
        out[mode] = res
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default=None)
    ap.add_argument("--split", default="dev")
    args = ap.parse_args()
    items = load_gold(REPO / "eval" / "gold.jsonl", split=args.split)
    engine = service.Engine.open(args.index)
    print(f"| analyzer | BM25 build s | BM25 {' | BM25 '.join(COLS)} | hybrid "
          f"{' | hybrid '.join(COLS)} | hybrid no-diacritics hit@5 |")
    print("|---|---|" + "---|" * (2 * len(COLS) + 1))
    for name, config in VARIANTS.items():
        r = evaluate(engine, config, items)
        vals = [f"{r[m]['overall'][c]:.3f}" for m in ("bm25", "hybrid") for c in COLS]
        nd = r["hybrid"]["by_style"]["no_diacritics"]["hit@5"]
        print(f"| {name} | {r['build_s']:.2f} | " + " | ".join(vals) + f" | {nd:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
