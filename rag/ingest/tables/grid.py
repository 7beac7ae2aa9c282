"""An abstract table grid (merged cells with row/column spans) -> a ``Table`` record.

Both readers produce the same grid: the PDF reader from ruling lines, the
DOCX reader from ``gridSpan``/``vMerge``. Here the header rows are found (the
rows covered by the STT / Chỉ tiêu / ĐVT cells), every column gets the path
of distinct header cells above it, a printed column-number row ("1 2 3 …
8=7/4") is set aside, and the data rows get codes, label paths and cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ingest.tables.rows import (
    build_hierarchy,
    classify_codes,
    detect_decimal,
    is_serial,
    make_cell,
    numeric,
    split_label_code,
    squash,
)
from rag.records import Table, TableColumn, TableRow


@dataclass
class GCell:
    r0: int
    r1: int  # exclusive
    c0: int
    c1: int
    text: str = ""
    bbox: tuple | None = None


@dataclass
class PageGrid:
    """One page's part of a table, before the parts are joined."""

    page: int | None
    depth: int  # header rows
    roles: dict[str, int]
    paths: list[list[str]]
    colnum: list[str] | None
    rows: list[list[str]]  # data rows, one text per grid column
    xs: list[float]
    caption: str
    bbox: tuple | None = None


H_STT = re.compile(r"^(stt|tt|số\s*tt)$", re.I)
H_LABEL = re.compile(r"^(chỉ\s*tiêu|nội\s*dung|danh\s*mục|tên\s*chỉ\s*tiêu|hạng\s*mục)", re.I)
H_UNIT = re.compile(r"^(đvt|dvt|đơn\s*vị(\s*tính)?)$", re.I)
_COLNUM = re.compile(r"^\(?\d{1,2}\)?$|^\(?\d{1,2}\s*=\s*[\d/*+\-x() ]+\)?$|^[A-D]$")
CAPTION = re.compile(r"\b(?:biểu|phụ\s*lục|bảng)\s*(?:số\s*)?[:.]?\s*([0-9]+[a-z]?|[IVX]+)\b",
                     re.I)


def lookup(cells: list[GCell], nrows: int, ncols: int) -> list[list[int | None]]:
    at: list[list[int | None]] = [[None] * ncols for _ in range(nrows)]
    for k, c in enumerate(cells):
        for r in range(c.r0, min(c.r1, nrows)):
            for cc in range(c.c0, min(c.c1, ncols)):
                at[r][cc] = k
    return at


def header_depth(cells: list[GCell]) -> tuple[int, dict[str, int]]:
    """Rows covered by the header, and which grid column is STT / label / unit."""
    roles: dict[str, int] = {}
    anchors = []
    for c in (c for c in cells if c.r0 <= 2):
        t = squash(c.text)
        for role, rx in (("stt", H_STT), ("label", H_LABEL), ("unit", H_UNIT)):
            if role not in roles and rx.match(t):
                roles[role] = c.c0
                anchors.append(c)
    if not anchors:
        return 0, roles
    depth = max(c.r1 for c in anchors)
    changed = True
    while changed:  # close over cells that start inside the header band
        changed = False
        for c in cells:
            if c.r0 < depth < c.r1:
                depth, changed = c.r1, True
    return depth, roles


def column_paths(cells: list[GCell], at, depth: int, ncols: int) -> list[list[str]]:
    """Each column's header path: the distinct header cells above it, top-down."""
    paths = []
    for c in range(ncols):
        seen, path = set(), []
        for r in range(depth):
            k = at[r][c]
            if k is None or k in seen:
                continue
            seen.add(k)
            t = squash(cells[k].text)
            if t:
                path.append(t)
        paths.append(path)
    return paths


def _is_colnum_row(texts: list[str]) -> bool:
    vals = [squash(t) for t in texts if squash(t)]
    if len(vals) < 3 or sum(bool(_COLNUM.match(v)) for v in vals) < 0.8 * len(vals):
        return False
    ints = [int(v.strip("()")) for v in vals if v.strip("()").isdigit()]
    # "1 | 2 | 3 | … | 8=7/4": printed column numbers increase; a data row of zeros does not
    return len(ints) >= 3 and all(b > a for a, b in zip(ints, ints[1:], strict=False))


def data_rows(cells: list[GCell], at, depth: int, nrows: int, ncols: int) -> list[list[str]]:
    """Rows below the header; a cell merged down over several rows is read in its first row."""
    rows = []
    for r in range(depth, nrows):
        rows.append([squash(cells[k].text) if (k := at[r][c]) is not None and cells[k].r0 == r
                     else "" for c in range(ncols)])
    return rows


def split_grid(cells: list[GCell], nrows: int, ncols: int, header_rows: int = 0):
    """-> (depth, roles, column paths, column-number row or None, data rows)."""
    at = lookup(cells, nrows, ncols)
    depth, roles = header_depth(cells)
    if depth == 0 and header_rows:  # no STT/Chỉ tiêu header words: trust the file's header
        depth = header_rows
    paths = column_paths(cells, at, depth, ncols)
    rows = data_rows(cells, at, depth, nrows, ncols)
    colnum = None
    while rows and (not any(rows[0]) or _is_colnum_row(rows[0])):
        if any(rows[0]):
            colnum = rows[0]
        rows.pop(0)
    return depth, roles, paths, colnum, rows


