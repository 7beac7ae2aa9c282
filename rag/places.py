"""Provinces named in reports and in questions.

A question about a province may be declined only when no indexed text names
that province at all: a merged province's report gives figures per former
province ("trước sáp nhập: … Bình Thuận …"), and a letter from a ministry is
about the province it is addressed to. So every report records the provinces
its text names (``places_in``), and a question is checked against all of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from rag.text import fold_accents

_DATA = Path(__file__).resolve().parent / "data" / "provinces.txt"


@lru_cache(maxsize=1)
def provinces() -> tuple[str, ...]:
    lines = _DATA.read_text(encoding="utf-8").splitlines()
    return tuple(ln.strip() for ln in lines if ln.strip() and not ln.startswith("#"))


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold_accents(name.lower())).strip()


@lru_cache(maxsize=1)
def _text_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """Accented, case-insensitive, whole words: folded matching on report text would take
    "làm động" for "Lâm Đồng"; reports are typed with their diacritics."""
    out = []
    for name in provinces():
        words = [re.escape(w) for w in unicodedata.normalize("NFC", name.lower()).split()]
        out.append((name, re.compile(r"(?<!\w)" + r"\s*[-–]?\s*".join(words) + r"(?!\w)")))
    return tuple(out)


def place_counts(text: str) -> Counter:
    low = unicodedata.normalize("NFC", text).lower()
    return Counter({name: n for name, rx in _text_patterns() if (n := len(rx.findall(low)))})


def places_in(texts: Iterable[str]) -> tuple[str, ...]:
    """Provinces named in the texts, most often named first (ties by name)."""
    counts = sum((place_counts(t) for t in texts), Counter())
    return tuple(sorted(counts, key=lambda n: (-counts[n], n)))


def foreign_place(question: str, covered: set[str]) -> str | None:
    """A province named in the question that no indexed text names.

    Matching is on accent-folded words, so "cao bang" finds "Cao Bằng".
    """
    text = f" {_key(question)} "
    covered_keys = {_key(c) for c in covered if c}
    for name in provinces():
        key = _key(name)
        if f" {key} " in text and key not in covered_keys:
            return name
    return None
