"""Validation against the published schemas (``schemas/*.schema.json``), as a client would."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


@functools.cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def check(name: str, data) -> None:
    """Fail with every place where ``data`` leaves the published schema ``name``."""
    errors = sorted(validator(name).iter_errors(data), key=lambda e: list(e.absolute_path))
    where = [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}"
             for e in errors[:10]]
    assert not errors, f"{name} output leaves schemas/{name}.schema.json:\n" + "\n".join(where)
