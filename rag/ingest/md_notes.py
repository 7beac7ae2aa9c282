"""Footnotes of Markdown copies: ``[^n]`` markers with ``[^n]: text`` notes, and ``[n]``
markers with their notes at the end of the text.

Copies of Word documents print a note's marker as ``[n]`` where the word stood and the
notes, ``[n] text``, after the last line of the document (a web copy puts them after
the signature and the annexes). Word restarts the numbering in each section of a
document, so a copy may hold several runs "[1] [2] [3] … [1] [2]": the k-th run of
markers goes with the k-th run of notes. Every note gets one number of its own in
the document (1, 2, … in order), its marker becomes ``<sup>N</sup>`` and its text a
``<sup>N</sup> text`` paragraph, the form every reader gives the parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_GFM_DEF = re.compile(r"^\s{0,3}\[\^([^\]\s]{1,30})\]:\s?(.*)$")
_GFM_REF = re.compile(r"\[\^([^\]\s]{1,30})\](?!:)")
_NOTE_START = re.compile(r"^\s*\[(\d{1,3})\]\s*(.*)$")
_REF = re.compile(r"\[(\d{1,3})\](?!\()")
_LONE_REF = re.compile(r"^\s*(?:\*\*)?\[\d{1,3}\](?:\*\*)?\s*$")
_CONTINUES = re.compile(r"^[\s.,;:)\]]")  # what follows a marker inside a sentence


@dataclass
class Notes:
    """The text with markers as ``<sup>N</sup>`` and the notes taken out, in number order."""

    lines: list[str]
    notes: list[tuple[int, str]] = field(default_factory=list)

    def paragraphs(self) -> list[str]:
        return [f"<sup>{n}</sup> {text}" for n, text in self.notes if text]


def convert_notes(lines: list[str]) -> Notes:
    if any(_GFM_DEF.match(line) for line in lines):
        return _gfm(lines)
    return _bracketed(lines)


def _gfm(lines: list[str]) -> Notes:
    """``[^label]: text`` anywhere (indented lines continue it), ``[^label]`` markers."""
    texts: dict[str, list[str]] = {}
    body: list[str] = []
    current: str | None = None
    for line in lines:
        m = _GFM_DEF.match(line)
        if m:
            current = m.group(1)
            texts[current] = [m.group(2).strip()]
        elif current is not None and line.startswith(("  ", "\t")) and line.strip():
            texts[current].append(line.strip())
        else:
            current = None
            body.append(line)
    ids: dict[str, int] = {}
    for line in body:
        for m in _GFM_REF.finditer(line):
            if m.group(1) in texts:
                ids.setdefault(m.group(1), len(ids) + 1)

    def mark(m: re.Match) -> str:
        n = ids.get(m.group(1))
        return f"<sup>{n}</sup>" if n else ""

    out = [_GFM_REF.sub(mark, line) for line in body]
    notes = sorted((n, " ".join(t for t in texts[label] if t)) for label, n in ids.items())
    return Notes(out, notes)


def _region(lines: list[str]) -> int | None:
    """Where the notes at the end begin: the first "[1]" line starting a note (text on
    it or below it, not the rest of a sentence) after which no table or heading follows."""
    for i, line in enumerate(lines):
        m = _NOTE_START.match(line)
        if not m or m.group(1) != "1":
            continue
        rest = m.group(2) or next((x for x in lines[i + 1:i + 3] if x.strip()), "")
        if not rest.strip() or _CONTINUES.match(rest):
            continue
        tail = lines[i + 1:]
        if not any(x.strip() == "|" or x.lstrip().startswith("#") for x in tail):
            return i
    return None


def _runs(numbers: list[int], runs: int | None = None) -> list[int]:
    """The run of each number: a run restarts when the numbering goes back. Notes never
    repeat a number (``runs`` None: an equal number restarts); a marker may (one note
    cited twice), so an equal number restarts only as often as the notes' ``runs`` need
    it, earliest first."""
    ties = [k for k in range(1, len(numbers)) if numbers[k] == numbers[k - 1]]
    drops = sum(numbers[k] < numbers[k - 1] for k in range(1, len(numbers)))
    restart = set(ties if runs is None else ties[:max(0, runs - 1 - drops)])
    run, out = 0, []
    for k, n in enumerate(numbers):
        if k and (n < numbers[k - 1] or k in restart):
            run += 1
        out.append(run)
    return out


def _bracketed(lines: list[str]) -> Notes:
    start = _region(lines)
    if start is None:  # markers whose notes the copy lost: a marker alone on a line goes
        return Notes([line for line in lines if not _LONE_REF.match(line)])
    notes: list[tuple[int, list[str]]] = []
    for line in lines[start:]:
        m = _NOTE_START.match(line)
        if m:
            notes.append((int(m.group(1)), [m.group(2).strip()]))
        elif notes and line.strip():
            notes[-1][1].append(line.strip())
    note_runs = _runs([n for n, _ in notes])
    ids = {(r, n): k + 1 for k, ((n, _), r) in enumerate(zip(notes, note_runs, strict=True))}
    body = lines[:start]
    refs = [int(m.group(1)) for line in body for m in _REF.finditer(line)]
    runs = iter(_runs(refs, note_runs[-1] + 1 if note_runs else 0))

    def mark(m: re.Match) -> str:
        n = ids.get((next(runs), int(m.group(1))))
        return f"<sup>{n}</sup>" if n else m.group(0)

    out = [_REF.sub(mark, line) for line in body]
    texts = [(ids[(r, n)], " ".join(t for t in parts if t))
             for (n, parts), r in zip(notes, note_runs, strict=True)]
    return Notes(out, texts)
