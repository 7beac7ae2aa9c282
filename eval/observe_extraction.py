"""Indicator-extraction precision/recall on the hand-labelled spans (eval/observe/labels.jsonl).

    .venv/bin/python eval/observe_extraction.py              # both halves, markdown tables
    .venv/bin/python eval/observe_extraction.py --split tune --show 40   # misses and extras

Reports come from data/reports and ../shared/realdocs (override with BAOCAO_REALDOCS);
a missing realdocs folder drops its spans and says so. The matching rule is in
rag/evaluation/observations.py. Rules may be tuned on the "tune" half only (odd ids).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rag.chunk import chunk_document  # noqa: E402
from rag.evaluation.observations import FIELDS, load_labels, match, scores  # noqa: E402
from rag.ingest import parse_file  # noqa: E402
from rag.observe.extract import extract  # noqa: E402
from rag.records import DocInfo  # noqa: E402

LABELS = REPO / "eval" / "observe" / "labels.jsonl"


def realdocs() -> Path:
    return Path(os.environ.get("BAOCAO_REALDOCS") or REPO.parent / "shared" / "realdocs")


def observations(docs: set[str]) -> tuple[dict, float, list[str]]:
    """Observations per labelled report file, extraction seconds, files not found."""
    found, seconds, missing = {}, 0.0, []
    for name in sorted(docs):
        path = next((p for p in (REPO / "data" / "reports" / name, realdocs() / name)
                     if p.is_file()), None)
        if path is None:
            missing.append(name)
            continue
        doc = parse_file(path)
        chunks = chunk_document(doc)
        t0 = time.perf_counter()
        found[name] = extract(chunks, DocInfo.of(doc, len(chunks), ""))
        seconds += time.perf_counter() - t0
    return found, seconds, missing


MEASURES = ("detection", "strict", *FIELDS, "grouping")


def table(rows: list[tuple[str, dict]]) -> str:
    """One row per measure, precision and recall for each split side by side."""
    head = "| measure | " + " | ".join(f"{name} P | {name} R" for name, _ in rows) + " |"
    out = [head, "|---|" + "---|---|" * len(rows)]
    for measure in MEASURES:
        cells = [f"{sc[measure]['precision']:.3f} | {sc[measure]['recall']:.3f}"
                 for _, sc in rows]
        out.append(f"| {measure} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def slices(rows: list[tuple[str, dict]]) -> str:
    out = ["| slice | detection P | detection R | strict P | strict R |", "|---|---|---|---|---|"]
    for name, sc in rows:
        d, st = sc["detection"], sc["strict"]
        out.append(f"| {name} | {d['precision']:.3f} | {d['recall']:.3f} | "
                   f"{st['precision']:.3f} | {st['recall']:.3f} |")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default=None, help="tune | test (default: both)")
    ap.add_argument("--show", type=int, default=0, help="list this many misses and extras")
    ap.add_argument("--field", default=None, help="with --show: list pairs wrong on FIELD")
    args = ap.parse_args(argv)
    labels = load_labels(LABELS)
    obs, seconds, missing = observations({x["doc"] for x in labels})
    if missing:
        print(f"not found (spans dropped): {', '.join(missing)}\n")
    labels = [x for x in labels if x["doc"] not in missing]
    rows, extra_rows = [], []
    for split in ([args.split] if args.split else ["tune", "test"]):
        part = load_labels(LABELS, split)
        part = [x for x in part if x["doc"] not in missing]
        m = match(part, obs)
        rows.append((f"{split}", scores(m)))
        sizes = f"{split}: {len(part)} spans, {m.n_gold} gold / {m.n_system} system observations"
        print(sizes)
        for tag, keep in (("prose", lambda x: "table_row" not in x.get("tags", [])),
                          ("table rows", lambda x: "table_row" in x.get("tags", []))):
            sub = [x for x in part if keep(x)]
            ms = match(sub, obs)
            extra_rows.append((f"{split} {tag} ({len(sub)} spans, {ms.n_gold} obs)", scores(ms)))
        if args.show:
            _show(m, args.show, args.field)
    print()
    print(table(rows))
    print("\nBy kind of span:\n")
    print(slices(extra_rows))
    g = [sc["grouping"]["thu_chi_joined"] for _, sc in rows]
    print(f"\nrevenue/spending pairs joined under one key: {g}")
    n = sum(len(v) for v in obs.values())
    print(f"extraction: {n} observations from {len(obs)} reports in {seconds:.2f} s")
    return 0


def _show(m, n: int, field: str | None) -> None:
    from rag.evaluation.observations import CHECKS

    if field:
        for p in [p for p in m.pairs if not CHECKS[field](p.gold, p.got)][:n]:
            print(f"  {p.label_id} {field}: gold={_brief(p.gold)}\n      got={p.got.indicator!r} "
                  f"{p.got.value_text} {p.got.unit} {p.got.period.label} as_of={p.got.as_of} "
                  f"plan={p.got.is_plan} {[(c.kind, c.value) for c in p.got.comparisons]}")
        return
    for lid, g in m.missed[:n]:
        print(f"  MISS {lid}: {_brief(g)}")
    for lid, o in m.extra[:n]:
        print(f"  EXTRA {lid}: {o.indicator!r} {o.figure} {o.period.label}")


def _brief(g: dict) -> str:
    p = g["period"]
    return (f"{g['indicator']!r} {g['value_text']} {g['unit']} {p['kind']} {p.get('year')} "
            f"{p['start_month']}-{p['end_month']} as_of={p.get('as_of')} plan={g['is_plan']} "
            f"{[(c['kind'], c['value']) for c in g['comparisons']]}")


if __name__ == "__main__":
    sys.exit(main())
