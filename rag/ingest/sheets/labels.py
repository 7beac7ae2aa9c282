"""Row labels of a sheet's table and the hierarchy they print.

A sheet nests its rows by position, not by codes: a label one column further right, or
indented (the cell's indent or leading spaces), or plain under a bold one, is a part of
the row above it ("TỔNG TRỊ GIÁ" > "Khu vực có vốn đầu tư NN" > "Dầu thô"). Row codes
("1.", "a)", "-") rank as in the PDF and Word tables (``rag.ingest.tables.rows``). A
"Trong đó:" or "Chia ra:" line (alone, or left of the first part in its row) heads the
parts listed under it and stays in their path, so a part is never read as the whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.ingest.sheets.view import View
from rag.ingest.tables.rows import RANK, split_label_code
from rag.ingest.tables.words import is_marker

SPACES_PER_INDENT = 4  # leading spaces typed instead of an indent: 4 to a level
BOLD_RANK = 5  # a bold label without a code heads the plain labels of its column
PLAIN_RANK = 10


@dataclass(frozen=True)
class Label:
    """A body row's label: its code and text, and where it stands."""

    code: str
    text: str
    col: int  # position among the label columns (0: leftmost)
    indent: int
    bold: bool
    numbered: str  # the code kind ("arabic", "dash", …; "none")
    marker: str = ""  # a "Trong đó:" printed left of the label in the same row
    marker_at: tuple[int, int] = (0, 0)  # that marker's label column and indent

    @property
    def rank(self) -> tuple[int, int, int]:
        sub = RANK.get(self.numbered, PLAIN_RANK)
        if self.numbered == "none":
            sub = BOLD_RANK if self.bold else PLAIN_RANK
        return (self.col, self.indent, sub)


def _indent(view: View, r: int, c: int) -> int:
    cell = view.raw(r, c)
    raw = cell.value if cell is not None and isinstance(cell.value, str) else ""
    spaces = len(raw) - len(raw.lstrip(" \u00a0"))
    return (cell.indent if cell is not None else 0) + -(-spaces // SPACES_PER_INDENT)


def _first_of_merge(view: View, r: int, c: int) -> bool:
    """(r, c) is the first visible cell of the merged range covering it (or no merge): a
    label merged over two columns or rows is read once."""
    m = view.cover.get((r, c))
    if m is None:
        return True
    col = next((x for x in view.cols if m[1] <= x <= m[3]), c)
    row = next((x for x in range(m[0], m[2] + 1) if x not in view.sheet.hidden_rows), r)
    return (r, c) == (row, col)


def row_label(view: View, r: int, label_cols: list[int]) -> Label | None:
    """The label of body row ``r`` (None: the row has no label)."""
    parts = [(c, view.shown(r, c)) for c in label_cols
             if view.shown(r, c) and _first_of_merge(view, r, c)]
    if not parts:
        return None
    marker, marker_at = "", (0, 0)
    if len(parts) > 1 and is_marker(parts[0][1]):
        marker = parts[0][1]
        marker_at = (label_cols.index(parts[0][0]), _indent(view, r, parts[0][0]))
        parts = parts[1:]
    code = ""
    if len(parts) > 1 and len(parts[0][1]) <= 5 and not is_marker(parts[1][1]):
        code = parts[0][1]
        parts = parts[1:]
    c = parts[0][0]
    text = " ".join(t for _, t in parts)
    cell = view.raw(r, c)
    if code:
        _, kind, _ = split_label_code(code + " x")
    else:
        _, kind, _ = split_label_code(text)
    return Label(code, text, label_cols.index(c), _indent(view, r, c),
                 bool(cell and cell.bold), kind, marker, marker_at)


def section_label(text: str) -> Label:
    """A heading inside a table's body ("Cơ cấu - %"): every row below is a part of it until
    the next one."""
    return Label("", text, -1, 0, True, "none")


def hierarchy(labels: list[Label | None]) -> list[tuple[int, tuple[str, ...]]]:
    """(level, label path) of each row; a row without a label has an empty path."""
    stack: list[tuple[tuple, str]] = []  # (rank, text)
    out = []
    for lab in labels:
        if lab is None:
            out.append((0, ()))
            continue
        if lab.marker:  # "Trong đó:" left of the first part heads this row and the next
            _push(stack, (*lab.marker_at, PLAIN_RANK), lab.marker, marker=True)
        _push(stack, lab.rank, _shown(lab), marker=is_marker(lab.text))
        out.append((len(stack) - 1, tuple(t for _, t in stack)))
    return out


def _push(stack: list, rank: tuple, text: str, marker: bool) -> None:
    """Pop the rows this one is not part of, then push it. A marker line placed like the
    row right above it ("Thu nội địa" / "Trong đó:") announces that row's parts."""
    if marker and stack and stack[-1][0] == rank:
        rank = (*stack[-1][0], 1)
    while stack and stack[-1][0] >= rank:
        stack.pop()
    stack.append((rank, text))


def _shown(lab: Label) -> str:
    return f"{lab.code} {lab.text}" if lab.code else lab.text
