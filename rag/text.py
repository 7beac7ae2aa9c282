"""Vietnamese text helpers shared by every stage."""

from __future__ import annotations

import functools
import unicodedata

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})
# Tokens are folded one by one (analyzer, answer scoring: ~1,600 calls per question) and
# Vietnamese has a few thousand distinct syllables, so short strings are folded once each.
_CACHED_MAX_LEN = 24


def fold_accents(text: str) -> str:
    """"Giải ngân" -> "Giai ngan", "đ" -> "d": how officials type on a phone."""
    if len(text) <= _CACHED_MAX_LEN:
        return _fold_short(text)
    return _fold(text)


@functools.lru_cache(maxsize=1 << 16)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


def has_diacritics(text: str) -> bool:
    return fold_accents(text) != text
