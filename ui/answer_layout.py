"""The answer page's order, from an ``Answer``: what the official came for first.

``Answer`` gives the headline (the asked figure with its period, comparisons and
qualifier) and the cited lines after it (``items``). This module decides where each line
goes on the page: the headline's own statement, then its breakdown as a list, then the other
statements; a footnote's text right after the clause it explains. Pure: records in, records
out; the HTML is ``ui.answer_view``'s.

The breakdown follows the grammar of an official figure sentence: the figure, its
comparisons, then "trong đó" / "gồm" / "bao gồm" opening the list of its parts, separated by
";" up to the end of the sentence, a part's own parts in brackets ("(gồm: a; b)"). The
lines are quoted verbatim (only the separators between them are dropped), so every figure
shown is the report's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rag.ingest.figures import FIGURE_RE
from rag.records import Answer, AnswerItem, Chunk, Headline

# Words that open the list of a figure's parts (Vietnamese grammar of enumeration; the
# composer's rag.answer.pick.SPLITS opens a unit with the same words).
_OPENER = re.compile(r"\b(?:trong\s+đó|bao\s+gồm|gồm\s+có|gồm|cụ\s+thể|chia\s+ra)\b\s*[:,]?\s*",
                     re.IGNORECASE)
_TRIM = " \t\n;,"


@dataclass
class Line:
    """One cited line: verbatim text, its [n], the period label the answer gives it, the
    footnotes that explain it (their text) and its own parts."""

    text: str
    n: int
    label: str = ""
    notes: list[str] = field(default_factory=list)
    parts: list[Line] = field(default_factory=list)
    span: tuple[int, int] | None = None  # offsets in its passage's text, when found

    def all(self) -> list[Line]:
        return [self] + [x for p in self.parts for x in p.all()]


@dataclass
class Layout:
    headline: Headline | None
    lead: Line | None  # the headline's own statement (up to "trong đó")
    breakdown: list[Line]
    others: list[Line]


def layout(ans: Answer, passage: Callable[[str], Chunk | None] | None = None) -> Layout:
    """The page order of a composed answer (``passage``: chunk id -> chunk, to place each
    footnote after the clause that cites it; without it a note follows its line)."""
    chunks = _chunks(ans, passage)
    labels = item_labels(ans)
    head = _head_index(ans)
    lead, breakdown, others, last = None, [], [], None
    open_list = False  # the head's sentence has opened its list of parts
    for i, item in enumerate(ans.items):
        chunk = chunks.get(item.citation)
        if item.kind == "note":
            _attach(item, chunk, [lead, *breakdown, *others], last)
            continue
        start = chunk.text.find(item.text) if chunk else -1
        if i == head:
            lead, parts = _split(item, start, labels[i])
            breakdown += parts
            open_list = bool(parts) or _top_opener(item.text, 0) is not None
            last = parts[-1] if parts else lead
        elif item.kind == "part" or open_list and _continues(item, start, chunk, last):
            line, parts = _split(item, start, labels[i])
            new = parts if parts and _bare(line) else [line]
            breakdown += new
            open_list, last = True, new[-1]
        else:
            open_list = False
            last = Line(item.text, item.citation, labels[i],
                        span=(start, start + len(item.text)) if start >= 0 else None)
            others.append(last)
        open_list = open_list and not item.text.rstrip().endswith(".")
    return Layout(ans.headline, lead, breakdown, others)


def _chunks(ans: Answer, passage) -> dict[int, Chunk]:
    if passage is None:
        return {}
    out = {}
    for c in ans.citations:
        chunk = passage(c.chunk_id)
        if chunk is not None:
            out[c.n] = chunk
    return out


def _head_index(ans: Answer) -> int | None:
    """The item that states the headline figure."""
    h = ans.headline
    if h is None:
        return None
    return next((i for i, it in enumerate(ans.items) if it.kind != "note"
                 and it.citation == h.citation and h.figure in it.text), None)


def item_labels(ans: Answer) -> list[str]:
    """The prefix the answer text writes before each item ("5 tháng đầu năm 2024",
    "Chú thích 3 (quý I/2022)"; empty when none): ``AnswerItem`` has no field for it."""
    out, pos = [], 0
    for item in ans.items:
        at = ans.text.find(item.text, pos)
        if at < 0:
            out.append("")
            continue
        prefix = ans.text[pos:at].strip()
        out.append(prefix[:-1].strip() if prefix.endswith(":") else "")
        pos = at + len(item.text)
        tail = re.match(r"\s*\[\d+\]", ans.text[pos:])
        pos += tail.end() if tail else 0
    return out


def _split(item: AnswerItem, start: int, label: str) -> tuple[Line, list[Line]]:
    """The line up to its list opener, and the parts after it (each with its bracketed
    sub-parts); (the whole line, []) when it opens no list after its first figure."""
    text = item.text
    first = FIGURE_RE.search(text)
    opening = _OPENER.match(text.lstrip("-+• "))  # "trong đó: thu nội địa 165 tỷ đồng"
    opener = _top_opener(text, 0 if opening else first.end() if first else 0)
    if opener is None:
        return _line(item, 0, len(text), start, label), []
    lead = _line(item, 0, opener.start(), start, label)  # the list's heading says "Trong đó"
    parts = [_part(item, s, e, start) for s, e in _clauses(text, opener.end(), len(text))]
    return lead, [p for p in parts if p.text]


def _part(item: AnswerItem, s: int, e: int, start: int) -> Line:
    """A part; "X 786 tỷ đồng (gồm: a; b)" gives X with a and b as its own parts."""
    text = item.text
    bracket = _opening_bracket(text, s, e)
    if bracket is None:
        return _line(item, s, e, start)
    line = _line(item, s, bracket[0], start)
    line.parts = [_line(item, a, b, start) for a, b in _clauses(text, bracket[1], bracket[2])]
    return line


def _opening_bracket(text: str, s: int, e: int) -> tuple[int, int, int] | None:
    """(bracket, list start, list end) of a top-level "(gồm: …)" in ``text[s:e]``."""
    depth = 0
    for i in range(s, e):
        if text[i] == "(":
            if depth == 0:
                m = _OPENER.match(text, i + 1)
                close = _closing(text, i, e)
                if m and close is not None:
                    return i, m.end(), close
            depth += 1
        elif text[i] == ")":
            depth = max(0, depth - 1)
    return None


def _closing(text: str, i: int, e: int) -> int | None:
    depth = 0
    for j in range(i, e):
        depth += {"(": 1, ")": -1}.get(text[j], 0)
        if depth == 0:
            return j
    return None


def _top_opener(text: str, after: int) -> re.Match | None:
    """The first list opener outside brackets after ``after``."""
    for m in _OPENER.finditer(text, after):
        if _depth(text, m.start()) == 0:
            return m
    return None


def _depth(text: str, at: int) -> int:
    return max(0, text.count("(", 0, at) - text.count(")", 0, at))


def _clauses(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """``text[s:e]`` split at ";" outside brackets."""
    out, depth, begin = [], 0, s
    for i in range(s, e):
        ch = text[i]
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == ";" and depth <= 0:
            out.append((begin, i))
            begin = i + 1
    out.append((begin, e))
    return out


def _line(item: AnswerItem, s: int, e: int, start: int, label: str = "") -> Line:
    """``item.text[s:e]`` without the separators around it."""
    text = item.text
    while s < e and text[s] in _TRIM:
        s += 1
    while e > s and text[e - 1] in _TRIM:
        e -= 1
    span = (start + s, start + e) if start >= 0 else None
    return Line(text[s:e], item.citation, label, span=span)


def _bare(line: Line) -> bool:
    """A line that is only its opener ("trong đó:"): its parts stand for it."""
    return not line.text.strip("-+• ")


def _continues(item: AnswerItem, start: int, chunk: Chunk | None, last: Line | None) -> bool:
    """The item follows the previous line in the same sentence of the same passage, with
    only a separator between (the list a "trong đó" opened goes on to the sentence's end)."""
    if chunk is None or start < 0 or last is None or last.n != item.citation:
        return False
    ends = [x.span[1] for x in last.all() if x.span]
    if not ends or start < max(ends):
        return False
    return chunk.text[max(ends):start].strip(_TRIM + ")") == ""


def _attach(note: AnswerItem, chunk: Chunk | None, lines: list, last: Line | None) -> None:
    """A footnote's text goes after the clause whose marker cites it, else after the line
    it followed in the answer."""
    number = re.match(r"Chú thích (\d+)", note.text)
    target = None
    if chunk is not None and number:
        n = int(number.group(1))
        marks = [off for fn, off in chunk.markers if fn == n]
        candidates = [x for line in lines if line is not None and line.n == note.citation
                      for x in line.all() if x.span]
        target = next((x for off in marks for x in reversed(candidates)
                       if x.span[0] <= off <= x.span[1] + 1), None)
    target = target or last
    if target is not None:
        target.notes.append(note.text)
