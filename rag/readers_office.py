"""PDF and DOCX readers: an office file -> text in the layout stage's conventions.

The layout stage (``rag.layout``) is the one parser for every format, so these
readers do not build paragraphs or sections themselves; they only restore the
cues that the file format holds and plain text loses:

* PDF: one page after another with a ``\\f`` line between pages (so every span
  keeps its page), page numbers dropped, superscript footnote marks as
  ``<sup>N</sup>``, the small-print footnote area at a page bottom behind a
  long blank line, and two trailing spaces on a line that ends a paragraph
  (the next line is indented or set off by extra space) -- the cues the
  layout stage reads in hard-wrapped text.
* DOCX: headings (from paragraph styles or from list numbering) as markdown
  ``#`` lines, Word's generated list numbers written out (the parser ranks
  headings by their numbers), real footnotes as ``<sup>N</sup>`` marks plus
  ``<sup>N</sup> text`` paragraphs, table rows as ``cell | cell`` paragraphs
  (except the letterhead table, read as lines), ``\\f`` at page breaks.

Every failure is an ``InputError`` with one line the user can act on: these
files come from users, and a traceback helps none of them.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from rag.readers import InputError

# pypdf logs recoverable damage as warnings; with no logging configured Python
# would print them on stderr next to our one-line error. Records still reach
# any handler the application installs.
logging.getLogger("pypdf").addHandler(logging.NullHandler())

PAGE_BREAK = "\f"
NOTE_RULE = " " * 30  # a long blank line: the layout stage's "footnotes follow" cue
SUP_RATIO = 0.8  # a mark is this much smaller than its line
NOTE_RATIO = 0.9  # footnote print is this much smaller than the body
INDENT = 1.0  # a first-line indent is at least this many body font sizes
GAP_RATIO = 1.25  # space between paragraphs: a line gap this much over the usual
MAX_UNZIPPED = 300 * 2**20  # a .docx expanding beyond this is a zip bomb, not a report

_PAGE_NUMBER = re.compile(
    r"^(?:trang\s+)?[-–]?\s*(\d{1,3})\s*[-–]?(?:\s*/\s*\d{1,3})?$", re.IGNORECASE)
_MARK = re.compile(r"^\d{1,3}$")
_NOTE_START = re.compile(r"^\d{1,3}(?=\s|[^\W\d_])")  # "10 Gồm…" or glued "10Gồm…"
_GLUED_NOTE = re.compile(r"^(\d{1,3})(?=[^\W\d_])")


# ---------------------------------------------------------------- PDF


@dataclass
class _Piece:
    text: str
    size: float = 0.0  # printed font size; 0 when unknown
    x: float | None = None  # where the piece starts on the page, in points
    y: float | None = None


@dataclass
class _Line:
    """One printed line as pieces, and whether a paragraph ends with it."""

    pieces: list[_Piece] = field(default_factory=list)
    para_end: bool = False

    def size(self) -> float:
        """The size most of the line's characters are printed in."""
        sizes = Counter()
        for piece in self.pieces:
            sizes[round(piece.size, 1)] += len(piece.text.strip())
        sizes.pop(0.0, None)
        return sizes.most_common(1)[0][0] if sizes else 0.0

    def plain(self) -> str:
        return _squash("".join(p.text for p in self.pieces))

    @property
    def x(self) -> float | None:
        """Where the line starts: an indent shows here."""
        return self.pieces[0].x

    @property
    def y(self) -> float | None:
        """The line's baseline, from a piece in its main size (a superscript sits higher)."""
        size = self.size()
        return next((p.y for p in self.pieces if p.y is not None and p.size >= SUP_RATIO * size),
                    None)


def read_pdf(path: Path) -> str:
    """Text layer of a PDF, page by page, in the layout stage's conventions."""
    path = Path(path)
    reader = _open_pdf(path)
    pages = [_pdf_page_lines(page, i, path.name) for i, page in enumerate(_pages(reader, path))]
    if not any(line.plain() for lines in pages for line in lines):
        raise InputError(f"{path.name}: this PDF has no text layer (scanned image?); run OCR first")
    body = _body_size(pages)
    pages = [_drop_page_numbers(lines, i + 1) for i, lines in enumerate(pages)]
    splits = [_notes_start(lines, body) for lines in pages]
    _mark_paragraph_ends([lines[:s] for lines, s in zip(pages, splits, strict=True)], body)
    texts = [_render_page(lines, s) for lines, s in zip(pages, splits, strict=True)]
    return f"\n{PAGE_BREAK}\n".join(texts) + "\n"


