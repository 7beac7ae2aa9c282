"""Markdown and plain-text copies as officials make them -> paragraphs and tables.

A copy of a Word document or a web page arrives in one of three line conventions:
paragraphs separated by blank lines, each wrapped at ~80 characters (Markdown's own
rule: a single line break is a space); one paragraph per line with no blank line (a
crawler's page text, which also breaks lines at inline elements: "Th" / "ể dục");
or lines wrapped at ~80 characters with no blank line between paragraphs (a web
copy of a legal text). Tables (``md_tables``) become ``Table`` records through the
grid path every reader uses, or, for the letterhead and signature laid out as
tables, their cells' lines; footnotes (``md_notes``) become ``<sup>N</sup>`` markers
and note paragraphs. The result is one paragraph per block, separated by blank
lines, in the conventions the layout stage reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.ingest.doctypes import AUTHORITY
from rag.ingest.md_notes import convert_notes
from rag.ingest.structure import STRONG
from rag.ingest.tables.docx_tables import grid_table
from rag.ingest.tables.grid import GCell
from rag.ingest.tables.md_tables import RawTable, gfm_table, grid_cells, read_pipe_region
from rag.ingest.tables.rows import squash
from rag.ingest.tables.units import table_unit, with_unit
from rag.records import Table
from rag.text import fold_accents

_TERMINAL = (".", ":", ";", "!", "?", "…")
_ITEM = re.compile(r"^\s*(?:[-+•–]\s|\*\s|\d{1,2}(?:\.\d{1,2})*[.)]\s|[a-zđ]\)\s|[IVXLC]+\.\s|"
                   r"#|\(\d{1,2}\)\s)")
# lines that start a paragraph of their own behind their emphasis: an article ("**Điều 3.**"),
# an annex note, a unit line
_OPENS = re.compile(r"^(?:Điều\s+\d+\s*[.:]|\(\s*(?:Kèm theo|Ban hành kèm)|(?:Đơn vị|ĐVT)"
                    r"(?:\s*tính)?\s*:)", re.IGNORECASE)
_EMPHASIS_ONLY = re.compile(r"^[\s*_]*$")
_SUPERSCRIPT = re.compile(r"^\s*\d{1,2}\s*$")
_VOWELS = set("aeiouy")
BLANK_SHARE = 0.05  # format: blank lines per text line of a file written in paragraphs
LABEL_MAX = 12  # a cell's label line that its value follows on the next line ("Số:")
FRAGMENT_MAX = 3  # letters of a crawler's fragment of a word ("Th", "P", "N")


@dataclass
class MarkdownContent:
    text: str
    tables: list[Table] = field(default_factory=list)


def needs_reading(text: str) -> bool:
    """Whether a text file needs this reader: it has pipe tables or Markdown footnotes, or
    no blank line between its paragraphs (else the layout stage reads it as it is)."""
    lines = text.split("\n")
    if any(line.strip() == "|" for line in lines) or "[^" in text:
        return True
    if any("|" in line and gfm_table(lines, i) for i, line in enumerate(lines)):
        return True
    filled = sum(1 for line in lines if line.strip())
    blank = sum(1 for line in lines if not line.strip())
    return filled >= 5 and blank < BLANK_SHARE * filled


def style_of(lines: list[str]) -> str:
    """"blocks" (blank-line paragraphs), "lines" (one paragraph per line), or "wrapped"
    (hard-wrapped lines, no blank line between paragraphs)."""
    filled = [line.strip() for line in lines if line.strip() and line.strip() != "|"]
    blank = sum(1 for line in lines if not line.strip())
    if filled and blank >= BLANK_SHARE * len(filled):
        return "blocks"
    body = sorted(len(x) for x in filled if len(x) > 25)
    if body and body[int(0.9 * (len(body) - 1))] > 130:
        return "lines"
    return "wrapped"


def read_markdown(text: str) -> MarkdownContent:
    lines = text.split("\n")
    notes = convert_notes(lines)
    lines = notes.lines
    style = style_of(lines)
    reader = _Reader(style)
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == "|":
            reader.flush()
            items, i = read_pipe_region(lines, i)
            for item in items:
                reader.item(item)
            continue
        gfm = gfm_table(lines, i) if "|" in line else None
        if gfm is not None:
            reader.flush()
            reader.item(gfm)
            i = gfm.end
            continue
        reader.line(line)
        i += 1
    reader.flush()
    blocks = reader.blocks + notes.paragraphs()
    if style == "lines":
        blocks = mark_headings(blocks)
    return MarkdownContent("\n\n".join(blocks) + "\n", reader.tables)


class _Reader:
    """Collects paragraphs and tables in document order."""

    def __init__(self, style: str) -> None:
        self.style = style
        self.blocks: list[str] = []
        self.tables: list[Table] = []
        self.buf: list[str] = []
        self.since = 0  # the first block after the last table: a caption is no older

    def line(self, line: str) -> None:
        if not line.strip():
            self.flush()
        else:
            self.buf.append(line)

    def flush(self) -> None:
        self.blocks += paragraphs(self.buf, self.style)
        self.buf = []

    def item(self, item: RawTable | list[str]) -> None:
        if isinstance(item, list):  # text between two tables
            self.blocks += paragraphs(item, "blocks" if self.style == "blocks" else "wrapped")
            return
        table = self._table(item)
        if table is not None:
            self.tables.append(table)
        else:
            self.blocks += layout_cells(item)

    def _table(self, raw: RawTable) -> Table | None:
        own_unit = _unit_row(raw)
        spans, nrows, ncols, depth = grid_cells(raw)
        cells = [GCell(r0, r1, c0, c1, clean_cell(t)) for r0, r1, c0, c1, t in spans]
        caption, unit = caption_and_unit(self.blocks[self.since:])
        unit = own_unit or unit
        table = grid_table(cells, nrows, ncols, depth, f"T{len(self.tables) + 1}", caption)
        if table is None:
            return None
        table.anchor = self.blocks[-1] if len(self.blocks) > self.since else ""
        table.caption = caption or table.caption  # an annex's title, however long
        self.since = len(self.blocks)
        return with_unit(table, unit or table_unit(table))


def _unit_row(raw: RawTable) -> str:
    """The unit of a table whose first row is only "ĐVT: triệu đồng" (a cell over the
    header, right-aligned in the source); the row is taken out."""
    if len(raw.rows) < 3:
        return ""
    filled = [t for t in raw.texts(0) if t.strip()]
    m = _UNIT_LINE.match(clean_cell(filled[0])) if len(filled) == 1 else None
    if m is None:
        return ""
    raw.rows.pop(0)
    raw.header_rows = max(0, raw.header_rows - 1)
    return m.group(1).strip(" .)*")


def clean_cell(text: str) -> str:
    """A cell's text without emphasis marks and footnote markers."""
    text = re.sub(r"<sup>\d+</sup>", "", text)
    return squash(re.sub(r"\*+", " ", STRONG.sub(r"\1", text)))


