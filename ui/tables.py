"""A report's table as an HTML table in the reader, the cited cell highlighted.

Header rows are rebuilt from the column paths (a merged header cell spans the
columns that share it), so the table reads as printed. Every text is escaped.
"""

from __future__ import annotations

from rag.records import Table, TableColumn
from ui.render import esc


def _header_rows(columns: tuple[TableColumn, ...]) -> list[str]:
    """``<tr>``s of ``<th>`` with colspan for shared header cells, rowspan for short paths."""
    paths = [c.path for c in columns]
    depth = max((len(p) for p in paths), default=1)
    rows = []
    for level in range(depth):
        cells, c = [], 0
        while c < len(paths):
            path = paths[c]
            if len(path) <= level:
                c += 1
                continue
            span = 1
            while (c + span < len(paths) and len(paths[c + span]) > level
                   and paths[c + span][:level + 1] == path[:level + 1]):
                span += 1
            leaf = span == 1 and len(path) == level + 1
            rowspan = depth - level if leaf else 1
            cells.append(f'<th colspan="{span}" rowspan="{rowspan}">{esc(path[level])}</th>')
            c += span
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return rows


def table_html(table: Table, row: int | None = None, columns: frozenset[int] = frozenset(),
               nonce: int = 0) -> str:
    """The table; ``row``/``columns``: the cited row and cell(s), marked and anchored."""
    pages = f" — trang tính «{table.sheet}»" if table.sheet else ""
    if table.page_start:
        pages = f" — trang {table.page_start}" + (
            f"–{table.page_end}" if table.page_end and table.page_end != table.page_start else "")
    body = []
    for r, tr in enumerate(table.rows):
        cited_row = r == row
        tds = []
        for c, cell in enumerate(tr.cells):
            cls = "num" if table.columns[c].kind == "value" else table.columns[c].kind
            # a sheet's label column shows its nesting (the label is the row's own part)
            indent = (f' style="padding-left:{0.4 + 1.2 * tr.level:.1f}em"'
                      if table.sheet and cls == "label" and tr.level else "")
            if cited_row and c in columns:
                tds.append(f'<td class="{cls} cited-cell" id="cited-cell"{indent}>'
                           f'<mark class="cited">{esc(cell.text)}</mark></td>')
            else:
                tds.append(f'<td class="{cls}"{indent}>{esc(cell.text)}</td>')
        attrs = ' class="cited-row"' if cited_row else ""
        body.append(f'<tr data-row="{r}"{attrs}>{"".join(tds)}</tr>')
    return (f'<figure class="tbl" id="tbl-{esc(table.table_id)}" data-nonce="{nonce}">'
            f'<figcaption>{esc(table.title)}{esc(pages)}</figcaption>'
            f'<div class="tbl-scroll"><table class="data-table"><thead>'
            f'{"".join(_header_rows(table.columns))}</thead><tbody>{"".join(body)}</tbody>'
            f"</table></div></figure>")
