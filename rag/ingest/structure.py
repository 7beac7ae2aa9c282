"""Structure stage: which blocks are headings, and the section path of each paragraph.

Reports mix numbering schemes (``Phần I``, ``I.``, ``1.``, ``1.1.``, ``a)``)
and markdown levels that do not agree with them (``## 2.`` next to
``#### 4.``), so the rank of a heading comes from its numbering, not from
its markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.config import HeadingConfig

_MD_HASHES = re.compile(r"^\s*(#{1,6})\s*")
_EMPHASIS = re.compile(r"\*{1,3}")
STRONG = re.compile(r"(?<![\w_])__(?=\S)(.+?)(?<=\S)__(?![\w_])")  # "__đậm__", a pair only
_PART = re.compile(r"^Phần\s+(?P<num>[IVX]{1,4}|\d{1,2})\b[.:]?\s*(?P<title>.*)$")
_ROMAN = re.compile(r"^(?P<num>[IVX]{1,5})\.\s+(?P<title>\S.*)$")
_NUMBER = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})(?P<dot>\.?)\s+(?P<title>\S.*)$")
_LETTER = re.compile(r"^(?P<num>[a-zđ])\)\s+(?P<title>\S.*)$")
_SENTENCE_BREAK = re.compile(r"[.;!?]\s+(\w)")
# An article of a legal text (Luật Ban hành văn bản quy phạm pháp luật, Nghị định 30): its
# numbered lines are its clauses ("khoản"), sentences of the article, unless titled
_ARTICLE = re.compile(r"^Điều\s+\d+\s*[.:]")
_PLAN_WORDS = ("nhiệm vụ", "phương hướng", "định hướng", "kế hoạch tháng", "giải pháp chủ yếu")
HEADINGS = HeadingConfig()


@dataclass(frozen=True)
class HeadingMatch:
    rank: int  # 0 Phần, 1 roman, 2 "1.", 3 "1.1.", 4 "1.1.1.", 6 "a)", 7 unnumbered bold
    number: str
    title: str  # cleaned heading text, numbering included

    @property
    def is_plan(self) -> bool:
        """Top-level "NHIỆM VỤ…" parts hold next-period tasks, not results."""
        low = self.title.lower()
        return self.rank <= 1 and any(w in low for w in _PLAN_WORDS)


def clean_markup(text: str) -> str:
    """Drop markdown heading hashes and emphasis stars; keep the words."""
    text = STRONG.sub(r"\1", _MD_HASHES.sub("", text))
    return re.sub(r"\s+", " ", _EMPHASIS.sub("", text)).strip()


def _has_sentence_break(text: str) -> bool:
    """". Tiếp tục…" inside a line means a sentence list item, not a title."""
    return any(m.group(1).isupper() for m in _SENTENCE_BREAK.finditer(text))


def sentence_like(body: str) -> bool:
    """A sentence (a list item of the text), not a title: a sentence break inside, a long
    text ending with a full stop, or a label with its value ("Số hội giải thể …: Không
    có.", "… tự hợp đồng: 24 người"). Shared by every reader's heading decision."""
    return (_has_sentence_break(body) or (body.endswith(".") and len(body) > HEADINGS.max_dotted)
            or _labelled_value(body))


def _labelled_value(body: str) -> bool:
    """A value after the colon: a figure or a sentence, not a capitalised sub-title
    ("Phần I: TÌNH HÌNH …") or nothing ("3. Lĩnh vực văn hóa:")."""
    label, colon, value = body.partition(": ")
    value = value.strip()
    if not colon or not value or not label.strip() or _all_caps(value):
        return False
    return value.endswith(".") or any(c.isdigit() for c in value)


def _is_bold_line(text: str) -> bool:
    t = _MD_HASHES.sub("", text).strip()
    return t.startswith("**") and t.endswith("**") and t.count("**") == 2


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return len(letters) >= 8 and upper >= HEADINGS.caps_share * len(letters)


def _numbered(clean: str, in_plan: bool) -> tuple[HeadingMatch, str] | None:
    """The heading numbering scheme of ``clean`` and the text after the number."""
    m = _PART.match(clean)
    if m:
        return HeadingMatch(0, m.group("num"), clean), m.group("title")
    m = _ROMAN.match(clean)
    if m:
        return HeadingMatch(1, m.group("num"), clean), m.group("title")
    m = _NUMBER.match(clean)
    if m and not in_plan:
        parts = m.group("num").split(".")
        if int(parts[0]) <= HEADINGS.max_section_number and (m.group("dot") or len(parts) > 1):
            return HeadingMatch(1 + len(parts), m.group("num"), clean), m.group("title")
    m = _LETTER.match(clean)
    if m and not in_plan:
        return HeadingMatch(6, m.group("num"), clean), m.group("title")
    return None


def match_heading(text: str, in_plan: bool = False,
                  in_article: bool = False) -> HeadingMatch | None:
    """A heading is short, numbered (or bold/all-caps) and not a sentence list item.

    Inside a plan part, numbered lines are the task list ("1. Tiếp tục tập
    trung…"), which are items of their section rather than headings. Inside an article
    ("Điều 3. Điều khoản thi hành"), a numbered line ending with a full stop is a clause
    ("1. Nghị quyết này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2026."), however short.
    """
    clean = clean_markup(text)
    if not clean or len(clean) > HEADINGS.max_numbered or clean.endswith((";", ",")):
        return None
    found = _numbered(clean, in_plan)
    body = found[1] if found else clean
    if sentence_like(body) or in_article and found is not None and body.endswith("."):
        return None
    if found is not None:
        return found[0]
    if clean.startswith(("-", "+", "(")) or clean.endswith("."):
        return None
    hashes = _MD_HASHES.match(text)
    if hashes and len(clean) <= HEADINGS.max_unnumbered:
        return HeadingMatch(min(len(hashes.group(1)), 5), "", clean)
    if _all_caps(clean) and len(clean) <= HEADINGS.max_unnumbered:
        return HeadingMatch(1, "", clean)
    if _is_bold_line(text) and len(clean) <= HEADINGS.max_bold:
        return HeadingMatch(7, "", clean)
    return None


def is_article(text: str) -> bool:
    """"Điều 3. Điều khoản thi hành": an article of a legal text opens."""
    return bool(_ARTICLE.match(text))


def ends_article(heading: HeadingMatch) -> bool:
    """A heading that is no clause of an article (an annex, a part, an unnumbered title)."""
    return not heading.number or heading.rank <= 1


def looks_like_heading(text: str, in_plan: bool = False) -> bool:
    return match_heading(text, in_plan) is not None


class SectionStack:
    """Tracks the open headings; a heading closes every heading of equal or lower rank."""

    def __init__(self) -> None:
        self._stack: list[HeadingMatch] = []

    def continues(self, heading: HeadingMatch) -> bool:
        """An unnumbered all-caps line right after an all-caps heading is its second line
        ("Phần I" / "TÌNH HÌNH …", or a title wrapped over two lines)."""
        top = self._stack[-1] if self._stack else None
        return (top is not None and not heading.number and _all_caps(heading.title)
                and (top.title == f"Phần {top.number}" or _all_caps(top.title)))

    def extend(self, heading: HeadingMatch) -> None:
        top = self._stack[-1]
        self._stack[-1] = HeadingMatch(top.rank, top.number, f"{top.title} {heading.title}")

    def push(self, heading: HeadingMatch) -> None:
        while self._stack and self._stack[-1].rank >= heading.rank:
            self._stack.pop()
        self._stack.append(heading)

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(h.title for h in self._stack)

    @property
    def in_plan(self) -> bool:
        return any(h.is_plan for h in self._stack)
