"""The Gradio app: ask, read the cited report, browse reports, manage reports (admin).

``serve`` binds 127.0.0.1 unless told otherwise. On a first start with no
index the page comes up at once and shows the sample-corpus build's progress;
a question asked before the index is ready waits for it and is answered. The
app is read-only unless started with an admin token (``ui.admin``).
"""

import logging
import os
from pathlib import Path
from types import SimpleNamespace

import gradio as gr

from rag.ingest import MAX_BYTES, SUFFIXES
from rag.service import Engine
from ui import guard
from ui import series as series_view
from ui.admin import Admin, AdminHandlers
from ui.assets import CLICK_JS, CSS, HEAD, READER_JS
from ui.handlers import ALL_PERIODS, MODES, Handlers
from ui.messages import vi_number
from ui.render import message
from ui.state import AppState

log = logging.getLogger("baocao.ui")

# Indicators every socio-economic report of a province gives; the example questions pair
# them with the periods of the reports actually indexed (latest first), whatever the province.
EXAMPLE_TOPICS = ("giải ngân vốn đầu tư công", "thu ngân sách nhà nước",
                  "kim ngach XNK", "tổng lượng khách du lịch")
# eval/BENCHMARKS.md "Load": searches of the engine group run this many at a time (the rest
# wait in the queue); their query embeddings are batched together (rag.batching).
ENGINE_CONCURRENCY = int(os.environ.get("BAOCAO_ENGINE_CONCURRENCY", "16"))
QUEUE_MAX = 256
UPLOAD_CAP = "200mb"  # hard stop; the 20 MB report limit is checked with a clear message
# Gradio's upload folder: files older than an hour are deleted every hour (uploads are also
# deleted as soon as they are written or cancelled, see ui.admin.discard).
CACHE_CLEANUP = (3600, 3600)


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
    with gr.Row(elem_id="ask-row"):
        # the browser sends at most 20x the limit, so that the server sees, and says, that a
        # longer question is too long (the page cut it silently at the limit before)
        question = gr.Textbox(label="Câu hỏi", elem_id="question", scale=5, lines=1,
                              placeholder="Ví dụ: giải ngân vốn đầu tư công tháng 5/2024?",
                              autofocus=True, max_length=20 * service_limit())
        ask = gr.Button("Hỏi", variant="primary", elem_id="ask-btn", scale=1)
    examples = gr.Dataset(components=[question], samples=[[q] for q in example_questions(periods)],
                          label="Câu hỏi mẫu (bấm để hỏi)", elem_id="examples", type="values")
    with gr.Row():
        # allow_custom_value: report ids are checked by the handler against the live index,
        # so a script's ids work for reports added after the page was built
        docs = gr.Dropdown(reports, value=[], multiselect=True, label="Chỉ trong báo cáo",
                           elem_id="doc-filter", scale=3, allow_custom_value=True)
        period = gr.Dropdown(periods, value=ALL_PERIODS, allow_custom_value=True,
                             label="Kỳ báo cáo (chọn hoặc gõ, vd. tháng 5/2024)",
                             elem_id="period-filter", scale=2)
        mode = gr.Radio(list(MODES), value=MODES[0], label="Chế độ", elem_id="mode", scale=2)
    trend = series_view.trend_slot()
    view = gr.HTML(message("Nhập câu hỏi rồi bấm «Hỏi». Bấm vào [n] để xem đoạn trích "
                           "trong báo cáo gốc."), elem_id="answer-view", js_on_load=CLICK_JS)
    return SimpleNamespace(question=question, ask=ask, examples=examples, docs=docs,
                           period=period, mode=mode, view=view, trend=trend)


def service_limit() -> int:
    from rag.service import LIMITS

    return LIMITS.max_question_chars


def _reader_tab(reports: list, table: str) -> SimpleNamespace:
    with gr.Accordion("Danh sách báo cáo trong chỉ mục (kỳ mới nhất trước)", open=True):
        doc_list = gr.HTML(table, elem_id="doc-list", js_on_load=CLICK_JS)
    pick = gr.Dropdown(reports, value=None, label="Mở báo cáo", elem_id="doc-pick",
                       interactive=True)
    view = gr.HTML(message("Chọn một báo cáo, hoặc bấm vào một trích dẫn [n] ở thẻ «Hỏi đáp»."),
                   elem_id="reader", js_on_load=READER_JS)
    return SimpleNamespace(doc_list=doc_list, pick=pick, view=view)


