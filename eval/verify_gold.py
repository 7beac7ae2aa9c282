"""Check a gold file against the raw reports: every evidence span and figure is really there.

The gold set is written by reading the reports, so a typo in a span would make
an item unanswerable by construction. This checks each item against the
report file itself (never against the parser's output):

* sample reports (``data/reports``, .txt): the normalized evidence occurs in
  the normalized report, every answer figure occurs in the evidence;
* real documents (``../shared/realdocs``, splits ``realdocs`` (tuned on) and
  ``holdout`` (only reported); ``doc`` is the path under that folder, e.g.
  ``stats-office/hung-yen_2025-10_bao-cao-kt-xh.txt``): text items against the
  text layer as poppler's ``pdftotext`` reads it (a DOCX's body, tables and
  footnotes; a Markdown or text file as it is); table items by their row label
  and figures on the stated page of a PDF, or on one line of a Markdown table;
  items from a scanned page (``source_kind: ocr``) have no text layer to check
  against and must say in ``note`` that they were read from the page image;
  workbook cells (``source_kind: sheet``, .xlsx by openpyxl's cached values,
  legacy .xls by xlrd): on the named sheet, a row holding the last ``row_path``
  label (the earlier ones on rows at or above it) has a cell that displays each
  figure as the sheet shows it (its number format, in Vietnamese notation).

Usage:

    .venv/bin/python eval/verify_gold.py eval/gold.jsonl [--reports data/reports]
        [--realdocs ../shared/realdocs]

Exit status 1 and one line per problem when anything does not match.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import unicodedata
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.evaluation.metrics import normalize  # noqa: E402  (the harness's own normalization)

TYPES = {"figure", "fact", "footnote", "breakdown", "table", "parts", "unanswerable"}
REAL_SPLITS = ("realdocs", "holdout")
# a parts question ("từng quý", "mỗi nguồn", "kể tên") quotes every part: a longer span
MAX_WORDS = {"parts": 90}
FIELDS = {"id", "question", "doc", "answer_figures", "evidence", "in_footnote", "type"}
REALDOCS = ROOT.parent / "shared" / "realdocs"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _squash(text: str) -> str:
    """Normalized and without spaces: extractors disagree on spaces, never on letters."""
    return re.sub(r"\s+", "", normalize(text.replace("\u00ad", "")))


def problems(item: dict, reports: dict[str, str], realdocs: Path | None = None) -> list[str]:
    """Why one gold item does not match its report (empty list when it does)."""
    missing = FIELDS - set(item)
    if missing:
        return [f"missing fields {sorted(missing)}"]
    out = [] if item["type"] in TYPES else [f"unknown type {item['type']!r}"]
    if item["type"] == "unanswerable":
        if item["doc"] is not None or item["answer_figures"] or item["evidence"]:
            out.append("unanswerable item must have doc null, no figures, no evidence")
        return out
    if item.get("split") in REAL_SPLITS:
        return out + _realdoc_problems(item, realdocs or REALDOCS)
    if item["doc"] not in reports:
        return out + [f"unknown doc {item['doc']!r}"]
    return out + _span_problems(item, normalize(item["evidence"]), reports[item["doc"]])


def _span_problems(item: dict, evidence: str, text: str) -> list[str]:
    out = []
    words, most = len(evidence.split()), MAX_WORDS.get(item["type"], 40)
    if not 15 <= words <= most:
        out.append(f"evidence has {words} words (15-{most})")
    if evidence not in text and _squash(evidence) not in _squash(text):
        out.append("evidence not found in the report")
    for fig in item["answer_figures"]:
        if unicodedata.normalize("NFC", fig).lower() not in evidence:
            out.append(f"figure {fig!r} not in the evidence")
    return out


def _realdoc_problems(item: dict, folder: Path) -> list[str]:
    path = folder / item["doc"]
    if not path.is_file():
        return [f"unknown doc {item['doc']!r} in {folder}"]
    kind = item.get("source_kind", "text")
    if kind == "ocr":
        return [] if "visual" in item.get("note", "") else ["ocr item without a visual-check note"]
    if kind == "sheet":
        return _sheet_problems(item, path)
    if kind == "table":
        wanted = [item["row_path"][-1].lstrip("-–+ ").strip(), *item["answer_figures"]]
        if path.suffix.lower() != ".pdf":
            return _row_problems(path, wanted)
        page = _squash(_pdf_text(path, item["page"]))
        return [f"{w!r} not on page {item['page']}" for w in wanted if _squash(w) not in page]
    return _span_problems(item, normalize(item["evidence"]), normalize(_doc_text(path)))


ROW_CELLS = 14  # a row's figures stand within this many cells after its label's cell


def _cells(text: str) -> list[str]:
    """The cells of a Markdown copy's tables: on one line ("| a | b |") or, as the copies of
    ../shared/realdocs/more write them, a line "|" before each cell's lines."""
    out: list[str] = []
    for line in text.splitlines():
        if line.count("|") >= 2:
            out.extend(cell for cell in line.split("|"))
        elif line.strip() == "|":
            out.append("")
        elif out:
            out[-1] += " " + line
    return [_squash(c) for c in out]


