"""Saved web pages as text (.txt/.md copied or crawled from a portal): the site around the report.

A page saved as text keeps the site's chrome: menus (many short lines, often twice),
login and contact lines before the report, and after it the list of other articles
("Tin khác", "Văn bản liên quan") and the footer. Two page layouts are recognised,
each by its own shape, never by a site's name:

- an article page: the title line, then a publication stamp ("19/12/2025 09:56",
  "Thứ Sáu, 19/12/2025", "Cập nhật: …"), with nothing but short menu lines above
  them. The title and the stamp are the page's title and date.
- a legal database page: a block of labelled facts about the document ("Số hiệu:",
  "Loại văn bản:", "Ngày ban hành:" …), then possibly the site's own summary, then the
  document itself, which begins with its letterhead (Nghị định 30/2020/NĐ-CP puts the
  agency and the national motto first). Everything before the letterhead is the site's.

Either way the report ends before the site's list of other articles, and the page's
captions and footer lines around that list are dropped. The phrases are data
(``rag/data/site_chrome.tsv``, with the sites they were seen on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.ingest.doctypes import type_lines
from rag.periods import parse_date

_DATA = Path(__file__).resolve().parents[1] / "data" / "site_chrome.tsv"
_MARKS = re.compile(r"^[#>\s]*|[*_`]+")
_WEEKDAY = r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s+nhật|cn)"
_LABEL = r"(?:ngày\s+)?(?:đăng|cập\s+nhật|xuất\s+bản|đăng\s+tải)(?:\s+ngày|\s+lúc)?"
# A publication stamp: a date, with a weekday, a label and a time around it, on its own line.
STAMP = re.compile(
    rf"^\(?\s*(?:{_WEEKDAY}\s*[,|-]?\s*)?(?:{_LABEL}\s*:?\s*)?(?:{_WEEKDAY}\s*[,|-]?\s*)?"
    r"(?:\d{1,2}[:h]\d{2}\s*[,|-]?\s*)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
    r"(?:\s*[,|-]?\s*(?:lúc\s*)?\d{1,2}[:h]\d{2}(?::\d{2})?\s*(?:am|pm)?"
    r"(?:\s*\(?\s*gmt\s*[+-]?\d{0,2}(?::\d{2})?\s*\)?)?)?\s*\)?$", re.IGNORECASE)
_NATIONAL = re.compile(r"^CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI")
SENTENCE_WORDS = 15  # a line of this many words is text, not a menu item (no menu item has 12)
TITLE_MIN, TITLE_MAX = 15, 300  # characters of a page title
META_MIN = 3  # labelled facts that make a block a legal database's metadata
META_GAP = 8  # lines between two labels of one block (label, pipes, value, pipes)
CAPTION_LINES = 4  # the page's captions of the document before its related-links header


@dataclass
class SavedPage:
    """The report's text without the site around it; the page's title and date when the
    page is an article (a legal database page leaves them to the document's letterhead)."""

    text: str
    title: str | None = None
    date: str | None = None


@lru_cache(maxsize=1)
def _phrases() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, words = line.split("\t")[:2]
            out.setdefault(kind, []).append(words.strip())
    return {k: tuple(v) for k, v in out.items()}


def clean(line: str) -> str:
    """A line without markdown marks and outer spaces, for matching."""
    return " ".join(_MARKS.sub("", line).split())


def _starts(line: str, kind: str) -> bool:
    """The line starts with a phrase of ``kind`` as a whole word ("Liên hệ, góp ý")."""
    low = clean(line).casefold()
    for p in _phrases()[kind]:
        p = p.rstrip(":")
        if low.startswith(p) and (len(low) == len(p) or not low[len(p)].isalnum()):
            return True
    return False


def is_related_header(line: str) -> bool:
    """"Tin khác", "## Văn bản liên quan": the start of the site's list of other pages."""
    text = clean(line).rstrip(":").casefold()
    return len(text) <= 40 and any(text == p for p in _phrases()["related"])


def is_chrome_line(line: str) -> bool:
    return any(_starts(line, kind) for kind in ("account", "contact", "notice"))


def is_stamp(line: str) -> bool:
    text = clean(line)
    return len(text) <= 60 and bool(STAMP.match(text))


def _sentence(line: str) -> bool:
    words = clean(line).split()
    return len(words) >= SENTENCE_WORDS or (len(words) >= 8 and clean(line).endswith("."))


def _title_line(line: str) -> bool:
    text = clean(line)
    return (TITLE_MIN <= len(text) <= TITLE_MAX and len(text.split()) >= 4
            and not text.endswith(".") and not is_chrome_line(text) and not is_stamp(text))


def _article(lines: list[str]) -> tuple[int, int] | None:
    """(title line, stamp line) of an article page: the first stamp with a title right
    above it, and above the title only menu lines (no sentence)."""
    for i, line in enumerate(lines):
        if not is_stamp(line):
            continue
        t = next((j for j in range(i - 1, max(i - 3, -1), -1) if clean(lines[j])), None)
        if t is None or not _title_line(lines[t]):
            continue
        return (t, i) if not any(_sentence(x) for x in lines[:t]) else None
    return None


def _legal_start(lines: list[str]) -> int | None:
    """Where the document begins on a legal database page: its letterhead after the
    site's metadata block (the agency cell's table start, else the agency lines)."""
    meta = [i for i, line in enumerate(lines) if _starts(line, "meta")]
    block = meta[:1]
    for i in meta[1:]:  # the first block of labels, each a few lines below the last
        if i - block[-1] > META_GAP:
            break
        block.append(i)
    if len(block) < META_MIN:
        return None
    for i in range(block[-1] + 1, len(lines) - 1):
        if _NATIONAL.match(clean(lines[i] + " " + lines[i + 1])):
            return _letterhead_top(lines, i, block[-1])
    return None


def _letterhead_top(lines: list[str], national: int, floor: int) -> int:
    """The first line of the letterhead whose national motto is at ``national``: the pipe
    line opening the table whose second cell holds the motto, else the agency lines."""
    pipes = [j for j in range(national - 1, max(floor, national - 10), -1)
             if clean(lines[j]) == "|"]
    if len(pipes) >= 2:
        return pipes[1]
    top = national
    while top - 1 > floor and clean(lines[top - 1]) and clean(lines[top - 1]).upper() == \
            clean(lines[top - 1]):
        top -= 1
    return top


@lru_cache(maxsize=1)
def _caption_rx() -> re.Pattern:
    kinds = "|".join(re.escape(k) for k in type_lines())
    return re.compile(rf"^(?:{kinds})\s+(?:số\s+)?\d+[\w/-]*/\w", re.IGNORECASE)


def _caption(line: str) -> bool:
    """The page's caption of the document it shows: its type and number ("Quyết định
    2553/QĐ-TTg năm 2025 điều chỉnh …"), printed above the site's related documents."""
    return bool(_caption_rx().match(clean(line)))


def _end(lines: list[str], start: int, menu: frozenset[str] = frozenset()) -> int:
    """Where the report ends: before the related-links header and the page's captions of
    the document above it, and before the footer lines (``menu``: the lines of the page's
    menus above the report, which its footer repeats)."""
    end = next((i for i in range(start, len(lines)) if is_related_header(lines[i])), len(lines))
    if end < len(lines):
        for _ in range(CAPTION_LINES):
            if end <= start or not (is_chrome_line(lines[end - 1]) or _caption(lines[end - 1])):
                break
            end -= 1
    while end > start and (not clean(lines[end - 1]) or is_chrome_line(lines[end - 1])
                           or clean(lines[end - 1]) in menu):
        end -= 1
    return end


def read_saved_page(text: str) -> SavedPage | None:
    """The report of a saved page, or None when the text is no saved page."""
    lines = text.split("\n")
    found = _article(lines)
    if found is not None:
        title, stamp = found
        end = _end(lines, stamp + 1, frozenset(clean(line) for line in lines[:title]))
        m = STAMP.match(clean(lines[stamp]))
        date = parse_date(f"{m.group(1)}/{m.group(2)}/{m.group(3)}") if m else None
        return SavedPage("\n".join(lines[stamp + 1:end]), clean(lines[title]), date)
    start = _legal_start(lines)
    if start is not None:
        return SavedPage("\n".join(lines[start:_end(lines, start)]))
    return None
