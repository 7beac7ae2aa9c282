"""PDF and DOCX files made from the sample reports, for the reader tests.

The files are generated (fpdf2 for PDF; python-docx plus hand-written package
XML for DOCX, which python-docx cannot write footnotes or list numbering for),
so no binary fixture is committed. Each file then goes through
``rag.ingest.parse_file`` as a user's upload would, and the result is held
against the parse of the sample's text version: a reader is right when the
office file and the text say the same thing to the parser.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pytest
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from fpdf import FPDF
from pypdf import PdfReader

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
