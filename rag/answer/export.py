"""An indicator's series as the ``baocao series`` JSON, as CSV for Excel, and as XLSX.

JSON: ``{"indicator", "unit", "rows": [{"period", "period_kind", "value", "value_text",
"unit", "comparisons", "doc", "chunk_id", "quote"}]}`` in time order.

CSV and XLSX are for an official's spreadsheet, in Vietnamese: Vietnamese headers, the kind
of period in words ("Lũy kế từ đầu năm"), the report's title, the qualifier of a figure that
covers only part of the whole ("tính riêng tại …"). CSV is UTF-8 with a BOM (Excel then
reads Vietnamese letters right), the value written with a decimal comma ("1934,5") beside the
figure as printed ("1.934,5"). XLSX holds the value as a number, displayed the Vietnamese way
(Vietnamese locale, as many decimals as the report prints).
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


def find_series(observations: list[Observation], text: str, plans: bool = False,
                doc_ids: Iterable[str] | None = None) -> Series:
    """The series an indicator name names; an unknown name is a one-line error."""
    pool = [o for o in observations if plans or not o.is_plan]
    key = best_key(pool, text)
    if key is None:
        known = ", ".join(w for _, w, _ in groups(observations)[:8]) or "—"
        raise BaocaoError("series.unknown_indicator", indicator=text, known=known)
    return series_of(observations, key, plans=plans, doc_ids=doc_ids)


def totals_and_parts(series: Series) -> tuple[Series, list[Observation]]:
    """The series without the figures narrowed to a part of the whole ("tính riêng tại Hải
    quan …": never a period of the totals), and those figures. A series made only of such
    figures is kept whole: the user named that part."""
    parts = [o for o in series.rows if o.scope]
    if not parts or len(parts) == len(series.rows):
        return series, []
    whole = tuple(o for o in series.rows if not o.scope)
    return Series(series.key, series.indicator, series.unit, whole), parts


def row(o: Observation) -> dict:
    return {"period": row_label(o), "period_kind": o.period.kind, "value": o.value,
            "value_text": o.value_text, "unit": o.unit,
            "comparisons": [c.to_dict() for c in o.comparisons], "doc": o.doc_id,
            "chunk_id": o.chunk_id, "quote": o.quote}


def to_json(series: Series) -> dict:
    return {"indicator": series.indicator, "unit": series.unit,
            "rows": [row(o) for o in series.rows]}


KIND_WORDS = {"month": "Theo tháng", "quarter": "Theo quý", "cumulative": "Lũy kế từ đầu năm",
              "half": "Lũy kế từ đầu năm", "year": "Cả năm"}
HEADERS = ("Kỳ", "Loại kỳ", "Giá trị", "Số liệu như báo cáo ghi", "Đơn vị", "Phạm vi",
           "So sánh", "Báo cáo", "Mã đoạn trích", "Trích dẫn")
VALUE_COLUMN = 3  # "Giá trị", 1-based
VI_LOCALE = "[$-42A]"  # Excel's locale tag of Vietnamese (LCID 0x042A)


def _title(o: Observation, docs: dict | None) -> str:
    info = (docs or {}).get(o.doc_id)
    return info.title if info is not None else o.doc_id


def _flat(o: Observation, docs: dict | None, value) -> list:
    return [row_label(o), KIND_WORDS.get(o.period.kind, o.period.kind), value, o.value_text,
            o.unit or "", o.scope, "; ".join(c.text for c in o.comparisons), _title(o, docs),
            o.chunk_id, o.quote]


def vi_decimal(value: float) -> str:
    """1934.5 -> "1934,5" (no grouping: a spreadsheet reads it as one number)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def to_csv(series: Series, docs: dict | None = None) -> bytes:
    """UTF-8 with BOM, one row per figure, Vietnamese headers and values."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADERS)
    for o in series.rows:
        w.writerow(_flat(o, docs, vi_decimal(o.value)))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def decimals(value_text: str) -> int:
    """Decimals the report prints: "1.934,5" -> 1, "3.060" -> 0 (the dot groups)."""
    _, comma, tail = value_text.rpartition(",")
    return len(tail) if comma and tail.isdigit() else 0


def to_xlsx(series: Series, path: Path, docs: dict | None = None) -> Path:
    """An Excel workbook: the indicator, then the CSV's columns; values are numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    ws.append([f"{series.indicator} ({series.unit or '—'})"])
    ws["A1"].font = Font(bold=True)
    ws.append(list(HEADERS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for o in series.rows:
        ws.append(_flat(o, docs, o.value))
        places = decimals(o.value_text)
        fmt = "#,##0" + ("." + "0" * places if places else "")
        ws.cell(row=ws.max_row, column=VALUE_COLUMN).number_format = VI_LOCALE + fmt
    for col, width in zip("ABCDEFGHIJ", (24, 18, 14, 18, 12, 24, 36, 48, 30, 60), strict=True):
        ws.column_dimensions[col].width = width
    wb.save(path)
    return Path(path)
