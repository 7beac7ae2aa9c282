"""DOCX reader: a Word file -> text in the layout stage's conventions.

Headings (from paragraph styles) as markdown ``#`` lines, Word's generated list
numbers written out (the parser ranks headings by their numbers), real
footnotes as ``<sup>N</sup>`` marks plus ``<sup>N</sup> text`` paragraphs,
data tables as ``Table`` records (``rag.ingest.tables``), other tables' rows as
``cell | cell`` paragraphs (the letterhead table read as lines), ``\\f`` at page
breaks. Failures are one-line ``InputError``s.
"""

from __future__ import annotations

import re
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import InputError
from rag.ingest.docx_numbering import Numbering
from rag.ingest.docx_styles import StyleTable, on_off, paragraph_style_id, run_style_id
from rag.ingest.pdf import PAGE_BREAK, why
from rag.ingest.structure import HEADINGS, sentence_like
from rag.ingest.tables.docx_tables import docx_table
from rag.ingest.wordml import MC_NS, VAL, int_or, w

MAX_UNZIPPED = 300 * 2**20  # a .docx expanding beyond this is a zip bomb, not a report
# Bounds on the work one upload can cause (issue 14: a 40 KB file of 13k paragraphs kept the
# parser busy for 200 s and blocked every later upload). Reading is linear now (about 0.1 ms
# a paragraph); these stop what is no single report.
# format: a 300-page report has ~3,000 paragraphs; 50,000 is a whole year's reports in one.
MAX_PARAGRAPHS = 50_000
# format: the body XML of a 300-page report is ~5 MB (images are separate parts).
MAX_BODY_XML = 100 * 2**20
MAX_SECONDS = 60.0  # no measurement: the upper bound we accept for one file
_ID, _TYPE = w("id"), w("type")
# Subtrees whose text is not the paragraph's text: properties, tracked deletions,
# field codes, drawings and text boxes (the same text box is stored twice, once
# for old Word versions), the footnote's own number mark, comments.
_SKIP = frozenset({
    w("pPr"), w("rPr"), w("del"), w("moveFrom"), w("instrText"), w("delText"),
    w("drawing"), w("pict"), w("object"), w("footnoteRef"), w("endnoteRef"),
    w("commentReference"), f"{{{MC_NS}}}AlternateContent",
})
_SPACES = frozenset({w("tab"), w("ptab"), w("cr"), w("br")})
_HEADING_STYLE = re.compile(r"^(?:heading|tiêu đề|đề mục)\s*([1-9])$", re.IGNORECASE)
_TITLE_STYLES = ("title", "tiêu đề", "tên văn bản")
_SUP_TAG = re.compile(r"<sup>\d+</sup>")
_MARK = re.compile(r"^\d{1,3}$")  # typed superscript digits: a footnote mark
MAX_BOLD_CHARS = 200  # a longer all-bold paragraph is emphasis; kept as text, not as '**'


@dataclass
class _DocxState:
    """What rendering one paragraph needs from the whole package."""

    numbering: Numbering
    rendered_breaks: bool  # Word saved its page layout: count its pages, not hard breaks
    styles: StyleTable
    name: str = ""
    deadline: float = float("inf")  # time.monotonic() after which reading stops
    notes: dict[str, int] = field(default_factory=dict)  # footnote id -> number shown
    seen_text: bool = False  # a paragraph with text has been read
    last_line: str = ""  # the last paragraph read: a table's caption stands there
    tables: list = field(default_factory=list)  # the data tables, in order

    def note_number(self, note_id: str) -> int:
        """Word numbers footnotes in order of reference, whatever their ids are."""
        return self.notes.setdefault(note_id, len(self.notes) + 1)


def read_docx(path: Path) -> str:
    """Body text of a Word file with headings, lists, tables and footnotes marked up."""
    return read_docx_content(path)[0]


def read_docx_content(path: Path) -> tuple[str, list]:
    """The body text and the data tables of a Word file."""
    path = Path(path)
    deadline = time.monotonic() + MAX_SECONDS
    doc = _open_docx(path)
    body = doc.element.body
    count = sum(1 for _ in body.iter(w("p")))
    if count > MAX_PARAGRAPHS:
        raise InputError("docx.too_many_paragraphs", name=path.name, count=count,
                         limit=MAX_PARAGRAPHS)
    styles = StyleTable(doc)
    state = _DocxState(Numbering(doc, styles),
                       body.find(f".//{w('lastRenderedPageBreak')}") is not None, styles,
                       path.name, deadline)
    blocks = list(_blocks(body, doc, state))
    blocks += _footnote_blocks(doc, state, path.name)
    if not any(b.strip() for b in blocks) and not state.tables:
        raise InputError("docx.no_text", name=path.name)
    return "\n\n".join(blocks) + "\n", state.tables


