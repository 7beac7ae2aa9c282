"""Places named in a question, so a question about another province can be declined."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rag.text import fold_accents

_DATA = Path(__file__).resolve().parents[1] / "data" / "provinces.txt"


@lru_cache(maxsize=1)
def provinces() -> tuple[str, ...]:
    lines = _DATA.read_text(encoding="utf-8").splitlines()
    return tuple(ln.strip() for ln in lines if ln.strip() and not ln.startswith("#"))


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold_accents(name.lower())).strip()


def foreign_place(question: str, covered: set[str]) -> str | None:
    """A province named in the question that none of the indexed reports is about.

    Matching is on accent-folded words, so "cao bang" finds "Cao Bằng".
    """
    text = f" {_key(question)} "
    covered_keys = {_key(c) for c in covered if c}
    for name in provinces():
        key = _key(name)
        if f" {key} " in text and key not in covered_keys:
            return name
    return None
