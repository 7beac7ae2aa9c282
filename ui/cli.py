"""baocao command line: search and question answering over Vietnamese report files.

User errors print one line to stderr and exit 2; ``--json`` prints machine
output on stdout. Heavy modules are imported inside the commands that need
them, so ``--help`` and errors answer at once.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from rag.contract import stamp
from rag.errors import BaocaoError, InputError
from ui import cli_series


def _print_json(obj) -> None:
    """Strict JSON (no ``Infinity``/``NaN``, which other tools cannot read)."""
    sys.stdout.write(json.dumps(_finite(obj), ensure_ascii=False, indent=1,
                                allow_nan=False) + "\n")


def _json_line(obj) -> str:
    """One strict JSON line (``search --json``, ``--queries``)."""
    return json.dumps(_finite(obj), ensure_ascii=False, allow_nan=False) + "\n"


def _finite(obj):
    """Non-finite floats become null."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def cmd_parse(args) -> int:
    from rag.chunk import chunk_document
    from rag.ingest import parse_file

    doc = parse_file(args.file)
    chunks = chunk_document(doc)
    cited = {n: c.chunk_id for c in chunks for n, _ in c.markers}
    if args.json:
        out = doc.to_dict()
        out.pop("text")
        out["footnotes"] = [{**f.to_dict(), "cited_in": cited.get(n)}
                            for n, f in doc.footnotes.items()]
        out["chunks"] = [c.to_dict() for c in chunks]
        _print_json(stamp("parse", out))
        return 0
    _print_parse_text(doc, chunks, cited)
    return 0


def _print_parse_text(doc, chunks, cited: dict[int, str]) -> None:
    w = sys.stdout.write
    w(f"{doc.title}\n{doc.doc_type} · {doc.province or '—'} · {doc.date or '—'} · {doc.fmt}\n")
    w("Kỳ báo cáo: " + (", ".join(p.label for p in doc.periods) or "—") + "\n")
    w("Kỳ kế hoạch: " + (", ".join(p.label for p in doc.plan_periods) or "—") + "\n\nMục lục:\n")
    for s in doc.sections:
        page = f"  (tr. {s.page})" if s.page else ""
        w(f"{'  ' * s.level}{s.title}{page}\n")
    w(f"\nChú thích: {len(doc.footnotes)}\n")
    for n, f in doc.footnotes.items():
        w(f"  [{n}] → {cited.get(n) or '—'}: {f.text[:100]}\n")
    w(f"\nĐoạn (chunk): {len(chunks)}\n")
    for c in chunks:
        kind = "kế hoạch" if c.is_plan else "kết quả"
        pages = f" tr.{c.page_start}-{c.page_end}" if c.page_start else ""
        w(f"  {c.chunk_id}{pages} [{kind}] {c.section[-80:]} | {c.text[:70]}…\n")


def _progress_bar():
    """A stderr progress line per document while OCR reads its pages and while embedding
    (library code never prints)."""
    from rag.ingest.ocr import OCR_STAGE

    def report(doc_id: str, done: int, total: int) -> None:
        if doc_id.endswith(OCR_STAGE):
            sys.stderr.write(f"\r  {doc_id.removesuffix(OCR_STAGE)}: {done}/{total} "
                             "scanned pages read (OCR)")
        else:
            sys.stderr.write(f"\r  {doc_id}: {done}/{total} chunks embedded")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()
    return report


def _print_report(report, as_json: bool) -> None:
    if as_json:
        from dataclasses import asdict

        out = asdict(report)
        out["errors"] = {k: {"code": e.code, **e.details} for k, e in report.errors.items()}
        out["warnings"] = {k: {"code": e.code, **e.details}
                           for k, e in report.warnings.items()}
        _print_json(out)
        return
    w = sys.stdout.write
    for doc_id in report.added:
        w(f"{'replaced' if doc_id in report.replaced else 'added'}: {doc_id}\n")
    for doc_id in report.removed:
        w(f"removed: {doc_id}\n")
    for doc_id in report.repaired:
        w(f"re-embedded (stored vectors were not numbers): {doc_id}\n")
    w(f"added: {len(report.added) - len(report.replaced)}, replaced: {len(report.replaced)}, "
      f"unchanged: {len(report.unchanged)}, re-parsed: {len(report.reparsed)}, "
      f"removed: {len(report.removed)}, {_count(report.embedded_chunks, 'chunk')} embedded, "
      f"{_count(report.total_chunks, 'chunk')} in the index"
      + (f" (live version {report.version})" if report.version else " (nothing changed)")
      + "\n")
    for err in report.failed.values():
        sys.stderr.write(f"baocao: error: {err}\n")
    for warning in report.warnings.values():
        sys.stderr.write(f"baocao: warning: {warning}\n")


