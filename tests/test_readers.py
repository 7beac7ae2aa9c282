"""PDF and DOCX readers, checked on files made from the sample reports.

The files are generated here (fpdf2 for PDF; python-docx plus hand-written
package XML for DOCX, which python-docx cannot write footnotes or list
numbering for), so no binary fixture is committed. Each file then goes
through ``rag.ingest.parse_file`` as a user's upload would, and the result is
held against the parse of the sample's text version: a reader is right when
the office file and the text say the same thing to the parser.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from rag.chunk import chunk_document
from rag.ingest import parse_file
from rag.readers import InputError
from rag.readers_office import NOTE_RULE, read_docx, read_pdf

REPO = Path(__file__).resolve().parents[1]
REPORTS = REPO / "data" / "reports"
F2024 = "lang-son_2024-05_bao-cao-kt-xh.txt"
FQ1 = "lang-son_2022-q1_thong-cao-bao-chi.txt"
SECTION_14 = "1.4. Đầu tư xây dựng kết cấu hạ tầng và công tác quy hoạch"
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu",
             "/usr/local/share/fonts", "/Library/Fonts")
TERMINAL = (".", ":", ";", "!", "?")
SUP = re.compile(r"<sup>(\d+)</sup>")
NOTE = re.compile(r"^<sup>(\d+)</sup>\s*")
HEADING = re.compile(r"^#{1,6}\s|^\*\*[IVX]+\.\s")
NOTE_ID_OFFSET = 100  # Word's footnote ids need not be the numbers shown


# ------------------------------------------------------------ sample report -> blocks


def report_blocks(name: str) -> tuple[list[tuple[str, object]], dict[int, list[str]]]:
    """The sample's blocks as (kind, text) plus its footnotes, markdown removed.

    Kinds: "lines" (a multi-line block: title, signature), "heading", "bold",
    "body". A paragraph the source splits around a footnote block is joined
    again, and a plain block between two footnotes continues the first one,
    which is how the parser reads the text version.
    """
    text = (REPORTS / name).read_text(encoding="utf-8")
    raw = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    blocks: list[tuple[str, object]] = []
    notes: dict[int, list[str]] = {}
    for i, block in enumerate(raw):
        m = NOTE.match(block)
        after_note = i > 0 and NOTE.match(raw[i - 1]) is not None
        if m:
            notes[int(m.group(1))] = [" ".join(block[m.end():].split())]
        elif after_note and i + 1 < len(raw) and NOTE.match(raw[i + 1]):
            notes[max(notes)].append(" ".join(block.split()))
        else:
            _add_block(blocks, block, after_note)
    return blocks, notes


def _add_block(blocks: list, block: str, after_note: bool) -> None:
    lines = [_plain(ln) for ln in block.splitlines() if ln.strip()]
    if len(lines) > 1:
        blocks.append(("lines", lines))
    elif HEADING.match(block):
        blocks.append(("heading", lines[0]))
    elif block.startswith("**") and block.endswith("**") and block.count("**") == 2:
        blocks.append(("bold", lines[0]))
    elif blocks and blocks[-1][0] == "body" and not blocks[-1][1].endswith(TERMINAL) \
            and (after_note or lines[0][:1].islower()):
        blocks[-1] = ("body", f"{blocks[-1][1]} {lines[0]}")
    else:
        blocks.append(("body", lines[0]))


def _plain(line: str) -> str:
    return re.sub(r"\*+", "", re.sub(r"^#{1,6}\s*", "", line.strip())).strip()


def is_note_mark(text: str, m: re.Match, notes: dict) -> bool:
    """A ``<sup>N</sup>`` with a footnote text, not a unit (m<sup>3</sup>)."""
    return int(m.group(1)) in notes and not text[:m.start()].endswith("m")


# ------------------------------------------------------------ PDF maker (fpdf2)


def font_file(name: str) -> str:
    for folder in FONT_DIRS:
        if (Path(folder) / name).is_file():
            return str(Path(folder) / name)
    pytest.fail(f"{name} not found: install Debian's fonts-dejavu-core to make test PDFs")


class ReportPDF(FPDF):
    """A4 report: page number at the top (from page 2, as Vietnamese documents do),
    superscript footnote marks, and each page's footnotes in small print at its bottom.

    ``indent`` starts paragraphs with a first-line indent, ``spacing`` sets them
    apart with extra space: the two cues a reader has for where paragraphs end.
    """

    def __init__(self, notes: dict[int, list[str]], indent: float, spacing: float) -> None:
        super().__init__(format="A4")
        self.add_font("dv", "", font_file("DejaVuSans.ttf"))
        self.add_font("dv", "B", font_file("DejaVuSans-Bold.ttf"))
        self.set_margins(20, 20, 20)
        self.notes = {n: " ".join(parts) for n, parts in notes.items()}
        self.indent, self.spacing = indent, spacing
        self.cited: dict[int, list[int]] = {}
        self.reserved = 0.0  # room kept for the notes of the paragraph being written

    def header(self) -> None:
        self.set_auto_page_break(True, margin=20 + self.reserved)
        if self.page_no() > 1:
            self.set_font("dv", size=11)
            self.set_y(8)
            self.cell(0, 6, str(self.page_no()), align="C")
            self.set_y(20)

    def note_height(self, n: int) -> float:
        self.set_font("dv", size=9)
        return 4 * (int(self.get_string_width(f"{n} {self.notes[n]}") / (self.epw * 0.9)) + 1)

    def footer(self) -> None:
        cited = self.cited.pop(self.page_no(), [])
        if not cited:
            return
        height = sum(self.note_height(n) for n in cited)
        self.set_y(max(self.get_y() + 6, self.h - 15 - height))
        self.line(20, self.get_y() - 2, 70, self.get_y() - 2)  # a drawn rule, not text
        for n in cited:
            self.sup(4, str(n))
            self.write(4, " " + self.notes[n])
            self.ln(4)

    def sup(self, h: float, digits: str) -> None:
        self.char_vpos = "SUP"
        self.write(h, digits)
        self.char_vpos = "LINE"

    def paragraph(self, text: str) -> None:
        """Body text; room for its footnotes is kept at the page bottom beforehand."""
        marks = {m.start(): int(m.group(1)) for m in SUP.finditer(text)
                 if is_note_mark(text, m, self.notes)}
        self.reserved = sum(self.note_height(n) for n in marks.values())
        on_page = sum(self.note_height(n) for n in self.cited.get(self.page_no(), []))
        self.set_auto_page_break(True, margin=20 + on_page + self.reserved)
        self.set_font("dv", size=12)
        self.set_x(self.l_margin + self.indent)
        pos = 0
        for m in SUP.finditer(text):
            self.write(6, text[pos:m.start()])
            self.sup(6, m.group(1))
            pos = m.end()
            if m.start() in marks:
                self.cited.setdefault(self.page_no(), []).append(marks[m.start()])
                self.reserved -= self.note_height(marks[m.start()])
                self.set_font("dv", size=12)
        self.write(6, text[pos:])
        self.ln(6 + self.spacing)
        self.reserved = 0.0


def make_pdf(blocks, notes, out: Path, indent: float = 0, spacing: float = 2) -> int:
    pdf = ReportPDF(notes, indent, spacing)
    pdf.add_page()
    for kind, text in blocks:
        if kind == "body":
            pdf.paragraph(text)
            continue
        pdf.set_font("dv", "B", 12)
        for line in text if kind == "lines" else [text]:
            pdf.multi_cell(0, 6, SUP.sub("", line), align="C" if kind == "lines" else "L",
                           new_x="LMARGIN", new_y="NEXT")
        pdf.ln(spacing)
    pdf.output(str(out))
    return pdf.page_no()


# ------------------------------------------------------------ DOCX maker (python-docx + XML)


def add_list(doc, templates: list[str], fmt: str = "decimal") -> str:
    """A list definition in numbering.xml; returns its numId."""
    numbering = doc.part.numbering_part.element
    ids = [int(x) for x in numbering.xpath("./w:abstractNum/@w:abstractNumId | ./w:num/@w:numId")]
    new = max(ids, default=0) + 1
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{t}"/></w:lvl>' for i, t in enumerate(templates))
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{new}">{levels}'
                         "</w:abstractNum>")
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # schema order: every abstractNum before any num
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{new}">'
                               f'<w:abstractNumId w:val="{new}"/></w:num>'))
    return str(new)


def number(paragraph, num_id: str, ilvl: int) -> None:
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def write_text(paragraph, text: str, notes: dict) -> None:
    """Runs for ``text``; ``<sup>N</sup>`` becomes a real footnote reference when N has a text."""
    pos = 0
    for m in SUP.finditer(text):
        paragraph.add_run(text[pos:m.start()])
        pos = m.end()
        if is_note_mark(text, m, notes):
            paragraph._p.append(parse_xml(
                f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:footnoteReference w:id="{int(m.group(1)) + NOTE_ID_OFFSET}"/></w:r>'))
        else:
            paragraph.add_run(m.group(1)).font.superscript = True  # m³, or a mark without text
    paragraph.add_run(text[pos:])


def add_footnotes(doc, notes: dict[int, list[str]], extra: str = "") -> None:
    """The footnotes part: Word's two separator notes, then one note per text."""
    items = ['<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
             "</w:footnote>",
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
             "<w:continuationSeparator/></w:r></w:p></w:footnote>"]
    for n, paragraphs in notes.items():
        body = "".join(
            f'<w:p>{_FOOTNOTE_REF if k == 0 else ""}<w:r><w:t xml:space="preserve">'
            f"{' ' if k == 0 else ''}{escape(p)}</w:t></w:r></w:p>"
            for k, p in enumerate(paragraphs))
        items.append(f'<w:footnote w:id="{n + NOTE_ID_OFFSET}">{body}</w:footnote>')
    xml = f'<w:footnotes {nsdecls("w")}>{"".join(items)}{extra}</w:footnotes>'
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode(),
                doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)