def _open_docx(path: Path):
    """A python-docx ``Document``, or why the file cannot be read."""
    import docx

    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("docx.old_format", name=path.name)
    if not zipfile.is_zipfile(path):
        raise InputError("docx.not_zip", name=path.name)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
        unzipped = sum(info.file_size for info in infos)
        if unzipped > MAX_UNZIPPED:
            raise InputError("docx.too_large", name=path.name, size_mb=unzipped / 2**20,
                             limit_mb=MAX_UNZIPPED // 2**20)
        body_xml = max((i.file_size for i in infos if i.filename == "word/document.xml"),
                       default=0)
        if body_xml > MAX_BODY_XML:
            raise InputError("docx.xml_too_large", name=path.name, size_mb=body_xml / 2**20,
                             limit_mb=MAX_BODY_XML // 2**20)
        return docx.Document(str(path))
    except InputError:
        raise
    except Exception as exc:  # python-docx/lxml/zipfile raise many types on damaged input
        raise InputError("docx.damaged", name=path.name, why=why(exc)) from None


def _blocks(container, doc, state: _DocxState):
    """Paragraph and table-row blocks of a body (or content control), in order."""
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        if child.tag == w("p"):
            yield from _paragraph_blocks(Paragraph(child, doc), state)
        elif child.tag == w("tbl") and not state.seen_text and _is_letterhead(child):
            yield from _letterhead_blocks(child, state)
        elif child.tag == w("tbl"):
            yield from _table_or_blocks(child, state)
        elif child.tag == w("sdt") and child.find(w("sdtContent")) is not None:
            yield from _blocks(child.find(w("sdtContent")), doc, state)


def _paragraph_blocks(par, state: _DocxState) -> list[str]:
    """The paragraph's line, with a ``\\f`` block for each page break before or after it."""
    text, breaks = _inline_text(par._p, state)
    number = state.numbering.label(par)  # counts even when the paragraph is empty, as Word does
    line = _paragraph_line(par, text, number, state) if text else ""
    state.seen_text = state.seen_text or bool(line)
    state.last_line = _SUP_TAG.sub("", text) if text else state.last_line
    before = [PAGE_BREAK] * breaks.count(False)
    after = [PAGE_BREAK] * breaks.count(True)
    return before + ([line] if line else []) + after


def _paragraph_line(par, text: str, number: tuple[str, int] | None, state: _DocxState) -> str:
    """Headings as ``## **1.2. Title**``, list items with their number, bold lines in ``**``."""
    level = _heading_level(par, state.styles)
    if number is not None:
        label, ilvl = number
        if level is None and label != "-" and _heading_like(text):
            level = ilvl + 1
        text = f"{label} {text}" if label else text
    if level is not None:
        # bold as well as '#': the parser takes unnumbered headings from bold lines
        return f"{'#' * min(level, 4)} **{text.replace('*', '')}**"
    if len(text) <= MAX_BOLD_CHARS and _all_bold(par, state.styles):
        return f"**{text.replace('*', '')}**"
    return text


def _heading_like(text: str) -> bool:
    """A numbered paragraph is a heading when short and not a sentence (task lists are)."""
    text = _SUP_TAG.sub("", text).strip()
    if not text or len(text) > HEADINGS.max_unnumbered or text.endswith((".", ";", ",", "!", "?")):
        return False
    return not sentence_like(text)



def _heading_level(par, styles: StyleTable) -> int | None:
    """Heading level from the outline level or the (possibly localized) style name."""
    level = _outline_level(par._p.pPr)
    if level is not None:
        return level
    for style in styles.chain(paragraph_style_id(par._p)):
        name = styles.name(style)
        m = _HEADING_STYLE.match(name)
        if m:
            return int(m.group(1))
        if name in _TITLE_STYLES:
            return 1
        level = _outline_level(style.find(w("pPr")))
        if level is not None:
            return level
    return None


def _outline_level(ppr) -> int | None:
    """``w:outlineLvl`` 0-8 is a heading level (9 is body text)."""
    lvl = ppr.find(w("outlineLvl")) if ppr is not None else None
    value = int_or(lvl.get(VAL) if lvl is not None else None, 9)
    return value + 1 if 0 <= value < 9 else None


def _all_bold(par, styles: StyleTable) -> bool:
    runs = [r for r in par._p.xpath("./w:r|./w:hyperlink/w:r")
            if "".join(t.text or "" for t in r.iter(w("t"))).strip()]
    return bool(runs) and all(_run_bold(r, par._p, styles) for r in runs)


def _run_bold(run, p, styles: StyleTable) -> bool:
    """Direct formatting first, then the character style, then the paragraph style."""
    direct = on_off(run.find(f"{w('rPr')}/{w('b')}"))
    if direct is not None:
        return direct
    for bold in (styles.bold(run_style_id(run), "character"),
                 styles.bold(paragraph_style_id(p), "paragraph")):
        if bold is not None:
            return bold
    return False


def _inline_text(el, state: _DocxState) -> tuple[str, list[bool]]:
    """Text of a paragraph and its page breaks (True: after some text, False: before any)."""
    if time.monotonic() > state.deadline:
        raise InputError("parse.timeout", name=state.name, limit=int(MAX_SECONDS))
    out: list[str] = []
    breaks: list[bool] = []
    _walk(el, state, out, breaks)
    return " ".join("".join(out).split()), breaks


def _walk(el, state: _DocxState, out: list[str], breaks: list[bool]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == w("t"):
            out.append(child.text or "")
        elif tag == w("footnoteReference"):
            out.append(f"<sup>{state.note_number(child.get(_ID, ''))}</sup>")
        elif tag == w("lastRenderedPageBreak") or (tag == w("br") and child.get(_TYPE) == "page"):
            if (tag == w("br")) != state.rendered_breaks:
                breaks.append(bool("".join(out).strip()))
        elif tag in _SPACES:
            out.append(" ")
        elif tag == w("noBreakHyphen"):
            out.append("-")
        elif tag == w("r") and _superscript(child):
            out.append(_superscript_text(child, state, breaks))
        else:
            _walk(child, state, out, breaks)


def _superscript(run) -> bool:
    align = run.find(f"{w('rPr')}/{w('vertAlign')}")
    return align is not None and align.get(VAL) == "superscript"


def _superscript_text(run, state: _DocxState, breaks: list[bool]) -> str:
    """Typed superscript digits are footnote marks too (notes typed by hand) or units (m³)."""
    inner: list[str] = []
    _walk(run, state, inner, breaks)
    text = "".join(inner)
    return f"<sup>{text.strip()}</sup>" if _MARK.match(text.strip()) else text


def _table_or_blocks(tbl, state: _DocxState) -> list[str]:
    """A data table becomes a ``Table`` (its caption stays in the text); any other table is
    read as ``cell | cell`` rows."""
    def cell_text(tc) -> str:
        parts = [_SUP_TAG.sub("", _inline_text(p, state)[0]) for p in tc.iter(w("p"))]
        return " ".join(t for t in parts if t)

    table = docx_table(tbl, f"T{len(state.tables) + 1}", state.last_line, cell_text)
    if table is None:
        return _table_blocks(tbl, state)
    state.tables.append(table)
    return []


def _table_blocks(tbl, state: _DocxState) -> list[str]:
    """One ``cell | cell`` block per row; a row's page break goes before the row."""
    out: list[str] = []
    for tr in tbl.findall(w("tr")):
        cells, breaks = [], 0
        for tc in tr.findall(w("tc")):
            parts = [_inline_text(p, state) for p in tc.iter(w("p"))]
            breaks = max(breaks, sum(len(b) for _, b in parts))
            cells.append(" ".join(t for t, _ in parts if t))
        out += [PAGE_BREAK] * breaks
        row = " | ".join(c for c in cells if c)
        if row:
            out.append(row)
    return out


def _is_letterhead(tbl) -> bool:
    """A small table before any text is the letterhead (agency and "Số:" | national
    motto and place-date), laid out as a table but read as lines."""
    rows = tbl.findall(w("tr"))
    return 0 < len(rows) <= 3 and all(len(tr.findall(w("tc"))) <= 3 for tr in rows)


def _letterhead_blocks(tbl, state: _DocxState) -> list[str]:
    """Each paragraph of each cell as its own block, left cell first."""
    out = []
    for tc in (tc for tr in tbl.findall(w("tr")) for tc in tr.findall(w("tc"))):
        for p in tc.iter(w("p")):
            text = _inline_text(p, state)[0]
            if text:
                out.append(text)
    return out


def _footnote_blocks(doc, state: _DocxState, name: str) -> list[str]:
    """``<sup>N</sup> text`` paragraphs for the footnotes the text cites, in number order."""
    root = _footnotes_root(doc, name)
    if root is None:
        return []
    texts: dict[int, str] = {}
    for note in root.findall(w("footnote")):
        note_id = note.get(_ID, "")
        normal = note.get(_TYPE) in (None, "normal") and int_or(note_id, 0) > 0
        if not normal or note_id not in state.notes:  # separators; notes nobody cites
            continue
        parts = [_inline_text(p, state)[0] for p in note.iter(w("p"))]
        text = " ".join(t for t in parts if t)
        if text:
            texts[state.notes[note_id]] = text
    return [f"<sup>{n}</sup> {text}" for n, text in sorted(texts.items())]


def _footnotes_root(doc, name: str):
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.parser import parse_xml

    for rel in doc.part.rels.values():
        if rel.reltype == RT.FOOTNOTES and not rel.is_external:
            try:
                return parse_xml(rel.target_part.blob)
            except Exception as exc:
                raise InputError("docx.footnotes_damaged", name=name, why=why(exc)) from None
    return None
