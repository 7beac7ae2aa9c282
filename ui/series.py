"""Observations in the web app: the chart of a trend answer and the "Số liệu theo kỳ" tab.

The chart is a Plotly bar chart in ``gr.Plot`` (Gradio ships plotly.js, nothing is
fetched): one series per kind of period (the month, the quarter, the cumulative from
January), so a month and the cumulative figure ending in it are never one series; bars,
not lines, because figures of different spans are not points of one curve. Each point carries
its citation number; a click on a point opens that citation (``POINT_JS`` clicks the
[n] of the answer, or the row of the series table, which the app already routes).
No ``from __future__ import annotations``: Gradio reads the handlers' hints at runtime.
"""

import logging
import re
import tempfile
from pathlib import Path
from types import SimpleNamespace

import gradio as gr

from rag.answer.across import across_rows, lines_of, row_label
from rag.answer.export import find_series, to_csv, to_xlsx
from rag.answer.series import groups, series_of
from rag.errors import BaocaoError
from rag.index.observations import observations_of
from rag.observe.mentions import same_family
from rag.service import read_question
from ui.assets import CLICK_JS
from ui.messages import vi_error
from ui.render import esc, inline, message

log = logging.getLogger("baocao.ui")

KIND_SERIES = {"month": "Theo tháng", "quarter": "Theo quý", "cumulative": "Lũy kế từ đầu năm",
               "half": "Lũy kế từ đầu năm", "year": "Cả năm"}
