"""HTML for answers, passages, the report list and status lines.

Inputs are the library's records (``Answer``, ``SearchResult``, ``DocInfo``).
Report text may contain anything (uploaded files included), so
every string from it is passed through ``html.escape`` before it is placed in
markup; the only markup added is ours (marks, links with ``data-*`` ids).
"""

from __future__ import annotations

import re
from html import escape

from rag.ingest.figures import FIGURE_RE
from rag.records import Answer, Citation, DocInfo, Footnote, Hit, SearchResult
from ui.messages import vi_date, vi_number

_INLINE = re.compile(rf"(?P<cite>\[(?P<n>\d{{1,3}})\])|(?P<fig>{FIGURE_RE.pattern})")


def esc(value) -> str:
    """Escape for text and for double- or single-quoted attributes."""
    return escape("" if value is None else str(value), quote=True)


def inline(text: str, cites: bool = False) -> str:
    """Escaped text with every figure in <mark> and, if ``cites``, [n] as links."""
    out, pos = [], 0
    for m in _INLINE.finditer(text or ""):
        out.append(esc(text[pos:m.start()]))
        if m.group("cite") and cites:
            n = m.group("n")
            out.append(f'<a class="cite" role="button" tabindex="0" data-kind="cite" '
                       f'data-n="{n}" title="Mở đoạn trích dẫn {n}">[{n}]</a>')
        elif m.group("cite"):
            out.append(esc(m.group(0)))
        else:
            out.append(f'<mark class="fig">{esc(m.group(0))}</mark>')
        pos = m.end()
    out.append(esc((text or "")[pos:]))
    return "".join(out)


def meta_line(period: str, section: str, page) -> str:
    bits = []
    if period:
        bits.append(f"Kỳ: {esc(period)}")
    if section:
        bits.append(f"Mục: {esc(section)}")
    if page:
        bits.append(f"Trang {esc(page)}")
    return f'<div class="meta">{" · ".join(bits)}</div>' if bits else ""


def notes_list(notes: tuple[Footnote, ...]) -> str:
    if not notes:
        return ""
    items = "".join(f'<li class="note" data-fn-n="{esc(f.n)}"><sup>{esc(f.n)}</sup> '
                    f'{inline(f.text)}</li>' for f in notes)
    return f'<ul class="notes" aria-label="Chú thích">{items}</ul>'


def shown_footnotes(c: Citation) -> tuple[Footnote, ...]:
    """The footnotes cited inside the quote and those the answer quotes, by number."""
    seen = {f.n: f for f in (*c.quote_footnotes, *c.footnotes)}
    return tuple(seen[n] for n in sorted(seen))


def scanned_note(c: Citation) -> str:
    if not c.scanned:
        return ""
    return '<div class="scanned-note">Trích từ bản quét, cần đối chiếu với bản gốc.</div>'


def answer_view(ans: Answer, seconds: float | None = None, note: str = "",
                passage=None) -> str:
    """The answer page (``ui.answer_view``): the figure first, then its breakdown, the
    other statements and one card per source."""
    from ui.answer_view import answer_view as view

    return view(ans, seconds, note, passage)


def vi_seconds(seconds: float) -> str:
    return f"{seconds:.2f} giây".replace(".", ",")


def override_note(result: SearchResult) -> str:
    """Says that the question's own period beat the period filter."""
    if not result.period_overridden or not result.periods:
        return ""
    asked = ", ".join(p.label for p in result.periods)
    return (f'<div class="notice">Câu hỏi nêu kỳ {esc(asked)}, nên bộ lọc kỳ '
            f'«{esc(shorten(result.period_overridden))}» không được áp dụng.</div>')


ECHO_CHARS = 60  # what the page repeats of a filter the user typed (it may be 1 MB)
QUESTION_ECHO = 600  # a question is at most 500 characters; a longer one is refused