_FOOTNOTE_REF = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
TOURISM_TABLE = [["Chỉ tiêu", "Tháng 5/2024", "5 tháng"],
                 ["Khách du lịch (nghìn lượt)", "470", "2.591"],
                 ["Doanh thu du lịch (tỷ đồng)", "490", "2.293"]]


def make_docx(name: str, out: Path) -> None:
    """The report as Word would hold it: "I."/"II." in Heading 1, "1."/"1.1." headings and
    the "1." task list from list numbering (the numbers are not in the text), real
    footnotes, a hard page break before "II." and "III.", and a table after tourism."""
    blocks, notes = report_blocks(name)
    doc = docx.Document()
    headings, tasks = add_list(doc, ["%1.", "%1.%2."]), add_list(doc, ["%1."])
    for kind, text in blocks:
        if kind == "lines":
            paragraph = doc.add_paragraph()
            for k, line in enumerate(text):
                run = paragraph.add_run(line)
                run.bold = True
                if k < len(text) - 1:
                    run.add_break()
        elif kind == "bold":
            doc.add_paragraph().add_run(text).bold = True
        elif kind == "heading":
            add_heading(doc, text, headings, notes)
        else:
            add_body(doc, text, tasks, notes)
    add_footnotes(doc, notes)
    doc.save(str(out))


