"""Ruled PDF tables from pdfplumber's characters and ruling edges.

Measured on the three indicator-table PDFs of ``../shared/realdocs`` (146
hand-checked cells): this reader 100%; pdfplumber's own table finder
72/88/0% (its 3-pt snap joins the 2-pt rows of the wide commune table);
camelot 64/60/16%; PyMuPDF's text garbles Vietnamese there. So pdfplumber is
used only for glyphs and edges, and the grid is built here:

1. ruling grid: horizontal/vertical edges are clustered with a tolerance that
   follows the row pitch; a wall between two grid cells exists when a ruling
   covers it; cells with no wall between them are one merged cell;
2. text runs: glyphs in stream order cut where the baseline changes, the pen
   moves back, a gap opens, or a fresh string starts just after a ruling; a
   run goes to the cell it overlaps most (a label overflowing its cell stays
   whole; the "%" cell drawn after a value is not glued to it);
3. cell text: the lines of a cell joined with a space, or with nothing when
   the cell broke one token ("Ngườ|i", "121.18417|5").
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from rag.ingest.tables.grid import CAPTION, GCell, PageGrid, lookup, split_grid
from rag.ingest.tables.rows import key, squash

RULE_MAX = 2.0  # format: a filled rectangle this thin (points) is a drawn rule
MIN_CELLS = 4  # a data table has at least this many cells, in two or more columns
CAPTION_LINES = 3  # format: an annex title takes up to three lines above its table
CAPTION_MAX = 300  # longer text above a table is running text, not its caption


def ruling_edges(page) -> tuple[list[tuple], list[tuple]]:
    """Drawn rules only: (x0, x1, y) horizontals and (x, top, bottom) verticals."""
    hs, vs = [], []

    def add(x0, top, x1, bottom):
        if bottom - top < 0.01 and x1 - x0 >= 1.0:
            hs.append((x0, x1, top))
        elif x1 - x0 < 0.01 and bottom - top >= 1.0:
            vs.append((x0, top, bottom))

    for ln in page.lines:
        if abs(ln["bottom"] - ln["top"]) < 0.01 or abs(ln["x1"] - ln["x0"]) < 0.01:
            add(ln["x0"], ln["top"], ln["x1"], ln["bottom"])
    for r in page.rects:
        x0, x1, t, b = r["x0"], r["x1"], r["top"], r["bottom"]
        if r.get("stroke"):
            add(x0, t, x1, t), add(x0, b, x1, b), add(x0, t, x0, b), add(x1, t, x1, b)
        elif r.get("fill") and min(x1 - x0, b - t) <= RULE_MAX:
            if b - t <= RULE_MAX:
                add(x0, (t + b) / 2, x1, (t + b) / 2)
            else:
                add((x0 + x1) / 2, t, (x0 + x1) / 2, b)
    return hs, vs


def _cluster(values: list[float], tol: float) -> list[float]:
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _nearest(centers: list[float], v: float, tol: float) -> int | None:
    i = bisect.bisect_left(centers, v)
    near = [j for j in (i - 1, i) if 0 <= j < len(centers) and abs(centers[j] - v) <= tol]
    return min(near, key=lambda j: abs(centers[j] - v)) if near else None


def _merged(ivs: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for a, b in sorted(ivs):
        if out and a <= out[-1][1] + tol:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _covered(ivs: list[tuple[float, float]], a: float, b: float, tol: float) -> bool:
    got = sum(max(0.0, min(y, b) - max(x, a)) for x, y in ivs)
    return got >= 0.8 * (b - a) - tol


@dataclass
class _Walls:
    xs: list[float]
    ys: list[float]
    h: list[list[bool]]  # h[r][c]: a rule along row line r over column c
    v: list[list[bool]]  # v[r][c]: a rule along column line c over row r


def _walls(hs: list[tuple], vs: list[tuple]) -> _Walls | None:
    ys0 = sorted({round(y, 1) for _, _, y in hs})
    gaps = [b - a for a, b in zip(ys0, ys0[1:], strict=False) if b - a > 0.25]
    tol = max(0.2, min(2.0, (min(gaps) if gaps else 10.0) / 4))  # follows the row pitch
    ys, xs = _cluster([y for _, _, y in hs], tol), _cluster([x for x, _, _ in vs], tol)
    if len(ys) < 2 or len(xs) < 2:
        return None
    hcov, vcov = defaultdict(list), defaultdict(list)
    for x0, x1, y in hs:
        if (k := _nearest(ys, y, tol)) is not None:
            hcov[k].append((x0, x1))
    for x, t, b in vs:
        if (k := _nearest(xs, x, tol)) is not None:
            vcov[k].append((t, b))
    hcov = {k: _merged(v, tol) for k, v in hcov.items()}
    vcov = {k: _merged(v, tol) for k, v in vcov.items()}
    nr, nc = len(ys) - 1, len(xs) - 1
    h = [[_covered(hcov.get(r, []), xs[c], xs[c + 1], tol) for c in range(nc)]
         for r in range(nr + 1)]
    v = [[_covered(vcov.get(c, []), ys[r], ys[r + 1], tol) for c in range(nc + 1)]
         for r in range(nr)]
    return _Walls(xs, ys, h, v)


def _find(parent: list[int], a: int) -> int:
    while parent[a] != a:
        parent[a] = parent[parent[a]]
        a = parent[a]
    return a


def _closed_cells(w: _Walls) -> list[GCell]:
    """Grid cells with no wall between them, unioned; rectangles closed on all sides."""
    nr, nc = len(w.ys) - 1, len(w.xs) - 1
    parent = list(range(nr * nc))
    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not w.v[r][c + 1]:
                parent[_find(parent, r * nc + c)] = _find(parent, r * nc + c + 1)
            if r + 1 < nr and not w.h[r + 1][c]:
                parent[_find(parent, r * nc + c)] = _find(parent, (r + 1) * nc + c)
    groups: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for r in range(nr):
        for c in range(nc):
            groups[_find(parent, r * nc + c)].append((r, c))
    cells = []
    for members in groups.values():
        r0, r1 = min(m[0] for m in members), max(m[0] for m in members) + 1
        c0, c1 = min(m[1] for m in members), max(m[1] for m in members) + 1
        if len(members) != (r1 - r0) * (c1 - c0):
            continue  # not a rectangle: page background
        closed = (all(w.h[r0][c] and w.h[r1][c] for c in range(c0, c1))
                  and all(w.v[r][c0] and w.v[r][c1] for r in range(r0, r1)))
        if closed:
            cells.append(GCell(r0, r1, c0, c1, bbox=(w.xs[c0], w.ys[r0], w.xs[c1], w.ys[r1])))
    return cells


def _components(cells: list[GCell]) -> list[list[GCell]]:
    """Cells sharing an edge belong to one table."""
    idx = {(r, c): k for k, cl in enumerate(cells)
           for r in range(cl.r0, cl.r1) for c in range(cl.c0, cl.c1)}
    comp = list(range(len(cells)))
    for (r, c), k in idx.items():
        for dr, dc in ((0, 1), (1, 0)):
            if (k2 := idx.get((r + dr, c + dc))) is not None:
                comp[_find(comp, k)] = _find(comp, k2)
    by: dict[int, list[GCell]] = defaultdict(list)
    for k, cl in enumerate(cells):
        by[_find(comp, k)].append(cl)
    return list(by.values())


def ruling_grids(page) -> list[dict]:
    """Tables on a page from its ruling lines: {cells, xs, ys, bbox} each, top to bottom."""
    hs, vs = ruling_edges(page)
    if len(hs) < 3 or len(vs) < 3:
        return []
    walls = _walls(hs, vs)
    if walls is None:
        return []
    out = []
    for group in _components(_closed_cells(walls)):
        if len(group) < MIN_CELLS or len({g.c0 for g in group}) < 2:
            continue
        rr = sorted({g.r0 for g in group} | {g.r1 for g in group})
        cc = sorted({g.c0 for g in group} | {g.c1 for g in group})
        rmap, cmap = {v: i for i, v in enumerate(rr)}, {v: i for i, v in enumerate(cc)}
        cells = [GCell(rmap[g.r0], rmap[g.r1], cmap[g.c0], cmap[g.c1], bbox=g.bbox)
                 for g in group]
        xs, ys = [walls.xs[v] for v in cc], [walls.ys[v] for v in rr]
        out.append({"cells": cells, "xs": xs, "ys": ys, "bbox": (xs[0], ys[0], xs[-1], ys[-1])})
    return sorted(out, key=lambda t: t["bbox"][1])


# ----------------------------------------------------------------- text runs into cells


@dataclass
class Run:
    chars: list

    @property
    def x0(self):
        return self.chars[0]["x0"]

    @property
    def x1(self):
        return max(c["x1"] for c in self.chars)

    @property
    def top(self):
        return min(c["top"] for c in self.chars)

    @property
    def bottom(self):
        return max(c["bottom"] for c in self.chars)

    @property
    def size(self):
        return max(c["size"] for c in self.chars)

    @property
    def text(self):
        return unicodedata.normalize("NFC", "".join(c["text"] for c in self.chars))


def _breaks(p: dict, ch: dict, xs_all: list[float]) -> bool:
    size = max(p["size"], ch["size"], 0.1)
    gap = ch["x0"] - p["x1"]
    if abs(ch["top"] - p["top"]) > 0.4 * size or gap < -0.15 * size or gap > 0.6 * size:
        return True
    if abs(gap) > 0.02 * size and ch["text"] != " " and p["text"] != " ":
        # a fresh string that starts just after a ruling: the next cell's text
        i = bisect.bisect_right(xs_all, (p["x0"] + p["x1"]) / 2)
        return i < len(xs_all) and xs_all[i] <= ch["x1"]
    return False


def text_runs(chars: list, xs_all: list[float]) -> list[Run]:
    """Stream-order glyphs -> runs of one text line of one cell."""
    runs: list[Run] = []
    cur: list = []
    for ch in chars:
        if cur and _breaks(cur[-1], ch, xs_all):
            runs.append(Run(cur))
            cur = []
        cur.append(ch)
    if cur:
        runs.append(Run(cur))
    return [r for r in runs if r.text.strip()]


def _best_cell(run: Run, grid: dict, at) -> int | None:
    xs, ys = grid["xs"], grid["ys"]
    nr, nc = len(ys) - 1, len(xs) - 1
    r = min(max(bisect.bisect_right(ys, (run.top + run.bottom) / 2) - 1, 0), nr - 1)
    overlap: dict[int, float] = defaultdict(float)
    for c in range(nc):
        lo, hi = max(xs[c], run.x0), min(xs[c + 1], run.x1)
        if hi > lo and at[r][c] is not None:
            overlap[at[r][c]] += hi - lo
    return max(overlap, key=overlap.get) if overlap else None


def assign_runs(runs: list[Run], grid: dict) -> tuple[dict[int, list[Run]], list[Run]]:
    """Each run -> the cell it overlaps most in the grid row of its vertical centre."""
    at = lookup(grid["cells"], len(grid["ys"]) - 1, len(grid["xs"]) - 1)
    inside: dict[int, list[Run]] = defaultdict(list)
    outside: list[Run] = []
    x0, y0, x1, y1 = grid["bbox"]
    for run in runs:
        cy = (run.top + run.bottom) / 2
        best = None
        if y0 <= cy <= y1 and run.x1 >= x0 and run.x0 <= x1:
            best = _best_cell(run, grid, at)
        if best is None:
            outside.append(run)
        else:
            inside[best].append(run)
    return inside, outside


def _base(s: str) -> str:
    d = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in d if not unicodedata.combining(ch)).lower()


def broken_token(head: str, tail: str) -> bool:
    """Whether a full cell line and the next line's first word are one token the cell broke:
    digits on both sides, or letters that make one Vietnamese syllable ("Ngườ"+"i")."""
    if not head or not tail:
        return False
    if re.fullmatch(r"[\d.,]*\d", head) and re.fullmatch(r"\d[\d.,%]*", tail):
        return True
    if head[-1].isalpha() and tail[0].isalpha() and tail[0].islower():
        return len(re.findall(r"[aeiouy]+", _base(head[-7:].split("-")[-1] + tail))) == 1
    return False


def _lines(runs: list[Run], share: float) -> list[list[Run]]:
    lines: list[list[Run]] = []
    for r in sorted(runs, key=lambda r: (round(r.top, 1), r.x0)):
        if lines and abs(r.top - lines[-1][0].top) <= share * r.size:
            lines[-1].append(r)
        else:
            lines.append([r])
    return [sorted(ln, key=lambda r: r.x0) for ln in lines]


def cell_text(runs: list[Run], bbox: tuple) -> str:
    """Runs of one cell -> text; lines joined with ' ' or '' (a token broken by the cell)."""
    width = bbox[2] - bbox[0]
    out, prev_txt, prev_w = "", "", 0.0
    for ln in _lines(runs, 0.4):
        txt = " ".join(r.text.strip() for r in ln)
        w = max(r.x1 for r in ln) - min(r.x0 for r in ln)
        glue = " " if out else ""
        if (out and " " not in prev_txt and prev_w >= 0.7 * width
                and broken_token(prev_txt, txt.split(" ")[0])):
            glue = ""
        out, prev_txt, prev_w = out + glue + txt, txt, w
    return squash(out)


def lines_text(runs: list[Run]) -> list[str]:
    return [squash(" ".join(r.text for r in ln)) for ln in _lines(runs, 0.5)]


def _caption(above: list[Run]) -> str:
    """The table's caption: from a "Biểu/Bảng/Phụ lục N" line above it to the table, else
    the last few short lines above it (title and "Kèm theo Báo cáo …" of an annex)."""
    lines = lines_text(above)
    named = [i for i, ln in enumerate(lines) if CAPTION.search(ln)]
    picked = lines[named[-1]:] if named else lines[-CAPTION_LINES:]
    while picked and len(" ".join(picked)) > CAPTION_MAX:
        picked = picked[1:] if not named else picked[:-1]
    return " ".join(picked)


def page_tables(page, pno: int) -> tuple[list[PageGrid], set[int]]:
    """A page's table parts, and the ids of the glyphs inside them (the text path skips
    those, so a table page is not indexed again as runs of bare numbers)."""
    grids = ruling_grids(page)
    if not grids:
        return [], set()
    chars = [c for c in page.chars if c.get("upright", True)]
    runs = text_runs(chars, sorted({x for g in grids for x in g["xs"]}))
    out, outside, inside_ids = [], runs, set()
    for g in grids:
        inside, outside = assign_runs(outside, g)
        for k, rs in inside.items():
            g["cells"][k].text = cell_text(rs, g["cells"][k].bbox)
            inside_ids.update(id(c) for r in rs for c in r.chars)
        depth, roles, paths, colnum, rows = split_grid(g["cells"], len(g["ys"]) - 1,
                                                       len(g["xs"]) - 1)
        above = [r for r in outside if r.bottom <= g["bbox"][1] + 0.5]
        out.append(PageGrid(pno, depth, roles, paths, colnum, rows, g["xs"], _caption(above),
                            g["bbox"]))
    return out, inside_ids


def _same_columns(a: list[float], b: list[float], tol: float = 2.0) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def group_parts(parts: list[PageGrid]) -> list[list[PageGrid]]:
    """Parts on consecutive pages with the same columns (header repeated or not) are one table."""
    tables: list[list[PageGrid]] = []
    for pt in parts:
        prev = tables[-1][-1] if tables else None
        cont = (prev is not None and prev.page is not None and pt.page == prev.page + 1
                and _same_columns(prev.xs, pt.xs))
        if cont and pt.depth:  # a repeated header must say the same
            cont = [key(" ".join(p)) for p in pt.paths] == \
                [key(" ".join(p)) for p in tables[-1][0].paths]
        if cont:
            pt.paths = tables[-1][0].paths
            tables[-1].append(pt)
        else:
            tables.append([pt])
    return tables
