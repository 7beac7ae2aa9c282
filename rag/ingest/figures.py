"""Numbers with units, parsed from Vietnamese number format.

Officials need the exact figure as printed ("22.013,3 triệu USD"), so a
``Figure`` keeps the printed text and a parsed value for comparisons.
"""

from __future__ import annotations

import math
import re

from rag.records import Figure

# Longest units first so "tỷ đồng" wins over "đồng" and "nghìn con" over "con".
_UNITS = sorted(
    [
        "tỷ đồng", "triệu đồng", "nghìn đồng", "đồng", "tỷ USD", "triệu USD", "nghìn USD",
        "USD", "%", "ha", "nghìn ha", "nghìn con", "triệu con", "con", "lượt khách",
        "nghìn lượt khách", "nghìn lượt", "lượt người", "lượt con", "lượt", "người",
        "doanh nghiệp", "dự án", "HTX", "hợp tác xã", "hộ", "xã", "vụ", "tấn", "nghìn tấn",
        "triệu tấn", "triệu cây", "nghìn cây", "cây", "sản phẩm", "nghìn m3", "m3", "km",
        "trường", "hồ sơ", "văn bản", "tiêu chí", "cơ sở", "xe", "lao động", "giấy",
        "tài khoản", "giao dịch", "đơn", "cuộc", "lớp", "học sinh", "triệu Kwh", "TrKw/h",
        "đối tượng", "mỏ", "thủ tục", "công trình", "chi nhánh", "liên hiệp HTX", "tổ chức",
        "nghìn người", "triệu HK.Km", "triệu tấn.Km", "viên", "bệnh nhân", "giờ", "ngày",
        # counts of other provinces' reports, letters and notices (../shared/realdocs)
        "nghìn tỷ đồng", "trường hợp", "hộ dân", "biên chế", "đơn vị", "kiến nghị",
        "học viên", "m2", "km2", "thôn", "MW", "triệu kWh", "tỷ kWh",
    ],
    key=len,
    reverse=True,
)
_NUM = r"\d+(?:[.,]\d+)*"
_UNIT_RE = "|".join(re.escape(u) for u in _UNITS)
# A ratio shares the unit after it or names both: "9.037/17.454 tỷ đồng" (disbursed of
# allocated), "06/139 kiến nghị", "461 vụ/873 đối tượng"; its value and unit are the first.
FIGURE_RE = re.compile(
    rf"(?<![\w/.,-])(?P<num>{_NUM})(?:(?:\s?(?P<unit1>{_UNIT_RE}))?/(?P<den>{_NUM}))?"
    rf"(?P<sp>\s?)(?P<unit>{_UNIT_RE})(?![\w/])",
    re.UNICODE,
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
