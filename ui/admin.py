"""Who may change the index from the web app, and the confirm-then-write handlers.

Choice: the app is read-only unless ``baocao serve`` was started with an
admin token (``BAOCAO_ADMIN_TOKEN``, or ``--admin-token-file``). Officials
who only ask questions never log in; Gradio's own ``auth`` would put a login
in front of the whole page, which is the wrong trade for a read-mostly tool.
Without a token the write events are not even registered. With one, every
write action (preview, confirm, remove) carries the token typed into the
"Mã quản trị" field and the server compares it in constant time; after a second
wrong token in a row the same client waits ``FAIL_DELAY_SECONDS``, doubling with
each further one, before its next attempt is even checked (``ui.guard.TokenPenalty``: no
sleep holds the one-at-a-time write slot, so guessing is slow for the guesser
alone). Every write is logged with the client address in ``changes.jsonl``.

An upload is parsed first and shown as a plan (new, replacement with the
figures that change, unchanged, refused); nothing is written until the admin
confirms, and a replacement then only replaces the version that was shown.
Uploaded files are deleted from Gradio's upload folder once used or cancelled.
No ``from __future__ import annotations``: Gradio reads the hints at runtime.
"""

import hmac
import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr

from rag import service
from rag.errors import BaocaoError, InputError
from rag.index.plan import PlannedFile
from rag.ingest.ocr import OCR_STAGE
from ui.guard import UPLOADS, TokenPenalty, client_of, remove_upload
from ui.messages import vi_error
from ui.render import message, plan_view, removal_view, write_result_view
from ui.state import AppState

log = logging.getLogger("baocao.ui")

TOKEN_ENV = "BAOCAO_ADMIN_TOKEN"
MIN_TOKEN_CHARS = 12  # no measurement: long enough that FAIL_DELAY_SECONDS makes guessing futile
FAIL_DELAY_SECONDS = 1.0


class Admin:
    """The admin token the server was started with."""

    def __init__(self, token: str) -> None:
        token = token.strip()
        if len(token) < MIN_TOKEN_CHARS:
            raise InputError("write.short_token", minimum=MIN_TOKEN_CHARS)
        self._token = token.encode("utf-8")
        self._penalty = TokenPenalty(FAIL_DELAY_SECONDS)

    @classmethod
    def configured(cls, token_file: str | None = None) -> "Admin | None":
        """From ``--admin-token-file`` or ``BAOCAO_ADMIN_TOKEN``; None: read-only."""
        if token_file:
            return cls(Path(token_file).read_text(encoding="utf-8"))
        token = os.environ.get(TOKEN_ENV, "")
        return cls(token) if token else None

    def check(self, given: str | None, client: str = "?") -> None:
        """The token, checked in constant time unless ``client`` must wait first."""
        wait = self._penalty.wait(client)
        if wait > 0:
            raise BaocaoError("write.token_wait", wait=math.ceil(wait))
        given = (given or "").strip()
        if not hmac.compare_digest(given.encode("utf-8"), self._token):
            if given:  # an empty field is no guess
                self._penalty.failed(client)
            raise BaocaoError("write.bad_token")
        self._penalty.passed(client)


@dataclass
class Pending:
    """An upload shown for confirmation (kept per browser session in a ``gr.State``)."""

    paths: list[str] = field(default_factory=list)
    expect: dict[str, str] = field(default_factory=dict)  # doc id -> content hash shown
    writable: bool = False  # something to add or replace


def discard(paths) -> None:
    """Delete uploaded files, only inside Gradio's upload folder."""
    for p in paths or []:
        remove_upload(p)


def _who(request: gr.Request | None) -> str:
    return f"web admin from {client_of(request)}"