def guess_roles(rows: list[list[str]], ncols: int, roles: dict[str, int]) -> dict[str, int]:
    """Without header words (a continuation page, a DOCX table): the label column has the
    most non-numeric text, short codes stand left of it, short unit words right of it."""
    if "label" in roles:
        return roles
    lens = [0.0] * ncols
    for t in rows:
        for c, x in enumerate(t):
            if x and not numeric(x):
                lens[c] += len(x)
    if not any(lens):
        return roles
    label = max(range(ncols), key=lambda c: lens[c])
    out = dict(roles, label=label)
    codes = [t[label - 1] for t in rows if label > 0 and t[label - 1]]
    if codes and all(len(x) <= 6 and re.fullmatch(r"[\dA-ZĐa-z.\-–+)]+", x) for x in codes):
        out.setdefault("stt", label - 1)
    units = [t[label + 1] for t in rows if label + 1 < ncols and t[label + 1]]
    if units and sum(not numeric(x) and len(x) <= 15 for x in units) >= 0.8 * len(units):
        out.setdefault("unit", label + 1)
    return out


def make_columns(paths: list[list[str]], roles: dict[str, int],
                 colnum: list[str] | None) -> tuple[TableColumn, ...]:
    kinds = {v: k for k, v in roles.items()}
    out = []
    for c, path in enumerate(paths):
        num = colnum[c] if colnum and c < len(colnum) and colnum[c] else None
        out.append(TableColumn(tuple(path) or ((num,) if num else (f"cột {c + 1}",)),
                               kinds.get(c, "value"), num))
    return tuple(out)


def _row_items(rows: list[list[str]], roles: dict[str, int]) -> list[tuple[str, str, str]]:
    """(code, kind, label) per row, from the STT column or from the label itself."""
    stt, lab = roles.get("stt"), roles.get("label")
    labels = [t[lab] if lab is not None else "" for t in rows]
    codes = [t[stt] if stt is not None else "" for t in rows]
    if stt is None or is_serial(codes):
        return [split_label_code(x) for x in labels]
    items = []
    for label, code, kind in zip(labels, codes, classify_codes(codes), strict=True):
        # no STT: the label may carry its own code ("- Diện tích")
        items.append(split_label_code(label) if kind == "none"
                     else (code.strip().rstrip("."), kind, label.strip()))
    return items


def make_rows(rows: list[list[str]], columns: tuple[TableColumn, ...], roles: dict[str, int],
              decimal: str, pages: list[int | None]) -> tuple[TableRow, ...]:
    items = _row_items(rows, roles)
    unit = roles.get("unit")
    out = []
    for t, (code, _, label), (level, path), page in zip(
            rows, items, build_hierarchy(items), pages, strict=True):
        t = _heading_row(t, roles)
        cells = tuple(make_cell(x, decimal, columns[c].kind == "value") for c, x in enumerate(t))
        out.append(TableRow(code, label, path, level, t[unit] if unit is not None else "",
                            cells, page))
    return tuple(out)


def _heading_row(t: list[str], roles: dict[str, int]) -> list[str]:
    """A group's heading row spans the table ("VI | Phát triển nhân lực số" merged over
    every column): the readers repeat its text in each column it covers, which is no value
    of those columns. Its label alone is kept."""
    lab, stt = roles.get("label"), roles.get("stt")
    if lab is None or not t[lab]:
        return t
    rest = [x for c, x in enumerate(t) if c not in (lab, stt) and x]
    if len(rest) < 2 or any(x != t[lab] for x in rest):
        return t
    return [x if c in (lab, stt) else "" for c, x in enumerate(t)]


def _continues(prev: list[str], t: list[str], roles: dict[str, int]) -> bool:
    """A first row on a new page with no code and a lower-case label (or none) finishes the
    last row of the page before."""
    stt, lab = roles.get("stt"), roles.get("label")
    if stt is None or lab is None or t[stt].strip():
        return False
    return not t[lab] or t[lab][:1].islower() or t[lab][:1] in "(,;"


def join_parts(parts: list[PageGrid], roles: dict[str, int]) -> list[tuple[int | None, list]]:
    merged: list[tuple[int | None, list[str]]] = []
    for part in parts:
        for k, t in enumerate(part.rows):
            if k == 0 and merged and merged[-1][0] != part.page and _continues(merged[-1][1], t,
                                                                                  roles):
                prev = merged[-1][1]
                lab = roles["label"]
                prev[lab] = squash(prev[lab] + " " + t[lab])
                for c, x in enumerate(t):
                    prev[c] = prev[c] or x
                continue
            merged.append((part.page, list(t)))
    return merged


def _drop_empty(paths: list[list[str]], merged: list[tuple[int | None, list[str]]],
                roles: dict[str, int]) -> list[list[str]]:
    """A trailing grid column with no header and no cell (a ruling past the last column)."""
    while paths and not paths[-1] and len(paths) - 1 not in roles.values() \
            and not any(t[len(paths) - 1] for _, t in merged):
        paths = paths[:-1]
        for _, t in merged:
            t.pop()
    return paths


def finish(table_id: str, parts: list[PageGrid]) -> Table:
    """The parts of one table (its pages) -> the ``Table`` record."""
    first = parts[0]
    roles = guess_roles([t for p in parts for t in p.rows], len(first.paths), first.roles)
    merged = join_parts(parts, roles)
    paths = _drop_empty(first.paths, merged, roles)
    columns = make_columns(paths, roles, first.colnum)
    values = [x for _, t in merged for c, x in enumerate(t) if columns[c].kind == "value"]
    decimal = detect_decimal(values)
    rows = make_rows([t for _, t in merged], columns, roles, decimal, [p for p, _ in merged])
    m = CAPTION.search(first.caption)
    pages = [p.page for p in parts if p.page is not None]
    return Table(table_id, first.caption, m.group(1) if m else None, columns, rows,
                 min(pages) if pages else None, max(pages) if pages else None, decimal)
