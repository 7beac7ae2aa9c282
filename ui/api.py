"""The HTTP API: JSON over plain HTTP for other systems, beside the web app.

``baocao serve`` runs one FastAPI application: these routes under ``/api/v1``, the
OpenAPI description at ``/api/openapi.json`` with its docs page at ``/api/docs``
(``ui.api_docs``), and the Gradio app mounted at ``/``. Both read the same ``AppState``,
so the API answers from the index the page shows and sees every reload. Bodies are the
CLI's JSON under the same schemas (``rag.contract``); errors are the ``error`` schema with
the library's code and the app's Vietnamese sentence for it. Writes exist only with an
admin token (``ui.api_write``). Requests are limited per client address with the web
app's token buckets and limits (``ui.guard``: ``BAOCAO_CLIENT_RATE``, ``BAOCAO_CLIENT_BURST``),
refused as the app refuses them (429, ``client.rate``).
"""

from __future__ import annotations

import logging
import math
import os
import threading
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from rag import service
from rag.contract import VERSIONS, schema, stamp
from rag.errors import BaocaoError
from ui import api_docs
from ui.api_http import StrictJSON, error_response, status_of
from ui.guard import CLIENT_BURST, CLIENT_RATE, TokenBuckets, client_of
from ui.state import AppState

log = logging.getLogger("baocao.api")

PREFIX = "/api/v1"
API_VERSION = "1.0.0"  # the HTTP API's own routes and parameters; the bodies have theirs
# The page asks for 10 passages; 50 lets a script see further down the ranking while one
# request stays ~50 passages of JSON (no measurement beyond that).
MAX_K = 50
# searches at once: the app's engine group has the same setting (ui.app.ENGINE_CONCURRENCY)
ENGINE_SLOTS = int(os.environ.get("BAOCAO_ENGINE_CONCURRENCY", "16"))

Docs = Annotated[list[str] | None, Query(description="only these report ids (repeatable)")]
Period = Annotated[str | None, Query(description="period filter, e.g. 'tháng 5/2024'; a "
                                                 "period the question names wins over it")]
K = Annotated[int, Query(description=f"passages to consider, 1 to {MAX_K}",
                         json_schema_extra={"minimum": 1, "maximum": MAX_K})]


class Api:
    """The read endpoints over one ``AppState``."""

    def __init__(self, state: AppState, limiter: TokenBuckets, writes: bool) -> None:
        self.state = state
        self.limiter = limiter
        self.writes = writes
        self.slots = threading.BoundedSemaphore(ENGINE_SLOTS)

    # -- checks shared by the endpoints -------------------------------------------------
    def limit(self, request: Request) -> None:
        """Dependency: one request from this client, refused past its rate."""
        wait = self.limiter.take(client_of(request))
        if wait > 0:
            raise BaocaoError("client.rate", wait=max(1, math.ceil(wait)))

    def engine(self) -> service.Engine:
        engine = self.state.engine
        if engine is not None:
            return engine
        status = self.state.status()
        if status["state"] == "error":
            raise BaocaoError("index.unavailable", why=status["text"])
        raise BaocaoError("index.loading", status=status["text"])

    @staticmethod
    def checked(engine: service.Engine, k: int, docs, period) -> tuple:
        if not 1 <= k <= MAX_K:
            raise BaocaoError("query.bad_k", k=k, limit=MAX_K)
        for doc_id in docs or ():
            if doc_id not in engine.index.docs:
                raise BaocaoError("index.no_report", doc_id=doc_id)
        # a period filter that names no period ("tháng 13/2024") is refused by the library
        return list(docs) if docs else None, (period or "").strip() or None

    # -- endpoints ------------------------------------------------------------------------
    def ask(self, q: Annotated[str, Query(description="the question, at most "
                                                      f"{service.LIMITS.max_question_chars} "
                                                      "characters")],
            doc: Docs = None, period: Period = None, k: K = 10):
        """A cited answer (`ask --json`): schema `answer`."""
        engine = self.engine()
        q = service.check_question(q)
        docs, period = self.checked(engine, k, doc, period)
        with self.slots:
            answer = engine.ask(q, k=k, doc_ids=docs, period=period)
        return StrictJSON(stamp("answer", answer.to_dict()))

    def search(self, q: Annotated[str, Query(description="the query")], k: K = 10,
               doc: Docs = None, period: Period = None):
        """Ranked passages (`search --json`): schema `search`."""
        engine = self.engine()
        q = service.check_question(q)
        docs, period = self.checked(engine, k, doc, period)
        with self.slots:
            result = engine.search(q, k=k, doc_ids=docs, period=period)
        return StrictJSON(stamp("search", result.to_dict()))

    def reports(self):
        """Every indexed report (`index list --json`): schema `reports`."""
        docs = self.engine().index.docs.values()
        return StrictJSON(stamp("reports", {"reports": [d.to_dict() for d in docs]}))

    def report(self, doc_id: str):
        """One report: what the index keeps about it and its parsed text: schema `report`."""
        engine = self.engine()
        if doc_id not in engine.index.docs:
            raise BaocaoError("index.no_report", doc_id=doc_id)
        doc = self.state.document(doc_id)
        info = self.state.engine.index.docs.get(doc_id) or engine.index.docs[doc_id]
        return StrictJSON(stamp("report", {"info": info.to_dict(), "document": doc.to_dict()}))

    def series(self, indicator: Annotated[str, Query(description="an indicator name, e.g. "
                                                                 "'thu ngân sách nhà nước'")],
               plans: bool = False, doc: Docs = None):
        """One indicator across the reports (`series --json`): schema `series`."""
        from rag.answer.export import find_series, to_json
        from rag.index.observations import observations_of

        engine = self.engine()
        if not indicator.strip():
            raise BaocaoError("request.missing", param="indicator")
        docs, _ = self.checked(engine, 1, doc, None)
        found = find_series(observations_of(engine.index), indicator, plans=plans, doc_ids=docs)
        return StrictJSON(stamp("series", to_json(found)))

    def health(self):
        """Whether questions can be answered now: schema `health` (never rate-limited)."""
        status = self.state.status()
        engine = self.state.engine
        index = engine.index if engine is not None else None
        body = {"status": {"ready": "ready", "error": "error"}.get(status["state"], "loading"),
                "message": status["text"],
                "version": index.folder.name if index else None,
                "reports": len(index.docs) if index else None,
                "chunks": len(index.chunks) if index else None,
                "embedder": index.embedder_name if index else None,
                "writes": self.writes, "schemas": dict(VERSIONS)}
        return StrictJSON(stamp("health", body))

    @staticmethod
    def schema(name: str):
        """The JSON Schema of one output (names as in `schemas/`)."""
        if name not in VERSIONS:
            raise BaocaoError("request.not_found", path=f"{PREFIX}/schemas/{name}")
        return StrictJSON(schema(name))