class AdminHandlers:
    """Write handlers; ``admin`` None means the app is read-only (never wired then)."""

    def __init__(self, state: AppState, admin: Admin | None) -> None:
        self.state = state
        self.admin = admin

    def _allowed(self, token, request=None) -> str | None:
        """None when the token is right, else the Vietnamese reason."""
        if self.admin is None:
            return vi_error(BaocaoError("write.read_only"))
        if not self.state.ready:
            return self.state.status()["text"]
        try:
            self.admin.check(token, client_of(request))
        except BaocaoError as exc:
            return vi_error(exc)
        return None

    # -- uploads ------------------------------------------------------------------------
    def preview(self, files, token, request: gr.Request, progress=gr.Progress()):
        """Parse the uploaded files (nothing written) and show what confirming would do."""
        paths = [str(f) for f in (files if isinstance(files, list) else [files]) if f]
        UPLOADS.claim(paths)  # from here on deleted by this plan, not by the sweeper
        refused = self._allowed(token, request)
        if refused or not paths:
            discard(paths)
            names = ", ".join(f"«{Path(p).name}»" for p in paths)
            text = f"Không đọc {names}: {refused}" if refused else "Chưa chọn tệp nào."
            return message(text, "error-box" if refused else "muted"), None, *_buttons(False)
        with self.state.write_lock:
            plans = service.preview([Path(p) for p in paths], self.state.engine.index,
                                    _progress_of(progress))
        pending = _pending(plans)
        if not pending.writable:
            discard(paths)
        reasons = {p.name: vi_error(p.error) for p in plans if p.error is not None}
        return plan_view(plans, reasons), (pending if pending.writable else None), \
            *_buttons(pending.writable, any(p.status == "replace" for p in plans))

    def confirm(self, pending, token, request: gr.Request, progress=gr.Progress()):
        """Write what the plan showed, with progress; the index stays as it was on failure."""
        if not pending:
            return message("Không có gì để ghi."), None, *_buttons(False)
        refused = self._allowed(token, request)
        if refused:
            return message(refused, "error-box"), pending, *_buttons(True)
        progress(None, desc="Đang đọc tệp…")
        try:
            with self.state.write_lock:
                report = service.add([Path(p) for p in pending.paths], self.state.root,
                                     progress=_progress_of(progress), replace=pending.expect,
                                     who=_who(request))
        except BaocaoError as exc:
            return (message(f"Không ghi được: {vi_error(exc)}. Chỉ mục vẫn giữ nguyên.",
                            "error-box"), None, *_buttons(False))
        except Exception:  # noqa: BLE001 - a reader crash; the index is untouched
            log.exception("upload failed")
            return (message("Không ghi được do lỗi hệ thống. Chỉ mục vẫn giữ nguyên.",
                            "error-box"), None, *_buttons(False))
        finally:
            discard(pending.paths)
        self.state.check_reload()
        docs = self.state.engine.index.docs
        failed = {k: _why(e, pending) for k, e in report.errors.items()}
        html = write_result_view([docs[d] for d in report.added if d in docs],
                                 set(report.replaced), failed, [], self.state.status()["text"])
        return html, None, *_buttons(False)

    def cancel(self, pending):
        discard(pending.paths if pending else [])
        return message("Đã huỷ; chưa có gì được ghi."), None, *_buttons(False)

    # -- removal ----------------------------------------------------------------------
    def ask_remove(self, doc_id, token, request: gr.Request):
        refused = self._allowed(token, request)
        if refused:
            return message(refused, "error-box"), None, *_buttons(False)
        info = self.state.engine.index.docs.get(str(doc_id or ""))
        if info is None:
            return message("Hãy chọn một báo cáo trong danh sách."), None, *_buttons(False)
        return removal_view(info), info.doc_id, *_buttons(True, True)

    def confirm_remove(self, doc_id, token, request: gr.Request):
        if not doc_id:
            return message("Không có gì để xoá."), None, *_buttons(False)
        refused = self._allowed(token, request)
        if refused:
            return message(refused, "error-box"), doc_id, *_buttons(True, True)
        info = self.state.engine.index.docs.get(doc_id)
        try:
            with self.state.write_lock:
                service.remove([doc_id], self.state.root, who=_who(request))
        except BaocaoError as exc:
            return message(f"Không xoá được: {vi_error(exc)}.", "error-box"), None, \
                *_buttons(False)
        self.state.check_reload()
        removed = [info] if info is not None else []
        return write_result_view([], set(), {}, removed, self.state.status()["text"]), None, \
            *_buttons(False)

    def cancel_remove(self, _doc_id):
        return message("Đã huỷ; chưa có gì bị xoá."), None, *_buttons(False)


def _why(exc: BaocaoError, pending: Pending) -> str:
    """Why a confirmed file was not written. A replacement refused although the admin
    confirmed it means the report changed after the plan was shown (another writer): say
    that, not "cần xác nhận" (the admin had confirmed)."""
    if exc.code != "index.replace_unconfirmed":
        return vi_error(exc)
    title = exc.details.get("title", "")
    if exc.details.get("doc_id") in pending.expect:
        return (f"báo cáo «{title}» đã được thay bằng một bản khác sau khi kế hoạch được "
                "hiện ra (có người khác vừa ghi), nên tệp này chưa được ghi để khỏi đè lên "
                "bản mới đó. Hãy chọn lại tệp để xem thay đổi so với bản hiện có")
    return (f"trong lúc chờ xác nhận, một báo cáo cùng tên «{title}» vừa được thêm vào chỉ "
            "mục (có người khác vừa ghi), nên tệp này chưa được ghi. Hãy chọn lại tệp để "
            "xem thay đổi so với bản hiện có")


def _progress_of(progress):
    """A build's ``progress(label, done, total)`` shown in the page: OCR pages of a scanned
    PDF (read at preview, then from the OCR cache), then chunks indexed."""
    def on_progress(label: str, done: int, total: int) -> None:
        if label.endswith(OCR_STAGE):
            name = label.removesuffix(OCR_STAGE)
            progress((done, total), desc=f"Đang đọc bản quét (OCR) «{name}»", unit="trang")
        else:
            progress((done, total), desc=f"Đang lập chỉ mục «{label}»", unit="đoạn")

    return on_progress


def _pending(plans: list[PlannedFile]) -> Pending:
    keep = [p for p in plans if p.status in ("new", "replace")]
    expect = {k: v for p in keep for k, v in p.expect.items()}
    return Pending([str(p.path) for p in keep], expect, bool(keep))


def _buttons(show: bool, danger: bool = False):
    """Updates for the confirm and cancel buttons."""
    label = "Xác nhận thay thế" if danger else "Xác nhận"
    return gr.Button(visible=show, value=label), gr.Button(visible=show)
