"""From a pattern's match to a ``Mention``: the months, year and cut-off it names."""

from __future__ import annotations

import re
from collections.abc import Callable

from rag.periods.mention import Mention
from rag.periods.patterns import LEAD
from rag.periods.roles import HISTORIC, is_duration
from rag.periods.words import numeral_values

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
LATE_DECEMBER = 15  # a window opening on this day of December or later counts the next year
Builder = Callable[[re.Match, str], list[Mention]]


def _int(m: re.Match, name: str) -> int | None:
    value = m.groupdict().get(name)
    return int(value) if value else None


def _value(m: re.Match, name: str, where: str) -> int | None:
    raw = m.group(name)
    if raw is None:
        return None
    raw = re.sub(r"\s+", " ", raw)
    return int(raw) if raw.isdigit() else numeral_values(where).get(raw)


def _date_parts(m: re.Match, p: str) -> tuple[int | None, int, int | None] | None:
    """(year, month, day) of the date pattern with prefix ``p``."""
    if m.groupdict().get(f"{p}m"):
        y, mo, d = _int(m, f"{p}y"), _int(m, f"{p}m"), _int(m, f"{p}d")
    else:
        y, mo, d = _int(m, f"{p}z"), _int(m, f"{p}n"), _int(m, f"{p}e")
    if not 1 <= mo <= 12 or d is not None and not 1 <= d <= 31:
        return None
    return y, mo, d


def _iso(y: int | None, mo: int, d: int | None) -> str | None:
    if y is None:
        return None
    return f"{y}-{mo:02d}-{d:02d}" if d else f"{y}-{mo:02d}"


def span(m: re.Match, kind: str, year, first, last, **kw) -> Mention:
    return Mention(m.start(), m.end(), kw.pop("role", "period"), kind, year, first, last, **kw)


def _window(m: re.Match, folded: str) -> list[Mention]:
    """"(từ ngày 26/06/2025 - 25/07/2025)": the statistics month it closes; "từ 01/7 -
    25/7/2025": that month to a date; "Lũy kế từ ngày 22/12/2024 đến ngày 21/10/2025", "từ
    01/01- 20/10/2019": the year to its cut-off; from a later day: only the cut-off."""
    a, b = _date_parts(m, "a"), _date_parts(m, "b")
    if a is None or b is None or b[0] is None:
        return []
    ay = a[0] or b[0]
    if ay < HISTORIC:  # "(27/7/1947 - 27/7/2025)": an anniversary
        return [span(m, "date", b[0], b[1], b[1], day=b[2], role="name")]
    months = (b[0] * 12 + b[1]) - (ay * 12 + a[1])
    start_of_year = (a[1], a[2]) == (1, 1) or (a[1] == 12 and (a[2] or 0) >= LATE_DECEMBER
                                                and ay == b[0] - 1)
    if start_of_year and months != 1:
        return [span(m, "cumulative", b[0], 1, b[1], as_of=_iso(*b), lead=True)]
    if months == 0:
        return [span(m, "month", b[0], b[1], b[1], day=b[2], as_of=_iso(*b))]
    if months == 1:
        return [span(m, "month", b[0], b[1], b[1])]
    return [span(m, "date", b[0], b[1], b[1], day=b[2], as_of=_iso(*b), role="asof")]


def _from_start(m: re.Match, folded: str) -> list[Mention]:
    b = _date_parts(m, "b")
    if b is None or b[0] is None:
        return []
    return [span(m, "cumulative", b[0], 1, b[1], as_of=_iso(*b), lead=True)]


def _year_to_now(m: re.Match, folded: str) -> list[Mention]:
    """"Từ đầu năm đến nay": what added up since January, to the document's own time."""
    return [span(m, "to_now", _int(m, "y"), None, None, role="this", lead=True)]


def _cutoff(m: re.Match, folded: str) -> list[Mention]:
    b = _date_parts(m, "b")
    return [] if b is None else [span(m, "date", b[0], b[1], b[1], day=b[2],
                                      as_of=_iso(*b), role="asof")]


def _plain_date(m: re.Match, folded: str) -> list[Mention]:
    b = _date_parts(m, "b")
    return [] if b is None or b[0] is None else [
        span(m, "date", b[0], b[1], b[1], day=b[2], role="date")]


def _blank_date(m: re.Match, folded: str) -> list[Mention]:
    """"ngày......tháng...... năm 2020": a draft's date, not yet written."""
    return [span(m, "date", _int(m, "y"), None, None, role="date")]


def _combo(m: re.Match, folded: str) -> list[Mention]:
    """"tháng 10 và 10 tháng năm 2025": the month and the count, one year for both."""
    month, n = _value(m, "m", "month"), _value(m, "n", "count")
    if not month or not n or not 1 <= month <= 12 or not 2 <= n <= 12:
        return []
    y = _int(m, "y")
    return [Mention(m.start(), m.start("n"), "period", "month", y, month, month),
            Mention(m.start("n"), m.end(), "period", "cumulative", y, 1, n)]


