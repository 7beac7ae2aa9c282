"""Vietnamese text helpers shared by every stage."""

from __future__ import annotations

import unicodedata

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def fold_accents(text: str) -> str:
    """"Giải ngân" -> "Giai ngan", "đ" -> "d": how officials type on a phone."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


def has_diacritics(text: str) -> bool:
    return fold_accents(text) != text