def _count(n: int, noun: str) -> str:
    """"1 chunk", "2 chunks"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def cmd_index(args) -> int:
    from pathlib import Path

    from rag import service

    if args.action == "list":
        return _list(service.list_documents(args.index), args.json)
    if args.action == "rollback":
        return _rollback(service.rollback(args.index), args.json)
    progress = None if args.json else _progress_bar()
    if args.action == "build":
        folder = args.paths or None  # nargs="?": the one folder as given, else the sample
        report = service.build(Path(folder) if folder else None, args.index,
                               args.embedder, progress, force=args.force)
    elif args.action == "add":
        report = service.add([Path(p) for p in args.paths], args.index, args.embedder, progress)
    else:
        report = service.remove(args.paths, args.index)
    _print_report(report, args.json)
    return 2 if report.failed else 0


def _rollback(done, as_json: bool) -> int:
    if as_json:
        from dataclasses import asdict

        _print_json(asdict(done))
        return 0
    was = f"; it replaces {done.previous}" if done.previous else ""
    sys.stdout.write(f"live now: {done.live} (written {done.written}, "
                     f"{_count(done.n_docs, 'report')}, {_count(done.n_chunks, 'chunk')}){was}\n")
    return 0


def _list(docs, as_json: bool) -> int:
    if as_json:
        _print_json(stamp("reports", {"reports": [d.to_dict() for d in docs]}))
        return 0
    for d in docs:
        sys.stdout.write(f"{d.doc_id}\t{d.period_label or '—'}\t{_count(d.n_chunks, 'chunk')}"
                         f"\t{d.title}\n")
    return 0


MAX_K = 1000  # passages a search may return: more is a typo, not a use


def _check_k(k: int) -> int:
    """``--k 0`` (or negative, or absurd) is a one-line error, not an empty result."""
    if not 1 <= k <= MAX_K:
        raise InputError("query.bad_k", k=k, limit=MAX_K)
    return k


def cmd_search(args) -> int:
    from rag import service

    _check_k(args.k)
    queries = [service.check_question(q) for q in _queries(args)]
    engine = service.Engine.open(args.index)
    for q in queries:
        result = engine.search(q, k=args.k, doc_ids=args.doc, period=args.period)
        if args.json or args.queries:
            sys.stdout.write(_json_line(stamp("search", result.to_dict())))
        else:
            _print_hits(result)
    return 0


def _queries(args) -> list[str]:
    if args.queries:
        from pathlib import Path

        lines = Path(args.queries).read_text(encoding="utf-8").splitlines()
        return [ln.strip() for ln in lines if ln.strip()]
    if not args.query:
        raise InputError("query.missing")
    return [args.query]


def _print_hits(result) -> None:
    w = sys.stdout.write
    if result.periods:
        covered = "có" if result.period_covered else "KHÔNG có báo cáo nào"
        w(f"Kỳ hỏi: {result.periods[0].label} ({covered})\n")
    for h in result.hits:
        page = f" · tr. {h.chunk.page_start}" if h.chunk.page_start else ""
        w(f"[{h.rank}] {h.score:.4f} {h.chunk.chunk_id} · {h.chunk.period_label}{page}\n"
          f"    {h.chunk.section}\n    {h.chunk.text[:200]}…\n")


def cmd_ask(args) -> int:
    from rag import service

    _check_k(args.k)
    service.read_question(args.question, args.period)  # before the model loads: a typo
    engine = service.Engine.open(args.index)
    answer = engine.ask(args.question, k=args.k, doc_ids=args.doc, period=args.period)
    if args.json:
        _print_json(stamp("answer", answer.to_dict()))
        return 0
    w = sys.stdout.write
    if answer.headline is not None:  # the asked figure first, as the web page shows it
        w(f"{answer.headline.text} [{answer.headline.citation}]\n\n")
    w(answer.text + "\n")
    for c in answer.citations:
        page = f" — tr. {c.page}" if c.page else ""
        w(f"\n[{c.n}] {c.title} — {c.period} — {c.section}{page} ({c.chunk_id})\n"
          f"    \u201c{c.quote}\u201d\n")
        if c.table_id:
            w(f"    Bảng {c.table_id}, dòng {c.row + 1}: «{c.section}»{page}\n")
        if c.scanned:
            w("    (trích từ bản quét, cần đối chiếu)\n")
        for f in c.footnotes:
            w(f"    Chú thích {f.n}: {f.text}\n")
    if answer.abstained:
        for h in answer.related:
            w(f"\nCó thể liên quan: {h.doc.title} — {h.chunk.section} "
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
    _index_parsers(sub)
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
    cli_series.register(sub)
    p = sub.add_parser("serve", help="run the web app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--index", default=None)
    p.add_argument("--admin-token-file", default=None,
                   help="file holding the admin token that allows adding, replacing and "
                        "removing reports in the app (or set BAOCAO_ADMIN_TOKEN); without "
                        "one the app is read-only")
    p.set_defaults(func=cmd_serve)
    return parser


def _index_parsers(sub) -> None:
    """``index build|add|remove|list|rollback``, each with its own arguments, so options
    may come before or after the files (``index add --index DIR FILE``)."""
    index = sub.add_parser("index", help="build and manage the index")
    actions = index.add_subparsers(dest="action", required=True)
    specs = {
        "build": ("index every report of a folder (default: the bundled sample corpus)",
                  "?", "folder of report files"),
        "add": ("add or replace reports (.txt .md .pdf .docx)", "+", "report files"),
        "remove": ("remove reports by id", "+", "report ids (see 'index list')"),
        "list": ("list the indexed reports", None, None),
        "rollback": ("make the previous version of the index live again", None, None),
    }
    for action, (text, nargs, what) in specs.items():
        p = actions.add_parser(action, help=text, description=text)
        if nargs:
            p.add_argument("paths", nargs=nargs, default=[], help=what)
        if action in ("build", "add"):
            p.add_argument("--embedder", default=None, help="embedder registry name")
        if action == "build":
            p.add_argument("--force", action="store_true",
                           help="replace an index that cannot be read")
        _common(p, k=False)
        p.set_defaults(func=cmd_index, paths=[], embedder=None, force=False)


def cmd_eval(args) -> int:
    from rag.evaluation.metrics import run_cli

    _check_k(args.k)
    return run_cli(args)


def cmd_serve(args) -> int:
    from ui.app import serve

    serve(host=args.host, port=args.port, index_dir=args.index,
          admin_token_file=args.admin_token_file)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BaocaoError as exc:
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