def add_heading(doc, text: str, list_id: str, notes: dict) -> None:
    m = re.match(r"^(\d+(?:\.\d+)?)\.\s+(.*)$", text)
    if m:
        paragraph = doc.add_paragraph()
        number(paragraph, list_id, m.group(1).count("."))
        write_text(paragraph, m.group(2), notes)
        return
    if not text.startswith("I."):
        doc.add_page_break()
    write_text(doc.add_heading("", level=1), text, notes)


def add_body(doc, text: str, list_id: str, notes: dict) -> None:
    m = re.match(r"^\d+\.\s+(.*)$", text)
    paragraph = doc.add_paragraph()
    if m:
        number(paragraph, list_id, 0)
    write_text(paragraph, m.group(1) if m else text, notes)
    if "Tổng lượng khách du lịch tháng 5" in text:
        table = doc.add_table(rows=len(TOURISM_TABLE), cols=3)
        for row, values in zip(table.rows, TOURISM_TABLE, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value


# ------------------------------------------------------------ fixtures and helpers


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


@pytest.fixture(scope="module")
def docx_2024(tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "bao-cao-2024-05.docx"
    make_docx(F2024, path)
    doc = parse_file(path)
    return path, doc, chunk_document(doc)


def chunk_with(chunks, needle: str):
    found = [c for c in chunks if needle in c.text]
    assert found, f"no chunk holds {needle!r}"
    return found[0]


def pdf_pages(path: Path) -> list[str]:
    """Each page's text as pypdf prints it, lines joined, to look up where things are."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def page_with(pages: list[str], needle: str) -> int:
    return next(i for i, text in enumerate(pages, 1) if needle in text)


def body_view(doc) -> list[tuple]:
    """What the parser made of the text, minus title block and pages (layouts differ)."""
    return [(p.kind, p.text, p.section_path, p.is_plan) for p in doc.paragraphs
            if p.kind != "front" and " | " not in p.text]


# ------------------------------------------------------------ PDF


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


# ------------------------------------------------------------ DOCX


def test_docx_footnotes_attach_to_816_chunk(docx_2024, text_2024):
    _, doc, chunks = docx_2024
    text_doc, _ = text_2024
    c = chunk_with(chunks, "816 tỷ đồng")
    assert c.section_path[-1] == SECTION_14  # "1.4." comes from Word's list numbering
    notes = {f.n: f.text for f in c.footnotes}
    assert sorted(notes) == [10, 11]
    assert notes[10].startswith("Gồm: Vốn đầu tư trong cân đối theo tiêu chí: 150 tỷ đồng")
    assert notes[11].startswith("Gồm: Vốn ngân sách trung ương trong nước")
    assert {n: f.text for n, f in doc.footnotes.items()} == \
        {n: f.text for n, f in text_doc.footnotes.items()}


def test_docx_parses_like_the_text_version(docx_2024, text_2024):
    _, doc, _ = docx_2024
    text_doc, _ = text_2024
    assert (doc.title, doc.date, doc.periods, doc.plan_periods) == \
        (text_doc.title, text_doc.date, text_doc.periods, text_doc.plan_periods)
    assert [s.path for s in doc.sections] == [s.path for s in text_doc.sections]
    assert body_view(doc) == body_view(text_doc)
    tasks = [p.text for p in doc.paragraphs if p.is_plan and p.kind == "body"]
    assert tasks[0].startswith("1. Tiếp tục tập trung") and tasks[-2].startswith("12. Đẩy mạnh")


def test_docx_reader_text_headings_lists_and_table(docx_2024):
    path, doc, chunks = docx_2024
    text = read_docx(path)
    assert "# **I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH**" in text
    assert f"## **{SECTION_14}**" in text  # a heading by numbering, level from ilvl
    assert "\n1. Tiếp tục tập trung thực hiện" in text  # a numbered sentence stays body
    assert "đạt 16,6%<sup>10</sup>;" in text and "giảm 2,89%<sup>44</sup>" in text
    assert "\n<sup>10</sup> Gồm: Vốn đầu tư trong cân đối" in text
    row = chunk_with(chunks, "Khách du lịch (nghìn lượt) | 470 | 2.591")
    assert row.section_path[-1].startswith("1.3. Sản xuất công nghiệp")


def test_docx_page_breaks_give_pages(docx_2024):
    _, doc, chunks = docx_2024
    pages = {s.title.split(" ")[0]: s.page for s in doc.sections}
    assert (pages["I."], pages["II."], pages[SECTION_14.split(" ")[0]], pages["III."]) == \
        (1, 2, 2, 3)
    assert chunk_with(chunks, "816 tỷ đồng").page_start == 2


def small_docx(tmp_path: Path, build) -> str:
    doc = docx.Document()
    build(doc)
    path = tmp_path / "small.docx"
    doc.save(str(path))
    return read_docx(path)


def test_docx_lists_styles_and_note_numbers(tmp_path):
    def build(doc):
        letters, bullets = add_list(doc, ["%1)"], "lowerLetter"), add_list(doc, ["•"], "bullet")
        doc.styles.add_style("Tiêu đề 1", WD_STYLE_TYPE.PARAGRAPH)  # a localized name
        doc.add_paragraph("Phần I", style="Tiêu đề 1")
        for text in ("Sản xuất nông nghiệp", "Phát triển kinh tế cửa khẩu"):
            number(doc.add_paragraph(text), letters, 0)
        number(doc.add_paragraph("một ý gạch đầu dòng"), bullets, 0)
        paragraph = doc.add_paragraph("Tổng vốn đạt 30 tỷ đồng")
        paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:footnoteReference w:id="7"/>'
                                      "</w:r>"))
        paragraph.add_run(", tăng 5%.")
        add_footnotes(doc, {}, extra='<w:footnote w:id="7"><w:p><w:r><w:t>Gồm: A.</w:t></w:r>'
                      '</w:p></w:footnote><w:footnote w:id="8"><w:p><w:r><w:t>Không ai dẫn.'
                      "</w:t></w:r></w:p></w:footnote>")

    text = small_docx(tmp_path, build)
    blocks = text.strip().split("\n\n")
    assert blocks[:4] == ["# **Phần I**", "# **a) Sản xuất nông nghiệp**",
                          "# **b) Phát triển kinh tế cửa khẩu**", "- một ý gạch đầu dòng"]
    assert blocks[4:] == ["Tổng vốn đạt 30 tỷ đồng<sup>1</sup>, tăng 5%.", "<sup>1</sup> Gồm: A."]


def test_docx_prefers_word_rendered_page_breaks(tmp_path):
    def build(doc):
        doc.add_paragraph("Trang một.")
        doc.add_page_break()  # superseded: Word saved where its pages really break
        paragraph = doc.add_paragraph()
        paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:lastRenderedPageBreak/>'
                                      "<w:t>Trang hai.</w:t></w:r>"))
        paragraph = doc.add_paragraph("Cuối trang hai, ")
        paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:lastRenderedPageBreak/>'
                                      "<w:t>sang trang ba.</w:t></w:r>"))
        doc.add_paragraph("Trang ba.")

    blocks = small_docx(tmp_path, build).strip().split("\n\n")
    assert blocks == ["Trang một.", "\f", "Trang hai.", "Cuối trang hai, sang trang ba.", "\f",
                      "Trang ba."]


def test_docx_letterhead_table_is_read_as_lines(tmp_path):
    def build(doc):
        head = doc.add_table(rows=1, cols=2)
        head.cell(0, 0).text = "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"
        head.cell(0, 0).add_paragraph("Số: /BC-UBND")
        head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        head.cell(0, 1).add_paragraph("Lạng Sơn, ngày 04 tháng 6 năm 2024")
        doc.add_paragraph("Giải ngân vốn đầu tư công đạt 816 tỷ đồng.")
        data = doc.add_table(rows=1, cols=2)
        data.cell(0, 0).text, data.cell(0, 1).text = "Giải ngân", "816 tỷ đồng"

    assert small_docx(tmp_path, build).strip().split("\n\n") == [
        "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", "Số: /BC-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Lạng Sơn, ngày 04 tháng 6 năm 2024", "Giải ngân vốn đầu tư công đạt 816 tỷ đồng.",
        "Giải ngân | 816 tỷ đồng"]


# ------------------------------------------------------------ bad inputs


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


def test_damaged_docx(tmp_path):
    (tmp_path / "random.docx").write_bytes(random.Random(3).randbytes(4000))
    (tmp_path / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000))
    with zipfile.ZipFile(tmp_path / "empty-zip.docx", "w") as zf:
        zf.writestr("hello.txt", "not a Word package")
    for name, message in (("random.docx", "not a zip package"), ("old.docx", r"old Word \.doc"),
                          ("empty-zip.docx", "cannot be opened as a Word .docx")):
        with pytest.raises(InputError, match=message):
            read_docx(tmp_path / name)


def test_cli_reports_bad_files_in_one_line(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n" + random.Random(4).randbytes(3000))
    (tmp_path / "broken.docx").write_bytes(random.Random(5).randbytes(3000))
    for path in (tmp_path / "broken.pdf", tmp_path / "broken.docx",
                 no_text_pdf(tmp_path / "scan.pdf")):
        run = subprocess.run([sys.executable, "-m", "rag.cli", "parse", str(path)], cwd=REPO,
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 2, run.stderr
        assert run.stderr.count("\n") == 1 and path.name in run.stderr
        assert "Traceback" not in run.stderr and not run.stdout
