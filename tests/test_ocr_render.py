"""OCR pages are rendered to PGM, not PNG (PNG compression cost as much CPU as reading the
page): tesseract, told the resolution, must read exactly the same words from them."""

from __future__ import annotations

import os
import subprocess

import pytest
from office_files import F2024, make_pdf, report_blocks
from realdocs import realdoc
from test_ocr import C04, needs_ocr, scan_of

from rag.ingest import ocr


def tsv_from_png(pdf, page: int) -> str:
    """The former way: a PNG from pdftoppm, tesseract left to read its resolution there."""
    png = subprocess.run(["pdftoppm", "-r", str(ocr.DPI), "-f", str(page), "-l", str(page),
                          "-gray", "-png", "-singlefile", str(pdf)],
                         capture_output=True, check=True).stdout
    out = subprocess.run(["tesseract", "stdin", "stdout", "-l", ocr.LANG, "--psm", str(ocr.PSM),
                          "-c", "preserve_interword_spaces=1", "tsv"], input=png,
                         capture_output=True, check=True,
                         env=dict(os.environ, OMP_THREAD_LIMIT="1"))
    return out.stdout.decode("utf-8", errors="replace")


@needs_ocr
@pytest.mark.parametrize("which", ["real scanned letter", "scan of a sample report"])
def test_pgm_page_reads_the_same_words_as_png(which, tmp_path):
    if which == "real scanned letter":
        pdf, page = realdoc(C04), 3
    else:
        text_pdf = tmp_path / "report.pdf"
        make_pdf(*report_blocks(F2024), text_pdf, indent=10)
        pdf, page = scan_of(text_pdf, tmp_path / "scan.pdf", last=1), 1
    image = ocr.render_page(pdf, page)
    assert image.startswith(b"P5")  # binary grey PGM
    words = ocr._tesseract(image)
    assert len(ocr.parse_tsv(words)) > 100
    assert words == tsv_from_png(pdf, page)