def _open_pdf(path: Path):
    """A ``PdfReader`` ready to read, or why the file cannot be read."""
    from pypdf import PdfReader

    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise InputError(f"{path.name}: not a PDF file (no %PDF header); check the file type")
    try:
        reader = PdfReader(path)
    except Exception as exc:  # pypdf raises many types on damaged input
        raise InputError(f"{path.name}: the PDF is damaged and cannot be read ({_why(exc)})"
                         ) from None
    if reader.is_encrypted:
        _decrypt(reader, path.name)
    return reader


def _decrypt(reader, name: str) -> None:
    """Open a PDF that is only owner-locked (empty user password); refuse the rest."""
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # e.g. AES without a crypto library
        raise InputError(f"{name}: the PDF is encrypted and cannot be opened ({_why(exc)}); "
                         "save an unprotected copy") from None
    if not opened:
        raise InputError(f"{name}: the PDF is password-protected; save a copy without a password")


def _pages(reader, path: Path) -> list:
    try:
        pages = list(reader.pages)
    except Exception as exc:
        raise InputError(f"{path.name}: the PDF is damaged; its page list cannot be read "
                         f"({_why(exc)})") from None
    if not pages:
        raise InputError(f"{path.name}: the PDF has no pages")
    return pages


def _pdf_page_lines(page, index: int, name: str) -> list[_Line]:
    """The page's text as lines of sized, placed pieces, via pypdf's text visitor."""
    pieces: list[_Piece] = []

    def visit(text, cm, tm, font, size) -> None:
        pieces.append(_placed(text, size, tm, cm))

    try:
        plain = page.extract_text(visitor_text=visit)
    except Exception as exc:
        raise InputError(f"{name}: page {index + 1} of the PDF is damaged and cannot be read "
                         f"({_why(exc)})") from None
    if "".join(p.text for p in pieces) != plain:  # visitor out of step: keep the text only
        pieces = [_Piece(plain)]
    return _split_lines(pieces)


def _placed(text: str, size, tm, cm) -> _Piece:
    """A piece with its printed size and page position (text matrix times the CTM)."""
    if not text.strip():
        return _Piece(text)
    try:
        scale = (abs(tm[0] * tm[3] - tm[1] * tm[2]) * abs(cm[0] * cm[3] - cm[1] * cm[2])) ** 0.5
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        return _Piece(text, float(size) * scale, float(x), float(y))
    except (TypeError, ValueError, IndexError):
        return _Piece(text)


def _split_lines(pieces: list[_Piece]) -> list[_Line]:
    lines = [_Line()]
    for piece in pieces:
        text = piece.text.replace("\r\n", "\n").replace("\r", "\n").replace(PAGE_BREAK, "\n")
        for k, part in enumerate(text.split("\n")):
            if k:
                lines.append(_Line())
            if part:  # only the first part starts where the piece does
                x, y = (piece.x, piece.y) if k == 0 else (None, None)
                lines[-1].pieces.append(_Piece(part, piece.size, x, y))
    return [line for line in lines if line.plain()]


def _body_size(pages: list[list[_Line]]) -> float:
    """The document's body font size: the size most characters are printed in."""
    sizes = Counter()
    for line in (ln for lines in pages for ln in lines):
        sizes[line.size()] += len(line.plain())
    sizes.pop(0.0, None)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _mark_paragraph_ends(bodies: list[list[_Line]], body: float) -> None:
    """A line ends a paragraph when the next one is indented or set off by extra space.

    Plain extracted text loses both cues, and a paragraph whose last line
    happens to be full would run into the next one.
    """
    left = _mode(round(ln.x) for page in bodies for ln in page if ln.x is not None)
    pitch = _mode(_drop(a, b) for page in bodies for a, b in pairwise(page) if _drop(a, b))
    prev: _Line | None = None
    for page in bodies:
        for k, line in enumerate(page):
            indented = line.x is not None and left is not None and line.x > left + INDENT * body
            gap = k and pitch and (_drop(prev, line) or 0) > GAP_RATIO * pitch
            if prev is not None and (indented or gap):
                prev.para_end = True
            prev = line


