"""The contract of every machine output: a JSON Schema (draft 2020-12) and a version each.

Scripts of other systems read ``--json`` output, ``eval --out`` lines and the HTTP API's
bodies; the shape they rely on changes only on purpose. Each output carries
``schema_version`` (semantic versioning of that output's shape: a removed, renamed or
retyped field is a major bump, an added field a minor one) and is described by
``schema(name)``, derived from the records it is made of, so the schema cannot drift from
the code. The published copies are ``schemas/<name>.schema.json`` (written by
``python -m rag.contract``); tests validate real outputs against them, so a change of
shape fails CI until the version, the published schema and CHANGELOG.md say so.
"""

from __future__ import annotations

import json
from pathlib import Path

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# name -> (version, the outputs it describes). CHANGELOG.md says what each version changed.
OUTPUTS: dict[str, tuple[str, str]] = {
    "answer": ("2.1.0", "`baocao ask --json`, GET /api/v1/ask"),
    "search": ("1.1.0", "`baocao search --json` and each `--queries` line, GET /api/v1/search"),
    "parse": ("1.1.0", "`baocao parse FILE --json`"),
    "reports": ("1.0.0", "`baocao index list --json`, GET /api/v1/reports"),
    "report": ("1.1.0", "GET /api/v1/reports/{id}"),
    "series": ("1.0.0", "`baocao series INDICATOR --json`, GET /api/v1/series"),
    "eval-row": ("1.1.0", "each line of `baocao eval --out FILE`"),
    "health": ("1.0.0", "GET /api/v1/health"),
    "error": ("1.0.0", "the body of every HTTP API error"),
    "change": ("1.0.0", "POST /api/v1/reports, DELETE /api/v1/reports/{id}"),
}
VERSIONS = {name: version for name, (version, _) in OUTPUTS.items()}


def stamp(name: str, data: dict) -> dict:
    """``data`` with its ``schema_version`` first."""
    return {"schema_version": VERSIONS[name], **data}


def schema(name: str) -> dict:
    """The JSON Schema of output ``name`` (self-contained: its records under ``$defs``)."""
    from rag.contract.outputs import BUILDERS  # the records: only when a schema is asked for

    version, used_by = OUTPUTS[name]
    defs: dict = {}
    body = BUILDERS[name](defs)
    props = {"schema_version": {"const": version,
                                "description": "the version of this schema the output "
                                               "follows (semantic versioning)"},
             **body["properties"]}
    out = {"$schema": DIALECT, "$id": f"urn:baocao:schema:{name}:{version}",
           "title": f"baocao {name} {version}",
           "description": " ".join(x for x in (body.get("description", ""), f"Used by: "
                                                f"{used_by}.") if x),
           **{k: v for k, v in body.items() if k != "description"},
           "properties": props, "required": ["schema_version", *body["required"]]}
    if defs:
        out["$defs"] = dict(sorted(defs.items()))
    return out


def text(name: str) -> str:
    """The published form of a schema (what ``schemas/<name>.schema.json`` holds)."""
    return json.dumps(schema(name), ensure_ascii=False, indent=1) + "\n"


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in OUTPUTS:
        path = folder / f"{name}.schema.json"
        path.write_text(text(name), encoding="utf-8")
        paths.append(path)
    return paths
