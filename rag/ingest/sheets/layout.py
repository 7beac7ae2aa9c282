"""Where the tables of a sheet stand: title rows, unit, header rows, label columns, body.

A statistics sheet reads top-down: title lines ("12. Tổng mức bán lẻ …", "tháng 10 và 10
tháng năm 2019"), a unit line ("Tỷ đồng", "Đơn vị tính: %"), header rows over the value
columns (merged, or one phrase stacked over several rows), then body rows: a label at the
left and figures to its right; notes may follow. One sheet may hold several such tables
one below the other. The value columns are those holding figures right of a row's
label; the label columns stand left of them. A header row has content over the value
columns and no label (years printed as numbers, "2019", are header text, not figures); a
body row has a label. Nothing here depends on one office's sheet names or wording.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from rag.ingest.sheets.view import View
from rag.ingest.tables.units import stated_unit

# a header cell over the label column: "Chỉ tiêu", "STT", "Đơn vị tính" (same words as the
# PDF and Word tables' headers, rag.ingest.tables.grid)
_HEADER_WORDS = re.compile(r"^(stt|tt|số\s*tt|chỉ\s*tiêu|nội\s*dung|danh\s*mục|tên\s*chỉ\s*tiêu|"
                           r"hạng\s*mục|đvt|đơn\s*vị(\s*tính)?|tỉnh|thành\s*phố|địa\s*phương)"
                           r"\b", re.IGNORECASE)
# a line under a table that annotates it rather than titles the next one
_NOTE = re.compile(r"^\s*(\(\*+\)|\*|\(\d+\)|ghi\s*chú|chú\s*thích|nguồn|lưu\s*ý|ghi\s*chú)",
                   re.IGNORECASE)


@dataclass
class Block:
    """One table of a sheet: row numbers (0-based, visible only) of each part."""

    title: list[int] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    header: list[int] = field(default_factory=list)  # first..last header row, in order
    body: list[int] = field(default_factory=list)
    notes: list[int] = field(default_factory=list)
    sections: dict[int, str] = field(default_factory=dict)  # body rows heading the rows below
    first_value: int = 0  # the first value column; the label columns stand left of it


def value_columns(view: View) -> list[int]:
    """Columns holding a figure right of a row's label (or of a year down the left)."""
    counts: Counter = Counter()
    for r in view.rows:
        cols = view.row_cols(r)
        left = next((c for c in cols if view.labelish(r, c)), None)
        if left is None:
            continue
        counts.update(c for c in cols if c > left and view.number(r, c))
    return sorted(counts)


def _in_values(view: View, r: int, first: int) -> bool:
    """Row ``r`` shows something over the value columns (a merged header included)."""
    return any(view.shown(r, c) for c in view.cols if c >= first and view.visible(r, c))


def _label(view: View, r: int, first: int) -> bool:
    """A label left of the value columns that is no header word ("Chỉ tiêu", "STT")."""
    texts = [view.shown(r, c) for c in view.cols if c < first and view.visible(r, c)]
    texts = [t for t in texts if t]
    return bool(texts) and not all(_HEADER_WORDS.match(t) for t in texts)


def classify(view: View, r: int, first: int) -> str:
    """data | mixed (a label and text over the values, no figure) | label | header | unit |
    blank."""
    if unit_statement(view, r) is not None:
        return "unit"
    has_label, in_values = _label(view, r, first), _in_values(view, r, first)
    figures = any(view.number(r, c) for c in view.cols if c >= first)
    if has_label and figures:
        return "data"
    if has_label:
        return "mixed" if in_values else "label"
    if in_values and not figures:
        return "header"
    return "data" if figures else "blank"


def blocks(view: View) -> list[Block]:
    """The tables of a sheet, top to bottom (none: no figure stands right of a label)."""
    values = value_columns(view)
    if not values or not view.rows:
        return []
    first = values[0]
    out: list[Block] = []
    cur, pending = Block(first_value=first), []
    for r in range(min(view.rows), max(view.rows) + 1):
        if r in view.sheet.hidden_rows:
            continue
        kind = classify(view, r, first)
        if kind == "mixed":  # "Đơn vị / tính" stacked in a header; "Dưới 5" in a body; a
            # title merged across the sheet's width before any header
            kind = ("header" if cur.header and not cur.body and not pending
                    else "data" if cur.body else "label")
        if kind == "header" and cur.body and (text := _section(view, r, first)):
            cur.body.append(r)  # "Cơ cấu - %" merged over the values: a part of the table
            cur.sections[r] = text
            continue
        if kind == "header" and (cur.body or not cur.header):
            if cur.body:
                pending = _close(view, cur, pending, out, last=False)
                cur = Block(first_value=first)
            cur.title = [x for x in pending if unit_statement(view, x) is None]
            cur.units = [u for x in pending if (u := unit_statement(view, x))]
            cur.header, pending = [r], []
        elif kind == "header":
            cur.header.append(r)
        elif kind == "data" and cur.header:
            cur.body += [x for x in pending if unit_statement(view, x) is None] + [r]
            cur.units = cur.units or [u for x in pending if (u := unit_statement(view, x))]
            pending = []
        elif kind in ("label", "unit"):
            pending.append(r)
    if cur.body:
        _close(view, cur, pending, out, last=True)
    return out


def _section(view: View, r: int, first: int) -> str:
    """The text of a row that is one cell merged across the value columns (a heading inside
    a table's body: "Cơ cấu - %"), else ""."""
    cols = [c for c in view.cols if c >= first and view.shown(r, c)]
    spans = {view.cover.get((r, c)) for c in cols}
    if len(cols) < 2 or len(spans) != 1 or None in spans:
        return ""
    return view.shown(r, cols[0])


def _close(view: View, cur: Block, pending: list[int], out: list[Block],
           last: bool) -> list[int]:
    """End a table; returns the rows left to title the next one. Label rows after its last
    figure row are its notes when they read as notes ("(*) …", "Ghi chú: …") or when no
    table follows; the others title the next table."""
    def is_note(r: int) -> bool:
        return _NOTE.match(" ".join(view.shown(r, c) for c in view.cols)) is not None

    cur.notes = [r for r in pending if last or is_note(r)]
    if any(view.number(r, c) for r in cur.body for c in view.cols if c >= cur.first_value):
        out.append(cur)
    return [r for r in pending if r not in cur.notes]


def unit_statement(view, r: int) -> str | None:
    """The unit a row states on its own (one filled cell that is a unit line), else None."""
    cols = view.row_cols(r)
    if len(cols) != 1:
        return None
    return stated_unit(view.text(r, cols[0]))