def create_api(state: AppState, admin=None, limiter: TokenBuckets | None = None) -> FastAPI:
    """The FastAPI application (the Gradio app is mounted into it by ``ui.app.serve``)."""
    app = FastAPI(title="baocao API", version=API_VERSION, docs_url=None,
                  redoc_url=None, openapi_url=api_docs.OPENAPI_URL,
                  description=api_docs.DESCRIPTION)
    api = Api(state, limiter or TokenBuckets(CLIENT_RATE, CLIENT_BURST), writes=admin is not None)
    limited = [Depends(api.limit)]
    router = APIRouter(prefix=PREFIX, default_response_class=StrictJSON)
    ask = dict(dependencies=limited, tags=["questions"])
    read = dict(dependencies=limited, tags=["reports"])
    router.add_api_route("/ask", api.ask, **ask, **api_docs.body("answer"))
    router.add_api_route("/search", api.search, **ask, **api_docs.body("search"))
    router.add_api_route("/series", api.series, **ask, **api_docs.body("series"))
    router.add_api_route("/reports", api.reports, **read, **api_docs.body("reports"))
    router.add_api_route("/reports/{doc_id}", api.report, **read, **api_docs.body("report"))
    router.add_api_route("/health", api.health, tags=["service"],
                         **api_docs.body("health", errors={}))
    router.add_api_route("/schemas/{name}", api.schema, dependencies=limited, tags=["service"])
    if admin is not None:
        from ui.api_write import Writes

        Writes(state, admin).register(router, limited)
    app.include_router(router)
    app.state.writes = admin is not None
    app.state.routes = [r for r in router.routes if isinstance(r, APIRoute)]
    api_docs.register(app)
    _errors(app)
    return app


def _errors(app: FastAPI) -> None:
    """Every error as the ``error`` schema; unknown /api addresses too (the Gradio app,
    mounted at /, would otherwise answer them with its page)."""

    @app.exception_handler(BaocaoError)
    async def library_error(request: Request, exc: BaocaoError):
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        first = (exc.errors() or [{}])[0]
        param = str((first.get("loc") or ["", "?"])[-1])
        if first.get("type") == "missing":
            return error_response(BaocaoError("request.missing", param=param))
        return error_response(BaocaoError("request.invalid", param=param,
                                          why=str(first.get("msg", ""))))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        path = request.url.path
        if exc.status_code == 405:
            return error_response(_refused_method(app, request))
        return error_response(BaocaoError("request.not_found", path=path))

    @app.exception_handler(Exception)
    async def failed(request: Request, exc: Exception):
        log.exception("request failed: %s", request.url.path)
        return error_response(BaocaoError("request.failed"))

    @app.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                   include_in_schema=False)
    async def unknown(request: Request, rest: str):
        path = request.url.path
        known = any(r.path_regex.match(path) for r in app.state.routes)
        raise _refused_method(app, request) if known else BaocaoError("request.not_found",
                                                                      path=path)


def _refused_method(app: FastAPI, request: Request) -> BaocaoError:
    """A known address with another method: a write on a read-only server says so."""
    if request.method in ("POST", "DELETE") and request.url.path.startswith(
            f"{PREFIX}/reports") and not getattr(app.state, "writes", False):
        return BaocaoError("write.read_only")
    return BaocaoError("request.method", method=request.method, path=request.url.path)


__all__ = ["MAX_K", "PREFIX", "create_api", "status_of"]
