"""OCR of PDF pages without a text layer: a real scanned letter and a scan made here from a
sample report (rendered to images, rebuilt as an image-only PDF, read back)."""

from __future__ import annotations

import re
import subprocess

import pytest
from office_files import F2024, REPORTS, make_pdf, page_with, pdf_pages, report_blocks
from PIL import Image, ImageFilter
from pypdf import PdfWriter
from rapidfuzz.distance import Levenshtein
from realdocs import realdoc

from rag.errors import InputError
from rag.ingest import ocr, parse_file
from rag.ingest.pdf import read_pdf

C04 = "lamdong_2025_c04-drug-programme-letter-scanned.pdf"
# measured on this scan (eval/BENCHMARKS.md): 0.99+; the bar leaves room for tesseract builds
MIN_CHAR_ACCURACY = 0.97
needs_ocr = pytest.mark.skipif(not ocr.ocr_available(),
                               reason="tesseract-ocr, tesseract-ocr-vie or poppler missing")


@pytest.fixture(scope="module", autouse=True)
def private_cache(tmp_path_factory):
    """This module OCRs for real: its page cache is a folder of its own (set before any
    module fixture reads a scan)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BAOCAO_CACHE_DIR", str(tmp_path_factory.mktemp("ocr-cache")))
        yield


def scan_of(pdf, out, dpi: int = 200, blur: set[int] = frozenset(), last: int | None = None):
    """An image-only PDF of ``pdf`` (to page ``last``): each page rendered to a grey image,
    those in ``blur`` blurred past reading."""
    folder = out.parent / f"{out.stem}-pages"
    folder.mkdir()
    pages = ["-l", str(last)] if last else []
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", *pages, str(pdf),
                    str(folder / "p")], check=True)
    images = [Image.open(p) for p in sorted(folder.glob("p-*.png"))]
    images = [im.filter(ImageFilter.GaussianBlur(5)) if i + 1 in blur else im
              for i, im in enumerate(images)]
    images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi)
    return out


def plain(text: str) -> str:
    """Body text for comparing: no footnote tags, page breaks or spacing differences."""
    text = re.sub(r"<sup>\s*\d+\s*</sup>", "", text).replace("\f", " ")
    return " ".join(text.split())


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, private_cache):
    if not ocr.ocr_available():
        pytest.skip("tesseract-ocr, tesseract-ocr-vie or poppler missing")
    folder = tmp_path_factory.mktemp("scan")
    text_pdf = folder / "bao-cao-2024-05.pdf"
    make_pdf(*report_blocks(F2024), text_pdf, indent=10)
    # the pages up to the one after "816 tỷ đồng" (eval/ocr_eval.py reads the whole report)
    last = page_with(pdf_pages(text_pdf), "816 tỷ đồng") + 1
    cut = folder / "first-pages.pdf"
    writer = PdfWriter(clone_from=text_pdf)
    for _ in range(len(writer.pages) - last):
        writer.remove_page(len(writer.pages) - 1)
    writer.write(cut)
    scan = scan_of(cut, folder / "bao-cao-2024-05-scan.pdf")
    return cut, scan, parse_file(scan)


@needs_ocr
def test_synthetic_scan_character_accuracy(synthetic):
    text_pdf, scan, doc = synthetic
    assert not read_pdf(scan).strip() or doc.ocr_pages  # no text layer of its own
    assert doc.ocr_pages == tuple(range(1, len(doc.ocr_pages) + 1)) and len(doc.ocr_pages) >= 3
    assert doc.poor_pages == ()
    ref, got = plain(read_pdf(text_pdf)), plain(read_pdf(scan))
    accuracy = 1 - Levenshtein.distance(ref, got) / len(ref)
    assert accuracy >= MIN_CHAR_ACCURACY, accuracy


@needs_ocr
def test_synthetic_scan_keeps_every_figure_of_the_816_paragraph(synthetic):
    _, _, doc = synthetic
    source = next(p.text for p in parse_file(REPORTS / F2024).paragraphs
                  if "816 tỷ đồng" in p.text)
    figures = re.findall(r"\d+(?:[.,]\d+)*%?", source)
    read = next(p.text for p in doc.paragraphs if "816 tỷ đồng" in p.text)
    got = re.findall(r"\d+(?:[.,]\d+)*%?", read)
    assert len(figures) >= 8
    pos = 0
    for fig in figures:  # each figure, exactly, in the order printed
        assert fig in got[pos:], (fig, got)
        pos = got.index(fig, pos) + 1
    assert doc.sections and any(s.title.startswith("1.4.") for s in doc.sections)


@needs_ocr
def test_rebuild_reads_pages_from_the_cache(synthetic, monkeypatch):
    _, scan, doc = synthetic

    def no_tesseract(png):
        raise AssertionError("a cached page was OCR'd again")

    monkeypatch.setattr(ocr, "_tesseract", no_tesseract)
    assert parse_file(scan).text == doc.text


@needs_ocr
def test_blurred_page_is_reported_not_indexed(tmp_path):
    text_pdf = tmp_path / "report.pdf"
    make_pdf(*report_blocks(F2024), text_pdf, indent=10)
    scan = scan_of(text_pdf, tmp_path / "blurred.pdf", blur={2}, last=2)
    doc = parse_file(scan)
    assert (doc.ocr_pages, doc.poor_pages) == ((1, 2), (2,))
    assert doc.paragraphs and all(p.page_start == 1 for p in doc.paragraphs)
    all_blurred = scan_of(text_pdf, tmp_path / "all-blurred.pdf", blur={1, 2}, last=2)
    with pytest.raises(InputError, match="no text layer and OCR could not read"):
        parse_file(all_blurred)


@needs_ocr
def test_real_scanned_letter():
    doc = parse_file(realdoc(C04))
    assert doc.ocr_pages == (1, 2, 3) and doc.poor_pages == ()
    assert "bắt giữ 461 vụ/873 đối tượng liên quan đến ma tuý" in doc.text
    assert "toàn tỉnh hiện có 7.503 người nghiện" in doc.text
    assert "03/124 đơn vị hành chính cấp xã" in doc.text
    capacities = " ".join(f.text for f in doc.footnotes.values())
    assert "Cơ sở cai nghiện số 4 có công suất tiếp nhận là 1.500 người" in capacities


def test_no_text_layer_without_ocr(tmp_path, monkeypatch):
    """Without tesseract a scan is refused with the reason (the message says what to install)."""
    from test_reader_pdf import no_text_pdf

    import rag.ingest.pdf as pdf_reader

    monkeypatch.setattr(pdf_reader, "ocr_available", lambda: False)
    with pytest.raises(InputError, match="no text layer .* OCR is not available"):
        read_pdf(no_text_pdf(tmp_path / "scan.pdf"))


@needs_ocr
def test_citations_from_a_scan_say_so(synthetic, tmp_path):
    """CLI and library: an answer quoted from OCR'd text says it must be checked."""
    import sys

    from rag import service
    from rag.answer.cells import SCANNED_NOTE

    _, scan, _ = synthetic
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / scan.name).symlink_to(scan)
    service.build(folder, index_dir=tmp_path / "index", embedder_name="hash")
    answer = service.Engine.open(tmp_path / "index").ask("giải ngân vốn đầu tư công tháng 5")
    assert "816 tỷ đồng" in answer.text and answer.citations[0].scanned
    run = subprocess.run([sys.executable, "-m", "ui.cli", "ask", "giải ngân vốn đầu tư công "
                          "tháng 5", "--index", str(tmp_path / "index")], cwd=REPORTS.parents[1],
                         capture_output=True, text=True, timeout=300)
    assert f"({SCANNED_NOTE})" in run.stdout


def test_ocr_failure_is_one_line(tmp_path, monkeypatch):
    from test_reader_pdf import no_text_pdf

    import rag.ingest.pdf as pdf_reader

    def broken(*args, **kwargs):
        raise RuntimeError("tesseract: cannot open vie.traineddata")

    monkeypatch.setattr(pdf_reader, "ocr_available", lambda: True)
    monkeypatch.setattr(pdf_reader, "ocr_pages", broken)
    with pytest.raises(InputError, match="OCR of the scanned pages failed .*traineddata"):
        read_pdf(no_text_pdf(tmp_path / "scan.pdf"))
