"""Answer units: the pieces of a chunk an answer may quote on their own.

Reports give results as sentences, but just as often as list items inside one
paragraph or table cell ("- …; + …; a) …") or as clauses joined by ";", each
with its own figure. Quoting the whole paragraph would answer every question
about it with the same text, so the unit is the smallest piece that stands on
its own: a paragraph, split into sentences, split into list items, split at a
top-level ";" when both sides carry their own figure. Each unit remembers the
sentence it came from, whose opening time phrase ("Hết tháng 5, …") and
subject still apply to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ingest.figures import FIGURE_RE

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\W\d_])")
# A list marker after a line start, a ":" or a ";": "- ", "+ ", "a) ", "1) "
_ITEM_START = re.compile(
    r"(?:(?<=^)|(?<=[:;]\s)|(?<=[:;]))\s*(?:[-+•–]\s+|[a-zđ]\)\s+|\d{1,2}\)\s+)")


@dataclass(frozen=True)
class Unit:
    text: str
    start: int  # offset in the chunk text
    sentence: tuple[int, int]  # the sentence it belongs to (chunk offsets)


def _spans(text: str, cuts: list[int]) -> list[tuple[int, int]]:
    bounds = [0, *cuts, len(text)]
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg.rstrip())
        if seg.strip():
            out.append((a + lead, a + trail))
    return out


def _top_level(text: str, chars: str) -> list[int]:
    """Offsets just after each of ``chars`` outside parentheses."""
    depth, out = 0, []
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch in chars and depth == 0:
            out.append(i + 1)
    return out


def _sentences(paragraph: str) -> list[tuple[int, int]]:
    cuts = [m.end() for m in _SENTENCE_END.finditer(paragraph)]
    return _spans(paragraph, cuts)


def _items(sentence: str) -> list[tuple[int, int]]:
    """List items: each starts with a marker right after ":" / ";" (or at the start)."""
    starts = [m.start() for m in _ITEM_START.finditer(sentence) if m.start() > 0]
    return _spans(sentence, starts) if starts else [(0, len(sentence))]


def _clauses(item: str) -> list[tuple[int, int]]:
    """Top-level ";" clauses, kept apart only when every one has a figure of its own."""
    cuts = _top_level(item, ";")
    parts = _spans(item, [c for c in cuts if c < len(item)])
    if len(parts) > 1 and all(FIGURE_RE.search(item[a:b]) for a, b in parts):
        return parts
    return [(0, len(item))]


def split_units(text: str) -> list[Unit]:
    """Every unit of a chunk text, in order, with chunk offsets."""
    out: list[Unit] = []
    pos = 0
    for paragraph in text.split("\n\n"):
        base = text.index(paragraph, pos) if paragraph else pos
        pos = base + len(paragraph)
        for s0, s1 in _sentences(paragraph):
            sentence = paragraph[s0:s1]
            for i0, i1 in _items(sentence):
                item = sentence[i0:i1]
                for c0, c1 in _clauses(item):
                    start = base + s0 + i0 + c0
                    out.append(Unit(text[start:base + s0 + i0 + c1], start,
                                    (base + s0, base + s1)))
    return out
