"""The Gradio app: ask, read the cited report, browse reports, add reports.

``serve`` binds 127.0.0.1 unless told otherwise. On a first start with no
index the page comes up at once and shows the sample-corpus build's progress;
questions are accepted once the index is ready.
"""

import logging
from pathlib import Path
from types import SimpleNamespace

import gradio as gr

from rag.ingest import SUFFIXES
from rag.service import Engine
from ui import series as series_view
from ui.assets import CLICK_JS, CSS, READER_JS
from ui.handlers import ALL_PERIODS, MODES, Handlers
from ui.render import message
from ui.state import AppState

log = logging.getLogger("baocao.ui")

# Indicators every socio-economic report of a province gives; the example questions pair
# them with the periods of the reports actually indexed (latest first), whatever the province.
EXAMPLE_TOPICS = ("giải ngân vốn đầu tư công", "thu ngân sách nhà nước",
                  "kim ngach XNK", "tổng lượng khách du lịch")
# Two cores: a few searches at a time keeps each one fast; the rest wait in the queue.
ENGINE_CONCURRENCY = 4
QUEUE_MAX = 256
UPLOAD_CAP = "200mb"  # hard stop; the 20 MB report limit is checked with a clear message


def _state_for(source) -> AppState:
    """Accept an AppState, an Engine, or an index folder (None = the default one)."""
    if isinstance(source, AppState):
        return source
    if isinstance(source, Engine):
        return AppState(engine=source)
    return AppState(source).start()


def example_questions(periods: list[str]) -> list[str]:
    """One question per topic, each with one of the latest indexed periods."""
    labels = [p for p in periods if p != ALL_PERIODS] or [""]
    return [f"{topic} {labels[i % len(labels)]}".strip()
            for i, topic in enumerate(EXAMPLE_TOPICS)]


def _ask_tab(reports: list, periods: list[str]) -> SimpleNamespace:
    with gr.Row():
        question = gr.Textbox(label="Câu hỏi", elem_id="question", scale=5, lines=1,
                              placeholder="Ví dụ: giải ngân vốn đầu tư công tháng 5/2024?",
                              autofocus=True)
        ask = gr.Button("Hỏi", variant="primary", elem_id="ask-btn", scale=1)
    gr.Examples(example_questions(periods), inputs=[question], label="Câu hỏi mẫu")
    with gr.Row():
        docs = gr.Dropdown(reports, value=[], multiselect=True, label="Chỉ trong báo cáo",
                           elem_id="doc-filter", scale=3)
        period = gr.Dropdown(periods, value=ALL_PERIODS, allow_custom_value=True,
                             label="Kỳ báo cáo (chọn hoặc gõ, vd. tháng 5/2024)",
                             elem_id="period-filter", scale=2)
        mode = gr.Radio(list(MODES), value=MODES[0], label="Chế độ", elem_id="mode", scale=2)
    trend = series_view.trend_slot()
    view = gr.HTML(message("Nhập câu hỏi rồi bấm «Hỏi». Bấm vào [n] để xem đoạn trích "
                           "trong báo cáo gốc."), elem_id="answer-view", js_on_load=CLICK_JS)
    return SimpleNamespace(question=question, ask=ask, docs=docs, period=period, mode=mode,
                           view=view, trend=trend)


def _reader_tab(reports: list, table: str) -> SimpleNamespace:
    with gr.Accordion("Danh sách báo cáo trong chỉ mục", open=True):
        doc_list = gr.HTML(table, elem_id="doc-list", js_on_load=CLICK_JS)
    pick = gr.Dropdown(reports, value=None, label="Mở báo cáo", elem_id="doc-pick",
                       interactive=True)
    view = gr.HTML(message("Chọn một báo cáo, hoặc bấm vào một trích dẫn [n] ở thẻ «Hỏi đáp»."),
                   elem_id="reader", js_on_load=READER_JS)
    return SimpleNamespace(doc_list=doc_list, pick=pick, view=view)


def _add_tab() -> SimpleNamespace:
    gr.Markdown(f"Tải lên báo cáo ({', '.join(SUFFIXES)}; tối đa 20 MB mỗi tệp). Báo cáo được "
                "đọc, chia đoạn và thêm vào chỉ mục; tệp lỗi được báo ở đây và chỉ mục giữ "
                "nguyên.")
    files = gr.File(file_count="multiple", file_types=list(SUFFIXES), label="Tệp báo cáo",
                    elem_id="upload")
    add = gr.Button("Thêm vào chỉ mục", variant="primary", elem_id="add-btn")
    status = gr.HTML(elem_id="upload-status", js_on_load=CLICK_JS)
    return SimpleNamespace(files=files, add=add, status=status)


