"""Per-client bounds of the web app, so that no anonymous client denies the others service.

Gradio's queue is one list (``ui.app.QUEUE_MAX``) shared by every event, and
anyone can join it: the page's own events are plain HTTP (``/gradio_api/queue/
join`` with an event number), token or not. A client that joins faster than
events finish fills the queue, and every other user gets "Queue is full". So
an ASGI middleware in front of Gradio's routes bounds, per client address:

* requests per second (a token bucket: ``CLIENT_RATE`` sustained, ``CLIENT_BURST``
  at once) for every event and API call but the page's own status polling;
* events in flight (queued or running): ``CLIENT_IN_FLIGHT``;
* uploads: refused outright by a read-only server (it has nothing to upload
  to); an admin server holds at most ``UPLOAD_HOLD_BYTES`` of uploads that no
  plan has read yet and deletes each ``UPLOAD_ORPHAN_SECONDS`` after it came
  unless an event has it in hand.

The excess gets HTTP 429 (413 for uploads, 403 on a read-only server) with a
Vietnamese sentence in ``detail``, which the page shows. A client is its
address as the server sees it; uvicorn takes ``X-Forwarded-For`` only from
127.0.0.1, so behind a reverse proxy on the same machine each user counts
alone if the proxy sets the header, and all users of one NAT address share
one budget (raise ``BAOCAO_CLIENT_RATE`` / ``BAOCAO_CLIENT_IN_FLIGHT`` there).
The wrong-token slowdown of the admin token is here too (``TokenPenalty``): it
refuses a client's next attempts for a while instead of sleeping in a slot.
No ``from __future__ import annotations``: Gradio reads the admin hints at runtime.
"""

import json
import logging
import math
import os
import threading
import time
from collections import Counter, OrderedDict
from pathlib import Path

from rag.errors import BaocaoError
from ui.messages import vi_error

log = logging.getLogger("baocao.ui")

# No measurement behind these: an official asks a question every few seconds at most and
# a page polls its status every 5 s; 20 at once lets a page load and a few quick clicks
# through. eval/BENCHMARKS.md "Load" simulates each client with its own address.
CLIENT_RATE = float(os.environ.get("BAOCAO_CLIENT_RATE", "5"))  # requests per second
CLIENT_BURST = int(os.environ.get("BAOCAO_CLIENT_BURST", "20"))
CLIENT_IN_FLIGHT = int(os.environ.get("BAOCAO_CLIENT_IN_FLIGHT", "8"))
UPLOAD_HOLD_BYTES = 100 * 2**20  # five reports of the 20 MB maximum, not yet read
UPLOAD_ORPHAN_SECONDS = 60.0  # an upload is read by its preview at once, if ever
TRACKED_CLIENTS = 10_000  # the least recently seen are forgotten beyond this
FREE_EVENTS = ("refresh", "refreshed")  # the page's status polling: never charged
_API = "/gradio_api/"
_EVENT_ROUTES = ("queue/join", "call/", "run/", "api/")
_UPLOAD_ROUTES = ("upload", "process_recording")
_FREE_ROUTES = ("cancel", "reset")  # a page stopping its own events: cheap, never refused


class TokenBuckets:
    """``rate`` requests per second per key, ``burst`` at once; thread-safe."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """0 when a request of ``key`` may go now (and it is counted), else the wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens - 1.0 if wait == 0.0 else tokens, now)
            while len(self._buckets) > TRACKED_CLIENTS:
                self._buckets.popitem(last=False)
        return wait


