"""The gold splits of real documents (`realdocs`, tuned on; `holdout`, only reported) over one
index of every document they ask about: the five sample reports and all of ../shared/realdocs
(signed and scanned PDFs, DOCX, the Markdown copies and workbooks of `more/`, the
statistics office's saved pages of `stats-office/`), the way an official's index would hold
them together. Prints the results by question kind and by issuer, with the LangChain
baseline beside the product.

    .venv/bin/python eval/realdocs_eval.py [--index /tmp/baocao-realdocs] [--rebuild]
        [--splits realdocs holdout] [--baselines] [--out DIR]

The index is built once (vectors are cached) and reused while its documents are unchanged.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag import service  # noqa: E402
from rag.evaluation.metrics import load_gold, run  # noqa: E402

REALDOCS = ROOT.parent / "shared" / "realdocs"
KINDS = ("*.pdf", "*.docx", "more/*.md", "more/*.xlsx", "more/*.xls", "stats-office/*.txt")
COLUMNS = ("n", "hit@5", "mrr@10", "figure_accuracy", "abstention_precision",
           "abstention_recall")


def documents(realdocs: Path) -> list[Path]:
    files = sorted((ROOT / "data" / "reports").glob("*.txt"))
    for pattern in KINDS:
        files += sorted(p for p in realdocs.glob(pattern) if p.stem.upper() != "README")
    return files


def build(index: Path, realdocs: Path, embedder: str | None) -> None:
    """Index every document (linked into one folder: ``index build`` takes a folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for path in documents(realdocs):
            (folder / path.name).symlink_to(path.resolve())
        report = service.build(folder, index_dir=index, embedder_name=embedder, force=True)
    for name, why in sorted(report.failed.items()):
        print(f"not indexed: {name}: {why}", file=sys.stderr)


BESIDE = ("hit@5", "mrr@10")  # the baseline's columns beside each slice (retrieval only)


def _cell(m: dict | None, column: str) -> str:
    return "" if m is None or m.get(column) is None else f"{m[column]:.3f}"


def table(title: str, rows: list[tuple[str, dict]], beside: dict | None = None) -> str:
    """One row per slice; with ``beside`` (slice -> the LangChain baseline's metrics), its
    Hit@5 and MRR@10 on the same items."""
    extra = [f"LangChain {c}" for c in BESIDE] if beside is not None else []
    out = [f"### {title}", "", "| slice | " + " | ".join((*COLUMNS, *extra)) + " |",
           "|---|" + "---|" * (len(COLUMNS) + len(extra))]
    for label, m in rows:
        cells = [str(m["n"])] + [_cell(m, c) for c in COLUMNS[1:]]
        if beside is not None:
            cells += [_cell(beside.get(label), c) for c in BESIDE]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def report(split: str, results: dict) -> str:
    hybrid, base = results["hybrid"], results.get("langchain_ensemble")
    rows = [("all", hybrid["overall"])]
    for name, res in results.items():
        if name != "hybrid":
            rows.append((f"all ({name})", res["overall"]))
    by_issuer = lambda res: {k or "(no document)": v  # noqa: E731
                             for k, v in res["by_issuer"].items()}
    parts = [table(f"{split}: overall", rows),
             table(f"{split}: by question kind", sorted(hybrid["by_ask"].items()),
                   base["by_ask"] if base else None),
             table(f"{split}: by issuer", sorted(by_issuer(hybrid).items()),
                   by_issuer(base) if base else None)]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=Path("/tmp/baocao-realdocs"))
    ap.add_argument("--realdocs", type=Path, default=REALDOCS)
    ap.add_argument("--gold", type=Path, default=ROOT / "eval" / "gold.jsonl")
    ap.add_argument("--splits", nargs="+", default=["realdocs", "holdout"])
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--embedder", default=None)
    ap.add_argument("--baselines", action="store_true")
    ap.add_argument("--out", type=Path, default=None, help="folder for per-item JSON lines")
    args = ap.parse_args(argv)
    if args.rebuild or not (args.index / "CURRENT").is_file():
        build(args.index, args.realdocs, args.embedder)
    engine = service.Engine.open(args.index)
    for split in args.splits:
        items = load_gold(args.gold, split)
        out = args.out / f"{split}.jsonl" if args.out else None
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
        results = {"hybrid": run(items, lambda q, k: engine.search(q, k=k),
                                 lambda q, k: engine.ask(q, k=k), 10, out)}
        if args.baselines:
            from rag.evaluation.baselines import baseline_systems

            results["langchain_ensemble"] = run(
                items, baseline_systems(engine)["langchain_ensemble"], None, 10)
        sys.stdout.write(report(split, results) + "\n")
        if out:
            summary = {k: v["overall"] for k, v in results.items()}
            (out.parent / f"{split}.summary.json").write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
