"""Writes over HTTP: add, replace and remove reports with the admin token.

Registered only when ``baocao serve`` has an admin token; the token comes as
``Authorization: Bearer TOKEN`` and is checked in constant time by ``ui.admin.Admin``,
with the app's penalty: from the second wrong token in a row a client waits, 1 s doubling
to 60 s, before its next attempt is checked (429 ``write.token_wait``). The path is the
app's: the files are read into a plan (``rag.service.preview``) before anything is
written; a replacement or a removal happens only when the request confirms the version
of the report the plan showed (``confirm=doc_id:content_hash``); the write itself is
``rag.service.add`` / ``remove``, logged in ``changes.jsonl`` as "api admin from
<address>". ``dry_run=true`` returns the plan alone. The token is checked before the
upload is read.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from rag import service
from rag.contract import stamp
from rag.errors import BaocaoError
from rag.index.plan import PlannedFile
from rag.ingest import MAX_BYTES
from rag.records import DocInfo
from ui import api_docs
from ui.admin import Admin
from ui.api_http import StrictJSON, error_response, status_of
from ui.guard import client_of
from ui.messages import vi_error
from ui.state import AppState

MAX_FILES = 20  # no measurement: a batch an admin checks by reading its plan
MAX_REQUEST_BYTES = 200 * 2**20  # as the page's upload cap (ui.app.UPLOAD_CAP)
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["files"],
    "properties": {"files": {"type": "array", "items": {"type": "string",
                                                        "format": "binary"}}}}}}}}
Confirm = Annotated[list[str] | None, Query(description="doc_id:content_hash of each "
                                                        "report this write may replace")]


def _error(exc: BaocaoError | None) -> dict | None:
    return None if exc is None else {"code": exc.code, "message": vi_error(exc)}


def planned(p: PlannedFile) -> dict:
    """One file of the plan, as the ``change`` schema has it."""
    replacing = p.status == "replace" and p.old is not None
    return {"name": p.name, "doc_id": p.doc_id, "action": p.status, "title": p.title,
            "period": p.period, "n_chunks": p.n_chunks, "content_hash": p.content_hash,
            "replaces": _old(p.old) if replacing else None,
            "removed_figures": list(p.removed_figures), "added_figures": list(p.added_figures),
            "confirm": f"{p.doc_id}:{p.old.content_hash}" if replacing else None,
            "error": _error(p.error)}


def removal(info: DocInfo) -> dict:
    return {"name": None, "doc_id": info.doc_id, "action": "remove", "title": info.title,
            "period": info.period_label, "n_chunks": info.n_chunks,
            "content_hash": info.content_hash, "replaces": None, "removed_figures": [],
            "added_figures": [], "confirm": f"{info.doc_id}:{info.content_hash}",
            "error": None}


def _old(info: DocInfo) -> dict:
    return {"doc_id": info.doc_id, "title": info.title, "content_hash": info.content_hash}


def _result(report) -> dict:
    return {"added": [d for d in report.added if d not in report.replaced],
            "replaced": list(report.replaced), "unchanged": list(report.unchanged),
            "removed": list(report.removed),
            "failed": {name: _error(e) for name, e in report.errors.items()},
            "version": report.version}


def _confirmed(values: list[str] | None) -> dict[str, str]:
    pairs = (v.strip().rpartition(":") for v in values or [])
    return {doc_id: digest for doc_id, _, digest in pairs if doc_id and digest}


class Writes:
    def __init__(self, state: AppState, admin: Admin) -> None:
        self.state = state
        self.admin = admin

    def register(self, router: APIRouter, limited: list) -> None:
        errors = {**api_docs.ERRORS, 401: api_docs._json("error", "no admin token"),
                  403: api_docs._json("error", "wrong admin token"),
                  409: api_docs._json("change", "a replacement or removal needs confirm"),
                  413: api_docs._json("error", "an upload over the size limit")}
        write = dict(dependencies=limited, tags=["reports (admin)"])
        router.add_api_route("/reports", self.add, methods=["POST"], openapi_extra=UPLOAD_BODY,
                             **write, **api_docs.body("change", 201, errors))
        router.add_api_route("/reports/{doc_id}", self.remove, methods=["DELETE"], **write,
                             **api_docs.body("change", 200, errors))

    def authorize(self, request: Request) -> str:
        """The client's address, once its bearer token is the admin token."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise BaocaoError("write.no_token")
        host = client_of(request)
        self.admin.check(token, host)  # from a second wrong token in a row: wait, 429
        return f"api admin from {host}"

    def _engine(self) -> service.Engine:
        if self.state.engine is None:
            raise BaocaoError("index.loading", status=self.state.status()["text"])
        return self.state.engine

    async def add(self, request: Request, dry_run: bool = False, confirm: Confirm = None):
        """Add or replace reports (multipart field `files`): the plan, then the write."""
        who = await run_in_threadpool(self.authorize, request)
        self._engine()
        size = int(request.headers.get("content-length") or 0)
        if size > MAX_REQUEST_BYTES:
            raise BaocaoError("file.too_large", name="(request)", size_mb=size / 2**20,
                              limit_mb=MAX_REQUEST_BYTES // 2**20)
        folder = Path(tempfile.mkdtemp(prefix="baocao-api-"))
        try:
            paths = await self._receive(request, folder)
            return await run_in_threadpool(self._plan_and_write, paths, dry_run,
                                           _confirmed(confirm), who)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    async def _receive(self, request: Request, folder: Path) -> list[Path]:
        """The uploaded files under their own names, each in a folder of its own."""
        async with request.form(max_files=MAX_FILES, max_fields=MAX_FILES + 10) as form:
            uploads = [f for f in form.getlist("files") if hasattr(f, "read")]
            if not uploads:
                raise BaocaoError("write.no_files")
            paths = []
            for i, upload in enumerate(uploads):
                name = Path(upload.filename or "").name or f"bao-cao-{i + 1}.txt"
                if (upload.size or 0) > MAX_BYTES:
                    raise BaocaoError("file.too_large", name=name,
                                      size_mb=upload.size / 2**20, limit_mb=MAX_BYTES // 2**20)
                path = folder / str(i) / name
                path.parent.mkdir()
                with path.open("wb") as out:
                    shutil.copyfileobj(upload.file, out)
                paths.append(path)
        return paths

    def _plan_and_write(self, paths: list[Path], dry_run: bool, confirm: dict, who: str):
        with self.state.write_lock:
            plans = service.preview(paths, self._engine().index)
            items = [planned(p) for p in plans]
            keep = [p.path for p in plans if p.status in ("new", "replace")]
            if dry_run or not keep:
                failed = [p for p in plans if p.status == "failed"]
                status = 400 if failed and len(failed) == len(plans) and not dry_run else 200
                return self._change(status, items, None)
            report = service.add(keep, self.state.root, replace=confirm, who=who)
        self.state.check_reload()
        for item in items:
            err = report.errors.get(item["name"])
            item["error"] = _error(err) if err is not None else item["error"]
        if report.version:
            status = 201
        elif any(e.code == "index.replace_unconfirmed" for e in report.errors.values()):
            status = 409
        else:
            status = 400 if report.errors else 200
        return self._change(status, items, _result(report))

    @staticmethod
    def _change(status: int, items: list[dict], result: dict | None) -> StrictJSON:
        applied = bool(result and result["version"])
        return StrictJSON(stamp("change", {"applied": applied, "plan": items,
                                           "result": result}), status_code=status)

    def remove(self, doc_id: str, request: Request,
               confirm: Annotated[str | None, Query(description="doc_id:content_hash of the "
                                                                "report, as its plan says")]
               = None):
        """Remove a report: without `confirm` (or with another version's) only its plan."""
        who = self.authorize(request)
        info = self._engine().index.docs.get(doc_id)
        if info is None:
            return error_response(BaocaoError("index.no_report", doc_id=doc_id))
        item = removal(info)
        if confirm != item["confirm"]:
            if confirm is not None:
                exc = BaocaoError("index.remove_unconfirmed", doc_id=doc_id, title=info.title,
                                  confirm=item["confirm"])
                item["error"] = _error(exc)
            return self._change(status_of("index.remove_unconfirmed"), [item], None)
        with self.state.write_lock:
            report = service.remove([doc_id], self.state.root, who=who)
        self.state.check_reload()
        return self._change(200, [item], _result(report))
