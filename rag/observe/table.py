"""Table-row chunks -> observations: one per period column.

A table row reaches the index as one chunk of ``Header: cell`` pairs joined by " | "
("Chỉ tiêu: Diện tích lúa | ĐVT: ha | TH 2019: 2.100,00 | KH 2020: 2.300,00"). The
column header fixes the period and whether the figure is a plan (eval/observe/LABELS.md,
"Tables"): TH (thực hiện) a result of that year, KH/MT a plan or target, ƯTH 6 tháng the
first half, ƯTH cả năm a forecast of a year not yet over (a plan). Zero cells are the
form's placeholders, not figures.
"""

from __future__ import annotations

import re

from rag.ingest.figures import parse_vn_number
from rag.observe import names
from rag.observe.mentions import load_units
from rag.observe.when import period
from rag.records import Chunk, Observation, Period

_CELL = re.compile(r"^\s*(?P<head>[^:|]{1,80}):\s*(?P<cell>[^|]*)$")
_NAME = re.compile(r"^(?:chỉ\s+tiêu|tên\s+chỉ\s+tiêu|nội\s+dung|danh\s+mục|hạng\s+mục)$",
                   re.IGNORECASE)
_UNIT = re.compile(r"^(?:đvt|đơn\s+vị(?:\s+tính)?)$", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)*)\s*$")
_COLUMN = re.compile(
    r"^(?P<tag>ưth|uth|ước\s+th(?:ực\s+hiện)?|th|thực\s+hiện|kh|kế\s+hoạch|mt|mục\s+tiêu)"
    r"\s*(?P<span>cả\s+năm|6\s+tháng|\d{1,2}\s+tháng)?\s*(?:đầu\s+năm\s+|năm\s+)?"
    r"(?P<year>(?:19|20)\d{2})$", re.IGNORECASE)


def is_row(text: str) -> bool:
    """Whether a chunk is one table row in ``Header: cell | …`` form."""
    cells = text.split(" | ")
    return len(cells) >= 3 and "\n" not in text and all(_CELL.match(c) for c in cells)


def column_period(header: str) -> tuple[Period, bool] | None:
    """(period, is_plan) of a column header such as "TH 2019" or "ƯTH 6 tháng 2019"."""
    m = _COLUMN.match(header.strip())
    if not m:
        return None
    tag, span, year = m.group("tag").lower(), (m.group("span") or "").lower(), int(m.group("year"))
    plan = tag in ("kh", "kế hoạch", "mt", "mục tiêu")
    estimate = tag.startswith(("ư", "u"))
    if span.startswith("6"):
        return period("half", year, 1, 6), plan
    if span and span[0].isdigit():
        n = int(span.split()[0])
        return period("cumulative", year, 1, n), plan
    return period("year", year, 1, 12), plan or (estimate and span == "cả năm")


def extract_row(chunk: Chunk, year: int | None = None) -> list[Observation]:
    """One observation per filled period column of a table-row chunk. A row whose columns
    were read at the door (a workbook's: period, basis, unit, measure) is read from those
    records (``rag.observe.cells``); the others from their ``Header: cell`` text."""
    if chunk.table is not None and chunk.table.specs:
        from rag.observe.cells import observations

        return observations(chunk)
    cells = [_CELL.match(c) for c in chunk.text.split(" | ")]
    pairs = [(m.group("head").strip(), m.group("cell").strip()) for m in cells]
    name = next((v for h, v in pairs if _NAME.match(h)), pairs[0][1])
    unit_text = next((v for h, v in pairs if _UNIT.match(h)), None)
    unit = load_units().get(unit_text.lower(), unit_text) if unit_text else None
    out = []
    for head, cell in pairs:
        col, num = column_period(head), _NUMBER.match(cell)
        if col is None or num is None:
            continue
        value = parse_vn_number(num.group(1))
        if value == 0:
            continue
        when, plan = col
        out.append(Observation(
            indicator=names.display(name), group=names.group_key(name),
            value_text=num.group(1), value=value, unit=unit, period=when,
            doc_id=chunk.doc_id, chunk_id=chunk.chunk_id, quote=chunk.text,
            figure=num.group(1), is_plan=plan or chunk.is_plan))
    return out
