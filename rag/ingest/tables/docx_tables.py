"""DOCX tables: ``w:tbl`` -> merged-cell grid -> ``Table``; layout tables told apart.

Word reports lay out their letterhead, subject line and signature block as
borderless tables; those carry no data and are read as lines. A data table
has an indicator header (STT / Chỉ tiêu / ĐVT), or enough rows and numeric
cells.
"""

from __future__ import annotations

import re

from rag.ingest.tables.grid import (
    CAPTION,
    H_LABEL,
    H_STT,
    H_UNIT,
    GCell,
    PageGrid,
    finish,
    split_grid,
)
from rag.ingest.tables.rows import numeric, squash
from rag.ingest.wordml import VAL, int_or, w

_LAYOUT_WORDS = re.compile(r"cộng\s*hòa|cộng\s*hoà|độc\s*lập\s*-\s*tự\s*do|nơi\s*nhận|"
                           r"^số\s*:|tm\.\s|kt\.\s|tl\.\s|chủ\s*tịch$|ủy\s*ban\s*nhân\s*dân$",
                           re.I | re.M)
MIN_ROWS = 2  # format: a header and one data row
NUMERIC_SHARE = 0.3  # format: a share of numeric body cells that makes a plain grid data
CAPTION_MAX = 200  # a longer paragraph before a table is running text, not its caption


def _cell_span(tc) -> tuple[int, str | None]:
    pr = tc.find(w("tcPr"))
    if pr is None:
        return 1, None
    span = pr.find(w("gridSpan"))
    merge = pr.find(w("vMerge"))
    return (int_or(span.get(VAL) if span is not None else None, 1),
            merge.get(VAL, "continue") if merge is not None else None)


def docx_grid(tbl, cell_text) -> tuple[list[GCell], int, int, int]:
    """w:tbl -> merged cells (gridSpan across, vMerge down) and the w:tblHeader row count."""
    rows = tbl.findall(w("tr"))
    open_v: dict[int, GCell] = {}
    cells: list[GCell] = []
    ncols = header_rows = 0
    for r, tr in enumerate(rows):
        trpr = tr.find(w("trPr"))
        if trpr is not None and trpr.find(w("tblHeader")) is not None and header_rows == r:
            header_rows = r + 1
        before = trpr.find(w("gridBefore")) if trpr is not None else None
        c = int_or(before.get(VAL) if before is not None else None, 0)
        for tc in tr.findall(w("tc")):
            span, merge = _cell_span(tc)
            if merge == "continue" and c in open_v:
                open_v[c].r1 = r + 1
            else:
                cell = GCell(r, r + 1, c, c + span, cell_text(tc))
                cells.append(cell)
                if merge == "restart":
                    open_v[c] = cell
                else:
                    open_v.pop(c, None)
            c += span
        ncols = max(ncols, c)
    return cells, len(rows), ncols, header_rows


def is_data_table(cells: list[GCell], nrows: int, ncols: int) -> bool:
    """Layout table (letterhead, subject line, signature) or data table."""
    if nrows < MIN_ROWS or ncols < 2:
        return False
    header = [squash(c.text) for c in cells if c.r0 <= 2]
    if any(rx.match(t) for t in header for rx in (H_LABEL, H_STT, H_UNIT)):
        return True
    body = [c.text for c in cells if c.r0 >= 1 and c.c0 >= 1 and c.text]
    share = sum(numeric(t) for t in body) / len(body) if body else 0.0
    if _LAYOUT_WORDS.search("\n".join(c.text for c in cells if c.text)) and share < 0.5:
        return False
    return nrows >= 3 and ncols >= 2 and share >= NUMERIC_SHARE


def docx_table(tbl, table_id: str, caption: str, cell_text) -> object | None:
    """The ``Table`` of a data ``w:tbl``, or None for a layout table."""
    return grid_table(*docx_grid(tbl, cell_text), table_id, caption)


def grid_table(cells: list[GCell], nrows: int, ncols: int, header_rows: int, table_id: str,
               caption: str) -> object | None:
    """The ``Table`` of a merged-cell grid (Word's or a web page's), or None for a layout
    table. ``caption``: the paragraph before the table, kept when it names a table or is
    short (a title line)."""
    anchor = caption
    if not (CAPTION.search(caption) or len(caption) <= CAPTION_MAX) or caption.endswith("."):
        caption = "" if not CAPTION.search(caption) else caption
    if not is_data_table(cells, nrows, ncols):
        return None
    depth, roles, paths, colnum, rows = split_grid(cells, nrows, ncols, header_rows or 1)
    part = PageGrid(None, depth, roles, paths, colnum, rows, list(range(ncols + 1)), caption)
    table = finish(table_id, [part])
    table.anchor = anchor
    return table