def _fragment(text: str) -> bool:
    """A crawler's piece of a word ("Th", "P"): a few letters and no vowel."""
    t = text.strip()
    folded = fold_accents(t.lower())
    return 0 < len(t) <= FRAGMENT_MAX and t.isalpha() and not (set(folded) & _VOWELS)


def _ends(text: str) -> bool:
    """The line ends a paragraph: a sentence mark (emphasis closed after it counts)."""
    t = text.rstrip().rstrip("*_ ").rstrip()
    return t.endswith(_TERMINAL) or t.endswith("./.")


def _continues(prev: str, line: str, style: str, last: str) -> bool:
    """Whether ``line`` goes on the paragraph ``prev`` (whose last line was ``last``)."""
    if _EMPHASIS_ONLY.match(line):
        return True  # a lone "**" closing the emphasis of the line before
    if style == "blocks":
        return not _ITEM.match(line) and not last.endswith(("  ", "\\"))
    head = line.lstrip("*_ ")
    lower = bool(head) and (head[0].islower() or head[0] in ",.;:)")
    if _fragment(last):
        return True
    if style == "lines":  # "… ước đạt" / "12.276 tỷ đồng": a crawler's break before a figure
        return (lower or head[:1].isdigit()) and not _ends(prev) and not _ITEM.match(line)
    if _ITEM.match(line) or _OPENS.match(head) or AUTHORITY.match(head) or _whole_emphasis(prev):
        return False
    if _opens_emphasis(line) and _balanced(prev) or _caps(last) and not _caps(line) and not lower:
        return False  # "*Căn cứ …" after the title; "Căn cứ …" under a title in capitals
    return lower or not _ends(prev)


def _opens_emphasis(line: str) -> bool:
    t = line.lstrip()
    return t.startswith(("*", "_")) and not t.startswith(("* ", "_ "))


def _balanced(text: str) -> bool:
    """No emphasis left open: "**…" and "*…" wrap on to the next line."""
    return (text.count("**") % 2 == 0 and text.replace("**", "").count("*") % 2 == 0
            and text.count("__") % 2 == 0)


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _whole_emphasis(line: str) -> bool:
    """"**QUYẾT ĐỊNH**", "*Đơn vị: triệu đồng*": a line set apart, not a wrapped one."""
    t = line.strip()
    for mark in ("**", "*", "__"):
        if t.startswith(mark) and t.endswith(mark) and len(t) > 2 * len(mark) \
                and t.count(mark) == 2:
            return True
    return False


def _join(prev: str, line: str, last: str) -> str:
    if _fragment(last) or line.lstrip()[:1] in (",", ".", ";", ":", ")") or _SUPERSCRIPT.match(
            line) and prev[-1:].isalpha():  # "205 m" / "3": the crawler's m³
        return prev.rstrip() + line.lstrip()
    if re.search(r"\w[-/]$", prev.rstrip()):
        return prev.rstrip() + line.lstrip()  # "1661/QĐ-" + "TTg"
    return prev.rstrip() + " " + line.lstrip()


