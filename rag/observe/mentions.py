"""Numbers with units in report text, in Vietnamese number format, as printed.

A mention is a number (or a ratio ``a/b``) followed by a unit from
``rag/data/observation_units.tsv``. Numbers without a unit (document numbers, dates,
years, ordinals) are not quantities and are never mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.errors import BaocaoError
from rag.ingest.figures import PER, parse_vn_number

UNITS_FILE = Path(__file__).resolve().parents[1] / "data" / "observation_units.tsv"
_NUM = r"\d+(?:[.,]\d+)*"
# A unit word that is really the start of another word ("03 trường hợp") is no unit.
_NOT_AFTER = re.compile(r"\s+(?:hợp|vị|nghị|viên chức)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    """A printed number with its unit: ``text`` is exactly what the report prints."""

    start: int
    end: int
    num: str
    value: float
    unit: str  # normalised ("triệu kWh"); "%" for percentages
    text: str
    denominator: float | None = None  # "207/618 hộ" -> 618
    den_text: str | None = None

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


@lru_cache(maxsize=2)
def load_units(path: str | None = None) -> dict[str, str]:
    """printed unit (lowercase) -> normalised unit; a bad line is an error."""
    table: dict[str, str] = {}
    text = Path(path or UNITS_FILE).read_text(encoding="utf-8")
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not all(p.strip() for p in parts):
            raise BaocaoError("data.bad_line", path=str(path or UNITS_FILE), line=lineno,
                              why="expected 'PRINTED<TAB>normalised'")
        table[parts[0].strip().lower()] = parts[1].strip()
    return table


@lru_cache(maxsize=2)
def _pattern(path: str | None = None) -> re.Pattern:
    units = sorted(load_units(path), key=len, reverse=True)
    alt = "|".join(re.escape(u) for u in units)
    return re.compile(
        rf"(?<![\w/.,+-])(?P<num>{_NUM})(?:\s?/\s?(?P<den>{_NUM}))?(?P<sp>\s?)"
        rf"(?P<unit>{alt}){PER}(?![\w/])", re.IGNORECASE)


def find_mentions(text: str) -> list[Mention]:
    """Every number+unit of ``text`` in order (a unit starting another word is skipped)."""
    units = load_units()
    out = []
    for m in _pattern().finditer(text):
        if _NOT_AFTER.match(text, m.end()):
            continue
        try:
            value = parse_vn_number(m.group("num"))
            den = parse_vn_number(m.group("den")) if m.group("den") else None
        except ValueError:
            continue
        unit = units[m.group("unit").lower()] + (m.group("per") or "").lower()  # "%/năm"
        out.append(Mention(m.start(), m.end(), m.group("num"), value, unit, m.group(0), den,
                           m.group("den")))
    return out


def same_family(a: str | None, b: str | None) -> bool:
    """Whether two units measure the same kind of quantity ("nghìn lượt" and "lượt")."""
    if a is None or b is None:
        return False
    return _base(a) == _base(b)


def _base(unit: str) -> str:
    return re.sub(r"^(?:nghìn|ngàn|triệu|tỷ)\s+", "", unit.lower())
