"""Score cross-period answers on eval/observe/trend_gold.jsonl (21 comparison/trend items).

    .venv/bin/baocao index build                       # the sample corpus, default embedder
    .venv/bin/python eval/trend_eval.py [--index DIR] [--split dev|test] [--show]

The scoring rule is in rag/evaluation/trends.py. Rules may be tuned on "dev" only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rag import service  # noqa: E402
from rag.evaluation.trends import load, score_item, summary  # noqa: E402

GOLD = REPO / "eval" / "observe" / "trend_gold.jsonl"


def baseline(engine, question: str):
    """The ordinary composer's answer, without the cross-period path."""
    from rag.answer import compose
    from rag.answer.statements import statements_of

    q = service.read_question(question)
    return compose(q, engine.retrieve(q), engine.places, available=engine.periods,
                   statements=statements_of(engine.index))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default=None)
    ap.add_argument("--split", default=None)
    ap.add_argument("--show", action="store_true", help="print each answer and its score")
    ap.add_argument("--baseline", action="store_true",
                    help="score the one-passage composer alone (the answer before this work)")
    args = ap.parse_args(argv)
    engine = service.Engine.open(args.index)
    rows = []
    for split in ([args.split] if args.split else ["dev", "test"]):
        scores = []
        for item in load(GOLD, split):
            answer = baseline(engine, item["question"]) if args.baseline else \
                engine.ask(item["question"])
            s = score_item(item, answer)
            scores.append(s)
            if args.show:
                print(f"## {item['id']} {item['question']}  correct={s.correct} found={s.found}/"
                      f"{s.expected} period={s.period_ok} cited={s.cited} order={s.in_order} "
                      f"missing={s.missing_named} extra={s.extra}\n{answer.text}\n")
        for kind in ("comparison", "trend", None):
            part = [s for s in scores if kind in (None, s.type)]
            rows.append((split, kind or "all", summary(part)))
    keys = list(rows[0][2])
    print("| split | type | " + " | ".join(keys) + " |")
    print("|---|---|" + "---|" * len(keys))
    for split, kind, sm in rows:
        cells = [str(sm[k]) if k == "items" else f"{sm[k]:.3f}" for k in keys]
        print(f"| {split} | {kind} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