def _manage_tab(reports: list, admin: Admin | None) -> SimpleNamespace:
    """Add, replace and remove reports: only with the admin token (read-only otherwise)."""
    if admin is None:
        gr.HTML(message("Máy chủ đang ở chế độ chỉ đọc: ai cũng hỏi và đọc báo cáo được, nhưng "
                        "chỉ người quản trị mới thêm, thay hoặc xoá báo cáo (khởi động "
                        "«baocao serve» với biến môi trường BAOCAO_ADMIN_TOKEN)."),
                elem_id="read-only")
        return SimpleNamespace(remove_pick=gr.Dropdown(reports, visible=False))
    token = gr.Textbox(label="Mã quản trị", type="password", elem_id="admin-token",
                       placeholder="mã được đặt khi khởi động máy chủ")
    gr.Markdown(f"**Thêm hoặc thay báo cáo** ({', '.join(SUFFIXES)}; tối đa "
                f"{vi_number(MAX_BYTES / 2**20, 0)} MB mỗi tệp). Tệp được đọc và hiện ra để "
                "kiểm tra trước; chỉ khi bấm «Xác nhận» mới được ghi vào chỉ mục. Tệp trùng "
                "tên với báo cáo đã có sẽ thay báo cáo đó.")
    upload = gr.UploadButton("Chọn tệp báo cáo…", file_count="multiple",
                             file_types=list(SUFFIXES), elem_id="upload")
    plan = gr.HTML(elem_id="upload-status", js_on_load=CLICK_JS)
    with gr.Row():
        confirm = gr.Button("Xác nhận", variant="primary", visible=False, elem_id="confirm-btn")
        cancel = gr.Button("Huỷ", visible=False, elem_id="cancel-btn")
    gr.Markdown("**Xoá báo cáo**")
    remove_pick = gr.Dropdown(reports, value=None, label="Báo cáo cần xoá", elem_id="remove-pick")
    remove = gr.Button("Xoá báo cáo…", variant="stop", elem_id="remove-btn")
    removal = gr.HTML(elem_id="remove-status")
    with gr.Row():
        remove_ok = gr.Button("Xác nhận xoá", variant="stop", visible=False,
                              elem_id="remove-confirm")
        remove_no = gr.Button("Huỷ", visible=False, elem_id="remove-cancel")
    return SimpleNamespace(token=token, upload=upload, plan=plan, confirm=confirm, cancel=cancel,
                           pending=gr.State(None), remove_pick=remove_pick, remove=remove,
                           removal=removal, remove_ok=remove_ok, remove_no=remove_no,
                           removing=gr.State(None))


def build_app(engine_or_index_dir=None, admin: Admin | None = None) -> gr.Blocks:
    """The Blocks app over an Engine, an AppState or an index folder; read-only without
    ``admin``."""
    state = _state_for(engine_or_index_dir)
    h = Handlers(state)
    reports, periods, table = h.choices()
    if not state.ready:
        reports, periods, _ = h.choices(manifest_docs(state))
    with gr.Blocks(title="Báo cáo KT-XH — tra cứu và hỏi đáp",
                   delete_cache=CACHE_CLEANUP) as app:
        gr.Markdown("## Tra cứu báo cáo kinh tế – xã hội")
        status = gr.HTML(elem_id="status-line")
        timer = gr.Timer(1.0)
        with gr.Tabs(selected="ask", elem_id="tabs") as tabs:
            with gr.Tab("Hỏi đáp", id="ask"):
                ask = _ask_tab(reports, periods)
            with gr.Tab("Đọc báo cáo", id="reader"):
                read = _reader_tab(reports, table)
            with gr.Tab("Số liệu theo kỳ", id="series") as series_tab:
                series = series_view.series_tab(state)
            with gr.Tab("Quản lý báo cáo", id="manage"):
                manage = _manage_tab(reports, admin)
        ui = SimpleNamespace(status=status, timer=timer, citations=gr.State(None),
                             version=gr.State(None), tabs=tabs, ask=ask, read=read,
                             manage=manage)
        _wire(app, h, ui)
        if admin is not None:
            _wire_admin(AdminHandlers(state, admin), h, ui)
        series_view.wire_series(h, series_tab, series, ui.citations,
                                [read.view, tabs, read.pick])
        gr.api(h.api_answer, api_name="answer", concurrency_limit=ENGINE_CONCURRENCY,
               concurrency_id="engine")
        gr.api(h.api_search, api_name="search", concurrency_limit=ENGINE_CONCURRENCY,
               concurrency_id="engine")
    # api_open=False: no direct POST skips the queue and its concurrency groups
    app.queue(default_concurrency_limit=ENGINE_CONCURRENCY, max_size=QUEUE_MAX, api_open=False)
    app.baocao_writable = admin is not None  # ui.guard: uploads only to an admin server
    return app


def manifest_docs(state: AppState) -> list:
    """The live manifest's reports, newest period first (no model, no vectors): the choices
    of a page built while the engine still loads, so the API schema of ``/ask`` lists the
    reports and periods from the start."""
    from rag.index import IndexStore
    from ui.state import periods_key

    try:
        docs = IndexStore(state.root).manifest().documents
    except Exception:  # noqa: BLE001 - no index yet, or a damaged one: the status line says
        return []
    return sorted(docs, key=periods_key, reverse=True)


def _lists(ui: SimpleNamespace) -> list:
    return [ui.ask.docs, ui.ask.period, ui.read.pick, ui.manage.remove_pick, ui.read.doc_list]


