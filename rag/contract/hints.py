"""JSON Schema (draft 2020-12) of a record's ``to_dict``, read from its dataclass fields.

``rag.serialize`` writes every field by name, nested records as objects and tuples as
lists, so a record's JSON shape follows from its type hints alone; deriving the schema
from the same hints means the schema cannot describe a shape the code does not write.
Descriptions come from the records themselves: the class docstring's first paragraph and
the comment on (or just above) each field, so they are written once, beside the field.
"""

from __future__ import annotations

import dataclasses
import inspect
import io
import re
import tokenize
import types
import typing
from functools import cache

_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}
_FIELD = re.compile(r"^\s+(\w+)\s*:")


def ref(cls: type, defs: dict) -> dict:
    """``{"$ref": "#/$defs/Name"}``, adding the record (and the records it holds) to
    ``defs`` once."""
    name = cls.__name__
    if name not in defs:
        defs[name] = {}  # placeholder: a record that holds itself stops here
        defs[name] = record(cls, defs)
    return {"$ref": f"#/$defs/{name}"}


def record(cls: type, defs: dict, drop: tuple[str, ...] = ()) -> dict:
    """The object schema of one record: every field required (``to_dict`` always writes
    it), nothing else allowed."""
    hints = typing.get_type_hints(cls)
    notes = field_notes(cls)
    props = {}
    for f in dataclasses.fields(cls):
        if f.name in drop:
            continue
        props[f.name] = of_type(hints[f.name], defs)
        if notes.get(f.name):
            props[f.name] = {**props[f.name], "description": notes[f.name]}
    out = {"type": "object"}
    doc = summary(cls)
    if doc:
        out["description"] = doc
    return {**out, "properties": props, "required": list(props), "additionalProperties": False}


def of_type(tp, defs: dict) -> dict:
    """The schema of a value of type ``tp`` as ``rag.serialize`` writes it."""
    if dataclasses.is_dataclass(tp):
        return ref(tp, defs)
    if tp in _SCALARS:
        return {"type": _SCALARS[tp]}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return _union(args, defs)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return {"type": "array", "items": of_type(args[0], defs)}
    if origin is tuple:
        items = [of_type(a, defs) for a in args]
        return {"type": "array", "prefixItems": items, "items": False,
                "minItems": len(items), "maxItems": len(items)}
    if origin is list:
        return {"type": "array", "items": of_type(args[0], defs)}
    if origin is dict:
        keys = {"pattern": "^-?[0-9]+$"} if args[0] is int else {"type": "string"}
        return {"type": "object", "propertyNames": keys,
                "additionalProperties": of_type(args[1], defs)}
    raise TypeError(f"no JSON Schema for {tp!r}")  # a new kind of field: say how it is written


def _union(args, defs: dict) -> dict:
    inner = [a for a in args if a is not type(None)]
    schemas = [of_type(a, defs) for a in inner]
    if len(inner) == len(args):
        return {"anyOf": schemas}
    if len(schemas) == 1 and set(schemas[0]) == {"type"}:
        return {"type": [schemas[0]["type"], "null"]}
    return {"anyOf": [*schemas, {"type": "null"}]}


def summary(cls: type) -> str:
    """The docstring's first paragraph, on one line."""
    doc = inspect.getdoc(cls) or ""
    if doc.startswith(f"{cls.__name__}("):  # dataclass's generated signature, no docstring
        return ""
    return _json_words(doc.split("\n\n")[0])


@cache
def field_notes(cls: type) -> dict[str, str]:
    """Each field's comment: the one after it on its line, else the comment lines right
    above it (several joined)."""
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return {}
    comments: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    lines = source.splitlines()
    notes, above = {}, []
    for n, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("#"):
            above.append(comments.get(n, ""))
            continue
        m = _FIELD.match(line)
        if m and "(" not in line.split(":")[0]:
            trailing = comments.get(n) if not stripped.startswith("#") else None
            notes[m.group(1)] = trailing or " ".join(above)
        above = []
    return {k: _json_words(v) for k, v in notes.items() if v and "noqa" not in v}


def _json_words(text: str) -> str:
    """One line, in the words of the JSON: Python's None is null there."""
    return re.sub(r"\bNone\b", "null", " ".join(text.split()))
