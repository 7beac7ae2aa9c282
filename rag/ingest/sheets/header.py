"""Column headers of a sheet's table: one path per column, top-down.

Statistics sheets write a header two ways, often in one table: a merged cell over the
columns it heads ("So với cùng kỳ năm trước (%)" over "Tháng 10" and "10 tháng"), and one
phrase stacked one line per row in a single column ("Thực hiện" / "tháng 9" / "năm" /
"2019"). Reading down a column, pieces that span the same columns continue one phrase;
a piece spanning fewer columns starts the next level. So "Cộng dồn 10 tháng" / "năm
2019" (both merged over E:F) then "Tổng" / "mức" (E alone) is the path ("Cộng dồn 10
tháng năm 2019", "Tổng mức"). A cell set to "centre across selection" spans the empty
cells to its right as a merge would.
"""

from __future__ import annotations

from rag.ingest.sheets.view import View


def header_rows(view: View, rows: list[int]) -> list[int]:
    """Every visible row from the first header row to the last (rows that only a merged
    cell covers included)."""
    if not rows:
        return []
    return [r for r in range(rows[0], rows[-1] + 1) if r not in view.sheet.hidden_rows]


def _across(view: View, r: int, c: int) -> tuple[int, int] | None:
    """The columns a "centre across selection" cell left of ``c`` spans over ``c``."""
    for left in sorted((x for x in view.cols if x <= c), reverse=True):
        cell = view.sheet.cells.get((r, left))
        if cell is None:
            continue
        if not cell.across:
            return None
        right = next((x for x in view.cols if x > left and (r, x) in view.sheet.cells), None)
        end = (right - 1) if right is not None else max(view.cols)
        return (left, end) if left <= c <= end else None
    return None


def piece(view: View, r: int, c: int) -> tuple[str, tuple[int, int], tuple[int, int]] | None:
    """(text, (first, last) column, (first, last) row) of what heads column ``c`` in row
    ``r``, or None for nothing."""
    m = view.cover.get((r, c))
    if m is not None:
        r0, c0, r1, c1 = m
        text = view.shown(r, c)
        return (text, (c0, c1), (r0, r1)) if text else None
    span = _across(view, r, c)
    if span is not None:
        text = view.text(r, span[0])
        return (text, span, (r, r)) if text else None
    text = view.text(r, c)
    return (text, (c, c), (r, r)) if text else None


def column_path(view: View, rows: list[int], c: int) -> tuple[str, ...]:
    """The header path of column ``c`` over the header ``rows``."""
    path: list[str] = []
    span: tuple[int, int] | None = None
    seen: set[tuple] = set()
    for r in rows:
        found = piece(view, r, c)
        if found is None:
            continue
        text, cols, rows_of = found
        if (cols, rows_of) in seen:
            continue  # a cell merged down over several rows is read once
        seen.add((cols, rows_of))
        if path and cols == span:
            path[-1] = f"{path[-1]} {text}"
        else:
            path.append(text)
        span = cols
    return tuple(path)
