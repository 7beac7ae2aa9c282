"""The full report view: headings as nested sections, paragraphs, footnotes, a section tree.

Built from the parsed report the index stores (``Index.document``), so what a
citation points at (character spans in ``Document.text``) can be highlighted
exactly. Footnotes are shown right under each paragraph that cites them, so a
cited passage has its footnotes beside it. Tables stand where the text places
them, the cited cell marked (``ui.tables``). All report text is escaped here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.records import DocInfo, Document, Footnote, Paragraph
from ui.messages import vi_date
from ui.render import esc
from ui.tables import table_html

SCANNED = "Văn bản đọc từ bản quét (OCR): trích từ bản quét, cần đối chiếu với bản gốc."


@dataclass(frozen=True)
class Highlight:
    """What to mark: the cited passage (chunk span), the quoted sentence, the footnotes."""

    start: int
    end: int
    quote: tuple[int, int] | None = None
    footnotes: frozenset[int] = frozenset()
    label: str = ""
    section_path: tuple[str, ...] = ()
    table_id: str | None = None  # a cited table row, and its cited columns
    row: int | None = None
    columns: frozenset[int] = frozenset()


def _clip(span: tuple[int, int] | None, base: int, size: int) -> tuple[int, int] | None:
    """A document span in paragraph-local offsets, or None when they do not meet."""
    if span is None:
        return None
    a, b = max(span[0] - base, 0), min(span[1] - base, size)
    return (a, b) if a < b else None


def _inside(a: int, b: int, span: tuple[int, int] | None) -> bool:
    return span is not None and span[0] <= a and b <= span[1]


@dataclass
class _Renderer:
    doc: Document
    hl: Highlight | None
    footnotes: dict[int, Footnote] = field(default_factory=dict)
    anchored: bool = False
    page: int | None = None
    referenced: set[int] = field(default_factory=set)
    pending: list = field(default_factory=list)  # tables not yet placed

    def __post_init__(self) -> None:
        self.footnotes = dict(self.doc.footnotes)

    def _sup(self, numbers: list[int], pid: int) -> str:
        cited = self.hl.footnotes if self.hl else frozenset()
        return "".join(
            f'<sup class="fn-ref{" cited" if n in cited else ""}"><a role="button" '
            f'data-target="fn-{pid}-{n}" data-block="center">{n}</a></sup>' for n in numbers)

    def paragraph(self, p: Paragraph, pid: int, kind: str = "") -> str:
        """Body text with footnote markers at their offsets and the cited spans marked."""
        text, base = p.text, p.start
        at: dict[int, list[int]] = {}
        for n, off in p.markers:
            at.setdefault(int(off), []).append(int(n))
        passage = _clip((self.hl.start, self.hl.end), base, len(text)) if self.hl else None
        quote = _clip(self.hl.quote, base, len(text)) if self.hl else None
        cuts = sorted({0, len(text), *at, *(passage or ()), *(quote or ())})
        out = [self._sup(at.get(0, []), pid)]
        for a, b in zip(cuts, cuts[1:], strict=False):
            seg = esc(text[a:b]) + self._sup(at.get(b, []), pid)  # a marker follows its word
            if _inside(a, b, quote):
                seg = f'<mark class="cited">{seg}</mark>'
            if _inside(a, b, passage):
                seg = f'<span class="passage">{seg}</span>'
            out.append(seg)
        anchor = ""
        if passage and not self.anchored:
            anchor, self.anchored = ' id="cited-anchor"', True
        cls = " ".join(c for c in ("para", kind, "in-passage" if passage else "") if c)
        body = f'<p class="{cls}"{anchor}>{"".join(out)}</p>'
        return body + self.notes([n for n, _ in p.markers], pid)

    def notes(self, numbers: list[int], pid: int) -> str:
        """The footnotes a paragraph cites, right under it (cited ones highlighted)."""
        shown = []
        for n in dict.fromkeys(int(x) for x in numbers):
            note = self.footnotes.get(n)
            if note is None:
                continue
            self.referenced.add(n)
            shown.append(self.note(n, note, f"fn-{pid}-{n}"))
        return f'<aside class="fn-block">{"".join(shown)}</aside>' if shown else ""

    def note(self, n: int, note: Footnote, elem_id: str) -> str:
        cited = bool(self.hl and n in self.hl.footnotes)
        label = '<span class="fn-label">Chú thích được trích dẫn</span>' if cited else ""
        cls = "fn cited-fn" if cited else "fn"
        return (f'<p class="{cls}" id="{elem_id}" data-fn-n="{n}">{label}<sup>{n}</sup> '
                f'{esc(note.text)}</p>')

    def page_mark(self, p: Paragraph) -> str:
        page = p.page_start
        mark = ""
        if page is not None and self.page is not None and page != self.page:
            mark = f'<span class="page-mark">— Trang {esc(page)} —</span>'
        if page is not None:
            self.page = page
        return mark

    def tables_before(self, offset: int | None) -> str:
        """The tables that stand before ``offset`` (all that are left, for None)."""
        out = []
        while self.pending and (offset is None or self.pending[0].offset < offset):
            t = self.pending.pop(0)
            cited = self.hl is not None and self.hl.table_id == t.table_id
            out.append(table_html(t, self.hl.row if cited else None,
                                  self.hl.columns if cited else frozenset()))
        return "".join(out)

    def body(self) -> str:
        """Paragraphs in nested <section>s that follow the report's heading tree."""
        out: list[str] = []
        stack: list[tuple[str, ...]] = []
        self.pending = sorted(self.doc.tables, key=lambda t: t.offset)
        for pid, p in enumerate(self.doc.paragraphs):
            out.append(self.tables_before(p.start))
            path = p.section_path
            heading = p.kind == "heading"
            while stack and not _opens(stack[-1], path, heading):
                out.append("</section>")
                stack.pop()
            out.append(self.page_mark(p))
            if heading:
                out.append(self.heading(p, path))
                stack.append(path)
            else:  # a heading or signature block is cited too ("số mấy", "ai ký")
                out.append(self.paragraph(p, pid, "front" if p.kind != "body" else ""))
        out.append(self.tables_before(None))
        out.extend("</section>" for _ in stack)
        return "".join(out) + self.other_notes()

    def heading(self, p: Paragraph, path: tuple[str, ...]) -> str:
        level = max(len(path), 1)
        tag = f"h{min(level + 2, 6)}"
        return (f'<section class="sec" id="sec-{p.start}" data-title="{esc(p.text)}">'
                f'<{tag} class="h lvl-{level}">{esc(p.text)}</{tag}>')

    def other_notes(self) -> str:
        """Footnotes no paragraph marker points at, so none is lost."""
        rest = [n for n in sorted(self.footnotes) if n not in self.referenced]
        if not rest:
            return ""
        items = "".join(self.note(n, self.footnotes[n], f"fn-end-{n}") for n in rest)
        return (f'<section class="sec" data-title="Chú thích khác">'
                f'<h3 class="h">Chú thích khác</h3><aside class="fn-block">{items}</aside>'
                "</section>")