def _row_problems(path: Path, wanted: list[str]) -> list[str]:
    """A Markdown table row: its label (without its row number) in a cell, and every figure
    in one of the cells after it in the same row."""
    label = _squash(re.sub(r"^(?:[\dIVXivx.]+|[a-zđ]\)?)\s+", "", wanted[0]))
    cells = _cells(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(cells):
        row = cells[i:i + ROW_CELLS]
        if label in cell and all(any(_squash(f) in c for c in row) for f in wanted[1:]):
            return []
    return [f"no table row of {path.name} holds all of {wanted!r}"]


def _sheet_problems(item: dict, path: Path) -> list[str]:
    """The first row reached by the row_path labels, top-down, shows every figure.

    Row labels recur under different parents ("Quý III năm 2021" under each rate), so
    each label is looked for below the previous one (or on its row: "Trong đó: Lương
    thực"). A label is a whole cell, squashed (labels wrap lines) and without its
    trailing colon: the sheet's title also contains "chỉ số giá tiêu dùng"."""
    rows = _sheet_rows(path, item["sheet"])
    if rows is None:
        return [f"no sheet {item['sheet']!r} in {path.name}"]
    wanted, found = [_squash(label) for label in item["row_path"]], 0
    for labels, shown in rows:
        while found < len(wanted) and wanted[found] in labels:
            found += 1
        if found == len(wanted):
            if all(fig in shown for fig in item["answer_figures"]):
                return []
            break
    return [f"no row {item['row_path']!r} of sheet {item['sheet']!r}"
            f" shows {item['answer_figures']!r}"]


@cache
def _sheet_rows(path: Path, sheet: str) -> tuple | None:
    """Each row as (squashed labels, displayed values); formulas give their cached value."""
    book = _workbook(path)
    if path.suffix.lower() == ".xls":
        if sheet not in book.sheet_names():
            return None
        fmt = {i: book.format_map[xf.format_key].format_str for i, xf in enumerate(book.xf_list)}
        ws = book.sheet_by_name(sheet)
        cells = [[(c.value, fmt[c.xf_index]) for c in ws.row(r)] for r in range(ws.nrows)]
    else:
        if sheet not in book.sheetnames:
            return None
        cells = [[(c.value, c.number_format) for c in row] for row in book[sheet].iter_rows()]
    return tuple((tuple(_squash(v).rstrip(":") for v, _ in row if isinstance(v, str)),
                  tuple(_displayed(v, f) for v, f in row)) for row in cells)


@cache
def _workbook(path: Path):
    """Opened once per run: a workbook holds the sheets of many items."""
    if path.suffix.lower() == ".xls":
        import xlrd  # dev dependency: only the legacy binary workbooks need it

        return xlrd.open_workbook(path, formatting_info=True)
    import openpyxl

    return openpyxl.load_workbook(path, read_only=True, data_only=True)


def _displayed(value, number_format: str | None) -> str:
    """A cell as Excel shows it, in Vietnamese notation (decimal comma, dot thousands).

    Covers the formats statistics workbooks use: General, 0, 0.0, #,##0.00, accounting
    ``_(* #,##0.0_)`` (negatives in parentheses), %. Rounding is half away from zero on
    the shortest decimal form of the double, as Excel rounds its 15-digit value."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value).strip()
    sections = (number_format or "General").split(";")
    if sections[0] == "General":
        digits, grouped, percent = None, False, False
    else:
        core = re.sub(r'"[^"]*"|\\.|_.|\*.', "", sections[0])
        match = re.search(r"[#0,]*0(\.0+)?", core)
        digits = len(match.group(1)) - 1 if match and match.group(1) else 0
        grouped, percent = "," in (match.group(0) if match else ""), "%" in core
    if digits is None:  # General: up to 10 significant digits, no trailing zeros
        number = Decimal(f"{float(value):.10g}")
        digits = max(0, -number.as_tuple().exponent)
    else:
        number = Decimal(repr(float(value) * (100 if percent else 1)))
    number = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{abs(number):{',' if grouped else ''}.{digits}f}"
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".") + ("%" if percent else "")
    if number < 0:
        text = f"({text})" if len(sections) > 1 and "(" in sections[1] else "-" + text
    return text


@cache
def _pdf_text(path: Path, page: int | None = None) -> str:
    """poppler's text layer (it includes the text stamped in signature widgets)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    run = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, check=True)
    return run.stdout.decode("utf-8", "replace")


@cache
def _doc_text(path: Path) -> str:
    if path.suffix.lower() == ".pdf":
        return _pdf_text(path)
    if path.suffix.lower() in (".md", ".txt"):
        return path.read_text(encoding="utf-8")
    paragraphs = []
    with zipfile.ZipFile(path) as zf:
        for name in ("word/document.xml", "word/footnotes.xml"):
            if name not in zf.namelist():
                continue
            for para in ElementTree.fromstring(zf.read(name)).iter(f"{_W}p"):
                paragraphs.append("".join(
                    (el.text or "") if el.tag == f"{_W}t" else " "
                    for el in para.iter() if el.tag in (f"{_W}t", f"{_W}tab")))
    return "\n".join(paragraphs)


def load_reports(folder: Path) -> dict[str, str]:
    return {p.name: normalize(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("--reports", type=Path, default=ROOT / "data" / "reports")
    ap.add_argument("--realdocs", type=Path, default=REALDOCS)
    args = ap.parse_args(argv)
    reports = load_reports(args.reports)
    bad, seen = 0, set()
    for lineno, line in enumerate(args.gold.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        item = json.loads(line)
        errs = problems(item, reports, args.realdocs)
        if item.get("id") in seen:
            errs.append("duplicate id")
        seen.add(item.get("id"))
        for err in errs:
            bad += 1
            print(f"{args.gold}:{lineno}: {item.get('id')}: {err}")
    print(f"{len(seen)} items, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
