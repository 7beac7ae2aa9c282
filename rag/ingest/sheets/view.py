"""A worksheet as it is seen: visible rows and columns, displayed texts, merged ranges.

Hidden rows and columns hold the office's working figures (the 2015 release hides seven
columns of last month's export figures beside the table); they are not part of what the
sheet shows, so they are not read. A merged range shows its top-left cell's text over
every cell it covers, even when that first column is hidden and the others are not.
"""

from __future__ import annotations

import re
import unicodedata

from rag.ingest.sheets.numfmt import display
from rag.ingest.sheets.raw import RawCell, RawSheet


def clean(text: str) -> str:
    """NFC, spacing squashed (line breaks inside a header cell are spaces)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).replace("\u00a0", " ")).strip()


def year_like(value: object, fmt: str = "General") -> bool:
    """A year printed as a number ("2019" in a header row), not a figure."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return float(value).is_integer() and 1900 <= value <= 2100 and "." not in fmt


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


class View:
    """The visible cells of one sheet, with their displayed texts."""

    def __init__(self, sheet: RawSheet) -> None:
        self.sheet = sheet
        hidden_r, hidden_c = sheet.hidden_rows, sheet.hidden_cols
        filled = [(r, c) for r, c in sheet.cells if r not in hidden_r and c not in hidden_c]
        self.rows = sorted({r for r, _ in filled})
        self.cols = sorted({c for _, c in filled}
                           | {c for r0, c0, r1, c1 in sheet.merged
                              for c in range(c0, c1 + 1) if c not in hidden_c})
        self.cover: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for m in sheet.merged:
            r0, c0, r1, c1 = m
            if (r1 - r0 + 1) * (c1 - c0 + 1) > 10_000:
                continue  # a whole-sheet merge carries no header; never expand it
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self.cover[(r, c)] = m
        self._text: dict[tuple[int, int], str] = {}

    def visible(self, r: int, c: int) -> bool:
        return r not in self.sheet.hidden_rows and c not in self.sheet.hidden_cols

    def raw(self, r: int, c: int) -> RawCell | None:
        return self.sheet.cells.get((r, c)) if self.visible(r, c) else None

    def text(self, r: int, c: int) -> str:
        """The displayed text of a visible cell ("" for an empty one)."""
        if (r, c) not in self._text:
            cell = self.raw(r, c)
            self._text[(r, c)] = clean(display(cell.value, cell.fmt)) if cell else ""
        return self._text[(r, c)]

    def shown(self, r: int, c: int) -> str:
        """What the cell shows, a merged range's text included."""
        m = self.cover.get((r, c))
        if m is None:
            return self.text(r, c)
        cell = self.sheet.cells.get((m[0], m[1]))
        return clean(display(cell.value, cell.fmt)) if cell else ""

    def number(self, r: int, c: int) -> bool:
        """A figure: a number that is not a year written in a header."""
        cell = self.raw(r, c)
        return cell is not None and is_number(cell.value) and not year_like(cell.value, cell.fmt)

    def labelish(self, r: int, c: int) -> bool:
        """Text, or a year standing where a label stands (a time series by year)."""
        cell = self.raw(r, c)
        if cell is None:
            return False
        return (isinstance(cell.value, str) and bool(self.text(r, c))) or year_like(
            cell.value, cell.fmt)

    def row_cols(self, r: int) -> list[int]:
        """The visible columns of row ``r`` with a filled cell."""
        return [c for c in self.cols if (r, c) in self.sheet.cells and self.visible(r, c)]
