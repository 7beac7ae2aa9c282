"""Check a gold file against the raw reports: every evidence span and figure is really there.

The gold set is written by reading the reports, so a typo in a span would make
an item unanswerable by construction. This checks each item against the
report file itself (never against the parser's output): the normalized
evidence must occur in the normalized report, and every answer figure must
occur verbatim in the evidence. Usage:

    .venv/bin/python eval/verify_gold.py eval/gold.jsonl [--reports data/reports]

Exit status 1 and one line per problem when anything does not match.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.evaluation.metrics import normalize  # noqa: E402  (the harness's own normalization)

TYPES = {"figure", "fact", "footnote", "breakdown", "unanswerable"}
FIELDS = {"id", "question", "doc", "answer_figures", "evidence", "in_footnote", "type"}


def problems(item: dict, reports: dict[str, str]) -> list[str]:
    """Why one gold item does not match its report (empty list when it does)."""
    out = []
    missing = FIELDS - set(item)
    if missing:
        return [f"missing fields {sorted(missing)}"]
    if item["type"] not in TYPES:
        out.append(f"unknown type {item['type']!r}")
    if item["type"] == "unanswerable":
        if item["doc"] is not None or item["answer_figures"] or item["evidence"]:
            out.append("unanswerable item must have doc null, no figures, no evidence")
        return out
    if item["doc"] not in reports:
        return out + [f"unknown doc {item['doc']!r}"]
    evidence = normalize(item["evidence"])
    words = len(evidence.split())
    if not 15 <= words <= 40:
        out.append(f"evidence has {words} words (15-40)")
    if evidence not in reports[item["doc"]]:
        out.append("evidence not found in the report")
    for fig in item["answer_figures"]:
        if unicodedata.normalize("NFC", fig).lower() not in evidence:
            out.append(f"figure {fig!r} not in the evidence")
    return out


def load_reports(folder: Path) -> dict[str, str]:
    return {p.name: normalize(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("--reports", type=Path, default=ROOT / "data" / "reports")
    args = ap.parse_args(argv)
    reports = load_reports(args.reports)
    bad, seen = 0, set()
    for lineno, line in enumerate(args.gold.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        item = json.loads(line)
        errs = problems(item, reports)
        if item.get("id") in seen:
            errs.append("duplicate id")
        seen.add(item.get("id"))
        for err in errs:
            bad += 1
            print(f"{args.gold}:{lineno}: {item.get('id')}: {err}")
    print(f"{len(seen)} items, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