def _drop(upper: _Line, lower: _Line) -> float | None:
    """How far below ``upper`` the next line starts (PDF y grows upwards)."""
    a, b = upper.y, lower.y
    return round(a - b, 1) if a is not None and b is not None and a > b else None


def _mode(values) -> float | None:
    counts = Counter(values)
    return counts.most_common(1)[0][0] if counts else None


def _render_page(lines: list[_Line], notes_start: int) -> str:
    """Body lines with ``<sup>`` marks, then the footnote area behind ``NOTE_RULE``."""
    out = [_line_text(line) for line in lines[:notes_start]]
    if notes_start < len(lines):
        out.append(NOTE_RULE)
        out += [_note_text(line) for line in lines[notes_start:]]
    return "\n".join(out)


def _drop_page_numbers(lines: list[_Line], page_no: int) -> list[_Line]:
    """A first or last line that is only a number near the page's index is a page number."""
    def is_number(line: _Line) -> bool:
        m = _PAGE_NUMBER.match(line.plain())
        return bool(m) and abs(int(m.group(1)) - page_no) <= 2

    if lines and is_number(lines[-1]):
        lines = lines[:-1]
    if lines and is_number(lines[0]):
        lines = lines[1:]
    return lines


def _notes_start(lines: list[_Line], body: float) -> int:
    """Index of the first footnote line: small print at the page bottom starting with a number."""
    if not body:
        return len(lines)
    start = len(lines)
    while start > 0 and 0 < lines[start - 1].size() < NOTE_RATIO * body:
        start -= 1
    while start < len(lines) and not _NOTE_START.match(lines[start].plain()):
        start += 1
    return start


def _line_text(line: _Line) -> str:
    """Line text with superscript digits written as ``<sup>N</sup>``."""
    size = line.size()
    out: list[str] = []
    for piece in line.pieces:
        text, before = piece.text, "".join(out)
        is_mark = (_MARK.match(text.strip()) and 0 < piece.size < SUP_RATIO * size
                   and before.strip() and not before.endswith(" "))
        out.append(f"<sup>{text.strip()}</sup>" if is_mark else text)
    # two trailing spaces: the layout stage's "paragraph ends here" cue
    return _squash("".join(out)) + ("  " if line.para_end else "")


def _note_text(line: _Line) -> str:
    """A footnote line; a glued leading number ("10Gồm") gets the space the parser needs."""
    return _GLUED_NOTE.sub(r"\1 ", line.plain(), count=1)


def _squash(text: str) -> str:
    """Justified PDF lines carry runs of spaces; one is enough."""
    return re.sub(r"[ \t\u00a0]{2,}", " ", text).strip()


def _why(exc: Exception) -> str:
    """A short one-line reason from a library exception."""
    msg = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {msg[:100]}" if msg else type(exc).__name__


# ---------------------------------------------------------------- DOCX

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


_ID, _VAL, _TYPE = _w("id"), _w("val"), _w("type")
# Subtrees whose text is not the paragraph's text: properties, tracked deletions,
# field codes, drawings and text boxes (the same text box is stored twice, once
# for old Word versions), the footnote's own number mark, comments.
_SKIP = frozenset({
    _w("pPr"), _w("rPr"), _w("del"), _w("moveFrom"), _w("instrText"), _w("delText"),
    _w("drawing"), _w("pict"), _w("object"), _w("footnoteRef"), _w("endnoteRef"),
    _w("commentReference"), f"{{{MC_NS}}}AlternateContent",
})
_SPACES = frozenset({_w("tab"), _w("ptab"), _w("cr"), _w("br")})
_HEADING_STYLE = re.compile(r"^(?:heading|tiêu đề|đề mục)\s*([1-9])$", re.IGNORECASE)
_TITLE_STYLES = ("title", "tiêu đề", "tên văn bản")
_SENTENCE_BREAK = re.compile(r"[.;!?]\s+(\w)")
_SUP_TAG = re.compile(r"<sup>\d+</sup>")
MAX_HEADING_CHARS = 160
MAX_BOLD_CHARS = 200


