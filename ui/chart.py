"""Bar charts of statements in the page: in Vietnamese, drawn from the rows given.

The rows are an answer's own series (``Answer.series``) or the series table of the
"Số liệu theo kỳ" tab: the chart never computes them again. One trace per kind of period
(the month, the quarter, the cumulative from January), so a month and the cumulative
figure ending in it are never one series; a figure narrowed to a part of the whole
("tính riêng tại Hải quan tỉnh Lạng Sơn") is a trace of its own, named with its
qualifier, never a bar of the totals. Bars, not lines: figures of different spans are not
points of one curve. Each point carries its citation number (``customdata[0]``) and a
hover with the report's title.

Plotly speaks English unless told otherwise: the chart is sent with its config (Gradio
passes ``config`` from the figure's JSON to ``Plotly.react``): a Vietnamese locale for the
mode bar's buttons and messages, a mode bar of two buttons, and no vendor logo.
"""

from __future__ import annotations

import json
import textwrap
from collections import Counter

from rag.answer.across import row_label
from rag.observe.mentions import same_family
from rag.records import Observation

KIND_SERIES = {"month": "Theo tháng", "quarter": "Theo quý", "cumulative": "Lũy kế từ đầu năm",
               "half": "Lũy kế từ đầu năm", "year": "Cả năm"}
