"""Tables of Markdown copies -> cell rows, for the same grid path as DOCX and HTML tables.

Two syntaxes occur. GitHub's pipe table: one row per line (``| a | b |``) with a
delimiter row (``|---|---|``) under the header. And the converters' table that web
copies of Word documents are made with: every cell's text on lines of its own, each
cell followed by a line holding only ``|``, each row opened by such a line, so a row
ends with two ``|`` lines. An empty cell is also two ``|`` lines, so the row breaks are
found by the column count: the count that cuts the most rows to one length (the data
rows) with the fewest odd rows (a merged caption row, the header rows of a grouped
header), found by dynamic programming over the possible breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_COLUMNS = 60  # format: no report table of the shared copies has more than 55 columns
EXTRA_COLUMNS = 12  # empty cells a row may have beyond its longest run of filled ones
LONG_ROW = 3.0  # cost per cell of a row longer than the column count
EMPTY_IN_SHORT = 2.0  # cost per empty cell of a short row (merged rows print no empty cell)
# cost per column: a wider reading of the cells must explain rows better, not only merge
# a short header row with the row below it into one "row" of a wider table
COLUMN_COST = 0.5
SLACK = 3  # cells beyond the column count a row is tried with
_DELIMITER = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_GFM_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE = "|"
TEXT_LINES = 30  # format: a run of this many lines between two "|" is text, not one cell
# what opens the text between two tables: a type line (the body after a letterhead), an
# annex caption, a unit line, the annex note
_OPENING = re.compile(r"^(?:NGHỊ QUYẾT|QUYẾT ĐỊNH|THÔNG BÁO|KẾ HOẠCH|BÁO CÁO|CHỈ THỊ|TỜ TRÌNH|"
                      r"CHƯƠNG TRÌNH|ĐỀ ÁN|HƯỚNG DẪN|QUY ĐỊNH|QUY CHẾ|PHỤ LỤC|DANH MỤC|BIỂU|"
                      r"BẢNG)(?:\s+(?:SỐ\s+)?[0-9IVXLC]+[a-z]?)?$|^\(\s*(?:Kèm theo|Ban hành kèm)|"
                      r"^(?:Đơn vị|ĐVT|Đơn vị tính)\s*:")
_CAPTION = re.compile(r"^(?:PHỤ LỤC|DANH MỤC|BIỂU)(?:\s+(?:SỐ\s+)?[0-9IVXLC]+[a-z]?)?$|"
                      r"^\(\s*(?:Kèm theo|Ban hành kèm)")
# a numbered heading or item ("2. Các nhiệm vụ …", "Điều 3.", "a) …")
_HEADING = re.compile(r"^(?:(?:[IVXLC]+|\d{1,2}(?:\.\d{1,2})*)\.|Điều\s+\d+\.?|[a-zđ]\))\s+\S")


@dataclass
class RawTable:
    """A table as read: its rows of cell texts (a cell's lines kept), and the lines it
    took in the text."""

    rows: list[list[list[str]]]  # row -> cell -> the cell's lines
    start: int
    end: int  # exclusive
    ncols: int
    header_rows: int = 0  # rows above the delimiter of a GitHub table

    def texts(self, r: int) -> list[str]:
        return [" ".join(x.strip() for x in cell if x.strip()) for cell in self.rows[r]]


def _is_pipe(line: str) -> bool:
    return line.strip() == _PIPE


# --------------------------------------------------------------- GitHub pipe tables


def _split_row(line: str) -> list[str]:
    text = line.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", text)]


def gfm_table(lines: list[str], start: int) -> RawTable | None:
    """A GitHub table whose header row is ``lines[start]``."""
    if start + 1 >= len(lines) or not _DELIMITER.match(lines[start + 1]):
        return None
    if "|" not in lines[start]:
        return None
    header = _split_row(lines[start])
    rows = [header]
    end = start + 2
    while end < len(lines) and _GFM_ROW.match(lines[end]) and not _is_pipe(lines[end]):
        rows.append(_split_row(lines[end]))
        end += 1
    ncols = max(len(r) for r in rows)
    cells = [[_cell_lines(c) for c in r] + [[]] * (ncols - len(r)) for r in rows]
    return RawTable(cells, start, end, ncols, header_rows=1)


def _cell_lines(text: str) -> list[str]:
    """A GitHub cell's hard line breaks (``<br>``) kept as its lines."""
    return [x for x in re.split(r"<br\s*/?>", text, flags=re.IGNORECASE)]


# --------------------------------------------------------------- pipe-line tables


def pipe_tokens(lines: list[str], start: int) -> tuple[list[list[str]], int]:
    """The cells between the ``|`` lines from ``lines[start]`` (a ``|`` line) on, and
    the line after the last ``|``. A text run after the last ``|`` is no cell (no ``|``
    closes it); a blank line ends the table."""
    tokens: list[list[str]] = []
    run: list[str] = []
    i, end = start + 1, start + 1
    while i < len(lines):
        line = lines[i]
        if _is_pipe(line):
            tokens.append(run)
            run, end = [], i + 1
        elif not line.strip():
            break
        else:
            run.append(line)
        i += 1
    return tokens, end


def _empty(cell: list[str]) -> bool:
    return not any(x.strip().strip("*_ ") for x in cell)


def _row_cost(cells: list[list[str]], n: int) -> float:
    """A row of ``n`` cells costs nothing; a shorter one (a merged caption row, a grouped
    header's row) one, more for each empty cell in it (two short rows are not one); a
    longer one is impossible but for a wrong ``n``."""
    if len(cells) == n:
        return 0.0
    if len(cells) > n:
        return LONG_ROW * (len(cells) - n)
    return 1.0 + EMPTY_IN_SHORT * sum(_empty(c) for c in cells)


def _segment(tokens: list[list[str]], n: int) -> tuple[float, list[tuple[int, int]]]:
    """Rows of ``tokens`` for ``n`` columns, rows separated by one empty token, at the
    least total ``_row_cost``. -> (cost, [(start, end) of each row])."""
    m = len(tokens)
    inf = float("inf")
    # best[i]: least cost of tokens[:i] cut into rows, the last one ending at i (tokens[i]
    # is its separator, or i == m)
    best = [inf] * (m + 1)
    back = [0] * (m + 1)
    for i in range(1, m + 1):
        if i < m and not _empty(tokens[i]):
            continue
        for j in range(max(0, i - n - SLACK), i):
            if j > 0 and (not _empty(tokens[j - 1]) or best[j - 1] == inf):
                continue  # a row starts at the table's start or after a separator
            cost = (best[j - 1] if j > 0 else 0.0) + _row_cost(tokens[j:i], n)
            if cost < best[i]:
                best[i], back[i] = cost, j
    i = m
    if m > 1 and _empty(tokens[m - 1]) and best[m - 1] < best[m]:
        i = m - 1  # the last "|" opened a row that never came: no empty last cell
    if best[i] == inf:
        return inf, []
    cost, rows = best[i], []
    while i > 0:
        rows.append((back[i], i))
        i = back[i] - 1
    return cost, rows[::-1]


def _is_text(token: list[str], prev: list[str] | None, nxt: list[str] | None) -> bool:
    """Text between two tables of a copy with no blank lines (the converter closes one
    table and opens the next with the same ``|`` line as between two cells): a title
    block, an annex caption, a unit line, a markdown heading, a long run of lines, or a
    bold numbered heading between two filled cells."""
    lines = [_clean(x) for x in token if _clean(x)]
    if not lines:
        return False
    if _OPENING.match(lines[0]) or any(x.startswith("#") for x in token):
        return True
    if any(_CAPTION.match(x) for x in lines[1:]):  # a note under a table, the next caption
        return True
    if len(lines) >= TEXT_LINES:
        return True
    head = " ".join(lines)
    between = prev is not None and nxt is not None and not _empty(prev) and not _empty(nxt)
    return between and _HEADING.match(head) is not None and (len(lines) <= 3
                                                               or head.endswith(":"))


def _clean(line: str) -> str:
    return " ".join(line.replace("*", " ").replace("_", " ").split())


def read_pipe_region(lines: list[str], start: int) -> tuple[list[RawTable | list[str]], int]:
    """The tables (and text between them) from the ``|`` line ``lines[start]`` on, and
    the line after the region."""
    tokens, end = pipe_tokens(lines, start)
    out: list[RawTable | list[str]] = []
    run: list[list[str]] = []
    for k, token in enumerate(tokens):
        prev = tokens[k - 1] if k else None
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if _is_text(token, prev, nxt):
            out += _tables(run, start, end) + [token]
            run = []
        else:
            run.append(token)
    out += _tables(run, start, end)
    return out, end


def _tables(tokens: list[list[str]], start: int, end: int) -> list[RawTable]:
    table = pipe_table(tokens, start, end)
    return [table] if table is not None else []


def pipe_table(tokens: list[list[str]], start: int = 0, end: int = 0) -> RawTable | None:
    """A converter's table from its cells (``pipe_tokens``); ``start``, ``end``: its lines."""
    tokens = list(tokens)
    while tokens and _empty(tokens[0]):
        tokens.pop(0)  # the opening "|" of a table after text
    if not tokens or all(_empty(t) for t in tokens):
        return None
    options = []
    runs = re.findall(r"1+", "".join("0" if _empty(t) else "1" for t in tokens))
    widest = max((len(r) for r in runs), default=1)  # a row holds its longest run of cells
    for n in range(widest, min(MAX_COLUMNS, widest + EXTRA_COLUMNS) + 1):
        cost, rows = _segment(tokens, n)
        if rows:
            options.append((cost, n, rows))
    if not options:
        return None
    cost, n, rows = min(options, key=lambda o: (o[0] + COLUMN_COST * o[1], o[1]))
    cells = [[tokens[k] for k in range(a, b)] for a, b in rows]
    return RawTable(cells, start, end, n)


# --------------------------------------------------------------- the merged-cell grid

_LEAF = re.compile(r"^(stt|tt|số\s*tt|chỉ\s*tiêu|nội\s*dung|danh\s*mục|đvt|đơn\s*vị(\s*tính)?|"
                   r"ghi\s*chú|địa\s*phương|tên\b)", re.IGNORECASE)


def _header_depth(raw: RawTable) -> int:
    """Rows of a grouped header: the short rows at the top when their cells fill the
    columns as a header does (each row's group cells spread over the row below); else the
    first row, when it is full; else none."""
    lens = [len(r) for r in raw.rows]
    first_full = next((k for k, n in enumerate(lens) if n == raw.ncols), None)
    if first_full is None or first_full == 0:
        return 1 if first_full == 0 else 0
    top = lens[:first_full]
    if len(top) > 1 and _groups(top[0], raw.ncols, top[1]) is not None:
        return first_full
    return 0


def _groups(k: int, avail: int, below: int) -> int | None:
    """How many of a header row's ``k`` cells (over ``avail`` columns) are groups over the
    ``below`` cells of the row under them: ``k - g + below == avail``."""
    g = k + below - avail
    return g if 1 <= g <= k and below >= g else None


def _place_header(raw: RawTable, depth: int) -> list[tuple[int, int, int, int, str]]:
    """(r0, r1, c0, c1, text) of the header cells: the cells of a row that are no group
    span down to the header's last row; group cells (the rightmost cells that are no
    STT / label / unit / note header) spread over the cells of the row below."""
    out = []
    avail = list(range(raw.ncols))
    for r in range(depth):
        texts = raw.texts(r)
        if r == depth - 1:
            out += _spread(texts, avail, r, r + 1)
            break
        g = _groups(len(texts), len(avail), len(raw.rows[r + 1])) or 0
        leafy = [i for i, t in enumerate(texts) if not _LEAF.match(_clean(t))]
        groups = set(leafy[-g:] if g else [])
        share = len(raw.rows[r + 1]) // max(g, 1)
        extra = len(raw.rows[r + 1]) - share * max(g, 1)
        col, nxt = 0, []
        for i, t in enumerate(texts):
            if col >= len(avail):
                break
            width = share + (extra if i == max(groups, default=-1) else 0) if i in groups else 1
            cols = avail[col:col + width]
            if i in groups:
                out.append((r, r + 1, cols[0], cols[-1] + 1, t))
                nxt += cols
            else:
                out.append((r, depth, cols[0], cols[-1] + 1, t))
            col += width
        avail = nxt or avail
    return out


def _spread(texts: list[str], cols: list[int], r0: int, r1: int) -> list[tuple]:
    """A row of cells over ``cols``: one cell per column, or, for a short row, the widest
    cell spans what the others leave (a merged caption cell)."""
    if not cols:
        return []
    if len(texts) >= len(cols):
        return [(r0, r1, c, c + 1, t) for c, t in zip(cols, texts, strict=False)]
    wide = max(range(len(texts)), key=lambda i: (len(_clean(texts[i])), -i))
    gap = len(cols) - len(texts)
    out = []
    for i, t in enumerate(texts):
        a = i if i <= wide else i + gap
        b = a + 1 + (gap if i == wide else 0)
        out.append((r0, r1, cols[a], cols[b - 1] + 1, t))
    return out


def _gfm_header(raw: RawTable) -> tuple[int, list[tuple]]:
    """A GitHub table's header: the row above the delimiter and the rows under it that
    start with an empty cell and hold no figure ("| | | Quý III | 9 tháng |"); a merged
    header cell is printed once with empty cells after it, which it spans when the row
    below has cells there."""
    from rag.ingest.tables.rows import numeric

    depth = raw.header_rows
    while depth < len(raw.rows) - 1:
        texts = raw.texts(depth)
        if texts[0].strip() or any(numeric(t) for t in texts if t.strip()):
            break
        depth += 1
    rows = [raw.texts(r) for r in range(depth)]
    taken = [[False] * raw.ncols for _ in range(depth)]
    out = []
    for r in range(depth):
        c = 0
        while c < raw.ncols:
            if taken[r][c]:
                c += 1
                continue
            end = c + 1
            while (r + 1 < depth and rows[r][c] and end < raw.ncols and not rows[r][end]
                   and rows[r + 1][end]):
                end += 1  # "| Thực hiện (tỷ đồng) | |" over "| Quý III | 9 tháng |"
            low = r + 1
            while low < depth and rows[r][c] and not any(rows[low][c:end]):
                low += 1  # "| STT |" over an empty cell: one cell down the header
            for rr in range(r, low):
                for cc in range(c, end):
                    taken[rr][cc] = True
            out.append((r, low, c, end, rows[r][c]))
            c = end
    return depth, out


def grid_cells(raw: RawTable) -> tuple[list, int, int, int]:
    """-> (cells as (r0, r1, c0, c1, text), rows, columns, header rows) of the grid."""
    if raw.header_rows:
        depth, cells = _gfm_header(raw)
    else:
        depth = _header_depth(raw)
        cells = _place_header(raw, depth) if depth else []
    for r in range(depth, len(raw.rows)):
        cells += _spread(raw.texts(r), list(range(raw.ncols)), r, r + 1)
    return cells, len(raw.rows), raw.ncols, depth