@dataclass
class _DocxState:
    """What rendering one paragraph needs from the whole package."""

    numbering: _Numbering
    rendered_breaks: bool  # Word saved its page layout: count its pages, not hard breaks
    notes: dict[str, int] = field(default_factory=dict)  # footnote id -> number shown
    seen_text: bool = False  # a paragraph with text has been read

    def note_number(self, note_id: str) -> int:
        """Word numbers footnotes in order of reference, whatever their ids are."""
        return self.notes.setdefault(note_id, len(self.notes) + 1)


def read_docx(path: Path) -> str:
    """Body text of a Word file with headings, lists, tables and footnotes marked up."""
    path = Path(path)
    doc = _open_docx(path)
    body = doc.element.body
    state = _DocxState(_Numbering(doc), body.find(f".//{_w('lastRenderedPageBreak')}") is not None)
    blocks = list(_blocks(body, doc, state))
    blocks += _footnote_blocks(doc, state, path.name)
    if not any(b.strip() for b in blocks):
        raise InputError(f"{path.name}: the document has no text")
    return "\n\n".join(blocks) + "\n"


def _open_docx(path: Path):
    """A python-docx ``Document``, or why the file cannot be read."""
    import docx

    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{path.name}: this is an old Word .doc file or a password-protected "
                         ".docx; save it as an unprotected .docx")
    if not zipfile.is_zipfile(path):
        raise InputError(f"{path.name}: not a Word .docx file (not a zip package); "
                         "the file is damaged or has the wrong extension")
    try:
        with zipfile.ZipFile(path) as zf:
            unzipped = sum(info.file_size for info in zf.infolist())
        if unzipped > MAX_UNZIPPED:
            raise InputError(f"{path.name}: the .docx unpacks to {unzipped / 2**20:.0f} MB, "
                             f"over the {MAX_UNZIPPED // 2**20} MB limit")
        return docx.Document(str(path))
    except InputError:
        raise
    except Exception as exc:  # python-docx/lxml/zipfile raise many types on damaged input
        raise InputError(f"{path.name}: cannot be opened as a Word .docx file ({_why(exc)}); "
                         "re-save it from Word as .docx") from None


def _blocks(container, doc, state: _DocxState):
    """Paragraph and table-row blocks of a body (or content control), in order."""
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        if child.tag == _w("p"):
            yield from _paragraph_blocks(Paragraph(child, doc), state)
        elif child.tag == _w("tbl") and not state.seen_text and _is_letterhead(child):
            yield from _letterhead_blocks(child, state)
        elif child.tag == _w("tbl"):
            yield from _table_blocks(child, state)
        elif child.tag == _w("sdt") and child.find(_w("sdtContent")) is not None:
            yield from _blocks(child.find(_w("sdtContent")), doc, state)


def _paragraph_blocks(par, state: _DocxState) -> list[str]:
    """The paragraph's line, with a ``\\f`` block for each page break before or after it."""
    text, breaks = _inline_text(par._p, state)
    number = state.numbering.label(par)  # counts even when the paragraph is empty, as Word does
    line = _paragraph_line(par, text, number) if text else ""
    state.seen_text = state.seen_text or bool(line)
    before = [PAGE_BREAK] * breaks.count(False)
    after = [PAGE_BREAK] * breaks.count(True)
    return before + ([line] if line else []) + after


def _paragraph_line(par, text: str, number: tuple[str, int] | None) -> str:
    """Headings as ``## **1.2. Title**``, list items with their number, bold lines in ``**``."""
    level = _heading_level(par)
    if number is not None:
        label, ilvl = number
        if level is None and label != "-" and _heading_like(text):
            level = ilvl + 1
        text = f"{label} {text}" if label else text
    if level is not None:
        # bold as well as '#': the parser takes unnumbered headings from bold lines
        return f"{'#' * min(level, 4)} **{text.replace('*', '')}**"
    if len(text) <= MAX_BOLD_CHARS and _all_bold(par):
        return f"**{text.replace('*', '')}**"
    return text


