"""HTML reader: a saved portal news page (.html/.htm) -> text in the layout conventions.

The page is decoded and tokenized by ``rag.ingest.html_tree`` (scripts, menus,
sidebars and link lists removed; nothing is executed, no markup is kept), and
its article element rendered as one paragraph per block: ``h2``-``h4`` as
markdown ``#`` headings (the parser still ranks them by their numbering),
``<sup>N</sup>`` footnote references kept, data tables as ``Table`` records,
other tables as ``cell | cell`` rows. Bold is not a heading here: web pages
set lead paragraphs and bylines in bold. Bylines, photo captions, breadcrumbs
and "Tin liên quan" lines are dropped, because the parser would take a short
all-caps author line or caption for a heading. The title comes from ``<h1>``
(else ``og:title``, else ``<title>`` without the site name), the date from the
page's published time or a dated byline; the parser reads them as the front
matter a web page does not print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import InputError
from rag.ingest.html_tree import Node, decode_html, main_content, parse_tree, prune
from rag.ingest.tables.docx_tables import grid_table
from rag.ingest.tables.grid import GCell
from rag.periods import parse_date

DOC_TYPE = "tin bài"  # a news article, not an official report
BLOCKS = frozenset({
    "p", "div", "li", "ul", "ol", "section", "article", "main", "header", "figure",
    "blockquote", "dd", "dt", "dl", "pre", "center", "address", "h5", "h6", "tr", "td", "th",
    "caption", "tbody", "thead", "tfoot"
})
HEADINGS = ("h1", "h2", "h3", "h4")
MAX_SPAN = 50  # format: no report table spans more; larger colspan/rowspan are clamped
MAX_GRID = 100_000  # grid positions; a larger table is read as rows of text
LAYOUT_CELL = 500  # format: a table cell this long holds page layout, not a figure
FIGURE_TEXT = 300  # an image table with no more text than this is a photo and its caption
_NOTE = re.compile(r"^\[?(\d{1,3})\]?$")
_LABELS = (r"tác giả|tin(?:\s*(?:và|,|-)\s*ảnh)?|bài(?:\s*(?:và|,|-)\s*ảnh)?|ảnh|nguồn(?: tin)?|"
           r"phóng viên|người viết|biên tập(?: viên)?|(?:ngày )?cập nhật|ngày đăng|đăng ngày|"
           r"ngày xuất bản|lượt xem|thời gian đăng|tags?|từ khóa|từ khoá")
_BYLINE_COLON = re.compile(rf"^\(?\s*(?:{_LABELS})\s*:", re.I)
_BYLINE_SHORT = re.compile(rf"^\(?\s*(?:{_LABELS}|pv|ctv|btv)\b", re.I)
_SOURCE = re.compile(r"^\(\s*theo\b[^()]*\)\.?$|^theo\s+[^,;\d]{2,60}[^.,;\d]$", re.I)
_DATE = re.compile(r"\b\d{1,2}[/-]\d{1,2}[/-]\d{4}\b")
_DATE_NOISE = re.compile(r"\d{1,2}[/-]\d{1,2}[/-]\d{4}|\d{1,2}:\d{2}(?::\d{2})?|gmt\s*[+-]?\d*|"
                         r"thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s*nhật|\b(?:am|pm)\b|[^\w\s]",
                         re.I)
_CHROME_LINE = re.compile(r"^(?:trang chủ\s*[>»›/|]|(?:tin|bài viết|bài|các tin)\s+(?:liên quan|"
                          r"khác|cùng chuyên mục|mới nhất|đã đưa)|xem thêm|chia sẻ|in bài|"
                          r"gửi email|bình luận|ý kiến bạn đọc|bản in|quay lại|về đầu trang)",
                          re.I)
_SITE = re.compile(r"cổng|^\s*báo\s+(?!cáo)|trang (?:tin|thông tin)|thông tin điện tử|\.vn\b|"
                   r"\.gov|portal|online", re.I)
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_DATE_KEYS = ("article:published_time", "datepublished", "pubdate", "publishdate", "date",
              "dc.date", "article:modified_time")
_TERMINAL = (".", ":", ";", "!", "?", "…")


@dataclass
class HtmlContent:
    """The article's text and tables, and the title and date the page's markup gives."""

    text: str
    tables: list = field(default_factory=list)
    title: str | None = None
    date: str | None = None


def read_html_content(path: Path) -> HtmlContent:
    """Article text, tables, title and date of a saved web page, or an ``InputError``."""
    path = Path(path)
    root = parse_tree(decode_html(path.read_bytes(), path.name), path.name)
    meta = _page_meta(root)
    prune(root)
    content = main_content(root)
    h1 = _title_heading(root, content)
    out = _Renderer(h1)
    out.render(content)
    blocks = out.finish()
    if not blocks and not out.tables:
        raise InputError("html.no_text", name=path.name)
    title = inline_text(h1) if h1 is not None else ""
    title = title or _trim_site(meta.get("og:title", ""), meta.get("og:site_name", "")) or \
        _trim_site(meta.get("title", ""), meta.get("og:site_name", ""))
    date = next((d for k in _DATE_KEYS if (d := _iso_date(meta.get(k, "")))), None)
    date = date or _time_date(content) or _time_date(root) or out.byline_date
    return HtmlContent("\n\n".join(blocks) + "\n", out.tables, title or None, date)


def inline_text(node: Node, marks: bool = False) -> str:
    """Text of an element, words kept whole across inline tags; ``marks``: footnote
    references as ``<sup>N</sup>`` (else left out, as in table cells and titles)."""
    out: list[str] = []
    for c in node.children:
        if isinstance(c, str):
            out.append(c)
        elif (mark := _note_mark(c)) is not None:
            out.append(f"<sup>{mark}</sup>" if marks else "")
        elif c.tag == "br" or c.tag in BLOCKS:
            out.append(f" {inline_text(c, marks)} ")
        else:
            out.append(inline_text(c, marks))
    return " ".join("".join(out).split())


def _note_mark(node: Node) -> str | None:
    """``<sup>3</sup>``, ``<sup>[3]</sup>`` or Word's ``<a href="#_ftn3">[3]</a>``."""
    note_link = node.tag == "a" and "#_ftn" in node.attrs.get("href", "")
    if node.tag != "sup" and not note_link:
        return None
    m = _NOTE.match(inline_text(node))
    return m.group(1) if m else None