_SCALE = {"nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9}
# Route a click on a chart point to the citation it carries (customdata[0] = n).
POINT_JS = """
const targets = {'trend-chart': (n) => '#answer-view a.cite[data-n="' + n + '"]',
                 'series-chart': (n) => '#series-table tr[data-n="' + n + '"]'};
setInterval(() => {
  for (const id of Object.keys(targets)) {
    const plot = document.querySelector('#' + id + ' .js-plotly-plot');
    if (!plot || plot.__baocao || typeof plot.on !== 'function') continue;
    plot.__baocao = true;
    plot.on('plotly_click', (ev) => {
      const p = ev && ev.points && ev.points[0];
      if (!p || !p.customdata) return;
      const el = document.querySelector(targets[id](p.customdata[0]));
      if (el) el.click();
    });
  }
}, 400);
"""


# The cross-period answer is one line per period; keep its line breaks in the answer view.
TREND_NOTE = ('<style>#answer-view .answer-text { white-space: pre-line; }</style>'
              '<div class="muted">Mỗi cột là một số liệu có trích dẫn [n]; bấm vào cột để mở '
              'đoạn trích trong báo cáo. Tháng, quý và lũy kế là các dãy riêng.</div>')


def _scale(unit) -> float:
    return _SCALE.get((unit or "").split(" ")[0].lower(), 1.0)


def figure(series, rows, title=None):
    """A Plotly line chart of ``rows`` over their periods, one trace per kind of period."""
    import plotly.graph_objects as go

    labels, seen = [], set()
    for n, o in enumerate(rows, 1):
        label = row_label(o)
        labels.append(label if label not in seen else f"{label} [{n}]")
        seen.add(label)
    fig = go.Figure()
    for kind in dict.fromkeys(KIND_SERIES[o.period.kind] for o in rows):
        pts = [(n, labels[n - 1], o) for n, o in enumerate(rows, 1)
               if KIND_SERIES[o.period.kind] == kind and same_family(o.unit, series.unit)]
        if not pts:
            continue
        fig.add_trace(go.Bar(
            x=[x for _, x, _ in pts], y=[o.value * _scale(o.unit) / _scale(series.unit)
                                          for _, _, o in pts],
            name=kind, text=[f"[{n}]" for n, _, _ in pts], textposition="outside",
            cliponaxis=False,
            customdata=[[n, o.figure, o.doc_id] for n, _, o in pts],
            hovertemplate="%{x}<br>%{customdata[1]}<br>nguồn [%{customdata[0]}]: "
                          "%{customdata[2]}<extra>%{fullData.name}</extra>"))
    fig.update_layout(
        title=title or f"{series.indicator} ({series.unit or '—'})", separators=",.",
        height=380, margin=dict(l=60, r=20, t=60, b=60), legend=dict(orientation="h", y=-0.25),
        barmode="overlay", clickmode="event",
        xaxis=dict(type="category", categoryorder="array", categoryarray=labels),
        yaxis=dict(title=series.unit or "", rangemode="tozero", tickformat=",~r"))
    return fig


# -- the chart above a trend answer (ask tab) -------------------------------------------

def trend_slot() -> SimpleNamespace:
    """The hidden box above the answer view that a trend answer fills with its chart."""
    with gr.Column(visible=False, elem_id="trend-box") as box:
        plot = gr.Plot(label="Số liệu qua các kỳ", elem_id="trend-chart", show_label=False)
        gr.HTML(TREND_NOTE, elem_id="trend-note", js_on_load=POINT_JS)
    return SimpleNamespace(box=box, plot=plot)


def trend_hidden():
    """(box update, figure) of a question that has no chart."""
    return gr.Column(visible=False), None


def trend_update(state, question, doc_ids, period, mode):
    """(box update, figure) for the question just asked: shown only for a trend answer."""
    hidden = trend_hidden()
    if not state.ready or not (question or "").strip() or mode != "Trả lời":
        return hidden
    period = None if not period or period.startswith("(") else period
    try:
        q = read_question(question, period)
        found = across_rows(q, state.engine.index, doc_ids or None)
    except Exception:  # noqa: BLE001 - the answer view reports failures; the chart just hides
        log.exception("trend chart failed: %r", question)
        return hidden
    if found is None:
        return hidden
    series, rows, _ = found
    return gr.Column(visible=True), figure(series, rows)


# -- the "Số liệu theo kỳ" tab --------------------------------------------------------

def indicator_choices(state) -> list:
    """(label, key) of every indicator that two or more reports give, widest first."""
    if not state.ready:
        return []
    found = groups(observations_of(state.engine.index))
    return [(f"{wording} ({n} báo cáo)", key) for key, wording, n in found]


def series_table(series, docs) -> str:
    """The series as an HTML table; a row opens its passage in the reader."""
    if not series.rows:
        return message("Không có số liệu nào của chỉ tiêu này.")
    lines = lines_of(list(series.rows), docs)
    body = []
    for n, (o, line) in enumerate(zip(series.rows, lines, strict=True), 1):
        info = docs.get(o.doc_id)
        comps = "; ".join(c.text for c in o.comparisons)
        body.append(
            f'<tr data-kind="hit" data-chunk="{esc(o.chunk_id)}" data-n="{n}" tabindex="0">'
            f"<td>{n}</td><td>{esc(line.split(': ')[0])}</td><td>{inline(o.figure)}</td>"
            f"<td>{inline(comps)}</td><td><span class=\"source-title\">"
            f"{esc(info.title if info else o.doc_id)}</span></td></tr>")
    return (f'<div class="view"><h3>{esc(series.indicator)} ({esc(series.unit or "—")})</h3>'
            f'<table class="doc-list"><thead><tr><th>#</th><th>Kỳ</th><th>Số liệu</th>'
            f"<th>So sánh</th><th>Báo cáo (bấm để xem đoạn trích)</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _files(series) -> tuple[str, str]:
    folder = Path(tempfile.mkdtemp(prefix="baocao-series-"))
    slug = re.sub(r"[^a-z0-9]+", "-", series.key.lower()).strip("-")[:60] or "so-lieu"
    csv_path = folder / f"so-lieu-{slug}.csv"
    csv_path.write_bytes(to_csv(series))
    xlsx_path = to_xlsx(series, folder / f"so-lieu-{slug}.xlsx")
    return str(csv_path), str(xlsx_path)


def show_series(state, choice, plans):
    """(table html, figure, csv button, xlsx button) for a picked or typed indicator."""
    none = gr.DownloadButton(visible=False)
    if not state.ready:
        return message(state.status()["text"], "error-box"), None, none, none
    if not (choice or "").strip():
        return message("Chọn một chỉ tiêu."), None, none, none
    index = state.engine.index
    observations = observations_of(index)
    try:
        if any(o.group == choice for o in observations):
            series = series_of(observations, choice, plans=bool(plans))
        else:
            series = find_series(observations, choice, plans=bool(plans))
    except BaocaoError as exc:
        return message(vi_error(exc), "error-box"), None, none, none
    if not series.rows:
        return message("Không có số liệu nào của chỉ tiêu này."), None, none, none
    csv_path, xlsx_path = _files(series)
    return (series_table(series, index.docs), figure(series, list(series.rows)),
            gr.DownloadButton(value=csv_path, visible=True),
            gr.DownloadButton(value=xlsx_path, visible=True))


def series_tab(state) -> SimpleNamespace:
    """The tab's components (built inside ``with gr.Tab(…)``)."""
    gr.Markdown("Chọn (hoặc gõ) một chỉ tiêu để xem số liệu của nó ở mọi báo cáo, theo thứ "
                "tự thời gian; mỗi báo cáo giữ số liệu của chính nó.")
    with gr.Row():
        pick = gr.Dropdown(indicator_choices(state), value=None, allow_custom_value=True,
                           label="Chỉ tiêu", elem_id="series-pick", scale=4)
        plans = gr.Checkbox(False, label="Gồm cả kế hoạch, mục tiêu", elem_id="series-plans",
                            scale=1)
    plot = gr.Plot(label="Biểu đồ", elem_id="series-chart", show_label=False)
    with gr.Row():
        csv_btn = gr.DownloadButton("Tải CSV", visible=False, elem_id="series-csv", size="sm")
        xlsx_btn = gr.DownloadButton("Tải Excel (XLSX)", visible=False, elem_id="series-xlsx",
                                     size="sm")
    table = gr.HTML(message("Chưa chọn chỉ tiêu."), elem_id="series-table",
                    js_on_load=CLICK_JS)
    return SimpleNamespace(pick=pick, plans=plans, plot=plot, csv=csv_btn, xlsx=xlsx_btn,
                           table=table)


def wire_series(h, tab, view: SimpleNamespace, citations, opened) -> None:
    """Events of the tab: pick -> table, chart, downloads; a row -> the reader; the
    indicator list is refreshed whenever the tab is opened (reports may have been added)."""
    state = h.state
    io = dict(fn=lambda c, p: show_series(state, c, p), inputs=[view.pick, view.plans],
              outputs=[view.table, view.plot, view.csv, view.xlsx], api_visibility="private")
    view.pick.input(**io)
    view.plans.change(**io)
    tab.select(lambda: gr.Dropdown(choices=indicator_choices(state)), outputs=[view.pick],
               api_visibility="private")
    view.table.click(h.open_clicked, inputs=[citations], outputs=opened,
                     api_visibility="private")
