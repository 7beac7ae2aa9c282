"""An indicator's series as the ``baocao series`` JSON, as CSV for Excel, and as XLSX.

JSON: ``{"indicator", "unit", "rows": [{"period", "period_kind", "value", "value_text",
"unit", "comparisons", "doc", "chunk_id", "quote"}]}`` in time order. CSV is UTF-8 with
a BOM (Excel then reads Vietnamese letters right); ``value_text`` keeps the figure as the
report prints it ("1.934,5"), ``value`` is the number with a decimal point.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from rag.answer.across import row_label
from rag.answer.series import Series, best_key, groups, series_of
from rag.errors import BaocaoError
from rag.records import Observation

COLUMNS = ("period", "period_kind", "value", "value_text", "unit", "comparisons", "doc",
           "chunk_id", "quote")


def find_series(observations: list[Observation], text: str, plans: bool = False,
                doc_ids: Iterable[str] | None = None) -> Series:
    """The series an indicator name names; an unknown name is a one-line error."""
    pool = [o for o in observations if plans or not o.is_plan]
    key = best_key(pool, text)
    if key is None:
        known = ", ".join(w for _, w, _ in groups(observations)[:8]) or "—"
        raise BaocaoError("series.unknown_indicator", indicator=text, known=known)
    return series_of(observations, key, plans=plans, doc_ids=doc_ids)


def row(o: Observation) -> dict:
    return {"period": row_label(o), "period_kind": o.period.kind, "value": o.value,
            "value_text": o.value_text, "unit": o.unit,
            "comparisons": [c.to_dict() for c in o.comparisons], "doc": o.doc_id,
            "chunk_id": o.chunk_id, "quote": o.quote}


def to_json(series: Series) -> dict:
    return {"indicator": series.indicator, "unit": series.unit,
            "rows": [row(o) for o in series.rows]}


def _flat(o: Observation) -> list:
    r = row(o)
    r["comparisons"] = "; ".join(c.text for c in o.comparisons)
    return [r[c] for c in COLUMNS]


def to_csv(series: Series) -> bytes:
    """UTF-8 with BOM, one row per figure, the columns of the JSON rows."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for o in series.rows:
        w.writerow(_flat(o))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(series: Series, path: Path) -> Path:
    """An Excel workbook with the same columns (value_text stays text)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "so-lieu"[:31]
    ws.append([series.indicator])
    ws.append(list(COLUMNS))
    for o in series.rows:
        ws.append(_flat(o))
    for cell in ws["D"][2:]:
        cell.number_format = "@"
    wb.save(path)
    return Path(path)
