"""``baocao series "INDICATOR" [--json] [--csv]``: one indicator across all indexed reports.

Reads the live index version's observations only (no model is loaded), so it answers
at once. Text output is one line per period; ``--json`` the series JSON; ``--csv`` CSV
for Excel (UTF-8 with BOM) on stdout or into ``--out FILE``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub) -> None:
    """Add the ``series`` command to the ``baocao`` subparsers."""
    p = sub.add_parser("series", help="one indicator's figures across all reports")
    p.add_argument("indicator", help='e.g. "thu ngân sách nhà nước" or "kim ngach XNK"')
    p.add_argument("--index", default=None, help="index folder (default: index/default)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="the series as JSON")
    fmt.add_argument("--csv", action="store_true", help="CSV for Excel (UTF-8 with BOM)")
    p.add_argument("--out", default=None, help="with --csv: write this file")
    p.add_argument("--plans", action="store_true", help="include plans and targets")
    p.add_argument("--doc", action="append", help="only this report id (repeatable)")
    p.set_defaults(func=cmd_series)


def load(index_dir) -> tuple[list, dict]:
    """The live version's observations and report infos, without vectors or a model."""
    from rag.index import IndexStore, default_index_dir, load_index
    from rag.index.observations import read_observations

    store = IndexStore(Path(index_dir) if index_dir else default_index_dir())
    folder = store.live_folder()
    docs = {d.doc_id: d for d in store.manifest(folder).documents}
    found = read_observations(folder)
    if found is None:  # written before observations existed, or by an older extractor
        from rag.index.observations import observations_of

        found = observations_of(load_index(store.root))
    return found, docs


def cmd_series(args) -> int:
    from rag.answer.export import find_series, to_csv, to_json, totals_and_parts
    from rag.contract import stamp

    observations, docs = load(args.index)
    series = find_series(observations, args.indicator, plans=args.plans, doc_ids=args.doc)
    if args.json:
        out = stamp("series", to_json(series))
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
        return 0
    series, parts = totals_and_parts(series)  # a part never stands among the totals
    if args.csv:
        data = to_csv(series, docs)
        if args.out:
            Path(args.out).write_bytes(data)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
    else:
        _print_text(series, docs, parts)
    return 0


def _print_text(series, docs, parts=()) -> None:
    from rag.answer.across import lines_of

    w = sys.stdout.write
    w(f"{series.indicator} ({series.unit or '—'}): {len(series.rows)} số liệu\n")
    for line, o in zip(lines_of(list(series.rows), docs), series.rows, strict=True):
        w(f"  {line}   [{o.chunk_id}]\n")
    if parts:
        w("Số liệu chỉ của một phần (không thuộc dãy trên):\n")
        for line, o in zip(lines_of(list(parts), docs), parts, strict=True):
            w(f"  {line}   [{o.chunk_id}]\n")


if __name__ == "__main__":  # for a quick look without the main CLI
    parser = argparse.ArgumentParser(prog="baocao")
    register(parser.add_subparsers(dest="command", required=True))
    a = parser.parse_args()
    sys.exit(a.func(a))
