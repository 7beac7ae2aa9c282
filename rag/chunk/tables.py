"""Table rows as retrievable chunks: one chunk per row (per column group of a wide table).

A row's search text names everything a question about one cell uses: the
caption (which often names the commune or district), the row's label path
("B Diện tích trồng trọt > II Diện tích cây trồng lâu năm > 1 Cà phê"), the
unit and "column header: cell" pairs. In a table with one column group per
commune (55 value columns) each commune's name is written once before its
cells, so the row stays one chunk inside the embedder's window. The chunk
keeps its table id, row and columns (``TableRef``) so the answer can name the
cell and the reader can highlight it.
"""

from __future__ import annotations

import re

from rag.ingest.tables.units import split_units
from rag.periods import make_period
from rag.records import Chunk, Document, Period, Table, TableColumn, TableRef, TableRow

# model: a wide row (55 value columns, one group per commune) written compactly is ~1,200
# characters (~350 e5 tokens): one chunk per row keeps a 226-row annex at 226 chunks
MAX_CELLS = 60
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def column_periods(names: list[str], doc: Document,
                   columns: list[TableColumn] = ()) -> tuple[Period, ...]:
    """The periods a row's columns report on: those their headers state when read
    ("Tháng 10 năm 2019", a workbook's), else the years they name ("KH 2019",
    "ƯTH2020/ƯTH2019") as year periods: an annex table is about its columns' years,
    whatever period its report's title names."""
    stated = tuple(dict.fromkeys(c.period for c in columns if c.period is not None))
    if stated:
        return stated
    years = sorted({int(y) for name in names for y in _YEAR.findall(name)})
    found = tuple(make_period("year", y, 1, 12) for y in years)
    return found or doc.periods


def _cells_text(row: TableRow, columns: list[tuple[int, TableColumn]]) -> list[str]:
    """"header: cell" pairs; columns under one top header (a commune) are written once under
    it ("Xã Ka Đơn: TH2019: 380; ƯTH2020: 361") so a wide row stays one short chunk."""
    out: list[str] = []
    group, pairs = None, []
    for i, col in columns:
        text = row.cells[i].text
        top = col.path[0] if len(col.path) > 1 else None
        if top != group and pairs:
            out.append(f"{group}: " + "; ".join(pairs) if group else "; ".join(pairs))
            pairs = []
        group = top
        if text:
            pairs.append(f"{' > '.join(col.path[1:]) if top else col.name}: {text}")
    if pairs:
        out.append(f"{group}: " + "; ".join(pairs) if group else "; ".join(pairs))
    return out


def row_text(row: TableRow, columns: list[tuple[int, TableColumn]], unit: str = "",
             caption: str = "") -> str:
    """'Chỉ tiêu: A Diện tích đất > I Đất nông nghiệp | ĐVT: Ha | KH 2019: 10.500,00; …'
    (``unit``: the table's, for a row that states none; ``caption``: a workbook table's
    title, first: its rows are "TỔNG SỐ", "Toàn ngành công nghiệp", and only the title
    says of what)."""
    parts = [f"Biểu: {caption}"] if caption else []
    parts.append("Chỉ tiêu: " + " > ".join(row.label_path))
    if row.unit or unit:
        parts.append(f"ĐVT: {row.unit or unit}")
    return " | ".join(parts + _cells_text(row, columns))


def column_groups(table: Table) -> list[list[tuple[int, TableColumn]]]:
    """The value columns, in chunks of at most ``MAX_CELLS`` (cut between top headers)."""
    values = [(i, c) for i, c in enumerate(table.columns) if c.kind == "value"]
    groups: list[list[tuple[int, TableColumn]]] = [[]]
    for i, c in values:
        top = c.path[0] if len(c.path) > 1 else c.name
        prev_top = (groups[-1][-1][1].path[0] if groups[-1] and len(groups[-1][-1][1].path) > 1
                    else None)
        if len(groups[-1]) >= MAX_CELLS and top != prev_top:
            groups.append([])
        groups[-1].append((i, c))
    return [g for g in groups if g]


def _section_at(doc: Document, offset: int) -> tuple[str, ...]:
    """The section path of the text where a table stands."""
    before = [p for p in doc.paragraphs if p.start < offset or (p.start == offset == 0)]
    return before[-1].section_path if before else ()


def table_chunks(doc: Document, first: int) -> list[Chunk]:
    """Row chunks of every table of ``doc``, numbered on from chunk ``first``."""
    out: list[Chunk] = []
    for table in doc.tables:
        groups = column_groups(table)
        section = (*_section_at(doc, table.offset), table.title)
        for r, row in enumerate(table.rows):
            for cols in groups:
                if not any(row.cells[i].text for i, _ in cols) and (len(groups) > 1
                                                                    or table.sheet):
                    continue  # a commune with nothing in this row; a sheet's heading row
                out.append(_row_chunk(doc, table, r, row, cols, first + len(out), section))
    return out


def _row_chunk(doc: Document, table: Table, r: int, row: TableRow,
               cols: list[tuple[int, TableColumn]], n: int, section: tuple[str, ...]) -> Chunk:
    read = bool(table.sheet)  # the columns' periods were read at the door (a workbook)
    single = table.unit if len(split_units(table.unit)) == 1 else ""  # not "Tấn; Triệu USD"
    ref = TableRef(table.table_id, r, table.title, row.label_path, row.unit or single,
                   tuple(c.name for _, c in cols), tuple(row.cells[i].text for i, _ in cols),
                   tuple(i for i, _ in cols), row.page, table.sheet,
                   tuple(c for _, c in cols) if read else (),
                   tuple(row.cells[i].value for i, _ in cols) if read else ())
    page = row.page if row.page is not None else table.page_start
    return Chunk(chunk_id=f"{doc.doc_id}#{n:03d}", doc_id=doc.doc_id,
                 text=row_text(row, cols, single, table.caption if read else ""),
                 section_path=section,
                 page_start=page, page_end=page, start=table.offset, end=table.offset,
                 periods=column_periods([table.title, *ref.columns], doc, list(ref.specs)),
                 table=ref)
