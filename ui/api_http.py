"""HTTP details of the API: strict JSON bodies, and the status and body of each error."""

from __future__ import annotations

import json
import math

from starlette.responses import JSONResponse

from rag.contract import stamp
from rag.errors import BaocaoError
from ui.messages import vi_error

# The status of an error code; every other code is 400 (the request cannot be served as
# sent: an empty or over-long question, a bad k or period, an unreadable file).
STATUS: dict[str, int] = {
    "index.no_report": 404, "series.unknown_indicator": 404, "request.not_found": 404,
    "write.no_token": 401, "write.bad_token": 403,
    "write.read_only": 405, "request.method": 405,
    "index.replace_unconfirmed": 409, "index.remove_unconfirmed": 409,
    "file.too_large": 413,
    "client.rate": 429, "client.in_flight": 429, "write.token_wait": 429,
    "request.failed": 500,
    "index.loading": 503, "index.unavailable": 503, "index.missing": 503,
    "index.damaged": 503, "index.unreadable": 503, "index.format": 503,
    "index.format_newer": 503, "index.embedder_mismatch": 503, "embedder.prepare": 503,
    "embedder.load": 503, "embedder.needs_package": 503,
}
RETRY_LOADING_SECONDS = 5


def finite(obj):
    """Non-finite floats become null: JSON has no ``NaN`` or ``Infinity``."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite(v) for v in obj]
    return obj


class StrictJSON(JSONResponse):
    """UTF-8 JSON with Vietnamese letters as they are, never ``NaN``."""

    def render(self, content) -> bytes:
        return json.dumps(finite(content), ensure_ascii=False, allow_nan=False,
                          separators=(",", ":")).encode("utf-8")


def status_of(code: str) -> int:
    return STATUS.get(code, 400)


def _plain(value):
    """A detail as JSON can carry it."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def error_response(exc: BaocaoError) -> StrictJSON:
    status = status_of(exc.code)
    body = stamp("error", {"status": status, "code": exc.code, "message": vi_error(exc),
                           "details": {k: _plain(v) for k, v in exc.details.items()}})
    headers = {}
    if status == 429 and "wait" in exc.details:
        headers["Retry-After"] = str(exc.details["wait"])
    elif exc.code == "index.loading":
        headers["Retry-After"] = str(RETRY_LOADING_SECONDS)
    elif status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return StrictJSON(body, status_code=status, headers=headers)
