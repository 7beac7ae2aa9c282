"""CPU per warm question in the library: ``Engine.ask`` over the test split's questions.

    python eval/bench_ask.py --index /tmp/idx-sample [--repeats 5]

Opens the index once, asks the first three questions to warm caches, then asks every
question of ``--split`` (default ``test``) ``--repeats`` times and prints the process CPU
time per ask of each round and their median. CPU (not wall) time is what to compare on a
shared machine; to compare two versions of the code, run this file with ``PYTHONPATH``
pointing at the other checkout's folder (its ``rag`` package is imported first) over the
same index.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from rag.service import Engine

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", required=True)
    ap.add_argument("--gold", default=str(REPO / "eval" / "gold.jsonl"))
    ap.add_argument("--split", default="test")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    lines = Path(args.gold).read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    questions = [it["question"] for it in items if it.get("split") == args.split]
    engine = Engine.open(args.index)
    for q in questions[:3]:
        engine.ask(q)
    rounds = []
    for _ in range(args.repeats):
        t = time.process_time()
        for q in questions:
            engine.ask(q)
        rounds.append((time.process_time() - t) / len(questions) * 1000)
    print(f"{len(questions)} questions x {args.repeats}: CPU ms per ask",
          " / ".join(f"{r:.1f}" for r in rounds), f"(median {statistics.median(rounds):.1f})")


if __name__ == "__main__":
    main()
