"""The answer as HTML: the figure first, then its breakdown, other statements, sources.

Order (``ui.answer_layout``): the headline (the asked figure, large, with its qualifier,
its own period and comparisons: the same text as the first line of ``baocao ask``); the
statement it is quoted from; "Trong đó": its parts as a list, each cited, a footnote's text
right after the clause it explains; "Thông tin khác": the other statements. A cross-period
answer is one line per period (a figure narrowed to a part keeps its qualifier); an
abstention says why and offers the closest passages. Sources: one card per passage (never
"1. [1]"), each with its quoted sentence. Every string from a report is escaped.
"""

from __future__ import annotations

from collections.abc import Callable

from rag.records import Answer, Chunk, Citation, Headline
from ui.answer_layout import Layout, Line, layout
from ui.render import (
    elsewhere_links,
    esc,
    hit_item,
    inline,
    meta_line,
    notes_list,
    override_note,
    scanned_note,
    shown_footnotes,
    vi_seconds,
)


def answer_view(ans: Answer, seconds: float | None = None, note: str = "",
                passage: Callable[[str], Chunk | None] | None = None) -> str:
    """The answer page of ``ans`` (``passage``: chunk id -> chunk, to place footnotes)."""
    abstained = ans.abstained
    cls = "answer abstained" if abstained else "answer"
    head = "Không tìm thấy câu trả lời" if abstained else "Trả lời"
    took = f' <span class="muted">({vi_seconds(seconds)})</span>' if seconds is not None else ""
    parts = [f'<div class="view" data-question="{esc(ans.question)}">', note,
             override_note(ans.result), f'<section class="{cls}"><h3>{head}{took}</h3>',
             _body(ans, passage), elsewhere_links(ans.result.elsewhere), "</section>"]
    related = ans.related if abstained and ans.reason != "not_in_selected" else ()
    if related:  # let the official check for themselves what came closest
        parts.append('<h3>Các đoạn gần nhất (không trả lời trực tiếp câu hỏi)</h3>'
                     '<ol class="hits">' + "".join(hit_item(h) for h in related) + "</ol>")
    parts.append(sources_view(ans.citations))
    parts.append("</div>")
    return "".join(parts)


def _body(ans: Answer, passage) -> str:
    if ans.abstained:
        return f'<p class="answer-text">{inline(ans.text, cites=True)}</p>'
    if ans.series:
        return _series_lines(ans)
    if ans.items:
        return _composed(layout(ans, passage))
    return f'<p class="answer-text">{inline(ans.text, cites=True)}</p>'  # a table or a signer


def _cite(n: int) -> str:
    return (f'<a class="cite" role="button" tabindex="0" data-kind="cite" data-n="{n}" '
            f'title="Mở đoạn trích dẫn {n}">[{n}]</a>')


def headline_view(h: Headline) -> str:
    """The asked figure, large; under it its period and comparisons (``Headline.text``)."""
    indicator = h.indicator[:1].upper() + h.indicator[1:]
    scope = f'<div class="hl-scope">({esc(h.scope)})</div>' if h.scope else ""
    rest = " · ".join([h.period, *h.comparisons])
    return (f'<div class="headline" data-headline="{esc(h.text)}">'
            f'<div class="hl-indicator">{esc(indicator)}</div>'
            f'<div class="hl-figure"><span class="hl-value">{esc(h.figure)}</span> '
            f'{_cite(h.citation)}</div>{scope}'
            f'<div class="hl-rest">{esc(rest)}</div></div>')


def _composed(lay: Layout) -> str:
    above = lay.headline.period if lay.headline else ""
    shown = lay.lead.label if lay.lead else above
    out = [headline_view(lay.headline)] if lay.headline else []
    out.append('<div class="answer-lines">')
    if lay.lead is not None:
        out.append(f'<p class="lead">{_line(lay.lead, above)}</p>')
    if lay.breakdown:
        out.append('<h4>Trong đó</h4><ul class="breakdown">'
                   + "".join(_item(x, shown, "part") for x in lay.breakdown) + "</ul>")
    if lay.others:
        title = "Thông tin khác" if lay.headline or lay.lead else "Các nội dung trả lời"
        out.append(f'<h4>{title}</h4><ul class="others">'
                   + "".join(_item(x, shown, "statement") for x in lay.others) + "</ul>")
    out.append("</div>")
    return "".join(out)


