"""OCR words -> text lines in the PDF reader's conventions, and footnote marks restored.

A line ends a paragraph when the next one is indented or set off by extra
space (two trailing spaces); the small-print lines at a page bottom that
start with a mark are the footnote area (behind ``NOTE_RULE``). Tesseract
reads small raised footnote marks as "!", ")", "?" (measured on the C04
letter); when a page's body has as many such marks as its footnote area has
notes, they are put back as ``<sup>N</sup>`` in order.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

NOTE_RULE = " " * 30  # the PDF reader's "footnotes follow" line
NOISE_LINE_CONF = 35.0  # measured: lines below this mean confidence are stamp/shadow noise
_PAGE_NO = re.compile(r"^[-–]?\s*\d{1,3}\s*[-–]?$")
_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUPMARK = re.compile(r"(?<=[^\W\d_%)])([¹²³⁴⁵⁶⁷⁸⁹⁰]+)")
_MISREAD_MARK = "!?¿,’'”)*°"
_FN_START = re.compile(rf"^([{re.escape(_MISREAD_MARK)}]|\d{{1,2}})\s*(?=[A-ZĐÀ-Ỹ“\"])")
_BODY_MARK = re.compile(r"(?<=[^\W\d_]|\d)([!?¿°”’)])(?=[,;.:]?\s+[a-zđà-ỹ]|[,;]\s)")
_NOTE_LEAD = re.compile(r"^[\d¹²³⁴⁵⁶⁷⁸⁹!?¿,’'”)*]")


@dataclass
class Word:
    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    line: tuple  # (block, paragraph, line) as tesseract numbers them


@dataclass
class _Line:
    words: list[Word]

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def height(self) -> float:  # median word height: small print has smaller words
        return statistics.median(w.height for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def _lines(words: list[Word]) -> list[_Line]:
    out: list[_Line] = []
    for w in words:
        if out and out[-1].words[-1].line == w.line:
            out[-1].words.append(w)
        else:
            out.append(_Line([w]))
    return [ln for ln in out if statistics.mean(w.conf for w in ln.words) >= NOISE_LINE_CONF]


def _drop_page_number(lines: list[_Line], page: int) -> list[_Line]:
    def is_number(ln: _Line) -> bool:
        return bool(_PAGE_NO.match(ln.text)) and abs(int(re.sub(r"\D", "", ln.text)) - page) <= 2

    if lines and is_number(lines[0]):
        lines = lines[1:]
    if lines and is_number(lines[-1]):
        lines = lines[:-1]
    return lines


def _notes_start(lines: list[_Line], body_h: float) -> int:
    k = len(lines)
    while k > 0 and lines[k - 1].height < 0.88 * body_h:
        k -= 1
    while k < len(lines) and not _NOTE_LEAD.match(lines[k].text):
        k += 1
    return k


def layout_lines(words: list[Word], page: int) -> list[str]:
    """One page's OCR words -> lines with the reader's cues (see the module doc)."""
    lines = _drop_page_number(_lines(words), page)
    if not lines:
        return []
    body_h = statistics.median(ln.height for ln in lines)
    left = sorted(ln.left for ln in lines)[len(lines) // 4]  # robust to indents, centring
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:], strict=False)
               if 0 < b.top - a.top < 4 * body_h]
    pitch = statistics.median(pitches) if pitches else 2 * body_h
    k = _notes_start(lines, body_h)
    out: list[str] = []
    for i, ln in enumerate(lines[:k]):
        text = _SUPMARK.sub(lambda m: f"<sup>{m.group(1).translate(_SUP)}</sup>", ln.text)
        nxt = lines[i + 1] if i + 1 < k else None
        end = nxt is not None and (nxt.left > left + 1.5 * body_h
                                   or nxt.top - ln.top > 1.3 * pitch)
        out.append(text + ("  " if end else ""))
    if k < len(lines):
        out.append(NOTE_RULE)
        out += [re.sub(r"^[¹²³⁴⁵⁶⁷⁸⁹]+", lambda m: m.group(0).translate(_SUP) + " ", ln.text)
                for ln in lines[k:]]
    return out


def _note_numbers(notes: str, next_no: int) -> tuple[list[str], list[int], int]:
    out, numbers = [], []
    for ln in notes.split("\n"):
        m = _FN_START.match(ln.strip())
        if m:
            no = int(m.group(1)) if m.group(1).isdigit() else next_no
            numbers.append(no)
            next_no = no + 1
            ln = f"{no} " + ln.strip()[m.end():]
        out.append(ln)
    return out, numbers, next_no


def _closes_pair(body: str, m: re.Match) -> bool:
    """A real closing quote or bracket has its opener shortly before it."""
    before = body[max(0, m.start() - 300):m.start()]
    opener = {"”": "“", ")": "(", "’": "‘"}.get(m.group(1))
    return opener is not None and before.count(opener) > before.count(m.group(1))


def restore_marks(text: str, next_no: int) -> tuple[str, int]:
    """Footnote starts read as '!' / '?' get the next footnote number; body marks get the
    page's note numbers in order when their counts agree (else the body is left alone)."""
    if NOTE_RULE not in text:
        return text, next_no
    body, notes = text.split(NOTE_RULE, 1)
    out_notes, numbers, next_no = _note_numbers(notes, next_no)
    marks = [m for m in _BODY_MARK.finditer(body) if not _closes_pair(body, m)]
    if numbers and len(marks) == len(numbers):
        for m, no in sorted(zip(marks, numbers, strict=True), key=lambda x: -x[0].start()):
            body = body[:m.start()] + f"<sup>{no}</sup>" + body[m.end():]
    return body + NOTE_RULE + "\n".join(out_notes), next_no