def _to_month(m: re.Match, folded: str) -> list[Mention]:
    month = _value(m, "m", "month")
    if not month or not 1 <= month <= 12:
        return []
    return [span(m, "cumulative", _int(m, "y"), 1, month, lead=True)]


def _quarter_number(m: re.Match) -> int | None:
    raw = re.sub(r"\s+", " ", m.group("q"))
    return _ROMAN.get(raw) or (int(raw) if raw.isdigit() else numeral_values("quarter").get(raw))


def _to_quarter(m: re.Match, folded: str) -> list[Mention]:
    q = _quarter_number(m)
    return [] if not q else [span(m, "cumulative", _int(m, "y"), 1, 3 * q, lead=True)]


def _range(m: re.Match, folded: str) -> list[Mention]:
    y, z = _int(m, "y"), _int(m, "z")
    if not y < z <= y + 50:
        return []
    return [span(m, "span", y, 1, 12, end_year=z, role="plan")]


def _cumulative(m: re.Match, folded: str) -> list[Mention]:
    """"N tháng (đầu năm) (2024)": "năm tháng" needs an anchor (a lead-in, "đầu năm", a
    year), "năm" being also the year; a bare count is a length of time after "sau",
    "không quá" or before "kể từ"."""
    n = _value(m, "n", "count")
    if not n or not 2 <= n <= 12:
        return []
    anchored = bool(m.group("pos") or m.group("y"))
    lead = _lead_in(m, folded)
    if not anchored and m.group("n") == "nam" and not lead:
        return []
    if not anchored and is_duration(folded, m.start("n"), m.end()):
        return []
    if m.group("pos") == "cuoi":
        return [span(m, "span", _int(m, "y"), 13 - n, 12)]
    return [span(m, "cumulative", _int(m, "y"), 1, n, lead=lead)]


def _lead_in(m: re.Match, folded: str) -> bool:
    """The match opens on a lead-in, or one stands right before it."""
    before = folded[max(0, m.start() - 30):m.start()]
    return bool(re.match(LEAD + r"|trong\b", m.group(0))
                or re.search(LEAD + r"\s*$", before))


def _half(m: re.Match, folded: str) -> list[Mention]:
    first = 1 if m.group("pos") == "dau" else 7
    return [span(m, "cumulative" if first == 1 else "span", _int(m, "y"), first, first + 5)]


def _month(m: re.Match, folded: str) -> list[Mention]:
    month = _value(m, "m", "month")
    if not month or not 1 <= month <= 12:
        return []
    if m.group("m") == "nam" and not m.group("y") and not re.match(
            r"\s*(?:nam\s+\d|[,.;:)]|$)", folded[m.end():m.end() + 8]):
        return []  # "tháng năm" (time) is May only with its year or standing alone
    return [span(m, "month", _int(m, "y"), month, month)]


def _quarter(m: re.Match, folded: str) -> list[Mention]:
    q = _quarter_number(m)
    return [] if not q else [span(m, "quarter", _int(m, "y"), 3 * q - 2, 3 * q)]


def _year(m: re.Match, folded: str) -> list[Mention]:
    return [span(m, "year", _int(m, "y"), 1, 12)]


def _whole_year(m: re.Match, folded: str) -> list[Mention]:
    return [span(m, "year", None, 1, 12, role="this")]


def _relative(m: re.Match, folded: str) -> list[Mention]:
    return [span(m, "relative", None, None, None, role="base")]


def _this(m: re.Match, folded: str) -> list[Mention]:
    unit = m.group("u") or m.group("v")
    return [span(m, f"{'month' if unit == 'thang' else 'quarter'}_this", None, None, None,
                 role="this")]


def _now(m: re.Match, folded: str) -> list[Mention]:
    """"Hiện nay" (what stands: ``now``), "đến nay" (what has added up: ``to_now``), both at
    the document's date of issue; not the end of a span opened in the clause ("từ năm 2021
    đến nay" covers years, not the month of issue)."""
    clause = re.split(r"[,.;:]", folded[max(0, m.start() - 80):m.start()])[-1]
    if re.search(r"(?<!\w)tu(?!\w)", clause):
        return []
    kind = "now" if m.group(0).startswith("hien") else "to_now"
    return [span(m, kind, None, None, None, role="this")]


BUILD: dict[str, Builder] = {
    "window": _window, "from_start": _from_start, "cutoff": _cutoff, "date": _plain_date,
    "blank_date": _blank_date, "combo": _combo, "to_month": _to_month,
    "to_quarter": _to_quarter, "range": _range, "cumulative": _cumulative, "half": _half,
    "month": _month, "quarter": _quarter, "year": _year, "whole_year": _whole_year,
    "relative": _relative, "this": _this, "now": _now, "year_to_now": _year_to_now,
}
