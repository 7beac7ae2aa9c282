"""``baocao`` command line: a thin layer over the library.

User errors print one line to stderr and exit 2; ``--json`` prints machine
output on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from rag.readers import InputError


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=1) + "\n")


def _doc_summary(doc) -> dict:
    return {
        "doc_id": doc.doc_id, "source": doc.source, "title": doc.title, "date": doc.date,
        "doc_type": doc.doc_type, "province": doc.province, "format": doc.fmt,
        "periods": [p.to_dict() for p in doc.periods],
        "plan_periods": [p.to_dict() for p in doc.plan_periods],
        "content_hash": doc.content_hash,
    }


def cmd_parse(args) -> int:
    from rag.chunk import chunk_document
    from rag.ingest import parse_file

    doc = parse_file(args.file)
    chunks = chunk_document(doc)
    cited = {n: c.chunk_id for c in chunks for n, _ in c.markers}
    out = {
        "document": _doc_summary(doc),
        "sections": [{"title": s.title, "level": s.level, "path": list(s.path),
                      "page": s.page, "start": s.start, "end": s.end} for s in doc.sections],
        "footnotes": [{**f.to_dict(), "cited_in": cited.get(n)} for n, f in doc.footnotes.items()],
        "chunks": [asdict(c) for c in chunks],
    }
    if args.json:
        _print_json(out)
        return 0
    _print_parse_text(out)
    return 0


def _print_parse_text(out: dict) -> None:
    d = out["document"]
    w = sys.stdout.write
    w(f"{d['title']}\n{d['doc_type']} · {d['province']} · {d['date']} · {d['format']}\n")
    w("Kỳ báo cáo: " + ", ".join(p["label"] for p in d["periods"]) + "\n")
    w("Kỳ kế hoạch: " + ", ".join(p["label"] for p in d["plan_periods"]) + "\n\nMục lục:\n")
    for s in out["sections"]:
        w(f"{'  ' * s['level']}{s['title']}  (tr. {s['page']})\n")
    w(f"\nChú thích: {len(out['footnotes'])}\n")
    for f in out["footnotes"]:
        w(f"  [{f['n']}] → {f['cited_in']}: {f['text'][:100]}\n")
    w(f"\nĐoạn (chunk): {len(out['chunks'])}\n")
    for c in out["chunks"]:
        kind = "kế hoạch" if c["is_plan"] else "kết quả"
        w(f"  {c['chunk_id']} tr.{c['page_start']}-{c['page_end']} [{kind}] "
          f"{' > '.join(c['section_path'])[-80:]} | {c['text'][:70]}…\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="baocao", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="parse one report and print its structure")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_parse)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        sys.stderr.write(f"baocao: error: {exc}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