def _heading_like(text: str) -> bool:
    """A numbered paragraph is a heading when short and not a sentence (task lists are)."""
    text = _SUP_TAG.sub("", text).strip()
    if not text or len(text) > MAX_HEADING_CHARS or text.endswith((".", ";", ",", "!", "?")):
        return False
    return not any(m.group(1).isupper() for m in _SENTENCE_BREAK.finditer(text))


def _style_chain(style):
    """The style and the styles it is based on (bounded: a cycle must not hang us)."""
    for _ in range(12):
        if style is None:
            return
        yield style
        style = style.base_style


def _heading_level(par) -> int | None:
    """Heading level from the outline level or the (possibly localized) style name."""
    level = _outline_level(par._p.pPr)
    if level is not None:
        return level
    for style in _style_chain(par.style):
        name = (style.name or "").strip().lower()
        m = _HEADING_STYLE.match(name)
        if m:
            return int(m.group(1))
        if name in _TITLE_STYLES:
            return 1
        level = _outline_level(style.element.pPr)
        if level is not None:
            return level
    return None


def _outline_level(ppr) -> int | None:
    """``w:outlineLvl`` 0-8 is a heading level (9 is body text)."""
    lvl = ppr.find(_w("outlineLvl")) if ppr is not None else None
    value = _int(lvl.get(_VAL) if lvl is not None else None, 9)
    return value + 1 if 0 <= value < 9 else None


def _all_bold(par) -> bool:
    runs = [r for r in par.runs if r.text.strip()]
    return bool(runs) and all(_run_bold(r, par) for r in runs)


def _run_bold(run, par) -> bool:
    """Direct formatting first, then the character style, then the paragraph style."""
    if run.bold is not None:
        return run.bold
    for start in (run.style, par.style):
        for style in _style_chain(start):
            if style.font.bold is not None:
                return style.font.bold
    return False


def _inline_text(el, state: _DocxState) -> tuple[str, list[bool]]:
    """Text of a paragraph and its page breaks (True: after some text, False: before any)."""
    out: list[str] = []
    breaks: list[bool] = []
    _walk(el, state, out, breaks)
    return " ".join("".join(out).split()), breaks


