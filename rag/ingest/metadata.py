"""Report metadata: type, title, date, province and the periods reported on.

The periods are data (``Period`` records) because retrieval filters on them:
"tháng 5/2024" must find the May-2024 report and not the one for May 2023.
"""

from __future__ import annotations

import re
from collections import Counter

from rag.periods import cutoff_periods, make_period, parse_date, parse_periods
from rag.records import Paragraph, Period

_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# The next period's part of a title follows a separator: "…, nhiệm vụ trọng tâm tháng 6",
# "…; nhiệm vụ, giải pháp…", "… và nhiệm vụ…"; "thực hiện nhiệm vụ…" is the results part.
_PLAN_SPLIT = re.compile(r"(?:[,;:–-]\s*|\bvà\s+)(?=nhiệm vụ\b)", re.IGNORECASE)
# The date a resolution states in its closing line: "Nghị quyết này được Quốc hội … thông qua
# ngày 19 tháng 02 năm 2025", "… Hội đồng nhân dân … kỳ họp 28 thông qua ngày 26 tháng 11
# năm 2025" (the adoption statement of a resolution, which prints no place-and-date line).
_ADOPTED = re.compile(r"thông qua (ngày\s*\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*\d{4}|"
                      r"ngày\s*\d{1,2}/\d{1,2}/\d{4})", re.IGNORECASE)
TEXT_PERIODS = 3  # no measurement: the few periods a body states most often; more is noise


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
    """(result periods, plan periods) a title names: "Tình hình … tháng 10 và 10 tháng năm
    2025" reports on its periods; the part after "nhiệm vụ …" and the horizon of a title
    that reports on nothing ("… đến năm 2035", "tầm nhìn đến năm 2045") are what it plans
    for, so a plan sorts by its date, not by 2030. A target beside a result period ("thực
    hiện năm 2019 và mục tiêu năm 2020") is a period of the report's figures too."""
    results, plan = split_results_plan(title)
    found = parse_periods(results, default_year=year)
    targets = parse_periods(results, default_year=year, roles=("plan",))
    planned = parse_periods(plan, default_year=year, roles=("period", "plan"))
    if found:  # results and targets side by side ("thực hiện năm 2019 và mục tiêu năm 2020":
        found += [p for p in targets if p not in found]  # an indicator table's columns)
    else:
        planned = targets + planned
    return found, list(dict.fromkeys(p for p in planned if p not in found))


def stated_date(paragraphs: list[Paragraph]) -> str | None:
    """The date a document's own closing line states (a resolution's adoption), for a
    document whose front matter prints none; the last such line counts."""
    for p in reversed(paragraphs):
        m = _ADOPTED.search(p.text) if p.kind == "body" else None
        if m:
            return parse_date(m.group(1))
    return None


def text_periods(paragraphs: list[Paragraph], date: str | None
                 ) -> tuple[tuple[Period, ...], tuple[Period, ...]]:
    """(periods, plan periods) a document's body states most often (results part only),
    plus the month of its date: for reports, letters and news whose title names no period,
    so that a question for a period their text covers still finds them. A period of a
    year after the document's own date cannot be one it reports on: it is a target ("đạt
    50% vào năm 2030", "trong năm 2027"), a plan period (the current year is both: a July
    letter's "năm 2020" is the year its figures run in)."""
    year = int(date[:4]) if date else None
    counts: Counter = Counter()
    targets: Counter = Counter()  # "Đến năm 2030, 100% …": the grammar's plan years
    for p in paragraphs:
        if p.kind != "body" or p.is_plan:
            continue
        found = parse_periods(p.text, default_year=year) + cutoff_periods(p.text)
        counts.update(f for f in found if f.year is not None)
        targets.update(f for f in parse_periods(p.text, default_year=year, roles=("plan",))
                       if f.year is not None and f.kind == "year")
    order = sorted(counts, key=lambda f: (-counts[f], -(f.year or 0), -f.end_month, f.kind))
    late = [f for f in order if _after(f, date)]
    late += [f for f in sorted(targets, key=lambda f: (-targets[f], -(f.year or 0)))
             if f not in late and f not in counts]
    periods = [f for f in order if f not in late][:TEXT_PERIODS]
    if not periods:  # a page about a capital plan's year and nothing else ("vốn … năm 2022")
        periods = [f for f in late if not _after(f, date)][:TEXT_PERIODS]
        late = [f for f in late if f not in periods]
    if date and len(date) >= 7:
        month = int(date[5:7])
        dated = make_period("month", int(date[:4]), month, month)
        if dated not in periods:
            periods.append(dated)
    return tuple(periods), tuple(late[:TEXT_PERIODS])


def _after(period: Period, date: str | None) -> bool:
    """The period falls in a year after the date's ("2025", "2025-11", "2025-11-24")."""
    return bool(date) and period.year is not None and period.year > int(date[:4])
