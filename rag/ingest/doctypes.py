"""Document types of Vietnamese administrative writing, from ``rag/data/doc_types.tsv``.

The type is printed twice: as the code in the number line ("Số: 12/BC-UBND",
"Số: 48/2025/NQ-HĐND", a Party body's "Số: 60-NQ/TW") and as the type line above the
title ("BÁO CÁO"). A letter (công văn) prints no type line and its number carries the
agency's code instead of a type code ("Số: 4580/UBND-TH").
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parents[1] / "data" / "doc_types.tsv"
LETTER = "công văn"
# "12/BC-UBND", "48/2025/NQ-HĐND": the code is the first part of the last "/" part;
# "60-NQ/TW": Party style, the code between the number and the "/".
_CODE_PARTY = re.compile(r"^[\d.…\s]*-\s*([^\W\d_]{1,5})\s*/")
# The authority that issues a decision or a resolution, printed on the line under its title
# (Nghị định 30/2020/NĐ-CP, Phụ lục I): never a title's next line.
AUTHORITY = re.compile(r"^(?:ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|THỦ TƯỚNG CHÍNH PHỦ|"
                       r"CHÍNH PHỦ|QUỐC HỘI|ỦY BAN THƯỜNG VỤ QUỐC HỘI|BỘ TRƯỞNG|CHỦ TỊCH)\b")
_NUMBER = re.compile(r"^\s*Số\s*(?:hiệu)?\s*:\s*", re.IGNORECASE)


@lru_cache(maxsize=1)
def _rows() -> tuple[tuple[str, str], ...]:
    rows = []
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, kind = line.split("\t")[:2]
            rows.append((code.strip(), kind.strip()))
    return tuple(rows)


@lru_cache(maxsize=1)
def type_codes() -> dict[str, str]:
    """"BC" -> "báo cáo", …: the codes of Phụ lục III."""
    return {code: kind for code, kind in _rows() if code != "-" and not code.startswith("=")}


@lru_cache(maxsize=1)
def type_lines() -> tuple[str, ...]:
    """The type lines in capitals, longest first ("THÔNG CÁO BÁO CHÍ" before "THÔNG CÁO")."""
    kinds = {kind.upper() for _, kind in _rows()}
    return tuple(sorted(kinds, key=lambda k: (-len(k), k)))


def title_type(title: str) -> str | None:
    """The type a published page's title states: its opening type word ("Báo cáo …",
    "Thông báo …") or a report title of the statistics template ("Tình hình kinh tế - xã
    hội tỉnh … tháng 10 …")."""
    low = " ".join(title.split()).casefold()
    for code, kind in _rows():
        if code.startswith("=") and low.startswith(code[1:].casefold()):
            return kind
    return next((k.lower() for k in type_lines() if low.startswith(k.casefold() + " ")), None)


def number_code(number: str) -> str | None:
    """The code of a number line: "Số: 48/2025/NQ-HĐND" -> "NQ", "Số: 4580/UBND-TH" -> "UBND"."""
    rest = _NUMBER.sub("", number, count=1).strip()
    m = _CODE_PARTY.match(rest)
    if m:
        return m.group(1)
    parts = rest.split("/")
    if len(parts) < 2:
        return None
    m = re.match(r"\s*([^\W_][\w]{0,9})", parts[-1])
    return m.group(1) if m else None


def type_of_number(number: str) -> str | None:
    """The type a number line states: its type code's, or "công văn" when the code is an
    agency's ("UBND", "STNMT", "C04"), or None when it prints no code."""
    code = number_code(number)
    if code is None:
        return None
    codes = type_codes()
    found = codes.get(code) or next((k for c, k in codes.items() if c.upper() == code.upper()),
                                    None)
    return found or LETTER
