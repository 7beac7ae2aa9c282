"""The regular expressions of the period grammar, on lowercase accent-folded text.

Each pattern is tried in this order over the whole text; a span one of them took is not
read again by a later one, so a date's "tháng 11 năm 2025" is never a month and a window's
dates are never cut-off dates of their own.
"""

from __future__ import annotations

import re
from functools import cache

from rag.periods.words import numeral_pattern

YEAR = r"(?:19|20)\d{2}"
LEAD = r"(?:tinh\s+chung|cong\s+don|luy\s+ke|binh\s+quan(?:\s+chung)?|tinh\s+tu\s+dau\s+nam)"


def year_after(name: str = "y") -> str:
    """An optional year after a period: "/2024", "-2024", " năm 2024", " 2024"."""
    return rf"(?:\s*(?:/|-|–|nam)?\s*(?P<{name}>{YEAR})(?![\d/]))?"


def date(p: str, year: bool = True) -> str:
    """dd/mm/yyyy or "ngày dd tháng mm năm yyyy" (the day may be blank in a draft); without
    ``year``, the year may be left out ("từ 01/7 - 25/7/2025", "tính đến ngày 10/4")."""
    y = rf"(?:\s*/\s*(?P<{p}y>{YEAR}))" + ("" if year else "?")
    return (rf"(?:(?:ngay\s*)?(?P<{p}d>\d{{1,2}})\s*/\s*(?P<{p}m>\d{{1,2}}){y}"
            rf"|ngay\s*(?P<{p}e>\d{{1,2}})?\s*thang\s+(?P<{p}n>\d{{1,2}})\s*"
            rf"(?:nam|/)\s*(?P<{p}z>{YEAR}))(?![\d/])")


def number(where: str, name: str) -> str:
    return rf"(?P<{name}>0?\d{{1,2}}|{numeral_pattern(where)})"


