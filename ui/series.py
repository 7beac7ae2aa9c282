"""Observations in the web app: the chart of a trend answer and the "Số liệu theo kỳ" tab.

The chart (``ui.chart``) is a Plotly bar chart in ``gr.Plot`` (Gradio ships plotly.js,
nothing is fetched), drawn from the rows it is given: a trend answer's own series
(``Answer.series``), the tab's series table. Each point carries its citation number; a
click on a point opens that citation (``POINT_JS`` clicks the [n] of the answer, or the row
of the series table, which the app already routes). A figure narrowed to a part of the
whole ("tính riêng tại …") never stands in a series of totals: the tab lists it apart, with
its qualifier. No ``from __future__ import annotations``: Gradio reads the handlers' hints
at runtime.
"""

import logging
import re
import tempfile
from pathlib import Path
from types import SimpleNamespace

import gradio as gr

from rag.answer.across import lines_of
from rag.answer.export import find_series, to_csv, to_xlsx, totals_and_parts
from rag.answer.series import series_of
from rag.errors import BaocaoError
from rag.index.observations import observations_of
from ui.assets import CLICK_JS
from ui.chart import chart, figure  # noqa: F401 - figure: for tests and scripts
from ui.indicators import indicator_list
from ui.messages import vi_error
from ui.render import esc, inline, message

log = logging.getLogger("baocao.ui")

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
TREND_NOTE = ('<div class="muted">Mỗi thanh là một số liệu có trích dẫn [n]; bấm vào thanh để '
              'mở đoạn trích trong báo cáo. Tháng, quý và lũy kế là các dãy riêng.</div>')


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


def trend_shown(ans, docs):
    """(box update, chart) of a trend answer: its own rows, numbered as its citations."""
    return gr.Column(visible=True), chart(list(ans.series), docs)


# -- the "Số liệu theo kỳ" tab --------------------------------------------------------

def indicator_choices(state) -> list:
    """(label, key) of the indicators worth a series (``ui.indicators``), most periods
    first."""
    if not state.ready:
        return []
    found = indicator_list(observations_of(state.engine.index))
    return [(f"{wording} ({n} kỳ)", key) for key, wording, n in found]


def _figure_cell(o) -> str:
    scope = f' <span class="scope">({esc(o.scope)})</span>' if o.scope else ""
    return f"{inline(o.figure)}{scope}"


def series_table(series, docs, parts=()) -> str:
    """The series as an HTML table (a row opens its passage in the reader); the figures of
    a part of the whole listed under it, apart."""
    if not series.rows:
        return message("Không có số liệu nào của chỉ tiêu này.")
    lines = lines_of(list(series.rows), docs)
    body = []
    for n, (o, line) in enumerate(zip(series.rows, lines, strict=True), 1):
        info = docs.get(o.doc_id)
        comps = "; ".join(c.text for c in o.comparisons)
        body.append(
            f'<tr data-kind="hit" data-chunk="{esc(o.chunk_id)}" data-n="{n}" tabindex="0">'
            f"<td>{n}</td><td>{esc(line.split(': ')[0])}</td><td>{_figure_cell(o)}</td>"
            f"<td>{inline(comps)}</td><td><span class=\"source-title\">"
            f"{esc(info.title if info else o.doc_id)}</span></td></tr>")
    name = series.indicator[:1].upper() + series.indicator[1:]
    return (f'<div class="view"><h3>{esc(name)} ({esc(series.unit or "—")})</h3>'
            f'<div class="tbl-scroll"><table class="doc-list series"><thead><tr><th>#</th>'
            f"<th>Kỳ</th><th>Số liệu</th><th>So sánh</th>"
            f"<th>Báo cáo (bấm để xem đoạn trích)</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>{_parts(parts, docs)}</div>")


def _parts(parts, docs) -> str:
    if not parts:
        return ""
    items = "".join(
        f'<li data-kind="hit" data-chunk="{esc(o.chunk_id)}" tabindex="0">'
        f"{esc(line.split(': ')[0])}: {_figure_cell(o)} — "
        f'<span class="source-title">{esc(docs[o.doc_id].title if o.doc_id in docs else "")}'
        "</span></li>"
        for o, line in zip(parts, lines_of(list(parts), docs), strict=True))
    return ('<div class="parts-apart"><h4>Số liệu chỉ của một phần (không thuộc dãy trên)</h4>'
            f'<ul>{items}</ul></div>')


def _files(series, docs) -> tuple[str, str]:
    folder = Path(tempfile.mkdtemp(prefix="baocao-series-"))
    slug = re.sub(r"[^a-z0-9]+", "-", series.key.lower()).strip("-")[:60] or "so-lieu"
    csv_path = folder / f"so-lieu-{slug}.csv"
    csv_path.write_bytes(to_csv(series, docs))
    xlsx_path = to_xlsx(series, folder / f"so-lieu-{slug}.xlsx", docs)
    return str(csv_path), str(xlsx_path)


def show_series(state, choice, plans):
    """(table html, chart, csv button, xlsx button) for a picked or typed indicator."""
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
    series, parts = totals_and_parts(series)
    csv_path, xlsx_path = _files(series, index.docs)
    return (series_table(series, index.docs, parts),
            chart(list(series.rows), index.docs, series.indicator, series.unit),
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