def shorten(text: str, limit: int = ECHO_CHARS) -> str:
    """The start of a user's text, for a notice that repeats it."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def elsewhere_links(docs: tuple[DocInfo, ...]) -> str:
    """Links to the reports outside the report filter that have the answer."""
    if not docs:
        return ""
    links = "".join(f'<li><a class="open-link" role="button" tabindex="0" data-kind="doc" '
                    f'data-doc="{esc(d.doc_id)}">{esc(d.title)} — '
                    f'{esc(d.period_label or "không rõ kỳ")}</a></li>' for d in docs)
    return f'<ul class="elsewhere" aria-label="Báo cáo có số liệu">{links}</ul>'


def hit_item(h: Hit) -> str:
    c = h.chunk
    return (
        f'<li class="hit" value="{esc(h.rank)}">'
        f'<a class="source-title" role="button" tabindex="0" data-kind="hit" '
        f'data-chunk="{esc(c.chunk_id)}">{esc(h.doc.title)}</a>'
        f'{meta_line(c.period_label, c.section, c.page_start)}'
        f'<div class="hit-text">{inline(c.text)}</div>{notes_list(c.footnotes)}'
        f'<a class="open-link" role="button" tabindex="0" data-kind="hit" '
        f'data-chunk="{esc(c.chunk_id)}">Xem trong báo cáo →</a></li>'
    )


def hits_view(result: SearchResult, seconds: float | None = None, note: str = "") -> str:
    """Search-only mode: the ranked passages, no composed answer."""
    hits = result.hits
    took = f' <span class="muted">({vi_seconds(seconds)})</span>' if seconds is not None else ""
    parts = [f'<div class="view" data-question="{esc(shorten(result.query, QUESTION_ECHO))}">',
             note,
             override_note(result),
             f'<h3>Các đoạn liên quan ({len(hits)}){took}</h3>']
    if result.periods and not result.period_covered:
        parts.append(f'<p class="muted">Không có báo cáo nào cho kỳ '
                     f'{esc(result.periods[0].label)}; các đoạn dưới đây thuộc kỳ khác.</p>')
    if not hits:
        parts.append('<p class="muted">Không có đoạn nào phù hợp.</p>')
    else:
        parts.append('<ol class="hits">' + "".join(hit_item(h) for h in hits) + "</ol>")
    parts.append("</div>")
    return "".join(parts)


def doc_list_view(docs: list[DocInfo]) -> str:
    """Every indexed report as a clickable row: title and file, period, type (as parsed),
    date (dd/mm/yyyy, or "tháng mm/yyyy" when only the month is known)."""
    if not docs:
        return '<div class="view muted">Chưa có báo cáo nào trong chỉ mục.</div>'
    rows = "".join(
        f'<tr data-kind="doc" data-doc="{esc(d.doc_id)}" tabindex="0">'
        f'<td><span class="source-title">{esc(d.title)}</span>'
        f'<div class="muted">{esc(d.source)}</div></td>'
        f'<td data-th="Kỳ báo cáo">{esc(d.period_label) or "—"}</td>'
        f'<td data-th="Loại">{esc(d.doc_type[:1].upper() + d.doc_type[1:])}</td>'
        f'<td data-th="Ngày ban hành">{esc(vi_date(d.date))}</td></tr>'
        for d in docs)
    return (f'<div class="view"><table class="doc-list"><thead><tr><th>Báo cáo</th>'
            f"<th>Kỳ báo cáo</th><th>Loại</th><th>Ngày ban hành</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")


def message(text: str, kind: str = "muted", question: str | None = None) -> str:
    """A one-line notice; ``kind`` is muted | error-box | ok-box; ``question`` tags the
    view with the question it answers (the page and tests tell replies apart by it)."""
    tag = f' data-question="{esc(shorten(question, QUESTION_ECHO))}"' \
        if question is not None else ""
    return f'<div class="view"{tag}><div class="{kind}">{esc(text)}</div></div>'


def status_view(status: dict) -> str:
    """Index status line: ready (counts), building (progress bar) or error."""
    state = status["state"]
    if state == "building":
        frac = max(0.0, min(1.0, status.get("fraction", 0.0)))
        return (f'<div class="status building" role="status">{esc(status["text"])}'
                f'<progress max="100" value="{frac * 100:.0f}"></progress> '
                f"{frac * 100:.0f}%</div>")
    cls = "status error" if state == "error" else "status"
    return f'<div class="{cls}" role="status">{esc(status["text"])}</div>'


# -- managing reports (admin) ---------------------------------------------------------

def _figures_line(label: str, figures: list[str], limit: int = 12) -> str:
    if not figures:
        return ""
    shown = ", ".join(esc(f) for f in figures[:limit])
    more = f" và {len(figures) - limit} số liệu khác" if len(figures) > limit else ""
    return f"<li>{label}: {shown}{more}</li>"


def _changes(p) -> str:
    """What a replacement changes: title, periods, the figures that go and come."""
    old = p.old
    items = []
    if old.title != p.title:
        items.append(f"<li>Tiêu đề: «{esc(old.title)}» → «{esc(p.title)}»</li>")
    if old.period_label != p.period:
        items.append(f"<li>Kỳ báo cáo: {esc(old.period_label or '—')} → "
                     f"{esc(p.period or '—')}</li>")
    items.append(_figures_line("Số liệu bị bỏ", p.removed_figures))
    items.append(_figures_line("Số liệu mới", p.added_figures))
    if not p.removed_figures and not p.added_figures:
        items.append("<li>Không có số liệu nào thay đổi (chỉ câu chữ).</li>")
    return f'<ul class="changes">{"".join(items)}</ul>'


def plan_view(plans: list, reasons: dict[str, str], error: str | None = None) -> str:
    """The confirmation an upload needs: what would be added, replaced (and how), refused
    (``reasons``: file name -> why, in Vietnamese)."""
    parts = ['<div class="view plan">']
    if error:
        parts.append(f'<div class="error-box">{esc(error)}</div>')
    for p in plans:
        name, period = esc(p.name), esc(p.period or "không rõ kỳ")
        if p.status == "new":
            parts.append(f'<div class="ok-box" data-plan="new" data-doc="{esc(p.doc_id)}">'
                         f"Sẽ thêm «{esc(p.title)}» — {period} (tệp {name}).</div>")
        elif p.status == "replace":
            parts.append(f'<div class="warn-box" data-plan="replace" data-doc="{esc(p.doc_id)}">'
                         f"Sẽ <b>thay thế</b> báo cáo đã có «{esc(p.old.title)}» bằng tệp "
                         f"{name}:{_changes(p)}</div>")
        elif p.status == "unchanged":
            parts.append(f'<div class="muted" data-plan="unchanged">«{name}» đã có trong chỉ '
                         "mục, không thay đổi.</div>")
        else:
            parts.append(f'<div class="error-box" data-plan="failed">Không thêm được «{name}»: '
                         f"{esc(reasons.get(p.name, ''))}</div>")
    if any(p.status in ("new", "replace") for p in plans):
        parts.append(_expected_time(plans))
        parts.append('<p class="muted">Chưa có gì được ghi. Bấm «Xác nhận» để ghi vào chỉ mục, '
                     "hoặc «Huỷ».</p>")
    parts.append("</div>")
    return "".join(parts)


def _expected_time(plans: list) -> str:
    """How long confirming will take (rag.index.limits: a rate measured on an idle machine)."""
    from rag.index.limits import CHUNKS_PER_SECOND

    todo = [p for p in plans if p.status in ("new", "replace")]
    seconds = sum(p.expected_seconds for p in todo)
    took = (f"khoảng {max(1, round(seconds))} giây" if seconds < 90
            else f"khoảng {round(seconds / 60)} phút")
    return (f'<p class="muted" data-plan="time">Thời gian lập chỉ mục dự kiến: {took} '
            f"({sum(p.n_embed for p in todo)} đoạn mới, ước tính theo "
            f"{vi_number(CHUNKS_PER_SECOND, 0)} đoạn/giây khi máy rảnh; máy bận sẽ lâu hơn)."
            "</p>")


def write_result_view(done: list[DocInfo], replaced: set[str], failed: dict[str, str],
                      removed: list[DocInfo], totals: str) -> str:
    """What a confirmed write did; added and replaced reports can be opened."""
    parts = ['<div class="view">']
    for d in done:
        what = "Đã thay thế" if d.doc_id in replaced else "Đã thêm"
        parts.append(f'<div class="ok-box">{what} «{esc(d.title)}» — '
                     f'{esc(d.period_label or "không rõ kỳ")}. '
                     f'<a class="open-link" role="button" tabindex="0" data-kind="doc" '
                     f'data-doc="{esc(d.doc_id)}">Xem báo cáo →</a></div>')
    for d in removed:
        parts.append(f'<div class="ok-box">Đã xoá «{esc(d.title)}» khỏi chỉ mục.</div>')
    for name, why in failed.items():
        parts.append(f'<div class="error-box">Không thêm được «{esc(name)}»: {esc(why)}</div>')
    parts.append(f'<p class="muted">{esc(totals)}</p></div>')
    return "".join(parts)


def removal_view(d: DocInfo) -> str:
    return (f'<div class="view"><div class="warn-box" data-plan="remove" '
            f'data-doc="{esc(d.doc_id)}">Sẽ <b>xoá</b> «{esc(d.title)}» — '
            f'{esc(d.period_label or "không rõ kỳ")} (tệp {esc(d.source)}) khỏi chỉ mục. '
            "Người quản trị vẫn khôi phục được bằng «baocao index rollback».</div>"
            '<p class="muted">Chưa có gì bị xoá. Bấm «Xác nhận xoá» hoặc «Huỷ».</p></div>')
