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


def _progress_bar():
    """A stderr progress line per document while embedding (library code never prints)."""
    def report(doc_id: str, done: int, total: int) -> None:
        sys.stderr.write(f"\r  {doc_id}: {done}/{total} chunks embedded")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()
    return report


def _print_report(report, as_json: bool) -> None:
    if as_json:
        _print_json(asdict(report))
        return
    w = sys.stdout.write
    w(f"added: {len(report.added)}, unchanged: {len(report.unchanged)}, "
      f"removed: {len(report.removed)}, chunks embedded: {report.embedded_chunks}, "
      f"chunks in index: {report.total_chunks}\n")
    for name, err in report.failed.items():
        w(f"failed: {name}: {err}\n")


def cmd_index(args) -> int:
    from pathlib import Path

    from rag import service

    if args.action == "list":
        docs = service.list_documents(args.index)
        if args.json:
            _print_json(docs)
            return 0
        for d in docs:
            sys.stdout.write(
                f"{d['doc_id']}\t{d['period']}\t{d['n_chunks']} chunks\t{d['title']}\n")
        return 0
    progress = None if args.json else _progress_bar()
    if args.action == "build":
        report = service.build(Path(args.paths[0]) if args.paths else None, args.index,
                               args.embedder, progress)
    elif args.action == "add":
        report = service.add([Path(p) for p in args.paths], args.index, args.embedder, progress)
    else:
        report = service.remove(args.paths, args.index)
    _print_report(report, args.json)
    return 1 if report.failed else 0


def cmd_search(args) -> int:
    from rag import service

    engine = service.Engine.open(args.index)
    queries = _queries(args)
    for q in queries:
        result = engine.search(q, k=args.k, doc_ids=args.doc, period=args.period)
        if args.json or args.queries:
            line = json.dumps(result.to_dict(), ensure_ascii=False)
            sys.stdout.write(line + "\n")
        else:
            _print_hits(result)
    return 0


def _queries(args) -> list[str]:
    if args.queries:
        from pathlib import Path

        lines = Path(args.queries).read_text(encoding="utf-8").splitlines()
        return [ln.strip() for ln in lines if ln.strip()]
    if not args.query:
        raise InputError("give a QUERY or --queries FILE")
    return [args.query]


def _print_hits(result) -> None:
    w = sys.stdout.write
    if result.periods:
        covered = "có" if result.period_covered else "KHÔNG có báo cáo nào"
        w(f"Kỳ hỏi: {result.periods[0].label} ({covered})\n")
    for h in result.hits:
        d = h.to_dict()
        w(f"[{d['rank']}] {d['score']:.4f} {d['chunk_id']} · {d['period']} · tr. {d['page']}\n"
          f"    {d['section']}\n    {d['text'][:200]}…\n")


def cmd_ask(args) -> int:
    from rag import service

    engine = service.Engine.open(args.index)
    answer = engine.ask(args.question, k=args.k, doc_ids=args.doc, period=args.period)
    if args.json:
        _print_json(answer.to_dict())
        return 0
    w = sys.stdout.write
    w(answer.text + "\n")
    for c in answer.citations:
        w(f"\n[{c.n}] {c.title} — {c.period} — {c.section} — tr. {c.page} ({c.chunk_id})\n"
          f"    \u201c{c.quote}\u201d\n")
        for f in c.footnotes:
            w(f"    Chú thích {f['n']}: {f['text']}\n")
    if answer.abstained:
        for h in answer.result.hits[:3]:
            w(f"\nCó thể liên quan: {h.doc.title} — {' > '.join(h.chunk.section_path)} "
              f"({h.chunk.chunk_id})\n    {h.chunk.text[:160]}…\n")
    return 0


def _common(p: argparse.ArgumentParser, k: bool = True) -> None:
    p.add_argument("--index", default=None, help="index folder (default: index/default)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    if k:
        p.add_argument("--k", type=int, default=10)
        p.add_argument("--doc", action="append", help="only this report id (repeatable)")
        p.add_argument("--period", help="period filter, e.g. 'tháng 5/2024'")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="baocao", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="parse one report and print its structure")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_parse)
    p = sub.add_parser("index", help="build and manage the index")
    p.add_argument("action", choices=["build", "add", "remove", "list"])
    p.add_argument("paths", nargs="*", help="build: folder; add: files; remove: report ids")
    p.add_argument("--embedder", default=None, help="embedder registry name")
    _common(p, k=False)
    p.set_defaults(func=cmd_index)
    p = sub.add_parser("search", help="ranked passages for a query")
    p.add_argument("query", nargs="?")
    p.add_argument("--queries", help="file with one query per line (JSON Lines out)")
    _common(p)
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("ask", help="answer a question with cited figures")
    p.add_argument("question")
    _common(p)
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("eval", help="evaluate on a gold Q&A file")
    p.add_argument("--gold", required=True)
    p.add_argument("--out", default=None)
    p.add_argument("--split", default=None, help="only items of this split (dev/test)")
    p.add_argument("--baselines", action="store_true", help="also BM25, dense, LangChain")
    _common(p)
    p.set_defaults(func=cmd_eval)
    p = sub.add_parser("serve", help="run the web app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--index", default=None)
    p.set_defaults(func=cmd_serve)
    return parser


def cmd_eval(args) -> int:
    from rag.evaluate import run_cli

    return run_cli(args)


def cmd_serve(args) -> int:
    from ui.app import serve

    serve(host=args.host, port=args.port, index_dir=args.index)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from rag.store import IndexStoreError

    try:
        return args.func(args)
    except (InputError, IndexStoreError) as exc:
        sys.stderr.write(f"baocao: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("baocao: interrupted\n")
        return 130
    except BrokenPipeError:  # "baocao parse … | head"
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
