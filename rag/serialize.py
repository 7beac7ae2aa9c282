"""The one rule that turns records and configs into JSON-shaped data and back.

``Record.to_dict`` and ``Record.from_dict`` are the only conversion: fields by
name, nested records as objects, tuples as lists, and back by the field types,
so a record written by one version of a stage reads back identically.
Converters are built once per type, so loading a million chunks stays cheap.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing


class Record:
    """Mixin: ``to_dict`` / ``from_dict`` by the dataclass fields and their types."""

    def to_dict(self) -> dict:
        return _dump(self)

    @classmethod
    def from_dict(cls, data: dict):
        return _loader(cls)(data)


def _dump(obj):
    if dataclasses.is_dataclass(obj):
        return {f.name: _dump(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [_dump(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _dump(v) for k, v in obj.items()}
    return obj


def _identity(value):
    return value


@functools.cache
def _loader(tp) -> typing.Callable:
    """A converter from JSON-shaped data to ``tp``, built once per type."""
    if dataclasses.is_dataclass(tp):
        return _record_loader(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _loader(args[0])
        return lambda v: tuple(item(x) for x in v)
    if origin is tuple:
        items = [_loader(a) for a in args]
        return lambda v: tuple(f(x) for f, x in zip(items, v, strict=True))
    if origin is list:
        item = _loader(args[0])
        return lambda v: [item(x) for x in v]
    if origin is dict:
        key, value = _loader(args[0]), _loader(args[1])
        return lambda v: {key(k): value(x) for k, x in v.items()}
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        one = _loader(inner[0]) if len(inner) == 1 else _identity
        return lambda v: None if v is None else one(v)
    if tp in (int, float):
        return tp  # JSON object keys arrive as strings; 855 may stand for 855.0
    return _identity


def _record_loader(cls) -> typing.Callable:
    hints = typing.get_type_hints(cls)
    fields = [(f.name, _loader(hints[f.name])) for f in dataclasses.fields(cls) if f.init]

    def load(data: dict):
        return cls(**{name: conv(data[name]) for name, conv in fields if name in data})

    return load