def build_app(engine_or_index_dir=None) -> gr.Blocks:
    """The Blocks app over an Engine, an AppState or an index folder."""
    state = _state_for(engine_or_index_dir)
    h = Handlers(state)
    reports, periods, table = h.choices()
    with gr.Blocks(title="Báo cáo KT-XH — tra cứu và hỏi đáp") as app:
        gr.Markdown("## Tra cứu báo cáo kinh tế – xã hội")
        status = gr.HTML(elem_id="status-line", js_on_load=None)
        timer = gr.Timer(1.0, active=False)
        citations = gr.State(None)
        with gr.Tabs(selected="ask", elem_id="tabs") as tabs:
            with gr.Tab("Hỏi đáp", id="ask"):
                ask = _ask_tab(reports, periods)
            with gr.Tab("Đọc báo cáo", id="reader"):
                read = _reader_tab(reports, table)
            with gr.Tab("Số liệu theo kỳ", id="series") as series_tab:
                series = series_view.series_tab(state)
            with gr.Tab("Thêm báo cáo", id="add"):
                add = _add_tab()
        _wire(app, h, SimpleNamespace(status=status, timer=timer, citations=citations,
                                      tabs=tabs, ask=ask, read=read, add=add))
        series_view.wire_trend(state, ask, ask.trend)
        series_view.wire_series(h, series_tab, series, citations, [read.view, tabs, read.pick])
        gr.api(h.api_answer, api_name="answer", concurrency_limit=ENGINE_CONCURRENCY,
               concurrency_id="engine")
        gr.api(h.api_search, api_name="search", concurrency_limit=ENGINE_CONCURRENCY,
               concurrency_id="engine")
    app.queue(default_concurrency_limit=ENGINE_CONCURRENCY, max_size=QUEUE_MAX)
    return app


def _wire(app: gr.Blocks, h: Handlers, ui: SimpleNamespace) -> None:
    """Connect events; searches share one concurrency group, uploads run one at a time."""
    ask, read, add = ui.ask, ui.read, ui.add
    lists = [ask.docs, ask.period, read.pick, read.doc_list]
    ask_io = dict(fn=h.ask, inputs=[ask.question, ask.docs, ask.period, ask.mode],
                  outputs=[ask.view, ui.citations], concurrency_limit=ENGINE_CONCURRENCY,
                  concurrency_id="engine")
    ask.ask.click(api_name="ask", **ask_io)
    ask.question.submit(api_visibility="private", **ask_io)
    opened = [read.view, ui.tabs, read.pick]
    for view in (ask.view, read.doc_list, add.status):
        view.click(h.open_clicked, inputs=[ui.citations], outputs=opened,
                   api_visibility="private")
    read.pick.input(h.open_picked, inputs=[read.pick], outputs=[read.view],
                    api_visibility="private")
    add.add.click(h.upload, inputs=[add.files], outputs=[add.status, ui.status, *lists, add.files],
                  concurrency_limit=1, concurrency_id="write", api_name="add_reports")
    app.load(h.refresh, outputs=[ui.status, ui.timer, *lists], api_visibility="private")
    ui.timer.tick(h.refresh, outputs=[ui.status, ui.timer, *lists], api_visibility="private")


def launch(app: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, block: bool = True):
    """Start the server (``block=False`` returns at once, for tests)."""
    return app.launch(server_name=host, server_port=port, css=CSS, show_error=True,
                      max_file_size=UPLOAD_CAP, ssr_mode=False, footer_links=["api"],
                      prevent_thread_lock=not block, quiet=not block)


def serve(host: str = "127.0.0.1", port: int = 7860, index_dir=None) -> None:
    """``baocao serve``: open (or, on first start, build) the index and run the app."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    state = AppState(Path(index_dir) if index_dir else None)
    if not (state.root / "CURRENT").exists():
        log.info("no index at %s: building the sample corpus index (progress in the page)",
                 state.root)
    state.start(open_in_background=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("serving on %s: reachable from other machines", host)
    launch(build_app(state), host, port, block=True)
