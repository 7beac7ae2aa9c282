"""The API's OpenAPI description and its docs page, served without any network.

The response bodies in the description are the published JSON Schemas (``rag.contract``):
OpenAPI 3.1 speaks JSON Schema 2020-12, so each schema goes in as it is, its ``$defs``
lifted into ``components/schemas``. The docs page is FastAPI's Swagger UI with its
script and style served from the ``fastapi-offline`` package (Swagger UI 5, which reads
OpenAPI 3.1) instead of a CDN: the machines that run this reach no CDN.
"""

from __future__ import annotations

import copy
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles

from rag.contract import OUTPUTS, schema

OPENAPI_URL = "/api/openapi.json"
DOCS_URL = "/api/docs"
ASSETS_URL = "/api/docs/assets"
DESCRIPTION = (
    "Search and cited answers over the indexed Vietnamese socio-economic reports, as JSON. "
    "Every body carries `schema_version`; the schemas are in `schemas/` of the repository "
    "and at `/api/v1/schemas/{name}`. Errors are the `error` schema: the error `code` and "
    "the Vietnamese `message`. Each client address has a request budget (429 with "
    "`Retry-After` past it). Writes (POST and DELETE `/api/v1/reports`) exist only when the "
    "server was started with an admin token, sent as `Authorization: Bearer TOKEN`.")


def component(name: str) -> str:
    """``eval-row`` -> ``EvalRowOutput``: the output's name in ``components/schemas``."""
    return "".join(part.title() for part in name.split("-")) + "Output"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{component(name)}"}


def _json(name: str, text: str) -> dict:
    return {"description": text, "content": {"application/json": {"schema": _ref(name)}}}


ERRORS = {
    400: _json("error", "bad input: an empty or over-long question, k out of range, a "
                        "period that cannot be read, a missing parameter"),
    404: _json("error", "no such report (or indicator)"),
    429: _json("error", "this client sent too many requests; see Retry-After"),
    503: _json("error", "the index is loading (see Retry-After) or cannot be used"),
}


def body(name: str, status: int = 200, errors: dict | None = None) -> dict:
    """``add_api_route`` arguments saying that the route answers with output ``name``."""
    return {"responses": {status: _json(name, OUTPUTS[name][1]),
                          **(ERRORS if errors is None else errors)},
            "response_model": None}


def _lifted(name: str, components: dict) -> dict:
    """The schema of ``name`` with its ``$defs`` moved into ``components``."""
    found = copy.deepcopy(schema(name))
    for key, value in found.pop("$defs", {}).items():
        value = _rewrite(value)
        if components.setdefault(key, value) != value:
            raise ValueError(f"two outputs define {key} differently")  # one record, one shape
    for key in ("$schema", "$id"):
        found.pop(key, None)
    return _rewrite(found)


def _rewrite(node):
    if isinstance(node, dict):
        return {k: (v.replace("#/$defs/", "#/components/schemas/") if k == "$ref" else
                    _rewrite(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def openapi_of(app: FastAPI) -> dict:
    """FastAPI's description of the routes, with the published schemas as the bodies and
    no 422 (validation errors are 400 with the ``error`` body)."""
    spec = get_openapi(title=app.title, version=app.version, description=app.description,
                       routes=app.routes)
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    for name in OUTPUTS:
        components[component(name)] = _lifted(name, components)
    for path in spec.get("paths", {}).values():
        for operation in path.values():
            operation.get("responses", {}).pop("422", None)
    return spec


def register(app: FastAPI) -> None:
    """The docs page, its assets and the description (built once, on first request)."""
    import fastapi_offline

    assets = Path(fastapi_offline.__file__).parent / "static"
    app.mount(ASSETS_URL, StaticFiles(directory=assets), name="api-docs-assets")

    def docs():
        return get_swagger_ui_html(
            openapi_url=OPENAPI_URL, title="baocao API",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png")

    app.add_api_route(DOCS_URL, docs, include_in_schema=False)

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = openapi_of(app)
        return app.openapi_schema

    app.openapi = openapi
