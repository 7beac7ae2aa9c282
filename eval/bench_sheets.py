"""Which library reads the statistics office's workbooks: speed, memory and what each gives.

Each (reader, workbook) pair runs in a fresh Python process that imports the reader, then
opens the workbook and reads every cell of every visible sheet (value, and the number
format where the reader has one). Reported per pair: CPU seconds (user + sys of that
process, from ``resource.getrusage``) spent opening and reading, and the growth of the
peak resident set over the process after its imports (``ru_maxrss``). CPU time, not wall
time: other jobs share the two cores.

    python eval/bench_sheets.py [--json out.json] [FILE ...]

The default files are the six workbooks of ``../shared/realdocs/more``. python-calamine is
not a dependency of baocao: install it into the venv to include it (``pip install
python-calamine``); a reader that is not installed is reported as such.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MORE = ROOT.parent / "shared" / "realdocs" / "more"

# What each reader gives, checked by reading the six workbooks (see the README's "Workbooks"):
FEATURES = {
    "openpyxl": "cached formula values, number formats, merged cells, hidden rows/columns, "
                "sheet state, indent and bold",
    "openpyxl-read-only": "cached values, number formats, sheet state; no merged cells, no "
                          "hidden rows/columns",
    "calamine": "cached values, merged cells, sheet visibility; no number formats, no hidden "
                "rows/columns, no indent or bold",
    "xlrd": ".xls only: values, number formats (formatting_info), merged cells, hidden "
            "rows/columns, sheet visibility, indent and bold",
}

_CHILD = r'''
import resource, sys, json
reader, path = sys.argv[1], sys.argv[2]
def usage():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_maxrss
if reader.startswith("openpyxl"):
    import openpyxl
elif reader == "calamine":
    import python_calamine
else:
    import xlrd
cpu0, rss0 = usage()
cells = 0
if reader == "openpyxl" or reader == "openpyxl-read-only":
    wb = openpyxl.load_workbook(path, data_only=True, read_only=reader.endswith("only"))
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    _ = c.number_format
                    cells += 1
elif reader == "calamine":
    wb = python_calamine.CalamineWorkbook.from_path(path)
    for meta in wb.sheets_metadata:
        sheet = wb.get_sheet_by_name(meta.name)
        _ = sheet.merged_cell_ranges
        for row in sheet.to_python():
            cells += sum(v != "" for v in row)
else:
    wb = xlrd.open_workbook(path, formatting_info=True)
    for s in wb.sheets():
        for r in range(s.nrows):
            for c in range(s.ncols):
                cell = s.cell(r, c)
                if cell.ctype not in (0, 6):
                    _ = wb.format_map[wb.xf_list[cell.xf_index].format_key].format_str
                    cells += 1
cpu1, rss1 = usage()
print(json.dumps({"cpu_s": round(cpu1 - cpu0, 3), "rss_mb": round((rss1 - rss0) / 1024, 1),
                  "cells": cells}))
'''


def readers_for(path: Path) -> list[str]:
    if path.suffix.lower() == ".xls":
        return ["xlrd", "calamine"]
    return ["openpyxl", "openpyxl-read-only", "calamine"]


def run_one(reader: str, path: Path, repeat: int = 3) -> dict:
    """The median-CPU run of ``repeat`` fresh processes (None fields: not installed)."""
    runs = []
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, "-c", _CHILD, reader, str(path)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            missing = "ModuleNotFoundError" in proc.stderr
            return {"error": "not installed" if missing else proc.stderr.strip()[-200:]}
        runs.append(json.loads(proc.stdout))
    runs.sort(key=lambda r: r["cpu_s"])
    return runs[len(runs) // 2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    files = args.files or sorted(MORE.glob("national-gso_*.xls*"))
    results = []
    print("| workbook | KB | reader | cells read | CPU s (median of 3) | peak RSS growth MB |")
    print("|---|---|---|---|---|---|")
    for path in files:
        for reader in readers_for(path):
            r = run_one(reader, path)
            results.append({"file": path.name, "reader": reader, **r})
            if "error" in r:
                print(f"| {path.name} | {path.stat().st_size // 1024} | {reader} | "
                      f"{r['error']} | | |")
                continue
            print(f"| {path.name} | {path.stat().st_size // 1024} | {reader} | {r['cells']} | "
                  f"{r['cpu_s']:.2f} | {r['rss_mb']:.1f} |")
    print()
    for name, what in FEATURES.items():
        print(f"- {name}: {what}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
