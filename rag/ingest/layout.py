"""Layout stage: raw text lines -> logical blocks (paragraphs) and footnote texts.

Real reports arrive as (a) hard-wrapped PDF text with blank lines between
lines, page-number lines, and footnote blocks at page bottoms, or (b) one
paragraph per line (markdown-ish or plain), with footnote paragraphs placed
near the paragraph that cites them, sometimes splitting it in two. This stage
undoes both so later stages see whole paragraphs, each with its page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rag.config import LayoutConfig
from rag.ingest.structure import looks_like_heading, match_heading
from rag.records import Footnote

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUP_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")
TERMINAL = (".", ":", ";", "!", "?", "…", "./.")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u00ad\u2060"), None)
_FN_SUP = re.compile(r"^<sup>\s*(\d{1,3})\s*</sup>\s*")
_FN_UNI = re.compile(rf"^([{SUPERSCRIPTS}]+)\s*")
_FN_PLAIN = re.compile(r"^(\d{1,2})\s+(?=\S)")
_PAGE_NO = re.compile(r"^[-–]?\s*(\d{1,3})\s*[-–]?$")
_PAGE_START = re.compile(r"^ \S")
_LIST_ITEM = re.compile(r"^\d{1,2}\.\s+[A-ZĐ]")


@dataclass
class Block:
    """A logical paragraph of body text with the page it starts and ends on."""

    text: str
    page_start: int
    page_end: int
    page_breaks: list[int] = field(default_factory=list)  # offsets where a new page begins


@dataclass
class Layout:
    fmt: str  # "wrapped" (PDF-extracted lines) | "paragraph" (one paragraph per line)
    blocks: list[Block]
    footnotes: dict[int, Footnote]


@dataclass
class _Unit:
    text: str
    page: int
    fn: int | None = None  # footnote number when the unit starts a footnote text
    fn_cont: bool = False  # unit continues the previous footnote text
    raw: str = ""  # the line as printed, for a false footnote start ("25 tỷ đồng…")
    width: int = 0  # printed line length (wrapped mode)
    hard_end: bool = False  # line ended with two spaces: the extractor's paragraph end


def normalize(raw: str) -> str:
    """NFC and one newline convention, so offsets and matching are stable."""
    text = unicodedata.normalize("NFC", raw).translate(_ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return text.replace("\t", " ")


def _outside_notes(lines: list[str], cfg: LayoutConfig) -> list[str]:
    """Lines outside the footnote areas (a long blank line up to the next page break):
    small-print notes run longer than body lines and say nothing about the body's wrap."""
    out, in_notes = [], False
    for ln in lines:
        if ln == "\f":
            in_notes = False
        elif not ln.strip() and len(ln) >= cfg.note_rule_min:
            in_notes = True
        elif not in_notes:
            out.append(ln)
    return out


def detect_format(lines: list[str], cfg: LayoutConfig = LayoutConfig()) -> str:
    """Hard-wrapped text has short lines that mostly stop mid-sentence."""
    body = [ln.rstrip() for ln in _outside_notes(lines, cfg)
            if len(ln.strip()) > cfg.body_line_min]
    if not body:
        return "paragraph"
    lengths = sorted(len(ln) for ln in body)
    p90 = lengths[int(0.9 * (len(lengths) - 1))]
    open_ended = sum(not ln.endswith(TERMINAL) for ln in body) / len(body)
    wrapped = p90 <= cfg.wrapped_p90_max and open_ended >= cfg.wrapped_open_share
    return "wrapped" if wrapped else "paragraph"


def footnote_start(text: str) -> tuple[int, str] | None:
    """Number and text of a footnote paragraph (``<sup>3</sup> …`` or ``³…``)."""
    for rx in (_FN_SUP, _FN_UNI):
        m = rx.match(text)
        if m:
            return int(m.group(1).translate(SUP_TO_DIGIT)), text[m.end():].strip()
    return None


def ends_paragraph(text: str) -> bool:
    return text.rstrip().rstrip("*").rstrip().endswith(TERMINAL)


def _starts_lower(text: str) -> bool:
    t = text.lstrip("*_ ")
    return bool(t) and (t[0].islower() or t[0] in ",;).")


def _page_number(stripped: str, page: int) -> int | None:
    m = _PAGE_NO.match(stripped)
    if m and int(m.group(1)) in (page, page + 1):
        return int(m.group(1))
    return None


def _scan_wrapped(lines: list[str], cfg: LayoutConfig) -> list[_Unit]:
    """Lines -> units, tracking pages and the footnote area at page bottoms.

    With real page breaks (``\f`` from a PDF reader) those alone count pages;
    otherwise printed page numbers and the extractor's indented first line do.
    """
    units: list[_Unit] = []
    page, in_fn, pending = 1, False, False
    has_ff = "\f" in lines
    for line in lines:
        stripped = line.strip()
        if line == "\f" or (not stripped and len(line) >= cfg.note_rule_min):
            page, in_fn = (page + 1, False) if line == "\f" else (page, True)
            continue
        if not stripped:
            continue
        number = _page_number(stripped, page)
        if number is not None:
            if not has_ff:
                page, pending = (number, False) if number > page else (page, True)
            in_fn = False
            continue
        if not has_ff and (pending or _PAGE_START.match(line)) and units:
            page, pending, in_fn = page + 1, False, False
        if in_fn:
            m = _FN_PLAIN.match(stripped)
            units.append(_Unit(stripped[m.end():] if m else stripped, page,
                               fn=int(m.group(1)) if m else None, fn_cont=not m, raw=stripped))
            continue
        units.append(_Unit(stripped, page, width=len(line.rstrip()),
                           hard_end=line.endswith("  ")))
    return units


