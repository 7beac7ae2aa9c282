"""Footnote markers in body text: find them, remove them, remember where they stood.

Three conventions occur: ``<sup>10</sup>``, Unicode superscripts (``²``) and,
in PDF-extracted text, plain digits glued to the annotated word
(``3.666 ha1``). The last is ambiguous with real numbers, so a glued digit is
only taken as a marker when it is the next footnote number in sequence and a
footnote text with that number exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.ingest.layout import SUP_TO_DIGIT, SUPERSCRIPTS

_UNIT_BEFORE = re.compile(r"(?:\b|\d)(?:k?m|cm|dm|CO|H)$")
_TAGGED = re.compile(rf"<sup>\s*(\d{{1,3}})\s*</sup>|([{SUPERSCRIPTS}]+)")
_GLUED = re.compile(r"(?<=[^\W\d_])(\d{1,2})(?=[\s;:)”\"]|[.,](?!\d)|$)")


@dataclass
class MarkerState:
    """Footnote numbers seen so far in the document, for sequence checks."""

    known: set[int]
    plain_digits: bool
    last: int = 0
    cited: set[int] = field(default_factory=set)


def _is_unit(before: str) -> bool:
    """``m<sup>3</sup>`` and ``m²`` are units, not footnotes."""
    return bool(_UNIT_BEFORE.search(before))


def _tagged(text: str, state: MarkerState) -> tuple[str, list[tuple[int, int]]]:
    out: list[str] = []
    markers: list[tuple[int, int]] = []
    pos = 0
    for m in _TAGGED.finditer(text):
        digits = (m.group(1) or m.group(2)).translate(SUP_TO_DIGIT)
        out.append(text[pos:m.start()])
        pos = m.end()
        before = "".join(out)
        if _is_unit(before):
            out.append(digits)
            continue
        n = int(digits)
        markers.append((n, len(before.rstrip())))
        state.cited.add(n)
        state.last = max(state.last, n)
    out.append(text[pos:])
    return "".join(out), markers


def _glued(text: str, state: MarkerState) -> tuple[str, list[tuple[int, int]]]:
    out: list[str] = []
    markers: list[tuple[int, int]] = []
    pos = 0
    for m in _GLUED.finditer(text):
        n = int(m.group(1))
        plausible = n in state.known and n not in state.cited
        if not plausible or not state.last < n <= state.last + 3:
            continue
        if _is_unit(text[:m.start()]):
            continue
        out.append(text[pos:m.start()])
        pos = m.end()
        markers.append((n, len("".join(out))))
        state.cited.add(n)
        state.last = n
    out.append(text[pos:])
    return "".join(out), markers


def strip_markers(text: str, state: MarkerState) -> tuple[str, list[tuple[int, int]]]:
    """Text without markers, and (footnote number, offset in the new text) pairs."""
    text, markers = _tagged(text, state)
    if state.plain_digits and not markers:
        text, markers = _glued(text, state)
    return text, markers