def _wire(app: gr.Blocks, h: Handlers, ui: SimpleNamespace) -> None:
    """Connect events; searches share one concurrency group, writes run one at a time."""
    ask, read = ui.ask, ui.read
    engine = dict(concurrency_limit=ENGINE_CONCURRENCY, concurrency_id="engine",
                  show_progress_on=[ask.view])
    answered = [ask.view, ui.citations, ask.trend.box, ask.trend.plot]
    ask_io = dict(fn=h.ask_with_chart, inputs=[ask.question, ask.docs, ask.period, ask.mode],
                  outputs=answered, **engine)
    ask.ask.click(api_name="ask", **ask_io)
    ask.question.submit(api_visibility="private", **ask_io)
    ask.examples.click(h.ask_example, inputs=[ask.examples, ask.docs, ask.period, ask.mode],
                       outputs=[ask.question, *answered],
                       api_visibility="private", **engine)
    opened = [read.view, ui.tabs, read.pick]
    views = [ask.view, read.doc_list] + ([ui.manage.plan] if hasattr(ui.manage, "plan") else [])
    for view in views:
        view.click(h.open_clicked, inputs=[ui.citations], outputs=opened,
                   api_visibility="private")
    read.pick.input(h.open_picked, inputs=[read.pick], outputs=[read.view],
                    api_visibility="private")
    refresh = [ui.status, ui.timer, ui.version, *_lists(ui), ask.examples]
    app.load(h.refresh, outputs=refresh, api_visibility="private")
    ui.timer.tick(h.refresh, inputs=[ui.version], outputs=refresh, api_visibility="private",
                  show_progress="hidden")


def _wire_admin(a: AdminHandlers, h: Handlers, ui: SimpleNamespace) -> None:
    """Write events (only with an admin token): one at a time, progress in one place."""
    m = ui.manage
    write = dict(concurrency_limit=1, concurrency_id="write", api_visibility="private")
    after = [ui.status, *_lists(ui)]
    # a new choice of files while one is being read is read next, never dropped
    m.upload.upload(a.preview, inputs=[m.upload, m.token],
                    outputs=[m.plan, m.pending, m.confirm, m.cancel], show_progress_on=[m.plan],
                    trigger_mode="always_last", **write)
    m.confirm.click(a.confirm, inputs=[m.pending, m.token],
                    outputs=[m.plan, m.pending, m.confirm, m.cancel], show_progress_on=[m.plan],
                    **write).then(h.refreshed, outputs=after, api_visibility="private")
    m.cancel.click(a.cancel, inputs=[m.pending], outputs=[m.plan, m.pending, m.confirm, m.cancel],
                   **write)
    m.remove.click(a.ask_remove, inputs=[m.remove_pick, m.token],
                   outputs=[m.removal, m.removing, m.remove_ok, m.remove_no], **write)
    m.remove_ok.click(a.confirm_remove, inputs=[m.removing, m.token],
                      outputs=[m.removal, m.removing, m.remove_ok, m.remove_no],
                      **write).then(h.refreshed, outputs=after, api_visibility="private")
    m.remove_no.click(a.cancel_remove, inputs=[m.removing],
                      outputs=[m.removal, m.removing, m.remove_ok, m.remove_no], **write)


def launch(app: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, block: bool = True):
    """Start the server (``block=False`` returns at once, for tests)."""
    writable = getattr(app, "baocao_writable", False)
    return app.launch(server_name=host, server_port=port, css=CSS, head=HEAD, show_error=False,
                      max_file_size=UPLOAD_CAP, ssr_mode=False, footer_links=[],
                      prevent_thread_lock=not block, quiet=not block,
                      app_kwargs=guard.app_kwargs(app, writable))


def serve(host: str = "127.0.0.1", port: int = 7860, index_dir=None,
          admin_token_file: str | None = None) -> None:
    """``baocao serve``: open (or, on first start, build) the index and run the app."""
    # Before torch loads: idle OpenMP threads sleep instead of spinning. A server runs
    # short passes from many threads, and spinning workers burned the CPU the next pass
    # needed (eval/BENCHMARKS.md "Load": 126-158 -> 50-59 ms of server CPU per question).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    admin = Admin.configured(admin_token_file)
    state = AppState(Path(index_dir) if index_dir else None)
    if not (state.root / "CURRENT").exists() and not any(state.root.glob("v-*")):
        log.info("no index at %s: building the sample corpus index (progress in the page)",
                 state.root)
    state.start(open_in_background=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("serving on %s: reachable from other machines", host)
    log.info("writes (add, replace, remove reports) are %s",
             "allowed with the admin token" if admin else "off: read-only")
    import uvicorn

    server = mount(build_app(state, admin), state, admin)
    log.info("serving http://%s:%d/ (JSON API: /api/v1, docs: /api/docs)", host, port)
    uvicorn.run(server, host=host, port=port, log_level="warning")


def mount(app: gr.Blocks, state: AppState, admin: Admin | None = None):
    """The HTTP API (``ui.api``) with the Gradio app mounted at ``/``: one process, one
    loaded index for both."""
    from ui.api import create_api

    writable = getattr(app, "baocao_writable", False)
    return gr.mount_gradio_app(create_api(state, admin), app, path="/", css=CSS, head=HEAD,
                               show_error=False, max_file_size=UPLOAD_CAP, ssr_mode=False,
                               footer_links=[], app_kwargs=guard.app_kwargs(app, writable))