def _line(line: Line, shown: str) -> str:
    """A line's own text: its period label when it differs from the one above, the
    verbatim text, its [n], then the footnotes that explain it."""
    label = (f'<span class="line-label">{esc(line.label)}:</span> '
             if line.label and line.label != shown else "")
    notes = "".join(_note(t) for t in line.notes)
    return f'{label}<span class="line">{inline(line.text)}</span> {_cite(line.n)}{notes}'


def _note(text: str) -> str:
    label, _, rest = text.partition(": ")
    if not rest:
        label, rest = "", text
    head = f'<span class="fn-label">{esc(label)}:</span> ' if label else ""
    return f'<div class="fn-note">{head}{inline(rest)}</div>'


def _item(line: Line, shown: str, kind: str) -> str:
    sub = ('<ul class="sub">' + "".join(_item(p, shown, kind) for p in line.parts) + "</ul>"
           if line.parts else "")
    return f'<li class="{kind}" data-n="{line.n}">{_line(line, shown)}{sub}</li>'


def _series_lines(ans: Answer) -> str:
    """A cross-period answer: its heading, one cited line per figure (a figure narrowed to a
    part keeps its qualifier: ``rag.answer.across.lines_of``), the periods missing, the
    caveat."""
    lines = ans.text.split("\n")
    rows = [ln for ln in lines if ln.startswith("- ")]
    rest = [ln for ln in lines[1:] if not ln.startswith("- ")]
    out = [f'<p class="lead">{inline(lines[0], cites=True)}</p><ul class="series-lines">']
    for line in rows:
        out.append(f'<li>{inline(line[2:], cites=True)}</li>')
    out.append("</ul>")
    out += [f'<p class="muted">{inline(ln, cites=True)}</p>' for ln in rest]
    return "".join(out)


# -- sources ------------------------------------------------------------------------------

def sources_view(citations: tuple[Citation, ...]) -> str:
    """One card per passage: a passage cited under several numbers (one per figure of a
    cross-period answer) is one card with all its numbers."""
    if not citations:
        return ""
    groups: dict[str, list[Citation]] = {}
    for c in citations:
        groups.setdefault(c.chunk_id, []).append(c)
    cards = "".join(_card(cs) for cs in groups.values())
    return f'<h3>Nguồn ({len(groups)})</h3><ul class="sources">{cards}</ul>'


def _card(cs: list[Citation]) -> str:
    """Title, period, section path, page, the quoted sentence(s), footnotes, link."""
    first = cs[0]
    ns = " ".join(f'[{c.n}]' for c in cs)
    n = esc(first.n)
    quotes = "".join(dict.fromkeys(card_quote(c) for c in cs))
    notes = tuple({f.n: f for c in cs for f in shown_footnotes(c)}.values())
    return (f'<li class="source" data-n="{n}" data-ns="{esc(ns)}">'
            f'<a class="source-title" role="button" tabindex="0" data-kind="cite" '
            f'data-n="{n}"><span class="src-n">{esc(ns)}</span> {esc(first.title)}</a>'
            f'{meta_line(first.period, first.section, first.page)}{quotes}'
            f'{scanned_note(first)}{notes_list(tuple(sorted(notes, key=lambda f: f.n)))}'
            f'<a class="open-link" role="button" tabindex="0" data-kind="cite" data-n="{n}">'
            f'Xem trong báo cáo →</a></li>')


def card_quote(c: Citation) -> str:
    """The quoted sentence, the cited part marked when the quote is part of it."""
    if not c.quote and not c.context:
        return ""
    at = c.context.find(c.quote) if c.context and c.quote else -1
    if at < 0:
        return f'<blockquote class="quote"><span class="cited">{inline(c.quote)}</span>' \
               "</blockquote>"
    before, after = c.context[:at], c.context[at + len(c.quote):]
    return (f'<blockquote class="quote">{inline(before)}<span class="cited">'
            f'{inline(c.quote)}</span>{inline(after)}</blockquote>')
