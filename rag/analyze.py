"""BM25 analyzer for Vietnamese: syllables, accent-folded forms, numbers, abbreviations.

Officials type without diacritics ("giai ngan von dau tu cong") and with
abbreviations ("XNK", "NSNN"), while reports are fully accented and spelled
out. Indexing folded syllables next to the originals and expanding
abbreviations both ways lets either side find the other.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "abbreviations.tsv"
_TOKEN = re.compile(r"\d+(?:[.,/]\d+)*|[^\W\d_]+(?:\d+)?", re.UNICODE)
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def fold_accents(text: str) -> str:
    """"Giải ngân" -> "Giai ngan", "đ" -> "d": how officials type on a phone."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


@dataclass(frozen=True)
class AnalyzerConfig:
    fold: str = "both"  # "none" | "only" | "both"
    bigrams: bool = False
    segment: str = "none"  # "none" | "pyvi"
    abbreviations: bool = True

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> AnalyzerConfig:
        return cls(**d)


@lru_cache(maxsize=4)
def load_abbreviations(path: str | None = None) -> dict[str, tuple[str, ...]]:
    """abbreviation (folded, lowercase, no hyphen) -> expansions; a bad line is an error."""
    table: dict[str, tuple[str, ...]] = {}
    text = Path(path or _DATA).read_text(encoding="utf-8")
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 2 or not all(parts):
            raise ValueError(f"{path or _DATA}:{lineno}: expected 'ABBR<TAB>expansion'")
        table[abbr_key(parts[0])] = tuple(p.lower() for p in parts[1:])
    return table


def abbr_key(abbr: str) -> str:
    return re.sub(r"[\s\-.]", "", fold_accents(abbr.lower()))


@lru_cache(maxsize=4)
def _tables(path: str | None = None):
    """Lookup structures: hyphenated forms, phrase index by first folded syllable."""
    table = load_abbreviations(path)
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for key, expansions in table.items():
        for exp in expansions:
            sylls = tuple(_TOKEN.findall(fold_accents(exp)))
            phrases.setdefault(sylls[0], []).append((sylls, key))
    joined = sorted((a for a in _raw_abbrs(path) if re.search(r"[-.\s]", a)), key=len, reverse=True)
    rx = re.compile("|".join(re.escape(a) for a in joined)) if joined else None
    return table, phrases, rx


def _raw_abbrs(path: str | None) -> list[str]:
    text = Path(path or _DATA).read_text(encoding="utf-8")
    return [ln.split("\t")[0].strip().lower() for ln in text.splitlines()
            if ln.strip() and not ln.startswith("#")]


class Analyzer:
    def __init__(self, config: AnalyzerConfig = AnalyzerConfig()) -> None:
        self.config = config
        self._segmenter = None
        if config.segment == "pyvi":
            from pyvi import ViTokenizer

            self._segmenter = ViTokenizer.tokenize
        elif config.segment != "none":
            raise ValueError(f"unknown segmenter '{config.segment}' (none, pyvi)")

    def tokens(self, text: str) -> list[str]:
        """Same function for documents and queries."""
        text = unicodedata.normalize("NFC", text).lower()
        table, phrases, joined = _tables()
        if joined is not None and self.config.abbreviations:
            text = joined.sub(lambda m: abbr_key(m.group(0)), text)
        raw = _TOKEN.findall(text)
        folded = [fold_accents(t) for t in raw]
        out = self._emit(raw, folded)
        for t in raw:
            if "/" in t:
                out.extend(t.split("/"))
        if self.config.abbreviations:
            out.extend(self._abbreviations(folded, table, phrases))
        if self.config.bigrams:
            out.extend(f"{a}_{b}" for a, b in zip(folded, folded[1:], strict=False))
        if self._segmenter is not None:
            out.extend(fold_accents(w) for w in self._segmenter(text).split() if "_" in w)
        return out

    def _emit(self, raw: list[str], folded: list[str]) -> list[str]:
        if self.config.fold == "only":
            return list(folded)
        if self.config.fold == "none":
            return list(raw)
        out = []
        for r, f in zip(raw, folded, strict=True):
            out.append(r)
            if f != r:
                out.append(f)
        return out

    def _abbreviations(self, folded: list[str], table, phrases) -> list[str]:
        """Expansion tokens for abbreviations, abbreviation tokens for spelled-out phrases."""
        extra: list[str] = []
        for i, tok in enumerate(folded):
            for exp in table.get(tok, ()):
                words = _TOKEN.findall(exp)
                extra.extend(self._emit(words, [fold_accents(w) for w in words]))
            for sylls, key in phrases.get(tok, ()):
                if tuple(folded[i:i + len(sylls)]) == sylls:
                    extra.append(key)
        return extra
