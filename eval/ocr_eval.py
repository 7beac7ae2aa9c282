"""OCR speed and accuracy: a scan made from a sample report, and the real scanned letter.

    python eval/ocr_eval.py [--report lang-son_2024-05_bao-cao-kt-xh.txt] [--real-only]

The sample report is printed to a PDF (the test suite's maker), its pages rendered at
200 dpi to grey images and rebuilt into an image-only PDF, which the reader OCRs back
with an empty page cache. Reported: pages/minute (wall clock, 2 pages at a time, the
machine's load average beside it: the machine is shared; and CPU seconds, this
process's and its pdftoppm / tesseract children's), character accuracy of the
body text against the text PDF's own text layer (1 - Levenshtein / length), and how many
figures of the paragraph holding "816 tỷ đồng" came back exactly and in order. The
real scanned letter (../shared/realdocs) is timed the same way, and its pages' quality
gates printed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

C04 = "lamdong_2025_c04-drug-programme-letter-scanned.pdf"


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (pdftoppm, tesseract)."""
    own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _timed_parse(path: Path):
    """(document, wall seconds, CPU seconds): wall is what a user waits on a shared machine,
    CPU what the work costs whatever else runs."""
    from rag.ingest import parse_file

    t0, c0 = time.perf_counter(), _cpu()
    doc = parse_file(path)
    return doc, time.perf_counter() - t0, _cpu() - c0


def synthetic(report: str, folder: Path) -> dict:
    from office_files import REPORTS, make_pdf, report_blocks
    from rapidfuzz.distance import Levenshtein
    from test_ocr import plain, scan_of

    from rag.ingest import parse_file
    from rag.ingest.pdf import read_pdf

    text_pdf = folder / "text.pdf"
    make_pdf(*report_blocks(report), text_pdf, indent=10)
    scan = scan_of(text_pdf, folder / "scan.pdf")
    load = os.getloadavg()[0]
    doc, seconds, cpu = _timed_parse(scan)
    ref, got = plain(read_pdf(text_pdf)), plain(read_pdf(scan))
    source = next(p.text for p in parse_file(REPORTS / report).paragraphs
                  if "816 tỷ đồng" in p.text)
    read = next((p.text for p in doc.paragraphs if "816 tỷ đồng" in p.text), "")
    want = re.findall(r"\d+(?:[.,]\d+)*%?", source)
    got_figs, pos, found = re.findall(r"\d+(?:[.,]\d+)*%?", read), 0, 0
    for fig in want:
        if fig in got_figs[pos:]:
            pos, found = got_figs.index(fig, pos) + 1, found + 1
    return {"pages": len(doc.ocr_pages), "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu, 1),
            "pages_per_minute": round(60 * len(doc.ocr_pages) / seconds, 1),
            "load_average_at_start": round(load, 2), "poor_pages": list(doc.poor_pages),
            "char_accuracy": round(1 - Levenshtein.distance(ref, got) / len(ref), 4),
            "figures_816": f"{found}/{len(want)}"}


def real_letter() -> dict:
    from rag.ingest import ocr

    real = Path(os.environ.get("BAOCAO_REALDOCS") or REPO.parent / "shared" / "realdocs")
    path = real / C04
    if not path.is_file():
        return {"skipped": f"{path} missing"}
    load = os.getloadavg()[0]
    doc, seconds, cpu = _timed_parse(path)
    gates = [ocr.ocr_page(path, p, None) for p in doc.ocr_pages]
    return {"pages": len(doc.ocr_pages), "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu, 1),
            "pages_per_minute": round(60 * len(doc.ocr_pages) / seconds, 1),
            "load_average_at_start": round(load, 2), "poor_pages": list(doc.poor_pages),
            "page_quality": [{"page": g.page, "mean_conf": g.mean_conf, "low_words": g.low_words,
                              "coverage": g.coverage} for g in gates]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--report", default="lang-son_2024-05_bao-cao-kt-xh.txt")
    parser.add_argument("--real-only", action="store_true",
                        help="time the real scanned letter only (a quick A/B of speed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BAOCAO_CACHE_DIR"] = str(Path(tmp) / "cache")  # nothing cached
        out = {} if args.real_only else {"synthetic": synthetic(args.report, Path(tmp))}
        out["real_scan"] = real_letter()
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