@cache
def patterns() -> tuple[tuple[str, re.Pattern], ...]:
    month, count = number("month", "m"), number("count", "n")
    quarter = r"(?P<q>iv|i{1,3}|[1-4]|" + numeral_pattern("quarter")[3:]
    moment = (r"(?:(?:(?:uoc\s+tinh|tinh|uoc)\s+)?(?:(?:den|toi|tai)\s+)?thoi\s+diem\s+"
              r"(?:cuoi\s+thang\s+\S+(?:\s+\S+)?\s*\(\s*)?)")
    return tuple((kind, re.compile(rx)) for kind, rx in [
        ("window", r"(?:(?:luy\s+ke|tinh)\s+)?tu\s+(?:ngay\s+)?" + date("a", year=False)
         + r"\s*(?:den|-|–)\s*(?:het\s+)?(?:ngay\s+)?" + date("b")),
        ("from_start", rf"(?:{LEAD}\s+|tinh\s+)?tu\s+dau\s+nam(?:\s+{YEAR})?\s+(?:den|toi)\s+"
         r"(?:het\s+)?(?:ngay\s+)?" + date("b")),
        # "Từ đầu năm (2025) đến nay": the year to the document's own time (``now``)
        ("year_to_now", rf"(?:{LEAD}\s+|tinh\s+)?tu\s+dau\s+nam(?:\s+(?P<y>{YEAR}))?\s+"
         r"(?:den|toi)\s+(?:nay|hien\s+nay)\b"),
        ("cutoff", moment + date("b")),
        ("cutoff", r"(?:(?:tinh|uoc|luy\s+ke)\s+)?(?:den|toi)\s+(?:het\s+)?(?:ngay\s+)?"
         + date("b", year=False)),
        ("date", r"(?<![\d/])" + date("b")),
        ("date", rf"(?<![\d/-])(?P<bd>\d{{1,2}})-(?P<bm>\d{{1,2}})-(?P<by>{YEAR})(?![\d-])"),
        ("blank_date", rf"\bngay[\s.…_]*thang[\s.…_]*nam\s+(?P<y>{YEAR})"),
        ("combo", rf"\bthang\s+{month}\s+va\s+{count}\s+thang(?:\s+dau)?(?:\s+nam)?"
         + year_after()),
        # "lũy kế đến tháng 5", "(đến) hết tháng 7/2025", "Hết tháng 5": the total to the
        # month's end (a deadline when the sentence sets a task); "đến tháng 9" is a plan
        ("to_month", rf"(?:(?:{LEAD}|tu\s+dau\s+nam|tinh)\s+(?:den|toi)\s+(?:het\s+)?"
         rf"|(?:(?:den|toi)\s+)?\bhet\s+)thang\s+{month}" + year_after()),
        ("to_quarter", rf"(?:(?:den|toi)\s+)?het\s+quy\s+{quarter}\b" + year_after()),
        ("range", rf"(?:nam\s+)?(?P<y>{YEAR})\s*[-–]\s*(?:(?:het\s+)?nam\s+)?(?P<z>{YEAR})\b"),
        ("range", rf"\btu\s+nam\s+(?P<y>{YEAR})\s+(?:den|toi)\s+(?:het\s+)?nam\s+(?P<z>{YEAR})"),
        ("cumulative", rf"(?:{LEAD}\s+|trong\s+)?\b{count}\s+thang(?:\s+(?P<pos>dau|cuoi))?"
         r"(?:\s+nam)?" + year_after()),
        ("half", r"\bnua\s+(?P<pos>dau|cuoi)\s+nam" + year_after()),
        ("month", rf"\bthang\s+{month}\b(?!\s*/\s*\d{{1,2}}\s*/)(?![.,]\d)" + year_after()),
        ("month", r"\bt0?(?P<m>\d{1,2})\s*[/-]\s*(?P<y>" + YEAR + r")(?![\d/])"),
        ("quarter", rf"\bquy\s+{quarter}\b" + year_after()),
        ("quarter", r"\bq(?P<q>[1-4])\s*[/-]\s*(?P<y>" + YEAR + r")(?![\d/])"),
        ("year", rf"\b(?:ca\s+)?nam\s+(?P<y>{YEAR})(?![\d/])(?:\s+uoc\s+tinh)?"),
        # a plan's year without "năm" in running text: "bố trí dự toán 2026", "triển khai
        # nhiệm vụ kế hoạch 2023" (the word before it makes it a plan: roles.py)
        ("year", rf"(?<=du toan )(?P<y>{YEAR})(?![\d/%]|[.,]\d|\s*[-–]\s*\d)"),
        ("year", rf"(?<=ke hoach )(?P<y>{YEAR})(?![\d/%]|[.,]\d|\s*[-–]\s*\d)"),
        ("whole_year", r"\bca\s+nam\b|\bnam\s+nay\b"),
        ("relative", r"\b(?:thang|quy|nam|ky)\s+truoc\b|\bcung\s+ky\b"),
        ("this", r"\b(?:trong|cua)\s+(?P<u>thang|quy)\b(?!\s+(?:\d|truoc|toi))"
         r"|\b(?P<v>thang|quy)\s+nay\b"),
        # the present of a notice or a report: what stands at its date of issue
        ("now", r"\b(?:hien\s+nay|hien\s+tai|(?:tinh\s+)?(?:den|toi)\s+(?:nay|thoi\s+diem\s+"
         r"(?:nay|hien\s+tai)))\b"),
    ])


# In a question: the bare "5/2024" an official types for a month (in a report
# "01/2024/NĐ-CP" is a document number).
QUESTION = (("month", re.compile(r"(?<![\d/.,])(?P<m>\d{1,2})\s*/\s*(?P<y>(?:19|20)\d{2})"
                                 r"(?![\d/])")),)
# A bare year names a year in a question ("CPI 2023") and a table header ("TH 2019",
# "KH 2020": a plan), never in running text, where years stand in names and numbers.
BARE_YEAR = (("year", re.compile(r"(?<![\d/.,\-–])(?P<y>(?:19|20)\d{2})(?![\d.,%\-–]|\s*/\s*\d)")),)
