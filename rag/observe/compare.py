"""Comparisons printed next to a figure, and whether a number is one.

"đạt 53% dự toán" (plan_pct), "tăng 30,9% so với cùng kỳ" (yoy_pct), "giảm 03 vụ"
(yoy_abs), "bằng 37,6% so với cùng kỳ" (other: a ratio, not growth), "tăng 3,4% so
với 31/12/2020" (other: against the start of the year). The kind is read from the verb
before the number and the basis after it; an elided basis keeps the verb's default
("đạt 44,4%" after a plan comparison is against the plan).
"""

from __future__ import annotations

import re

from rag.observe.mentions import Mention
from rag.records import Comparison

_VERB = re.compile(r"(?P<verb>tăng|giảm|đạt|bằng|tương\s+đương|cao\s+hơn[^,;()]{0,40}?\blà|"
                   r"thấp\s+hơn[^,;()]{0,40}?\blà)\s*(?:thêm\s+|khoảng\s+|trên\s+|gần\s+|"
                   r"hơn\s+|được\s+|ở\s+mức\s+)?$", re.IGNORECASE)
_BASES = [
    ("central", re.compile(r"\s*(?:\([^()]*\)\s*)?so\s+với\s+(?:số\s+)?trung\s+ương\s+giao",
                           re.IGNORECASE)),
    ("start_of_year", re.compile(r"\s*so\s+(?:với\s+)?(?:ngày\s+)?(?:\d{1,2}/\d{1,2}/\d{4}|"
                                 r"đầu\s+năm)", re.IGNORECASE)),
    ("mom", re.compile(r"\s*so\s+(?:với\s+)?(?:tháng\s+(?:trước|\d{1,2})|quý\s+trước)",
                       re.IGNORECASE)),
    ("yoy", re.compile(r"\s*(?:so\s+(?:với\s+)?)?cùng\s+kỳ(?:\s+năm\s+(?:trước|\d{4}))?|"
                       r"\s*so\s+với\s+năm\s+(?:trước|\d{4})", re.IGNORECASE)),
    ("plan", re.compile(r"\s*(?:so\s+với\s+)?(?:kế\s+hoạch|KH|dự\s+toán|mục\s+tiêu)"
                        r"(?:\s+(?:năm|vốn|trung\s+ương|địa\s+phương|tỉnh|được|giao|đầu|chi|"
                        r"tiết|điều\s+chỉnh|\d{4})\b)*", re.IGNORECASE)),
]
_WORD_SAME = re.compile(r"(?:tương\s+đương|bằng)\s+(?:với\s+)?cùng\s+kỳ(?:\s+năm\s+trước)?",
                        re.IGNORECASE)


def basis(text: str, end: int) -> tuple[str | None, int]:
    """The basis phrase right after a compared number, and where it ends."""
    for name, rx in _BASES:
        m = rx.match(text, end)
        if m:
            return name, m.end()
    return None, end


_FRONTED = re.compile(r"^\W*(so\s+với\s+[^,;:]{2,40}?)\s*,", re.IGNORECASE)


def fronted_basis(text: str) -> str | None:
    """The basis a sentence opens with ("So với tháng trước, chỉ số … tăng 4,37%"): a
    fronted adverbial of comparison holds for the comparisons that name none of their own
    (the statistics template opens its month-on-month paragraphs so)."""
    m = _FRONTED.match(text)
    return basis(m.group(1), 0)[0] if m else None


def comparison(text: str, m: Mention, floor: int) -> tuple[Comparison | None, int, int]:
    """(comparison, start, end) when mention ``m`` of ``text`` is compared, else (None, …).

    ``floor`` is the end of the previous mention: the verb must stand after it.
    """
    left = text[max(floor, m.start - 60):m.start]
    vm = _VERB.search(left)
    if vm is None:
        return None, m.start, m.end
    verb = vm.group("verb").lower().split()[0]
    if not m.is_percent and verb not in ("tăng", "giảm", "cao", "thấp"):
        return None, m.start, m.end
    base, end = basis(text, m.end)
    base = base or fronted_basis(text)
    start = m.start - len(left) + vm.start()
    kind, bas = _kind(verb, m.is_percent, base)
    value = -m.value if verb in ("giảm", "thấp") else m.value
    if kind == "other" and bas == "denominator":
        value = m.value
    return Comparison(text[start:end].strip(), kind, value, bas), start, end


def _kind(verb: str, percent: bool, base: str | None) -> tuple[str, str | None]:
    if base == "central":
        return "other", "vs_central_allocation_pct" if percent else "vs_central_allocation_abs"
    if base == "start_of_year":
        return "other", "vs_start_of_year"
    if base == "mom":
        return "other", "mom"
    if verb in ("đạt",) or base == "plan":
        return ("plan_pct", None) if base in (None, "plan") else ("other", "yoy_ratio")
    if verb == "bằng":
        return "other", "yoy_ratio"
    if verb == "tương":
        return "other", "ratio"
    if not percent or verb in ("cao", "thấp"):
        return "yoy_abs", None
    return "yoy_pct", None


def same_as_last_year(text: str, start: int, end: int) -> list[tuple[int, Comparison]]:
    """"tương đương cùng kỳ", "bằng cùng kỳ năm trước": growth 0, with its offset."""
    return [(m.start(), Comparison(m.group(0), "yoy_pct", 0.0))
            for m in _WORD_SAME.finditer(text, start, end)]


def denominator(m: Mention) -> Comparison | None:
    """"207/618 hộ": the total the figure is out of."""
    if m.denominator is None:
        return None
    return Comparison(f"{m.num}/{m.den_text}", "other", m.denominator, "denominator")