def _walk(el, state: _DocxState, out: list[str], breaks: list[bool]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _w("t"):
            out.append(child.text or "")
        elif tag == _w("footnoteReference"):
            out.append(f"<sup>{state.note_number(child.get(_ID, ''))}</sup>")
        elif tag == _w("lastRenderedPageBreak") or (tag == _w("br") and child.get(_TYPE) == "page"):
            if (tag == _w("br")) != state.rendered_breaks:
                breaks.append(bool("".join(out).strip()))
        elif tag in _SPACES:
            out.append(" ")
        elif tag == _w("noBreakHyphen"):
            out.append("-")
        elif tag == _w("r") and _superscript(child):
            out.append(_superscript_text(child, state, breaks))
        else:
            _walk(child, state, out, breaks)


def _superscript(run) -> bool:
    align = run.find(f"{_w('rPr')}/{_w('vertAlign')}")
    return align is not None and align.get(_VAL) == "superscript"


def _superscript_text(run, state: _DocxState, breaks: list[bool]) -> str:
    """Typed superscript digits are footnote marks too (notes typed by hand) or units (m³)."""
    inner: list[str] = []
    _walk(run, state, inner, breaks)
    text = "".join(inner)
    return f"<sup>{text.strip()}</sup>" if _MARK.match(text.strip()) else text


def _table_blocks(tbl, state: _DocxState) -> list[str]:
    """One ``cell | cell`` block per row; a row's page break goes before the row."""
    out: list[str] = []
    for tr in tbl.findall(_w("tr")):
        cells, breaks = [], 0
        for tc in tr.findall(_w("tc")):
            parts = [_inline_text(p, state) for p in tc.iter(_w("p"))]
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
    rows = tbl.findall(_w("tr"))
    return 0 < len(rows) <= 3 and all(len(tr.findall(_w("tc"))) <= 3 for tr in rows)


def _letterhead_blocks(tbl, state: _DocxState) -> list[str]:
    """Each paragraph of each cell as its own block, left cell first."""
    out = []
    for tc in (tc for tr in tbl.findall(_w("tr")) for tc in tr.findall(_w("tc"))):
        for p in tc.iter(_w("p")):
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
    for note in root.findall(_w("footnote")):
        note_id = note.get(_ID, "")
        normal = note.get(_TYPE) in (None, "normal") and _int(note_id, 0) > 0
        if not normal or note_id not in state.notes:  # separators; notes nobody cites
            continue
        parts = [_inline_text(p, state)[0] for p in note.iter(_w("p"))]
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
                raise InputError(f"{name}: the footnotes of this .docx are damaged ({_why(exc)}); "
                                 "re-save it from Word") from None
    return None


class _Numbering:
    """Word's generated list numbers ("1.", "1.2.", "a)"): the text itself lacks them.

    Counters belong to the abstract list, so two list instances of one list
    continue each other's numbering unless one restarts it (a start override),
    as in Word.
    """

    def __init__(self, doc) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # fmt, lvlText, start
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # abstract id, start overrides
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        root = _numbering_root(doc)
        if root is not None:
            self._load(root)

    def _load(self, root) -> None:
        for abstract in root.findall(_w("abstractNum")):
            levels = {}
            for lvl in abstract.findall(_w("lvl")):
                levels[_int(lvl.get(_w("ilvl")), 0)] = (
                    _child_val(lvl, "numFmt", "decimal"), _child_val(lvl, "lvlText", ""),
                    _int(_child_val(lvl, "start", "1"), 1))
            self.levels[abstract.get(_w("abstractNumId"), "")] = levels
        for num in root.findall(_w("num")):
            overrides = {}
            for over in num.findall(_w("lvlOverride")):
                start = over.find(_w("startOverride"))
                if start is not None:
                    overrides[_int(over.get(_w("ilvl")), 0)] = _int(start.get(_VAL), 1)
            self.nums[num.get(_w("numId"), "")] = (_child_val(num, "abstractNumId", ""), overrides)

    def label(self, par) -> tuple[str, int] | None:
        """The number Word shows before ``par`` and its list level, or None."""
        num_id, ilvl = _num_pr(par)
        abstract, overrides = self.nums.get(num_id, ("", {}))
        levels = self.levels.get(abstract, {})
        if ilvl not in levels:
            return None
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.started:
            self.started.add(num_id)
            counters.update({lvl: start - 1 for lvl, start in overrides.items()})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        return _format_label(levels, counters, ilvl), ilvl


def _numbering_root(doc):
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    for rel in doc.part.rels.values():
        if rel.reltype == RT.NUMBERING and not rel.is_external:
            return getattr(rel.target_part, "element", None)
    return None


def _num_pr(par) -> tuple[str, int]:
    """List id and level from the paragraph, else from its style; id "" when none."""
    pprs = [par._p.pPr] + [s.element.pPr for s in _style_chain(par.style)]
    for ppr in pprs:
        num_pr = ppr.find(_w("numPr")) if ppr is not None else None
        if num_pr is not None:
            num_id = _child_val(num_pr, "numId", "")
            return ("" if num_id == "0" else num_id), _int(_child_val(num_pr, "ilvl", "0"), 0)
    return "", 0


def _format_label(levels: dict, counters: dict[int, int], ilvl: int) -> str:
    """Fill ``%1.%2.`` with the counters in each level's number format."""
    fmt, template, _ = levels[ilvl]
    if fmt == "bullet":
        return "-"

    def number(m: re.Match) -> str:
        k = int(m.group(1)) - 1
        k_fmt, _, k_start = levels.get(k, ("decimal", "", 1))
        return _format_number(counters.get(k, k_start), k_fmt)

    return re.sub(r"%([1-9])", number, template).strip()


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{n:02d}"
    return "" if fmt == "none" else str(n)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, digits in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                          (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                          (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out.append(digits * count)
    return "".join(out)


def _child_val(el, tag: str, default: str) -> str:
    child = el.find(_w(tag))
    return child.get(_VAL, default) if child is not None else default


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
