"""Event handlers: question -> answer/passages, click -> report view, upload -> index.

Kept apart from the layout (``ui.app``) so they can be called directly in
tests. No ``from __future__ import annotations`` here: Gradio reads the
``gr.EventData`` / ``gr.Progress`` hints at runtime.
"""

import itertools
import logging
import time

import gradio as gr

from rag.contract import stamp
from rag.errors import BaocaoError
from rag.records import Citation
from rag.service import read_question
from ui.messages import vi_error
from ui.reader import Highlight, report_view
from ui.render import (
    answer_view,
    doc_list_view,
    hits_view,
    message,
    shown_footnotes,
    status_view,
)
from ui.series import trend_hidden, trend_shown
from ui.state import AppState

log = logging.getLogger("baocao.ui")

MODES = ("Trả lời", "Chỉ tìm kiếm")
ALL_PERIODS = "(tất cả các kỳ)"
TOP_K = 10
# A question asked while the index is still being built or loaded waits this long for it
# (README: a first start with model conversion answered after 67 s; 15 min is generous).
WAIT_READY_SECONDS = 900.0
REFRESH_OUTPUTS = 9  # status, timer, version, 4 pickers, the report table, the examples


class Handlers:
    """Handlers bound to one ``AppState`` (one engine for every browser session)."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self._nonce = itertools.count(1)

    # -- asking ---------------------------------------------------------------
    def ask(self, question, doc_ids, period, mode, progress=gr.Progress()):
        """Answer (or, in search-only mode, list passages); returns (html, citations)."""
        return self._reply(question, doc_ids, period, mode, progress)[:2]

    def _reply(self, question, doc_ids, period, mode, progress):
        """(html, citations, Answer or None). A question that is too long or a period filter
        that names no period is refused with the reason; before the index is ready the
        question waits (with the start-up progress shown)."""
        question = (question or "").strip()
        if not question:
            return message("Hãy nhập câu hỏi, ví dụ: giải ngân vốn đầu tư công tháng 5/2024?"), \
                None, None
        period_text = self._period(period)
        try:
            read_question(question, period_text)
        except BaocaoError as exc:
            return message(vi_error(exc), "error-box", question), None, None
        if not self._wait(progress):
            return message(self.state.status()["text"], "error-box", question), None, None
        engine, t0 = self.state.engine, time.perf_counter()
        try:
            self.check_reports(doc_ids)
            if mode == MODES[1]:
                res = engine.search(question, k=TOP_K, doc_ids=doc_ids or None, period=period_text)
                return hits_view(res, time.perf_counter() - t0), None, None
            ans = engine.ask(question, k=TOP_K, doc_ids=doc_ids or None, period=period_text)
        except BaocaoError as exc:
            return message(vi_error(exc), "error-box", question), None, None
        except Exception:  # noqa: BLE001 - the page says something failed; the log has it all
            log.exception("question failed: %r", question[:200])
            return message("Lỗi khi xử lý câu hỏi; xin thử lại hoặc báo người quản trị.",
                           "error-box", question), None, None
        took = time.perf_counter() - t0
        return answer_view(ans, took, "", self.state.chunk), list(ans.citations), ans

    def ask_with_chart(self, question, doc_ids, period, mode, progress=gr.Progress()):
        """The answer view, its citations and the trend chart box and figure, from one event:
        a chart drawn by an event of its own could lag its answer (covered by a progress
        veil, or left over from the question before when an example chip was clicked). The
        chart is the answer's own series (``Answer.series``), never computed again."""
        html, citations, ans = self._reply(question, doc_ids, period, mode, progress)
        if ans is None or not ans.series:  # search mode, an error, not a trend: no chart
            return html, citations, *trend_hidden()
        return html, citations, *trend_shown(ans, self.state.engine.index.docs)

    def ask_example(self, sample, doc_ids, period, mode, progress=gr.Progress()):
        """An example chip: put the question in the box and answer it at once."""
        question = sample[0] if isinstance(sample, (list, tuple)) else str(sample or "")
        return (question, *self.ask_with_chart(question, doc_ids, period, mode, progress))

    def _wait(self, progress) -> bool:
        """Wait until a question can be answered, showing the start-up progress."""
        deadline = time.monotonic() + WAIT_READY_SECONDS
        while not self.state.ready and time.monotonic() < deadline:
            status = self.state.status()
            if status["state"] == "error":
                return False
            done = round(100 * status.get("fraction", 0.0))
            progress(None, desc=f"Câu hỏi sẽ được trả lời ngay khi chỉ mục sẵn sàng. "
                               f"{status['text']} — {done}%")
            self.state.wait_ready(0.5)
        return self.state.ready

    @staticmethod
    def _period(period) -> str | None:
        """The period filter's text (None for all periods)."""
        text = (period or "").strip()
        return None if not text or text == ALL_PERIODS else text

    # -- opening reports --------------------------------------------------------
    def open_clicked(self, citations, evt: gr.EventData):
        """A click on [n], a source, a passage or a report link: open the report view."""
        data = getattr(evt, "_data", None) or {}
        kind = data.get("kind")
        if kind == "cite":
            cite = next((c for c in citations or [] if str(c.n) == str(data.get("n"))), None)
            if cite is None:
                return gr.skip(), gr.skip(), gr.skip()
            html = self.open_citation(cite)
            doc_id = cite.doc_id
        elif kind == "hit" and self.state.ready and self.state.chunk(data.get("chunk", "")):
            chunk = self.state.chunk(data["chunk"])
            html = self.open(chunk.doc_id, chunk.chunk_id, None, {f.n for f in chunk.footnotes})
            doc_id = chunk.doc_id
        elif kind == "doc":
            doc_id = str(data.get("doc", ""))
            html = self.open(doc_id)
        else:
            return gr.skip(), gr.skip(), gr.skip()
        known = self.state.ready and doc_id in self.state.engine.index.docs
        return html, gr.Tabs(selected="reader"), (doc_id if known else gr.skip())

    def open_citation(self, cite: Citation) -> str:
        """The cited report at the quote, its footnotes marked."""
        notes = {f.n for f in shown_footnotes(cite)}
        return self.open(cite.doc_id, cite.chunk_id, cite.span, notes, f"[{cite.n}]",
                         frozenset(cite.columns))

    def open(self, doc_id, chunk_id=None, span=None, notes=(), label="",
             columns: frozenset = frozenset()) -> str:
        """The report view of an indexed report, with the cited passage highlighted."""
        if not self.state.ready:
            return message(self.state.status()["text"], "error-box")
        try:
            doc = self.state.document(str(doc_id or ""))
        except BaocaoError as exc:
            text = vi_error(exc) if exc.code == "index.damaged" else \
                "Không có báo cáo này trong chỉ mục."
            return message(text, "error-box")
        info = self.state.engine.index.docs[doc.doc_id]
        hl = self._highlight(doc.doc_id, chunk_id, span, notes, label, columns)
        return report_view(doc, info, hl, next(self._nonce))

    def _highlight(self, doc_id, chunk_id, span, notes, label, columns) -> Highlight | None:
        chunk = self.state.chunk(chunk_id) if chunk_id else None
        if chunk is None or chunk.doc_id != doc_id:
            return None
        ref = chunk.table  # a table row: its cited cell, or the row's cells for a passage
        return Highlight(chunk.start, chunk.end, span, frozenset(notes), label,
                         tuple(chunk.section_path), ref.table_id if ref else None,
                         ref.row if ref else None,
                         (columns or frozenset(ref.col_index)) if ref else frozenset())

    def open_picked(self, doc_id):
        return self.open(doc_id) if doc_id else gr.skip()

    # -- status and lists ------------------------------------------------------------
    def refresh(self, shown=None):
        """Status line, the polling timer and every list when the index changed since the
        page last showed it (``shown``: the version it shows); otherwise nothing is sent."""
        status = self.state.status()
        version = status.get("version")
        if shown is not None and version == shown and status["state"] == "ready":
            return (gr.skip(),) * REFRESH_OUTPUTS
        timer = gr.Timer(value=1.0 if status["state"] == "building" else 5.0)
        return (status_view(status), timer, version, *self.lists(), *self.examples())

    def refreshed(self):
        """Status line and report lists after the index changed."""
        return (status_view(self.state.status()), *self.lists())

    def choices(self, docs=None) -> tuple[list, list[str], str]:
        """Report choices, period choices and the report table of the current index (or of
        ``docs``)."""
        docs = self.state.docs() if docs is None else docs
        reports = [(f"{d.title} — {d.period_label or 'không rõ kỳ'}", d.doc_id) for d in docs]
        return reports, self.periods(docs), doc_list_view(docs)

    def lists(self):
        """Updates for the report filter, the period filter, the reader picker, the removal
        picker; the table."""
        reports, periods, table = self.choices()
        return (gr.Dropdown(choices=reports), gr.Dropdown(choices=periods),
                gr.Dropdown(choices=reports), gr.Dropdown(choices=reports), table)

    def examples(self):
        from ui.app import example_questions

        return (gr.Dataset(samples=[[q] for q in example_questions(self.periods(
            self.state.docs()))]),)

    @staticmethod
    def periods(docs) -> list[str]:
        """Period labels of the indexed reports, latest first."""
        found = {p.label: p for d in docs for p in d.periods}
        order = sorted(found.values(), key=lambda p: (p.year or 0, p.end_month, -p.start_month),
                       reverse=True)
        return [ALL_PERIODS] + [p.label for p in order]

    def check_reports(self, doc_ids) -> None:
        """Report ids of a filter must be indexed (the filter takes free values: a script's
        ids may name reports added after the page was built)."""
        docs = self.state.engine.index.docs
        for doc_id in doc_ids or ():
            if doc_id not in docs:
                raise BaocaoError("index.no_report", doc_id=str(doc_id))

    # -- JSON API (gradio_client) ----------------------------------------------------------
    def api_answer(self, question: str, period: str = "", doc_ids: list | None = None) -> dict:
        """Answer with citations: the ``answer`` schema (as ``baocao ask --json``)."""
        return self._api("ask", question, period, doc_ids)

    def api_search(self, query: str, period: str = "", doc_ids: list | None = None) -> dict:
        """Ranked passages: the ``search`` schema (as ``baocao search --json``)."""
        return self._api("search", query, period, doc_ids)

    def _api(self, what: str, text: str, period: str, doc_ids) -> dict:
        if not self.state.wait_ready(WAIT_READY_SECONDS):
            raise gr.Error(self.state.status()["text"])
        engine = self.state.engine
        call = engine.ask if what == "ask" else engine.search
        try:
            self.check_reports(doc_ids)
            out = call(text, k=TOP_K, doc_ids=doc_ids or None, period=self._period(period))
            return stamp("answer" if what == "ask" else "search", out.to_dict())
        except BaocaoError as exc:
            raise gr.Error(vi_error(exc)) from None
