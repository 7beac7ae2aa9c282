"""Questions answered from several rows of one table: one row per place asked, or the row
with the largest or smallest value.

"QĐ 2639 bổ sung cho từng tỉnh Sơn La, Lai Châu, Điện Biên bao nhiêu" asks for the same
cell of several rows of one table, each row naming one of the places. Each row is cited on
its own, in the table's order; a place no found row names is said to be missing, never
filled with another row.
"""

from __future__ import annotations

import re
from collections import Counter

from rag.answer.cell_write import cell_citation, cell_text
from rag.answer.cells import ROW_WINDOW, pick_column
from rag.answer.question import names
from rag.ingest.figures import parse_vn_number
from rag.ingest.tables.words import is_total
from rag.places import canonical
from rag.records import Answer, Hit, Question, SearchResult, TableRef


def _names(hit: Hit, place: str) -> bool:
    return names(" ".join(hit.chunk.table.label_path), place)


def place_rows(q: Question, result: SearchResult) -> Answer | None:
    """The answer from one row per asked place (None: fewer than two places have a row
    with the asked column)."""
    if q.wants != "parts" or len(q.places) < 2:
        return None
    rows: dict[tuple[str, int], tuple[Hit, int]] = {}
    for place in q.places:
        for h in result.hits:
            ref = h.chunk.table
            k = pick_column(q.text, ref) if ref is not None and not ref.specs else None
            if k is not None and _names(h, place):
                rows.setdefault((ref.table_id, ref.row), (h, k))
                break
    if len(rows) < 2:
        return None
    order = [rows[key] for key in sorted(rows)]
    text = " ".join(cell_text(h, k, n) for n, (h, k) in enumerate(order, 1))
    missing = [p for p in q.places if not any(_names(h, p) for h, _ in order)]
    if missing:
        text += " Không tìm thấy dòng của: " + ", ".join(missing) + "."
    cites = tuple(cell_citation(h, k, n) for n, (h, k) in enumerate(order, 1))
    return Answer(q.text, text, False, None, cites, result)


def extreme_row(q: Question, index, result: SearchResult) -> Answer | None:
    """"Địa phương nào được bổ sung kinh phí nhiều nhất?": the row of the best hit's table
    (and its "(Tiếp theo)" parts) whose asked cell is the largest (smallest), among the rows
    naming provinces when several do, else those of the commonest depth, never a total;
    ties go to the first in the table. None: no table row answers, so the passages do."""
    if q.extreme is None:
        return None
    best = next((h for h in result.hits[:ROW_WINDOW] if h.chunk.table is not None), None)
    k = pick_column(q.text, best.chunk.table, lambda k: _value(best.chunk.table, k) is not None
                    ) if best is not None else None
    if k is None:
        return None
    col = best.chunk.table.col_index[k]
    rows = [(v, n, h, j) for n, h in enumerate(_table_rows(index, best))
            if (j := _position(h.chunk.table, col)) is not None
            and (v := _value(h.chunk.table, j)) is not None
            and not is_total(" ".join(h.chunk.table.label_path))]
    rows = _same_kind(rows)
    if len(rows) < 2:
        return None
    sign = 1 if q.extreme == "max" else -1
    _, _, hit, j = max(rows, key=lambda r: (sign * r[0], -r[1]))
    word = "cao nhất" if q.extreme == "max" else "thấp nhất"
    text = f"{hit.chunk.table.label_path[-1]} ({word} trong {len(rows)} dòng của bảng): " \
        + cell_text(hit, j, 1)
    return Answer(q.text, text, False, None, (cell_citation(hit, j, 1),), result)


def _same_kind(rows: list) -> list:
    """The rows compared: those naming a province when two or more do (a table of regions
    and their provinces), else those at the commonest depth of the label path."""
    named = [r for r in rows if canonical(r[2].chunk.table.label_path[-1])]
    if len(named) >= 2:
        return named
    depths = Counter(len(r[2].chunk.table.label_path) for r in rows)
    common = max(depths, key=lambda d: (depths[d], -d), default=None)
    return [r for r in rows if len(r[2].chunk.table.label_path) == common]


def _position(ref: TableRef, col: int) -> int | None:
    return next((j for j, c in enumerate(ref.col_index) if c == col), None)


def _value(ref: TableRef, k: int) -> float | None:
    if ref.values and ref.values[k] is not None:
        return ref.values[k]
    try:
        return parse_vn_number(ref.cells[k].strip().rstrip("%").strip())
    except ValueError:
        return None


_GOES_ON = re.compile(r"\(\s*tiếp\s+theo\s*\)", re.IGNORECASE)


def _table_rows(index, hit: Hit) -> list[Hit]:
    """Every row chunk of ``hit``'s table and of its "(Tiếp theo)" parts on the same sheet,
    in document order, as hits of its report."""
    ref = hit.chunk.table
    stem = _stem(ref.caption)
    rows = index.doc_rows.get(hit.chunk.doc_id, range(len(index.chunks)))
    found = [index.chunks[int(i)] for i in rows]
    return [Hit(hit.rank, hit.score, c, hit.doc) for c in sorted(found, key=lambda c: c.start)
            if c.doc_id == hit.chunk.doc_id and c.table is not None
            and c.table.sheet == ref.sheet and _stem(c.table.caption) == stem]


def _stem(caption: str) -> str:
    return " ".join(_GOES_ON.sub(" ", caption).split())
