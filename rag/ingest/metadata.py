"""Report metadata: type, title, date, province and the periods reported on.

The periods are data (``Period`` records) because retrieval filters on them:
"tháng 5/2024" must find the May-2024 report and not the one for May 2023.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rag.ingest.structure import clean_markup
from rag.periods import parse_date, parse_periods
from rag.records import Period

_DOC_TYPES = ("THÔNG CÁO BÁO CHÍ", "BÁO CÁO", "TỜ TRÌNH", "KẾ HOẠCH", "CÔNG VĂN")
_NUMBER_LINE = re.compile(r"^Số\s*:")
_DATE_LINE = re.compile(r"ngày\s*\d*\s*tháng\s*\d*\s*năm\s*\d{4}")
_ADDRESSEE = re.compile(r"^Kính gửi\s*:")
_LETTERHEAD = re.compile(
    r"^(ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN|CỘNG HÒA XÃ HỘI CHỦ NGHĨA|"
    r"CỘNG HOÀ XÃ HỘI CHỦ NGHĨA|Độc lập\s*-\s*Tự do|TỈNH [A-ZĐÀ-Ỹ ]+$|THÀNH PHỐ [A-ZĐÀ-Ỹ ]+$|"
    r"[-_=–—\s]+$)")
_PROVINCE = re.compile(r"\btỉnh ([A-ZĐ][a-zà-ỹđ]+(?: [A-ZĐ][a-zà-ỹđ]+){0,2})")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# The next period's part of a title follows a separator: "…, nhiệm vụ trọng tâm tháng 6",
# "…; nhiệm vụ, giải pháp…", "… và nhiệm vụ…"; "thực hiện nhiệm vụ…" is the results part.
_PLAN_SPLIT = re.compile(r"(?:[,;:–-]\s*|\bvà\s+)(?=nhiệm vụ\b)", re.IGNORECASE)
# A sentence-case type word opening a one-line title: "Báo cáo tình hình … tháng 7 năm 2024".
_TITLE_LINE_MAX = 200


@dataclass
class FrontMatter:
    doc_type: str | None = None
    title: str | None = None
    date: str | None = None
    count: int = 0  # number of leading blocks that are front matter


def read_front_matter(blocks: list[str]) -> FrontMatter:
    """Leading "Số:", place-and-date, document type, title and "Kính gửi" lines."""
    front = FrontMatter()
    expect_title = False
    for text in (clean_markup(b) for b in blocks):
        if expect_title and len(text) < 300:
            front.title, expect_title = text.rstrip(" ,;"), False
        elif _NUMBER_LINE.match(text) or _ADDRESSEE.match(text) or _LETTERHEAD.match(text):
            pass
        elif _DATE_LINE.search(text) and len(text) < 120:
            front.date = parse_date(text)
        elif (doc_type := _doc_type(text) or _title_line_type(text, front)) is not None:
            front.doc_type = doc_type.lower()
            rest = text[len(doc_type):].strip(" :")
            rest = rest[:1].upper() + rest[1:]
            front.title, expect_title = (rest, False) if rest else (None, True)
        else:
            break
        front.count += 1
    return front


def _doc_type(text: str) -> str | None:
    return next((t for t in _DOC_TYPES if text.startswith(t)), None)


def _title_line_type(text: str, front: FrontMatter) -> str | None:
    """"Báo cáo tình hình … tháng 7 năm 2024" as the first line of a plain-text upload: the
    type word in sentence case with the title on the same line. Only before any title, on a
    short line naming a year and not ending like a sentence, so body text never matches."""
    if front.title or len(text) > _TITLE_LINE_MAX or not _YEAR.search(text):
        return None
    if text.rstrip().endswith((".", ";", ":", "!", "?")):
        return None
    head = text[:20].upper()
    found = next((t for t in _DOC_TYPES if head.startswith(t + " ")), None)
    return text[:len(found)] if found else None


def province_of(text: str) -> str | None:
    """The province named most often as "tỉnh X"."""
    names = Counter(_PROVINCE.findall(text))
    return names.most_common(1)[0][0] if names else None


def title_from_heading(heading: str) -> str:
    """"II. TÌNH HÌNH … THÁNG 01 NĂM 2023" -> "Tình hình … tháng 01 năm 2023"."""
    text = re.sub(r"^([IVX]+|\d+(\.\d+)*)\.\s*", "", heading).strip()
    text = text.lower() if text.isupper() else text
    return text[:1].upper() + text[1:]


def default_year(*texts: str | None) -> int | None:
    for text in texts:
        years = _YEAR.findall(text or "")
        if years:
            return int(years[-1])
    return None


def split_results_plan(title: str) -> tuple[str, str]:
    """"Tình hình … tháng 5 …, nhiệm vụ … tháng 6 năm 2024" -> (results part, plan part)."""
    m = _PLAN_SPLIT.search(title)
    return (title[: m.start()], title[m.end():]) if m else (title, "")


def title_periods(title: str, year: int | None) -> tuple[list[Period], list[Period]]:
    results, plan = split_results_plan(title)
    return parse_periods(results, default_year=year), parse_periods(plan, default_year=year)
