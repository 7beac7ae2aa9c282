"""The PDF reader, on PDFs made from the sample reports and on damaged files."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fpdf import FPDF
from office_files import (
    F2024,
    FQ1,
    REPO,
    REPORTS,
    SECTION_14,
    body_view,
    chunk_with,
    make_pdf,
    page_with,
    pdf_pages,
    report_blocks,
)
from pypdf import PdfWriter

from rag.chunk import chunk_document
from rag.errors import InputError
from rag.ingest import parse_file
from rag.ingest.pdf import NOTE_RULE, read_pdf


@pytest.fixture(scope="module")
def text_2024():
    doc = parse_file(REPORTS / F2024)
    return doc, chunk_document(doc)


@pytest.fixture(scope="module")
def pdf_2024(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "bao-cao-2024-05.pdf"
    pages = make_pdf(*report_blocks(F2024), path, indent=10)
    doc = parse_file(path)
    return path, pages, doc, chunk_document(doc)


def test_pdf_reader_marks_pages_footnotes_and_drops_page_numbers(pdf_2024):
    path, pages, _, _ = pdf_2024
    text = read_pdf(path)
    lines = text.split("\n")
    assert pages >= 5 and lines.count("\f") == pages - 1
    assert not [ln for ln in lines if re.fullmatch(r"\s*\d{1,3}\s*", ln)], "page number kept"
    assert "đạt 16,6%<sup>10</sup>;" in text and "27,1%<sup>11</sup>" in text
    assert "nghìn m<sup>3</sup>" in text  # a unit, left for the parser to tell apart
    after_rule = [lines[i + 1] for i, ln in enumerate(lines) if ln == NOTE_RULE]
    assert after_rule and all(re.match(r"\d{1,2} \S", ln) for ln in after_rule)


def test_pdf_816_chunk_has_section_page_and_footnotes(pdf_2024):
    _, _, doc, chunks = pdf_2024
    c = chunk_with(chunks, "816 tỷ đồng")
    assert c.section_path[-1] == SECTION_14
    assert c.section_path[0].startswith("II. TÌNH HÌNH KINH TẾ - XÃ HỘI THÁNG 5")
    assert c.page_start > 1
    section = next(s for s in doc.sections if s.title == SECTION_14)
    assert section.page == c.page_start or section.page == c.page_start - 1
    notes = {f.n: f.text for f in c.footnotes}
    assert sorted(notes) == [10, 11]
    assert notes[10].startswith("Gồm: Vốn đầu tư trong cân đối theo tiêu chí: 150 tỷ đồng")
    assert notes[11].startswith("Gồm: Vốn ngân sách trung ương trong nước")
    assert "<sup>" not in c.text and "816 tỷ đồng, đạt 23,7% kế hoạch" in c.text


def test_pdf_parses_like_the_text_version(pdf_2024, text_2024):
    path, _, doc, chunks = pdf_2024
    text_doc, _ = text_2024
    assert (doc.title, doc.date, doc.periods) == (text_doc.title, text_doc.date, text_doc.periods)
    assert [s.path for s in doc.sections] == [s.path for s in text_doc.sections]
    assert body_view(doc) == body_view(text_doc)
    assert {n: f.text for n, f in doc.footnotes.items()} == \
        {n: f.text for n, f in text_doc.footnotes.items()}
    printed = pdf_pages(path)
    assert [s.page for s in doc.sections] == [page_with(printed, s.title) for s in doc.sections]
    for needle in ("816 tỷ đồng", "2.591 nghìn lượt khách", "Đề án 06 của Chính phủ"):
        assert chunk_with(chunks, needle).page_start <= page_with(printed, needle) \
            <= chunk_with(chunks, needle).page_end


def test_pdf_of_press_release_round_trips(tmp_path):
    """A report with another heading scheme (a), b), …) and no footnotes."""
    text_doc = parse_file(REPORTS / FQ1)
    kinds = {"front": "lines", "heading": "heading", "body": "body"}
    blocks = [(kinds[p.kind], [p.text] if p.kind == "front" else p.text)
              for p in text_doc.paragraphs]
    path = tmp_path / "thong-cao-q1-2022.pdf"
    pages = make_pdf(blocks, {}, path, indent=0, spacing=2)
    doc = parse_file(path)
    assert pages >= 4 and doc.fmt == "wrapped"
    assert [s.path for s in doc.sections] == [s.path for s in text_doc.sections]
    assert body_view(doc) == body_view(text_doc)
    assert doc.paragraphs[-1].page_end == pages


def no_text_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # what a scan looks like to a text extractor
    pdf.output(str(path))
    return path


def test_pdf_without_text_layer(tmp_path):
    with pytest.raises(InputError, match="no text layer"):
        read_pdf(no_text_pdf(tmp_path / "scan.pdf"))


def test_damaged_and_locked_pdfs(tmp_path, pdf_2024):
    source = pdf_2024[0].read_bytes()
    cases = {
        "random.pdf": (random.Random(1).randbytes(4000), "not a PDF file"),
        "garbage.pdf": (b"%PDF-1.7\n" + random.Random(2).randbytes(4000), "damaged"),
        "truncated.pdf": (source[: len(source) // 2], "damaged"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError, match=message):
            read_pdf(tmp_path / name)
    for user, expected in (("secret", "password-protected"), ("", None)):
        writer = PdfWriter(clone_from=pdf_2024[0])
        writer.encrypt(user_password=user, owner_password="owner", algorithm="RC4-128")
        writer.write(tmp_path / "locked.pdf")
        if expected:
            with pytest.raises(InputError, match=expected):
                read_pdf(tmp_path / "locked.pdf")
        else:  # only editing is locked: readable
            assert "816 tỷ đồng" in read_pdf(tmp_path / "locked.pdf")


def test_cli_reports_bad_files_in_one_line(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n" + random.Random(4).randbytes(3000))
    (tmp_path / "broken.docx").write_bytes(random.Random(5).randbytes(3000))
    for path in (tmp_path / "broken.pdf", tmp_path / "broken.docx",
                 no_text_pdf(tmp_path / "scan.pdf")):
        run = subprocess.run([sys.executable, "-m", "ui.cli", "parse", str(path)], cwd=REPO,
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 2, run.stderr
        assert run.stderr.count("\n") == 1 and path.name in run.stderr
        assert "Traceback" not in run.stderr and not run.stdout
