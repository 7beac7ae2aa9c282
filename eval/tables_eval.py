"""Tables: cell accuracy of the PDF table reader, and retrieval/answers on the table items.

    python eval/tables_eval.py cells
        146 hand-checked cells of the three indicator-table PDFs in ../shared/realdocs
        (eval/data/table_cells.jsonl, read off the rendered pages): a cell is right when
        its row (page, STT, label, parent row), column header path and text all match.
    python eval/tables_eval.py items --index DIR --gold FILE
        the "table" items of a realdocs gold file (row_path, column, answer figures):
        Hit@1/Hit@5 = the gold row's chunk among the first 1/5 hits; figure accuracy =
        every answer figure in the composed answer.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rag.ingest.tables.rows import key, split_label_code  # noqa: E402
from rag.records import Table, TableRow  # noqa: E402

REAL = REPO.parent / "shared" / "realdocs"
if not REAL.is_dir():
    REAL = Path("/work/shared/realdocs")
_CODE = re.compile(r"^\s*([A-ZĐ]{1,5}|[IVXLC]+|\d+(?:\.\d+)*)[.)]?\s+")


def label_key(text: str) -> str:
    """A row label without its code, spacing or case ("3.1.Rau các loại" -> "raucácloại")."""
    text = _CODE.sub("", text or "")
    return key(split_label_code(text)[2])


def _stt(table: Table, row: TableRow) -> str:
    col = next((i for i, c in enumerate(table.columns) if c.kind == "stt"), None)
    return row.cells[col].text if col is not None else row.code


def find_column(table: Table, path: list[str]) -> int | None:
    """The column whose header path is ``path``, or contains its parts in order."""
    want = [key(p) for p in path]
    exact = [i for i, c in enumerate(table.columns) if [key(p) for p in c.path] == want]
    if exact:
        return exact[0]
    hits = []
    for i, c in enumerate(table.columns):
        parts, k = [key(p) for p in c.path], 0
        for p in parts:
            if k < len(want) and want[k] in p:
                k += 1
        if k == len(want) and parts and want[-1] in parts[-1]:
            hits.append(i)
    return hits[0] if len(hits) == 1 else None


def score_cells(items: list[dict]) -> tuple[int, list]:
    from rag.ingest.pdf import read_pdf_content

    tables = {d: read_pdf_content(REAL / d).tables for d in {i["doc"] for i in items}}
    ok, fails = 0, []
    for it in items:
        rows = [(t, r) for t in tables[it["doc"]] for r in t.rows if r.page == it["page"]
                and key(_stt(t, r)) == key(it["stt"]) and key(r.label) == label_key(it["label"])]
        if it["parent"] is not None:
            rows = [(t, r) for t, r in rows if len(r.label_path) >= 2
                    and label_key(r.label_path[-2]) == label_key(it["parent"])]
        col = find_column(rows[0][0], it["column"]) if len(rows) == 1 else None
        got = rows[0][1].cells[col].text if col is not None else None
        if got == it["value"]:
            ok += 1
        else:
            fails.append((it["doc"][:20], it["page"], it["stt"], it["label"], it["column"],
                          it["value"], got, len(rows)))
    return ok, fails


def row_matches(chunk, item: dict) -> bool:
    ref = chunk.table
    if ref is None or Path(item["doc"]).stem != chunk.doc_id:
        return False
    want = [label_key(p) for p in item["row_path"]]
    return [label_key(p) for p in ref.label_path][-len(want):] == want


def score_items(index: str, gold: str) -> dict:
    from rag.service import Engine

    lines = Path(gold).read_text(encoding="utf-8").splitlines()
    items = [i for i in map(json.loads, filter(str.strip, lines)) if i.get("type") == "table"]
    engine = Engine.open(index)
    h1 = h5 = figs = 0
    for it in items:
        result = engine.search(it["question"], k=10)
        ranks = [h.rank for h in result.hits if row_matches(h.chunk, it)]
        h1 += bool(ranks and ranks[0] == 1)
        h5 += bool(ranks and ranks[0] <= 5)
        answer = engine.ask(it["question"], k=10)
        good = all(f in answer.text for f in it["answer_figures"])
        figs += good
        print(f"{it['id']} rank={ranks[0] if ranks else '-'} figure={'ok' if good else 'NO'} "
              f"| {answer.text[:160]}")
    n = len(items)
    return {"items": n, "hit@1": round(h1 / n, 3), "hit@5": round(h5 / n, 3),
            "figure_accuracy": round(figs / n, 3)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["cells", "items"])
    parser.add_argument("--index")
    parser.add_argument("--gold")
    args = parser.parse_args()
    if args.what == "cells":
        data = (REPO / "eval" / "data" / "table_cells.jsonl").read_text(encoding="utf-8")
        items = [json.loads(ln) for ln in data.splitlines() if ln.strip()]
        ok, fails = score_cells(items)
        for doc in sorted({i["doc"] for i in items}):
            n = sum(i["doc"] == doc for i in items)
            bad = sum(f[0] == doc[:20] for f in fails)
            print(f"{doc}: {n - bad}/{n}")
        print(f"cells right: {ok}/{len(items)} = {ok / len(items):.1%}")
        for f in fails[:20]:
            print("  FAIL", f)
        return 0
    print(json.dumps(score_items(args.index, args.gold), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