def paragraphs(lines: list[str], style: str) -> list[str]:
    """The paragraphs of a run of lines in a line convention (``style_of``)."""
    out: list[str] = []
    last = ""
    for line in lines:
        if not line.strip():
            continue
        if _EMPHASIS_ONLY.match(line) and (not out or _balanced(out[-1])):
            continue  # "** **": an empty bold run, no text and no paragraph of its own
        if out and _continues(out[-1], line, style, last):
            out[-1] = _join(out[-1], line, last)
        else:
            out.append(line.strip())
        last = line
    return [p for p in (x.strip() for x in out) if not _EMPHASIS_ONLY.match(p)]


_HEADING_WORDS = 10  # format: the statistics template's run-in headings have 1-6 words
BODY_MIN = 60  # characters of the paragraph a heading stands over


def _plain_heading(text: str) -> bool:
    """A line that can only be a heading: short, capitalised, no figure, no sentence end
    (a colon may end it: "Cây lâu năm:", "Khai thác thủy sản biển:")."""
    t = text.strip()
    if not 6 <= len(t) <= 80 or len(t.split()) > _HEADING_WORDS:
        return False
    if not t[0].isupper() or any(c.isdigit() for c in t) or t.endswith((".", ",", ";", "!")):
        return False
    return not _ITEM.match(t) and not t.startswith(("<sup>", "*", "#", "(", "["))


def mark_headings(blocks: list[str]) -> list[str]:
    """One paragraph per line: the plain lines that head what follows, in bold, as the
    statistics template sets its run-in headings ("Cây hằng năm", "Chăn nuôi:") over a
    paragraph or over the next such heading."""
    out = list(blocks)
    heads = [False] * len(out)
    for k in range(len(out) - 2, -1, -1):
        nxt = out[k + 1]
        if _plain_heading(out[k]) and (len(nxt) >= BODY_MIN and not _plain_heading(nxt)
                                        or heads[k + 1]):
            heads[k] = True
    return [f"**{b.rstrip(' :')}**" if h else b for b, h in zip(out, heads, strict=True)]


def cell_lines(cell: list[str]) -> list[str]:
    """A layout cell's lines as printed (agency, motto, signer's title, name), its
    wrapped lines rejoined: a line continues while an emphasis is open in it or the next
    line starts in lower case."""
    out: list[str] = []
    for line in (x.strip() for x in cell):
        if not line:
            continue
        if out and (not _balanced(out[-1]) or _EMPHASIS_ONLY.match(line)
                    or line[:1].islower() or _label(out[-1]) and not _ITEM.match(line)):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return [x for x in out if not _EMPHASIS_ONLY.match(x)]


def _label(line: str) -> bool:
    t = line.strip("*_ ")
    return len(t) <= LABEL_MAX and t.endswith(":")


def layout_cells(raw: RawTable) -> list[str]:
    """The blocks of a layout table (letterhead, signature): each cell's printed lines,
    row by row, left cell first."""
    return [line for row in raw.rows for cell in row for line in cell_lines(cell)]


_CAPTION = re.compile(r"^(?:phụ lục|biểu|bảng|danh mục)\b", re.IGNORECASE)
_UNIT_LINE = re.compile(r"^\(?\s*(?:đơn vị(?: tính)?|đvt)\s*:\s*(.+?)\s*\)?$", re.IGNORECASE)
_NOTE = re.compile(r"^\(\s*(?:kèm theo|ban hành kèm)", re.IGNORECASE)
CAPTION_BLOCKS = 4  # an annex caption: "PHỤ LỤC", its title, the annex note, the unit
CAPTION_MAX = 300  # characters of a caption line (a long annex title runs to ~250)


def caption_and_unit(blocks: list[str]) -> tuple[str, str]:
    """The caption of a table from the blocks just before it: the nearest short line
    that is no sentence or list item, with the "PHỤ LỤC …" line above it and the annex
    note under it ("(Kèm theo Quyết định số 2639/QĐ-TTg …)", as the PDF and DOCX captions
    keep it), and the unit line "Đơn vị: triệu đồng" among them."""
    unit, parts, note = "", [], ""
    for block in reversed(blocks[-CAPTION_BLOCKS:]):
        text = clean_cell(block)
        m = _UNIT_LINE.match(text)
        if m:
            unit = unit or m.group(1).strip(" .)*")
            continue
        if _NOTE.match(text):
            note = note or text
            continue
        if parts and not _CAPTION.match(text):
            break
        if not parts and (len(text) > CAPTION_MAX or text.endswith((".", ";", ","))
                          or text.startswith(("-", "+", "•"))):
            break
        parts.insert(0, text)
        if _CAPTION.match(text):
            break
    return " ".join(parts + ([note] if parts and note else [])), unit
