"""A parts question across places answered from table rows: one row per place asked.

"QĐ 2639 bổ sung cho từng tỉnh Sơn La, Lai Châu, Điện Biên bao nhiêu" asks for the same
cell of several rows of one table, each row naming one of the places. Each row is cited on
its own, in the table's order; a place no found row names is said to be missing, never
filled with another row.
"""

from __future__ import annotations

from rag.answer.cells import cell_citation, cell_text, pick_column
from rag.answer.question import names
from rag.records import Answer, Hit, Question, SearchResult


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
