"""Numbers with units, parsed from Vietnamese number format.

Officials need the exact figure as printed ("22.013,3 triệu USD"), so a
``Figure`` keeps the printed text and a parsed value for comparisons.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from rag.records import Figure

_UNITS_FILE = Path(__file__).resolve().parents[1] / "data" / "observation_units.tsv"
# Lengths of time print as figures in answers ("trong 15 ngày") but are no quantities a
# statement reports, so they stay out of the statements' unit table.
_DURATIONS = ("giờ", "ngày")


def _printed_units() -> list[str]:
    """The printed units of ``observation_units.tsv`` (the one unit table) and lengths of
    time, longest first so "tỷ đồng" wins over "đồng" and "nghìn con" over "con"."""
    rows = _UNITS_FILE.read_text(encoding="utf-8").splitlines()
    units = {r.split("\t")[0].strip() for r in rows if r.strip() and not r.startswith("#")}
    return sorted(units | set(_DURATIONS), key=lambda u: (-len(u), u))


_UNITS = _printed_units()
_NUM = r"\d+(?:[.,]\d+)*"
_UNIT_RE = "|".join(re.escape(u) for u in _UNITS)
# A ratio shares the unit after it or names both: "9.037/17.454 tỷ đồng" (disbursed of
# allocated), "06/139 kiến nghị", "461 vụ/873 đối tượng"; its value and unit are the first.
# A rate per something follows its unit after "/": "7,8%/năm", "2,34 triệu đồng/tháng",
# "200.000 đồng/người/lần" (decisions, resolutions and the statistics template print them).
PER = r"(?P<per>(?:/[^\W\d_]+){1,3})?"
FIGURE_RE = re.compile(
    rf"(?<![\w/.,-])(?P<num>{_NUM})(?:(?:\s?(?P<unit1>{_UNIT_RE}))?/(?P<den>{_NUM}))?"
    rf"(?P<sp>\s?)(?P<unit>{_UNIT_RE}){PER}(?![\w/])",
    re.UNICODE | re.IGNORECASE,
)


def parse_vn_number(s: str) -> float:
    """Parse ``1.234,5`` style numbers, tolerating the sources' slips.

    A dot group that is not three digits long can only be a decimal point
    (``10.33%``, ``1.230.5 tỷ``), so it is read as one; a lone comma is the
    Vietnamese decimal mark.
    """
    s = s.strip()
    if "," in s and "." in s:
        return float(s.replace(".", "").replace(",", "."))
    if s.count(",") > 1:
        return float(s.replace(",", ""))
    if "," in s:
        return float(s.replace(",", "."))
    groups = s.split(".")
    if len(groups) == 1:
        return float(s)
    if all(len(g) == 3 for g in groups[1:]):
        return float("".join(groups))
    return float("".join(groups[:-1]) + "." + groups[-1])


def extract_figures(text: str, offset: int = 0) -> list[Figure]:
    """Every number+unit in ``text``; offsets are shifted by ``offset``."""
    figures = []
    for m in FIGURE_RE.finditer(text):
        try:
            value = parse_vn_number(m.group("num"))
        except ValueError:
            continue
        if not math.isfinite(value):  # a 400-digit "number" is no figure, and no JSON
            continue
        figures.append(
            Figure(
                text=m.group(0),
                value=value,
                unit=m.group("unit1") or m.group("unit"),
                start=offset + m.start(),
                end=offset + m.end(),
            )
        )
    return figures