_SCALE = {"nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9}
# plotly.js strings (src/components/modebar/buttons.js, src/plot_api, fx) -> Vietnamese
VI_DICTIONARY = {
    "Download plot as a PNG": "Tải biểu đồ về (PNG)",
    "Download plot": "Tải biểu đồ về",
    "Taking snapshot - this may take a few seconds": "Đang chụp biểu đồ, xin đợi vài giây",
    "Snapshot succeeded": "Đã chụp xong biểu đồ",
    "Sorry, there was a problem downloading your snapshot!": "Không tải được ảnh biểu đồ.",
    "Reset axes": "Về khung nhìn ban đầu",
    "Reset view": "Về khung nhìn ban đầu",
    "Autoscale": "Tự co giãn trục",
    "Zoom": "Phóng to vùng chọn",
    "Pan": "Kéo biểu đồ",
    "Zoom in": "Phóng to",
    "Zoom out": "Thu nhỏ",
    "Box Select": "Chọn theo khung",
    "Lasso Select": "Chọn tự do",
    "Show closest data on hover": "Hiện số liệu gần nhất khi rê chuột",
    "Compare data on hover": "So sánh số liệu khi rê chuột",
    "Toggle show closest data on hover": "Bật/tắt hiện số liệu khi rê chuột",
    "Toggle Spike Lines": "Bật/tắt đường gióng",
    "Double-click to zoom back out": "Bấm đúp để thu nhỏ lại",
    "Produced with Plotly.js": "Biểu đồ",
    "Edit in Chart Studio": "Sửa biểu đồ",
    "Click to enter Plot title": "Bấm để nhập tiêu đề",
    "Click to enter X axis title": "Bấm để nhập tên trục hoành",
    "Click to enter Y axis title": "Bấm để nhập tên trục tung",
    "trace": "dãy",
}
CONFIG = {
    "locale": "vi",
    "locales": {"vi": {"dictionary": VI_DICTIONARY,
                       "format": {"decimal": ",", "thousands": "."}}},
    "displaylogo": False,
    "modeBarButtons": [["toImage", "resetScale2d"]],
    "toImageButtonOptions": {"filename": "bieu-do-so-lieu", "format": "png"},
    "showTips": False,
}
TITLE_WIDTH = 40  # characters per line of a report title in a hover (fits a phone)


def _scale(unit) -> float:
    return _SCALE.get((unit or "").split(" ")[0].lower(), 1.0)


def common_unit(rows: list[Observation]) -> str | None:
    """The unit most rows print; of equals the larger one ("nghìn lượt" over "lượt"): the
    axis then reads as officials write such figures."""
    units = Counter(o.unit for o in rows if o.unit)
    return max(units, key=lambda u: (units[u], _scale(u), u)) if units else None


def common_name(rows: list[Observation]) -> str:
    words = Counter(o.indicator for o in rows)
    return max(words, key=lambda w: (words[w], len(w))) if words else ""


LABEL_WIDTH = 22  # characters per line of a period label (a phone keeps room for bars)


def labels_of(rows: list[Observation]) -> list[str]:
    """A label per row: its period, in short lines (the row number when two rows share a
    label; a qualifier is in the trace's name and the hover, not in the label)."""
    out, seen = [], set()
    for n, o in enumerate(rows, 1):
        label = row_label(o)
        label = label if label not in seen else f"{label} [{n}]"
        seen.add(label)
        out.append("<br>".join(textwrap.wrap(label, LABEL_WIDTH)))
    return out


def _title(doc_id: str, docs: dict) -> str:
    info = docs.get(doc_id)
    title = info.title if info else doc_id
    return "<br>".join(textwrap.wrap(textwrap.shorten(title, 3 * TITLE_WIDTH,
                                                      placeholder="…"), TITLE_WIDTH))


def figure(rows: list[Observation], docs: dict, indicator: str | None = None,
           unit: str | None = None):
    """The Plotly figure of ``rows`` (numbered 1.. as their citations): horizontal bars,
    one per row, the periods down the left in time order (their labels stay level and
    whole on a phone), the values along the bottom."""
    import plotly.graph_objects as go

    unit = unit or common_unit(rows)
    indicator = indicator or common_name(rows)
    labels = labels_of(rows)
    fig = go.Figure()
    traces = dict.fromkeys((KIND_SERIES.get(o.period.kind, "Khác"), o.scope) for o in rows)
    for kind, scope in traces:
        pts = [(n, labels[n - 1], o) for n, o in enumerate(rows, 1)
               if (KIND_SERIES.get(o.period.kind, "Khác"), o.scope) == (kind, scope)
               and same_family(o.unit, unit)]
        if not pts:
            continue
        fig.add_trace(go.Bar(
            y=[y for _, y, _ in pts], orientation="h",
            x=[o.value * _scale(o.unit) / _scale(unit) for _, _, o in pts],
            name=f"{kind} — {scope}" if scope else kind,
            text=[f"[{n}]" for n, _, _ in pts], textposition="outside", cliponaxis=False,
            customdata=[[n, o.figure + (f" ({o.scope})" if o.scope else ""),
                         _title(o.doc_id, docs), row_label(o)] for n, _, o in pts],
            hovertemplate="%{customdata[3]}<br><b>%{customdata[1]}</b><br>[%{customdata[0]}] "
                          "%{customdata[2]}<extra>%{fullData.name}</extra>"))
    name = textwrap.shorten(f"{indicator[:1].upper()}{indicator[1:]} ({unit or '—'})", 90,
                            placeholder="…")
    title = textwrap.wrap(name, TITLE_WIDTH)  # lines that fit a phone's width
    lines = sum(label.count("<br>") + 1 for label in labels)
    bars = 20 * lines + 16 * len(labels)  # the plot area: each bar as tall as its label
    fig.update_layout(
        title=dict(text="<br>".join(title), font=dict(size=15)),
        separators=",.", height=bars + 20 * len(title) + 150,
        margin=dict(l=8, r=36, t=30 + 20 * len(title), b=30),
        legend=dict(orientation="h", yanchor="top", y=-40 / bars, x=0),
        barmode="overlay", clickmode="event", bargap=0.2,
        yaxis=dict(type="category", categoryorder="array",
                   categoryarray=list(reversed(labels)), automargin=True),
        xaxis=dict(rangemode="tozero", tickformat=",~r", automargin=True))
    return fig


def plot_data(fig):
    """The figure as Gradio's ``PlotData`` with the Vietnamese config attached."""
    from gradio.components.plot import PlotData

    data = json.loads(fig.to_json())
    data["config"] = CONFIG
    return PlotData(type="plotly", plot=json.dumps(data, ensure_ascii=False))


def chart(rows: list[Observation], docs: dict, indicator: str | None = None,
          unit: str | None = None):
    """What a ``gr.Plot`` shows for ``rows``."""
    return plot_data(figure(rows, docs, indicator, unit))
