"""The words the period grammar reads, from ``rag/data/period_words.tsv``, and the check that
a match read on accent-folded text was written with the right diacritics.

The grammar matches on folded text so that a question typed without diacritics reads like
the report. Folding merges words: "sáu" (six) and "sau" (after), "năm" (five, year) and
"nam" (south), "tư" (four) and "từ" (from). In a text written with its diacritics, every
word of a match must therefore be the accented word the grammar meant ("tháng sau" is the
next month, not June); a text typed without them is taken at its word.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rag.text import fold_accents

_DATA = Path(__file__).resolve().parents[1] / "data" / "period_words.tsv"
# The other words of the grammar's patterns, as written with their diacritics.
KEYWORDS = (
    "tháng", "quý", "quí", "năm", "đầu", "cuối", "cả", "hết", "đến", "tới", "lũy", "luỹ", "kế",
    "tính", "cộng", "dồn", "ngày", "từ", "trước", "nửa", "bình", "quân", "kỳ", "kì", "cùng",
    "ước", "này", "và", "chung", "trong", "giai", "đoạn", "thời", "tầm", "nhìn", "hoạch", "mục",
    "tiêu", "định", "hướng", "phấn", "đấu", "dự", "toán", "lộ", "trình", "chỉ", "so", "với",
    "bằng", "gấp", "hơn", "thực", "hiện", "nay", "vốn",
)
# A text with fewer than this share of syllables carrying a diacritic was typed without them
# (a question on a phone); Vietnamese prose written with them has well over half.
ACCENTED_SHARE = 0.35
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Numeral:
    word: str  # as written: "mười một"
    value: int
    where: frozenset[str]  # "month" | "count" | "quarter"


@cache
def numerals() -> tuple[Numeral, ...]:
    out = []
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "word\t")):
            continue
        word, value, where = line.split("\t")
        out.append(Numeral(unicodedata.normalize("NFC", word), int(value),
                           frozenset(where.split(","))))
    return tuple(out)


@cache
def numeral_values(where: str) -> dict[str, int]:
    """Folded word -> value, for the numerals allowed in that place."""
    return {fold_accents(n.word): n.value for n in numerals() if where in n.where}


@cache
def numeral_pattern(where: str) -> str:
    """A regex alternation of the folded numerals of a place, longest first."""
    words = sorted(numeral_values(where), key=len, reverse=True)
    return "(?:" + "|".join(w.replace(" ", r"\s+") for w in words) + ")"


@cache
def _accented() -> dict[str, frozenset[str]]:
    """Folded word -> the accented words it may stand for in a match."""
    table: dict[str, set[str]] = {}
    for word in list(KEYWORDS) + [w for n in numerals() for w in n.word.split()]:
        table.setdefault(fold_accents(word), set()).add(word)
    return {k: frozenset(v) for k, v in table.items()}


def typed_without_diacritics(text: str) -> bool:
    words = _WORD.findall(text)
    if not words:
        return True
    marked = sum(fold_accents(w) != w for w in words)
    return marked < ACCENTED_SHARE * len(words)


def written_as_meant(original: str, bare: bool) -> bool:
    """Every grammar word of ``original`` (a matched span) is the accented word the grammar
    reads, or, in a text typed without diacritics (``bare``), its bare form."""
    table = _accented()
    for word in _WORD.findall(original.lower()):
        folded = fold_accents(word)
        meant = table.get(folded)
        if meant is None or word in meant:
            continue
        if not (bare and word == folded):
            return False
    return True