def _opens(open_path: tuple[str, ...], path: tuple[str, ...], heading: bool) -> bool:
    """Whether a paragraph with ``path`` stays inside the open section ``open_path``."""
    n = len(open_path)
    if heading:
        return n < len(path) and path[:n] == open_path
    return path[:n] == open_path


def toc(doc: Document, current: tuple[str, ...] = ()) -> str:
    """Section tree; the sections on the cited passage's path are marked current."""
    items = []
    for s in doc.sections:
        path = s.path
        cur = " current" if current and current[:len(path)] == path else ""
        items.append(f'<li class="lvl-{esc(s.level)}{cur}"><a role="button" '
                     f'data-target="sec-{esc(s.start)}">{esc(s.title)}</a></li>')
    if not items:
        return ""
    return f'<nav class="toc" aria-label="Mục lục"><ul>{"".join(items)}</ul></nav>'


def _header(info: DocInfo, hl: Highlight | None, doc: Document | None = None) -> str:
    meta = [f"Kỳ báo cáo: {esc(info.period_label or '—')}", f"Loại: {esc(info.doc_type)}",
            f"Ngày: {esc(vi_date(info.date))}" if info.date else "", f"Tệp: {esc(info.source)}"]
    meta = [m for m in meta if m]  # no "Ngày: —": a report without a known date says none
    head = (f'<div class="reader-head"><h2>{esc(info.title)}</h2>'
            f'<div class="meta">{" · ".join(meta)}</div></div>')
    if doc is not None and doc.ocr_pages:
        poor = (f" Trang {', '.join(map(str, doc.poor_pages))} đọc không rõ, không đưa vào "
                "chỉ mục." if doc.poor_pages else "")
        head += f'<div class="reader-banner scanned">{esc(SCANNED + poor)}</div>'
    target = "cited-cell" if hl and hl.table_id else "cited-anchor"
    if hl:
        where = " > ".join(hl.section_path)
        what = " ".join(x for x in (esc(hl.label), f"— mục {esc(where)}" if where else "") if x)
        head += (f'<div class="reader-banner">Đoạn trích dẫn {what or "được tô màu bên dưới"}. '
                 f'<a class="open-link" role="button" data-target="{target}" '
                 'data-block="center">Đến đoạn trích dẫn ↓</a></div>')
    return head


def report_view(doc: Document, info: DocInfo, hl: Highlight | None = None,
                nonce: int = 0) -> str:
    """The whole report; ``nonce`` makes re-opening the same citation scroll again."""
    r = _Renderer(doc, hl)
    body = r.body()
    return (f'<div class="view reader" data-doc="{esc(info.doc_id)}" data-nonce="{nonce}">'
            f"{_header(info, hl, doc)}"
            f'<div class="reader-body">{toc(doc, hl.section_path if hl else ())}'
            f'<div class="doc-scroll"><article class="doc">{body}</article></div></div></div>')
