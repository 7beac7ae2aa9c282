"""BM25 analyzer for Vietnamese: syllables, accent-folded forms, numbers, abbreviations.

Officials type without diacritics ("giai ngan von dau tu cong") and with
abbreviations ("XNK", "NSNN"), while reports are fully accented and spelled
out. Indexing folded syllables next to the originals and expanding
abbreviations both ways lets either side find the other.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from rag.config import AnalyzerConfig
from rag.errors import BaocaoError
from rag.text import fold_accents

_DATA = Path(__file__).resolve().parents[1] / "data" / "abbreviations.tsv"
# Data files whose content changes the tokens the analyzer emits; their hash is in the
# index manifest, so a changed list makes the BM25 matrix be rebuilt.
TOKEN_DATA = (_DATA, Path(__file__).resolve())  # the list, and the code that reads it
_WORDED = re.compile(r"[^\W\d_]{2,}")  # a cell that is text, not a number or a symbol
_TOKEN = re.compile(r"\d+(?:[.,/]\d+)*|[^\W\d_]+(?:\d+)?", re.UNICODE)


def sparse_text(chunk) -> str:
    """The text BM25 indexes. A table row is indexed by its names (caption, row label path,
    unit, each column header once, worded cells) and not by its values: a commune table's
    row repeats "TH2019: …; KH2020: …" for every commune, and those ~600 tokens let BM25's
    length normalisation rank a short row of another district above the asked one."""
    ref = chunk.table
    if ref is None:
        return chunk.search_text()
    headers = list(dict.fromkeys(part for name in ref.columns for part in name.split(" > ")))
    worded = [c for c in ref.cells if _WORDED.search(c)]
    parts = [" > ".join(chunk.section_path), " > ".join(ref.label_path), ref.unit,
             *_shared_prefix_once(headers), *worded]
    return "\n".join(p for p in parts if p)


def _shared_prefix_once(headers: list[str]) -> list[str]:
    """Headers with the words that three or more of them start with ("Ủy Ban Nhân Dân Xã
    …") kept on the first of them only."""
    out, seen = [], set()
    for h in headers:
        words = h.split()
        for n in range(len(words) - 1, 0, -1):
            head = " ".join(words[:n])
            if sum(x.startswith(head + " ") for x in headers) >= 3:
                if head in seen:
                    h = " ".join(words[n:])
                seen.add(head)
                break
        out.append(h)
    return out


def data_fingerprint() -> str:
    """sha256 over the names and bytes of the data files that shape the tokens."""
    h = hashlib.sha256()
    for path in TOKEN_DATA:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


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
            raise BaocaoError("data.bad_line", path=str(path or _DATA), line=lineno,
                              why="expected 'ABBR<TAB>expansion'")
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
            raise BaocaoError("config.unknown_segmenter", name=config.segment)

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
