"""The table words of ``rag/data/table_words.tsv``, by role, read once."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rag.errors import BaocaoError

WORDS_FILE = Path(__file__).resolve().parents[2] / "data" / "table_words.tsv"
UNITS_FILE = Path(__file__).resolve().parents[2] / "data" / "observation_units.tsv"
ROLES = ("status", "total", "share", "unit", "filler")
# a line that announces the parts listed under it (grammar: "trong đó" = "of which")
_MARKER = re.compile(r"^(?:trong\s+đó|chia\s+ra|bao\s+gồm|gồm|phân\s+theo\b.*|chia\s+theo\b.*)"
                     r"\s*:?$", re.IGNORECASE)


def is_marker(text: str) -> bool:
    """"Trong đó:", "Chia ra:", "Phân theo ngành kinh tế": a line heading the parts under it."""
    return bool(_MARKER.match(text.strip()))


@lru_cache(maxsize=1)
def table_words() -> dict[str, frozenset[str]]:
    """role -> its words (lowercase); a bad line is an error naming the line."""
    found: dict[str, set[str]] = {r: set() for r in ROLES}
    for lineno, line in enumerate(WORDS_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) != 2 or parts[1] not in found or not parts[0]:
            raise BaocaoError("data.bad_line", path=str(WORDS_FILE), line=lineno,
                              why=f"expected 'WORD<TAB>ROLE' with ROLE one of {ROLES}")
        found[parts[1]].add(parts[0].lower())
    return {r: frozenset(w) for r, w in found.items()}


def words(role: str) -> frozenset[str]:
    return table_words()[role]


@lru_cache(maxsize=1)
def report_units() -> frozenset[str]:
    """The printed units of report text (first column of observation_units.tsv, lowercase;
    the observe stage checks that file's lines)."""
    out = set()
    for line in UNITS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "\t" in line:
            out.add(line.split("\t")[0].strip().lower())
    return frozenset(out)


def is_total(label: str) -> bool:
    """"TỔNG SỐ", "Toàn ngành công nghiệp", "CẢ NƯỚC": a row label naming the whole of its
    table's subject (the caption says what), not a part."""
    return re.sub(r"\s+", " ", label).strip(" :").lower() in words("total")