class _Renderer:
    """Walks the article element and collects its blocks, tables, and a byline date."""

    def __init__(self, title: Node | None) -> None:
        self.title = title
        self.blocks: list[str] = []
        self.tables: list = []
        self.pieces: list[tuple[str, bool]] = []  # (text, in italics)
        self.italic = 0
        self.image = False  # an image stands before the next text: italics are its caption
        self.byline_date: str | None = None

    def render(self, node: Node) -> None:
        for child in node.children:
            if isinstance(child, str):
                self.pieces.append((child, self.italic > 0))
            else:
                self._element(child)

    def _element(self, n: Node) -> None:
        tag = n.tag
        if n is self.title or tag == "figcaption" or "caption" in n.attrs.get("class", "").lower():
            return
        if tag in ("br", "hr"):
            self._flush()
        elif tag == "img":
            self.image = self.image or not "".join(t for t, _ in self.pieces).strip()
        elif tag in HEADINGS:
            self._flush()
            self._heading(n)
        elif tag == "table":
            self._flush()
            self._table(n)
        elif (mark := _note_mark(n)) is not None:
            self.pieces.append((f"<sup>{mark}</sup>", False))
        else:
            self._container(n)

    def _container(self, n: Node) -> None:
        block, italic = n.tag in BLOCKS, n.tag in ("em", "i")
        if block:
            self._flush()
        if n.tag == "li":
            self.pieces.append(("- ", True))
        self.italic += italic
        self.render(n)
        self.italic -= italic
        if block:
            self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(t for t, _ in self.pieces).split())
        italic_only = all(i or not t.strip() for t, i in self.pieces)
        self.pieces = []
        if not text.strip("- "):
            return
        was_image, self.image = self.image, False
        if (was_image and italic_only) or _CHROME_LINE.match(text):
            return  # a photo's caption; a "Tin liên quan" or breadcrumb line
        if is_byline(text):
            self.byline_date = self.byline_date or (parse_date(text) if _DATE.search(text)
                                                    else None)
            return
        self.blocks.append(re.sub(r"^[#\s]+", "", text) if text.startswith("#") else text)

    def _heading(self, n: Node) -> None:
        text = inline_text(n, marks=True).replace("*", "")
        if not text or is_byline(text) or _CHROME_LINE.match(text):
            return
        self.blocks.append(f"{'#' * max(1, int(n.tag[1]) - 1)} **{text}**")

    def _table(self, n: Node) -> None:
        """A data table -> ``Table``; a photo frame is dropped; a layout table is read as
        blocks; any other table as ``cell | cell`` rows."""
        cells = [c for c in n.iter() if c.tag in ("td", "th")]
        text = inline_text(n)
        if any(c.tag == "img" for c in n.iter()) and len(text) <= FIGURE_TEXT:
            return
        nested = any(t.tag in ("table", *HEADINGS) for t in n.iter() if t is not n)
        if nested or any(len(inline_text(c)) > LAYOUT_CELL for c in cells):
            self._container(n)
            return
        grid = html_grid(n)
        caption = next((inline_text(c) for c in n.iter() if c.tag == "caption"), "")
        last = re.sub(r"<sup>\d+</sup>", "", self.blocks[-1]) if self.blocks else ""
        table = grid_table(*grid, f"T{len(self.tables) + 1}", caption or last) if grid else None
        if table is not None:
            self.tables.append(table)
            return
        for tr in (r for r in n.iter() if r.tag == "tr"):
            row = " | ".join(t for c in tr.children if isinstance(c, Node)
                             and c.tag in ("td", "th") if (t := inline_text(c, marks=True)))
            if row:
                self.blocks.append(row)

    def finish(self) -> list[str]:
        """The blocks, without the author's signature line that ends a news article."""
        self._flush()
        for _ in range(2):
            if self.blocks and _signature(self.blocks[-1]):
                self.blocks.pop()
        return self.blocks


