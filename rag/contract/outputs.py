"""The schema of each machine output: the records' own shapes (``rag.contract.hints``)
plus what the front ends wrap around them (``schema_version``, ``parse``'s footnote list,
the series rows, the HTTP API's health, error and write bodies)."""

from __future__ import annotations

from rag.contract.hints import of_type, record, ref
from rag.records import Answer, Chunk, Comparison, DocInfo, Document, SearchResult

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}


def _object(props: dict, description: str = "", required: list | None = None) -> dict:
    out = {"type": "object"}
    if description:
        out["description"] = description
    return {**out, "properties": props, "required": list(props) if required is None
            else required, "additionalProperties": False}


def _described(schema: dict, text: str) -> dict:
    return {**schema, "description": text}


def parse(defs: dict) -> dict:
    """``baocao parse FILE --json``: the parsed report without its text, its footnotes as a
    list saying which chunk cites each, and its chunks."""
    out = record(Document, defs, drop=("text",))
    note = _object({"n": {"type": "integer"}, "text": STRING,
                    "page": {"type": ["integer", "null"]},
                    "cited_in": _described(NULLABLE_STRING,
                                           "the chunk whose text holds the marker")})
    out["properties"]["footnotes"] = {"type": "array", "items": note}
    out["properties"]["chunks"] = {"type": "array", "items": ref(Chunk, defs)}
    out["required"] = [*out["required"], "chunks"]
    return out


def reports(defs: dict) -> dict:
    return _object({"reports": {"type": "array", "items": ref(DocInfo, defs),
                                "description": "every indexed report, in index order"}},
                   "The indexed reports (`baocao index list --json`, GET /api/v1/reports).")


def report(defs: dict) -> dict:
    return _object({"info": ref(DocInfo, defs), "document": ref(Document, defs)},
                   "One indexed report: what the index keeps about it and the parsed report "
                   "(text, sections, paragraphs, footnotes, tables), GET /api/v1/reports/{id}.")


def search(defs: dict) -> dict:
    return record(SearchResult, defs)


def answer(defs: dict) -> dict:
    return record(Answer, defs)


def series(defs: dict) -> dict:
    row = _object({
        "period": _described(STRING, "the figure's own period as officials write it, with "
                                     "its cut-off date when it has one"),
        "period_kind": STRING,
        "value": {"type": "number"},
        "value_text": _described(STRING, "the number as the report prints it"),
        "unit": NULLABLE_STRING,
        "comparisons": {"type": "array", "items": ref(Comparison, defs)},
        "doc": _described(STRING, "the report id"),
        "chunk_id": STRING,
        "quote": STRING,
    })
    return _object({"indicator": _described(STRING, "the wording most reports use"),
                    "unit": NULLABLE_STRING,
                    "rows": {"type": "array", "items": row,
                             "description": "one figure per report and period, in time "
                                            "order"}},
                   "One indicator across the indexed reports (`baocao series --json`, "
                   "GET /api/v1/series).")


def eval_row(defs: dict) -> dict:
    return _object({"id": STRING, "question": STRING, "search": ref(SearchResult, defs),
                    "ask": of_type(Answer | None, defs)},
                   "One gold item of `baocao eval --out FILE` (JSON Lines): the search and "
                   "the answer given for its question.")


def health(defs: dict) -> dict:
    return _object({
        "status": {"enum": ["ready", "loading", "error"]},
        "message": _described(STRING, "the status line of the app, in Vietnamese"),
        "version": _described(NULLABLE_STRING, "the index version served"),
        "reports": {"type": ["integer", "null"]},
        "chunks": {"type": ["integer", "null"]},
        "embedder": NULLABLE_STRING,
        "writes": _described({"type": "boolean"}, "an admin token is configured"),
        "schemas": _described({"type": "object", "additionalProperties": STRING},
                              "the schema version of each output"),
    }, "GET /api/v1/health: whether questions can be answered now.")


def error(defs: dict) -> dict:
    return _object({
        "status": _described({"type": "integer"}, "the HTTP status"),
        "code": _described(STRING, "the error code (rag/errors.py)"),
        "message": _described(STRING, "what went wrong, in Vietnamese (ui/messages.py)"),
        "details": _described({"type": "object"}, "the values the message was filled with"),
    }, "Every error of the HTTP API.")


def change(defs: dict) -> dict:
    """POST and DELETE /api/v1/reports: the plan, and what the write did."""
    err = _object({"code": STRING, "message": STRING})
    old = _object({"doc_id": STRING, "title": STRING, "content_hash": STRING})
    item = _object({
        "name": _described(NULLABLE_STRING, "the uploaded file name (null for a removal)"),
        "doc_id": STRING,
        "action": {"enum": ["new", "replace", "unchanged", "failed", "remove"]},
        "title": STRING, "period": STRING, "n_chunks": {"type": "integer"},
        "content_hash": STRING,
        "replaces": {"anyOf": [old, {"type": "null"}]},
        "removed_figures": {"type": "array", "items": STRING},
        "added_figures": {"type": "array", "items": STRING},
        "confirm": _described(NULLABLE_STRING, "what to send as `confirm` to allow this "
                                               "replacement or removal: doc_id:content_hash"),
        "error": {"anyOf": [err, {"type": "null"}]},
    })
    ids = {"type": "array", "items": STRING}
    result = _object({"added": ids, "replaced": ids, "unchanged": ids, "removed": ids,
                      "failed": {"type": "object", "additionalProperties": err},
                      "version": NULLABLE_STRING})
    return _object({
        "applied": _described({"type": "boolean"}, "a new index version was published"),
        "plan": {"type": "array", "items": item},
        "result": {"anyOf": [result, {"type": "null"}],
                   "description": "null for a dry run or a write that was not confirmed"},
    }, "What a write would do (its plan) and what it did.")


BUILDERS = {"parse": parse, "reports": reports, "report": report, "search": search,
            "answer": answer, "series": series, "eval-row": eval_row, "health": health,
            "error": error, "change": change}