class TokenPenalty:
    """After ``k`` >= 2 wrong tokens in a row a client waits ``base * 2**(k-2)`` seconds (at
    most ``cap``) before its next attempt is even checked; a right token clears it. The
    first mistake is free: an admin who mistypes retypes at once."""

    def __init__(self, base: float, cap: float = 60.0) -> None:
        self.base, self.cap = base, cap
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        with self._lock:
            until = self._failures.get(client, (0, 0.0))[1]
        return max(0.0, until - time.monotonic())

    def failed(self, client: str) -> None:
        with self._lock:
            count, _ = self._failures.pop(client, (0, 0.0))
            delay = min(self.cap, self.base * 2 ** (count - 1)) if count else 0.0
            self._failures[client] = (count + 1, time.monotonic() + delay)
            while len(self._failures) > TRACKED_CLIENTS:
                self._failures.popitem(last=False)

    def passed(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


def client_of(request) -> str:
    """The client address of a ``gr.Request`` (or a Starlette request)."""
    return getattr(getattr(request, "client", None), "host", None) or "?"


class UploadHold:
    """Uploads that no plan has read yet: their size and arrival, so they are bounded in
    total and deleted when nothing picks them up."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def bytes_held(self) -> int:
        with self._lock:
            return sum(size for size, _ in self._held.values())

    def add(self, paths: list[str], size: int) -> None:
        each = size // max(1, len(paths))
        with self._lock:
            for p in paths:
                self._held[p] = (each, time.monotonic())

    def claim(self, paths) -> None:
        """``paths`` reached a preview: the admin handlers delete them from now on."""
        with self._lock:
            for p in paths or []:
                self._held.pop(str(p), None)

    def sweep(self, in_use: set[str]) -> list[str]:
        """Delete uploads older than ``UPLOAD_ORPHAN_SECONDS`` that no event holds."""
        now = time.monotonic()
        with self._lock:
            old = [p for p, (_, t) in self._held.items()
                   if now - t >= UPLOAD_ORPHAN_SECONDS and p not in in_use]
            for p in old:
                del self._held[p]
        for p in old:
            remove_upload(p)
        return old


UPLOADS = UploadHold()


def remove_upload(path) -> None:
    """Delete an uploaded file, only inside Gradio's upload folder (and its own folder)."""
    from gradio.utils import get_upload_folder

    folder = Path(get_upload_folder()).resolve()
    try:
        p = Path(path).resolve()
        if folder in p.parents:
            p.unlink(missing_ok=True)
            p.parent.rmdir()  # Gradio keeps each upload in its own folder
    except OSError:
        pass


class Guard:
    """ASGI middleware: the bounds above, in front of Gradio's routes."""

    def __init__(self, app, blocks, writable: bool) -> None:
        self.app, self.blocks, self.writable = app, blocks, writable
        self.buckets = TokenBuckets(CLIENT_RATE, CLIENT_BURST)
        self._sweeping = False  # the sweeper starts with the first upload, ends with the app
        self._joining: Counter[str] = Counter()  # event requests being handled, per client

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if scope.get("method") != "POST" or _API not in path:
            return await self.app(scope, receive, send)
        route = path.split(_API, 1)[1]
        client = (scope.get("client") or ("?",))[0] or "?"
        if route.startswith(_UPLOAD_ROUTES):
            return await self._upload(route, client, scope, receive, send)
        if route.startswith(_EVENT_ROUTES):
            receive, free = await self._free_event(route, receive)
            if not free and (wait := self.buckets.take(client)) > 0:
                return await _refuse(send, 429, "client.rate", wait=math.ceil(wait))
            # joins still on their way into the queue count too (they arrive together)
            if in_flight(self.blocks, client) + self._joining[client] >= CLIENT_IN_FLIGHT:
                return await _refuse(send, 429, "client.in_flight", limit=CLIENT_IN_FLIGHT)
            self._joining[client] += 1
            try:
                return await self.app(scope, receive, send)
            finally:
                self._joining[client] -= 1
                if not self._joining[client]:
                    del self._joining[client]
        elif not route.startswith(_FREE_ROUTES) and (wait := self.buckets.take(client)) > 0:
            return await _refuse(send, 429, "client.rate", wait=math.ceil(wait))
        return await self.app(scope, receive, send)

    async def _free_event(self, route: str, receive):
        """Whether a queue join is the page's status polling (read from its small JSON
        body, which is then handed on unchanged)."""
        if route != "queue/join":
            return receive, False
        body, more = b"", True
        while more and len(body) <= 1 << 16:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        replay = [{"type": "http.request", "body": body, "more_body": more}]

        async def again():
            return replay.pop(0) if replay else await receive()

        try:
            fn = self.blocks.fns.get(int(json.loads(body)["fn_index"]))
        except (ValueError, KeyError, TypeError):
            fn = None
        return again, getattr(getattr(fn, "fn", None), "__name__", "") in FREE_EVENTS

    async def _upload(self, route: str, client: str, scope, receive, send) -> None:
        if not self.writable or route.startswith("process_recording"):
            return await _refuse(send, 403, "write.read_only")
        if (wait := self.buckets.take(client)) > 0:
            return await _refuse(send, 429, "client.rate", wait=math.ceil(wait))
        size = _content_length(scope)
        held = UPLOADS.bytes_held()
        if size is None or held + size > UPLOAD_HOLD_BYTES:
            return await _refuse(send, 413, "upload.held", held_mb=round(held / 2**20, 1),
                                 limit_mb=UPLOAD_HOLD_BYTES // 2**20)
        if not self._sweeping:
            self._sweeping = True
            threading.Thread(target=self._sweeper, daemon=True, name="upload-sweeper").start()
        chunks: list[bytes] = []

        async def capture(message) -> None:
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    _register(b"".join(chunks), size)
            await send(message)

        await self.app(scope, receive, capture)

    def _sweeper(self) -> None:
        while getattr(self.blocks, "is_running", True):
            time.sleep(min(5.0, max(0.2, UPLOAD_ORPHAN_SECONDS / 4)))
            try:
                UPLOADS.sweep(paths_in_use(self.blocks))
            except Exception:  # noqa: BLE001 - never let the sweeper die
                log.exception("upload sweep failed")


def _register(body: bytes, size: int) -> None:
    try:
        paths = json.loads(body)
    except ValueError:
        return
    if isinstance(paths, list) and all(isinstance(p, str) for p in paths):
        UPLOADS.add(paths, size)


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send, status: int, code: str, **details) -> None:
    body = json.dumps({"detail": vi_error(BaocaoError(code, **details))},
                      ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _events(blocks) -> list:
    """Gradio's queued and running events (its queue keeps them by id until done)."""
    queue = getattr(blocks, "_queue", None)
    return list(getattr(queue, "event_ids_to_events", {}).values())


def in_flight(blocks, client: str) -> int:
    return sum(1 for e in _events(blocks) if client_of(getattr(e, "request", None)) == client)


def paths_in_use(blocks) -> set[str]:
    """Uploaded file paths named in the data of queued or running events."""
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("path"), str):
                found.add(value["path"])
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    for event in _events(blocks):
        walk(getattr(getattr(event, "data", None), "data", None))
    return found


def app_kwargs(blocks, writable: bool) -> dict:
    """What ``Blocks.launch`` passes to the FastAPI app: the guard as its middleware."""
    from starlette.middleware import Middleware

    return {"middleware": [Middleware(Guard, blocks=blocks, writable=writable)]}