def is_byline(text: str) -> bool:
    """Author, source and date lines: "Tin, ảnh: …", "PV", "(Theo …)", "Cập nhật: 04/06/2024",
    "Thứ Ba, 04/06/2024 09:15"; long lines are sentences whatever they start with."""
    if len(text) > 150:
        return False
    if _BYLINE_COLON.match(text) or _SOURCE.match(text):
        return True
    if len(text) <= 40 and _BYLINE_SHORT.match(text):
        return True
    return len(text) <= 80 and bool(_DATE.search(text)) and \
        len(_DATE_NOISE.sub(" ", text).split()) <= 3


def _signature(text: str) -> bool:
    """"Minh Anh", "THU HÀ - PV": a few words, no digits, no sentence end."""
    return (len(text) <= 40 and len(text.split()) <= 6 and not re.search(r"[\d#|]", text)
            and not text.endswith(_TERMINAL))


def html_grid(table: Node) -> tuple[list[GCell], int, int, int] | None:
    """``<tr>``/``<td>`` with colspan/rowspan -> merged cells, as Word's grid; the header
    rows are the leading ``<thead>`` or all-``<th>`` rows. None for an oversized grid."""
    rows = [r for r in table.iter() if r.tag == "tr"]
    taken: set[tuple[int, int]] = set()
    cells: list[GCell] = []
    header = ncols = 0
    for r, tr in enumerate(rows):
        tds = [c for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")]
        if header == r and tds and (tr.parent.tag == "thead" or all(c.tag == "th" for c in tds)):
            header = r + 1
        col = 0
        for td in tds:
            while (r, col) in taken:
                col += 1
            cs, rs = _span(td, "colspan"), min(_span(td, "rowspan") or len(rows), len(rows) - r)
            cells.append(GCell(r, r + rs, col, col + cs, inline_text(td)))
            taken.update((y, x) for y in range(r, r + rs) for x in range(col, col + cs))
            col += cs
            ncols = max(ncols, col)
        if len(taken) > MAX_GRID:
            return None
    return cells, len(rows), ncols, header


def _span(td: Node, name: str) -> int:
    value = td.attrs.get(name, "1").strip()
    return max(0, min(int(value), MAX_SPAN)) if value.isdigit() else 1


def _page_meta(root: Node) -> dict[str, str]:
    """``<meta property|name|itemprop=… content=…>`` values and the ``<title>``."""
    meta: dict[str, str] = {}
    for n in root.iter():
        if n.tag == "meta":
            key = n.attrs.get("property") or n.attrs.get("name") or n.attrs.get("itemprop") or ""
            meta.setdefault(key.lower(), " ".join(n.attrs.get("content", "").split()))
        elif n.tag == "title" and not n.inside("svg") and "title" not in meta:
            meta["title"] = inline_text(n)
    return meta


def _title_heading(root: Node, content: Node) -> Node | None:
    """The last ``<h1>`` at or before the end of the article: a site logo's ``<h1>``
    comes earlier, the article's own stands just before or inside it."""
    order = {id(n): i for i, n in enumerate(root.iter())}
    end = max(order[id(n)] for n in content.iter())
    heads = [n for n in root.iter() if n.tag == "h1" and order[id(n)] <= end and inline_text(n)]
    return heads[-1] if heads else None


def _trim_site(title: str, site: str) -> str:
    """"Giải ngân … | Cổng TTĐT tỉnh" -> "Giải ngân …"; " - " only before a site name."""
    for sep in (" | ", " - ", " – ", " — "):
        head, found, tail = title.rpartition(sep)
        if found and head.strip() and (sep == " | " or tail.strip() == site or _SITE.search(tail)):
            return head.strip()
    return title.strip()


def _iso_date(value: str) -> str | None:
    m = _ISO.match(value)
    if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
        return "-".join(m.groups())
    return parse_date(value) if value else None


def _time_date(node: Node) -> str | None:
    return next((d for n in node.iter() if n.tag == "time"
                 and (d := _iso_date(n.attrs.get("datetime", "")))), None)
