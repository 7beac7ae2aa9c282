"""Units stated by a sheet: a unit line over the table, "(Tỷ đồng)" after a header or label.

A statistics sheet states its unit once, in a line of its own above the header ("Tỷ
đồng", "Đơn vị tính: %", "Nghìn tấn; Triệu USD"), or after the thing measured, in
parentheses ("Diện tích (Nghìn ha)", "Cơ cấu (%)"). A unit is recognised by the printed
units of reports and tables (``rag/data/observation_units.tsv``, ``table_words.tsv``),
optionally after a multiplier ("nghìn", "triệu", "tỷ"), or as a rate ("Tạ/ha"); "(GDP)"
or "(2014)" are no units.
"""

from __future__ import annotations

import re
from functools import lru_cache

_STATED = re.compile(r"^\s*(?:đơn\s*vị\s*(?:tính)?|đvt)\s*[:.]?\s*(?P<unit>.+?)\s*$",
                     re.IGNORECASE)
_PAREN = re.compile(r"\(\s*(?P<unit>[^()]{1,30}?)\s*\)\s*$")
_MULTIPLIERS = ("nghìn", "ngàn", "triệu", "tỷ", "trăm", "chục")  # grammar: number words
MAX_UNIT_WORDS = 5


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    """The printed units of reports and those tables print (rag/data/table_words.tsv)."""
    from rag.ingest.tables.words import report_units, words

    return report_units() | words("unit")


def is_unit(text: str) -> bool:
    """Whether ``text`` names a unit of measure ("Tỷ đồng", "Nghìn tấn; Triệu USD")."""
    parts = [p.strip() for p in re.split(r"[;,]", text) if p.strip()]
    return bool(parts) and all(_one_unit(p) for p in parts)


def _one_unit(text: str) -> bool:
    low = re.sub(r"\s+", " ", text.lower()).strip()
    if not low or len(low.split()) > MAX_UNIT_WORDS or any(ch.isdigit() for ch in low.replace(
            "m3", "").replace("m2", "")):
        return False
    if low in _known():
        return True
    head, _, rest = low.partition(" ")
    if head in _MULTIPLIERS and rest in _known():
        return True
    a, slash, b = low.partition("/")
    return bool(slash) and (_one_unit(a) or a in _MULTIPLIERS) and _one_unit(b)


def stated_unit(text: str) -> str | None:
    """"Đơn vị tính: Tỷ đồng" -> "Tỷ đồng"; "%" -> "%"; a plain title -> None."""
    m = _STATED.match(text)
    if m:
        return m.group("unit").rstrip(" .;")
    return text.strip() if is_unit(text) else None


def paren_unit(text: str) -> tuple[str, str]:
    """("Diện tích", "Nghìn ha") for "Diện tích (Nghìn ha)"; (text, "") without one."""
    m = _PAREN.search(text)
    if m and is_unit(m.group("unit")):
        return text[:m.start()].rstrip(" ,:"), m.group("unit")
    return text, ""


def split_units(unit: str) -> list[str]:
    """"Nghìn tấn; Triệu USD" -> ["Nghìn tấn", "Triệu USD"]."""
    return [p.strip() for p in re.split(r"[;,]", unit) if p.strip()]