def _scan_paragraphs(lines: list[str]) -> list[_Unit]:
    """Blank-line separated blocks -> units; footnote paragraphs recognised."""
    units: list[_Unit] = []
    page, buf = 1, []
    for line in lines + [""]:
        if line == "\f":
            page += 1
            continue
        if line.strip():
            buf.append(line.strip())
            continue
        if not buf:
            continue
        text, buf = " ".join(buf), []
        number = _page_number(text, page) if len(text) <= 3 else None
        if number is not None:
            if "\f" not in lines:
                page = number if number > page else page + 1
            continue
        fn = footnote_start(text)
        units.append(_Unit(fn[1], page, fn=fn[0]) if fn else _Unit(text, page))
    return units


def _joins_wrapped(prev: _Unit, unit: _Unit, width: int, in_plan: bool,
                   cfg: LayoutConfig, marked: bool = False) -> bool:
    """Whether a wrapped line continues the paragraph of the previous line. ``marked``: the
    reader marks paragraph ends (two trailing spaces, from indents and gaps), so a short
    unmarked line that looks like a numbered heading ("2. Sở Tài nguyên …, Sở") wraps on."""
    if prev.text.endswith("./.") or unit.text.startswith("#"):  # closing mark; a markdown
        return False  # heading (DOCX and markdown files) never continues the line before it
    heading_next = looks_like_heading(unit.text, in_plan) or _LIST_ITEM.match(unit.text)
    if heading_next and (ends_paragraph(prev.text) or prev.width < cfg.join_full_line * width):
        return False
    if _starts_lower(unit.text):
        return True
    if looks_like_heading(prev.text, in_plan) and prev.width < cfg.heading_full_line * width:
        return marked and not (prev.hard_end or prev.text.isupper() or ends_paragraph(prev.text))
    if ends_paragraph(prev.text):
        return not (prev.hard_end or prev.width < cfg.join_sentence_full * width)
    return prev.width >= cfg.join_full_line * width


def _joins_paragraph(prev: _Unit, unit: _Unit, after_fn: bool, in_plan: bool) -> bool:
    """A paragraph split by a footnote block or page break lacks its end mark."""
    if looks_like_heading(unit.text, in_plan) or looks_like_heading(prev.text, in_plan):
        return False
    if ends_paragraph(prev.text):
        return False
    return _starts_lower(unit.text) or after_fn


def _assemble(units: list[_Unit], fmt: str, cfg: LayoutConfig, marked: bool) -> Layout:
    widths = sorted(u.width for u in units if u.fn is None and not u.fn_cont)
    width = max(cfg.min_width, widths[int(0.9 * (len(widths) - 1))]) if widths else 80
    blocks: list[Block] = []
    footnotes: dict[int, list] = {}
    last_fn: int | None = None
    prev: _Unit | None = None
    after_fn = in_plan = False
    for i, u in enumerate(units):
        if u.fn is not None or u.fn_cont:
            last_fn = _add_footnote(footnotes, u, last_fn)
            after_fn = True
            continue
        nxt = units[i + 1] if i + 1 < len(units) else None
        if prev is not None and blocks:
            if fmt == "wrapped":
                join = _joins_wrapped(prev, u, width, in_plan, cfg, marked)
            else:
                join = _joins_paragraph(prev, u, after_fn, in_plan)
            if join:
                _extend(blocks[-1], u)
                prev, after_fn = _merged(prev, u), False
                continue
            if fmt == "paragraph" and after_fn and nxt is not None and nxt.fn is not None:
                last_fn = _add_footnote(footnotes, _Unit(u.text, u.page, fn_cont=True), last_fn)
                continue
        blocks.append(Block(u.text, u.page, u.page))
        prev, after_fn = u, False
        heading = match_heading(u.text, in_plan)
        if heading is not None and heading.rank <= 1:
            in_plan = heading.is_plan
    notes = {n: Footnote(n, " ".join(parts), page) for n, (page, parts) in footnotes.items()}
    return Layout(fmt, blocks, notes)


def _merged(prev: _Unit, unit: _Unit) -> _Unit:
    return _Unit(prev.text + " " + unit.text, unit.page, width=unit.width, hard_end=unit.hard_end)


def _extend(block: Block, unit: _Unit) -> None:
    head = block.text.rstrip()
    head += "" if re.search(r"\w[-/]$", head) else " "  # "1661/QĐ-" + "TTg" wrapped
    if unit.page != block.page_end:
        block.page_breaks.append(len(head))
    block.text = head + unit.text.lstrip()
    block.page_end = unit.page


def _add_footnote(footnotes: dict[int, list], unit: _Unit, last: int | None) -> int | None:
    """Start footnote ``unit.fn`` or continue the last one.

    Footnotes are numbered in order, so a number that is not the next one is
    a continuation line that happens to start with a number.
    """
    starts = unit.fn is not None and unit.fn not in footnotes
    if starts and (last is None or unit.fn == last + 1 or not unit.raw):
        footnotes[unit.fn] = (unit.page, [unit.text])
        return unit.fn
    if last is not None:
        footnotes[last][1].append(unit.raw or unit.text)
    return last


def layout(text: str, cfg: LayoutConfig = LayoutConfig(), fmt: str | None = None,
           marked: bool = False) -> Layout:
    """``fmt``: the convention when the reader knows it (a web page is one block per
    paragraph, however short its paragraphs are); else it is detected. ``marked``: the
    reader marks every paragraph's last line (``_joins_wrapped``)."""
    lines = normalize(text).split("\n")
    fmt = fmt or detect_format(lines, cfg)
    units = _scan_wrapped(lines, cfg) if fmt == "wrapped" else _scan_paragraphs(lines)
    return _assemble(units, fmt, cfg, marked)
