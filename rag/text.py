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


_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_VOWEL_MARKS = frozenset("\u0302\u0306\u031b")  # â ê ô, ă, ơ ư


@functools.lru_cache(maxsize=1 << 14)
def accent_key(syllable: str) -> str:
    """A syllable's letters, vowel marks and tone, wherever the tone mark sits: "hoà" and
    "hòa" (old and new placement) are one key, "mới" (new) and "môi" (lip) two."""
    low = syllable.lower()
    marks = unicodedata.normalize("NFD", low)
    vowels = "".join(sorted({c for c in marks if c in _VOWEL_MARKS})) + ("đ" if "đ" in low else "")
    tone = next((c for c in marks if c in _TONE_MARKS), "")
    return f"{fold_accents(low)}:{vowels}:{tone}"
