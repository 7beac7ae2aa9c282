"""Places named in reports and in questions: provinces (before and after the 2025 merger,
under every name officials write) and the communes, wards and districts a text names.

A question about a place may be declined only when no indexed text names that place at
all: a merged province's report gives figures per former province ("trước sáp nhập: …
Bình Thuận …"), a letter from a ministry is about the province it is addressed to, and a
commune's report names its commune. So every report records the places its title,
issuer, text and tables name (``places_in``), and a question is checked against all of
them (``foreign_place``). The provinces are data (``rag/data/provinces.tsv``, with their
sources): the 63 before 1 July 2025, the 34 since, and the other names each goes by.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.text import fold_accents

_DATA = Path(__file__).resolve().parent / "data" / "provinces.tsv"
# administrative units below a province, as a text names one: "xã Đắk Hòa", "Phường 2",
# "huyện Đơn Dương", "thị xã Mỹ Hào", "đặc khu Phú Quốc" (written before the name)
UNIT_WORDS = ("thị trấn", "thị xã", "thành phố", "đặc khu", "xã", "phường", "huyện", "quận")
_NOT_NAMES = {("xã", "hội")}  # "kinh tế - XÃ HỘI", "Cộng hòa XÃ HỘI …" is society
_NUMBERED = ("phường", "quận")
_COOPERATIVE = re.compile(r"hợp\s+tác\s*$", re.IGNORECASE)
# in capitals, only an agency's name tells a unit's name from a heading's words
_AGENCY = re.compile(r"(?:UBND|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|HĐND|HỘI ĐỒNG NHÂN DÂN)\s*$",
                     re.IGNORECASE)
DOMINANT = 0.5  # share of a text's province mentions that makes one its home
MAX_UNITS = 200  # places below a province recorded per report (a commune table lists ~100)
_SYL = r"[^\W\d_][^\W_]*"


@dataclass(frozen=True)
class Province:
    name: str  # as the table writes it
    status: str  # "both" | "former"
    since_2025: str  # the province it is part of since 1 July 2025
    names: tuple[str, ...]  # every name it goes by, its own first


@lru_cache(maxsize=1)
def table() -> tuple[Province, ...]:
    out = []
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")] + ["", ""]
        others = tuple(x.strip() for x in parts[3].split(",") if x.strip())
        out.append(Province(parts[0], parts[1], parts[2] or parts[0], (parts[0], *others)))
    return tuple(out)


@lru_cache(maxsize=1)
def provinces() -> tuple[str, ...]:
    """Every name of every province (its own name first): what a question may type."""
    return tuple(n for p in table() for n in p.names)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold_accents(name.lower())).strip()


@lru_cache(maxsize=1)
def _by_key() -> dict[str, str]:
    return {_key(n): p.name for p in table() for n in p.names}


def canonical(name: str) -> str | None:
    """The province a name stands for ("TP.HCM" -> "Thành phố Hồ Chí Minh"), else None."""
    return _by_key().get(_key(name))


def merged_into(name: str) -> str | None:
    """The province since 1 July 2025 that a province's name is part of ("Thái Bình" ->
    "Hưng Yên"; "Hưng Yên" -> "Hưng Yên")."""
    found = canonical(name)
    return next((p.since_2025 for p in table() if p.name == found), None)


def _word_rx(word: str) -> str:
    """A word as printed: its first letter capitalised, or the whole word in capitals."""
    w = unicodedata.normalize("NFC", word)
    first, rest = re.escape(w[:1]), re.escape(w[1:])
    return rf"(?:{first}{rest}|{re.escape(w.upper())})"


def _any_case(word: str) -> str:
    """A unit word at a sentence start, inside one, or in capitals ("Xã", "xã", "XÃ")."""
    forms = (word, word[:1].upper() + word[1:], word.upper())
    return "(?:" + "|".join(re.escape(f) for f in forms) + ")"


@lru_cache(maxsize=1)
def _text_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """Whole names with their printed capitals: "Hòa Bình" and "HÒA BÌNH" name the
    province, "hòa bình" (peace) and "làm động" do not; reports are typed with their
    diacritics, so report text is matched accented."""
    out = []
    for p in table():
        for name in p.names:
            words = [_word_rx(w) for w in name.split()]
            rx = re.compile(r"(?<!\w)" + r"\s*[-–]?\s*".join(words) + r"(?!\w)")
            out.append((p.name, rx))
    return tuple(out)


def place_counts(text: str) -> Counter:
    """Provinces named in ``text`` (by their table name) and how often."""
    text = unicodedata.normalize("NFC", text)
    counts: Counter = Counter()
    for name, rx in _text_patterns():
        counts[name] += len(rx.findall(text))
    return Counter({k: v for k, v in counts.items() if v})


@lru_cache(maxsize=1)
def _unit_rx() -> re.Pattern:
    units = "|".join(r"\s+".join(_any_case(w) for w in u.split()) for u in UNIT_WORDS)
    name = rf"(?:\d{{1,2}}(?!\w)|{_SYL})(?:[ \t]+{_SYL}){{0,3}}"
    # the name is looked ahead, not consumed: "huyện Văn Giang và thị xã Mỹ Hào"
    return re.compile(rf"(?<!\w)({units})(?=[ \t]+({name}))")


def _unit_word(printed: str) -> str | None:
    low = " ".join(printed.lower().split())
    return low if low in UNIT_WORDS else None


def unit_places(text: str) -> Counter:
    """Communes, wards and districts named in ``text``: "xã Đắk Hòa", "Phường 2", "huyện
    Đơn Dương", "UBND XÃ ĐẮK HÒA". A name is two or three capitalised syllables (two when
    the text is in capitals and the name's end cannot be seen); only wards and urban
    districts are numbered ("Phường 2", "Quận 1")."""
    counts: Counter = Counter()
    text = unicodedata.normalize("NFC", text)
    for m in _unit_rx().finditer(text):
        before = text[max(0, m.start() - 30):m.start()]
        caps = m.group(1).isupper()
        if _COOPERATIVE.search(before) or caps and not _AGENCY.search(before):
            continue  # "hợp tác xã"; a heading in capitals ("… XÃ, PHƯỜNG THUỘC …")
        unit = _unit_word(m.group(1))
        name = _unit_name(unit, m.group(2).split(), caps)
        if unit and name and not canonical(name) and not canonical(f"{unit} {name}"):
            counts[f"{unit} {name}"] += 1  # "thành phố Hà Nội" is the province
    return counts


def _unit_name(unit: str | None, words: list[str], caps: bool) -> str | None:
    if unit is None or not words:
        return None
    if words[0].isdigit():
        return words[0] if unit in _NUMBERED else None
    kept = []
    for w in words[:2 if caps else 3]:
        # "xã Đắk Hòa TH 2019": column abbreviations are no part of it
        if not w[0].isupper() or _unit_word(w) or (not caps and len(w) <= 3 and w.isupper()):
            break
        kept.append(w[:1] + w[1:].lower())
    if len(kept) < 2 or (unit, kept[0].lower()) in _NOT_NAMES:
        return None
    return " ".join(kept)


def places_in(texts: Iterable[str]) -> tuple[str, ...]:
    """Provinces named in the texts, most often named first (ties by name), then the
    communes, wards and districts they name."""
    texts = list(texts)
    counts = sum((place_counts(t) for t in texts), Counter())
    units = sum((unit_places(t) for t in texts), Counter())
    order = sorted(counts, key=lambda n: (-counts[n], n))
    return tuple(order) + tuple(sorted(units, key=lambda n: (-units[n], n))[:MAX_UNITS])


def is_province(place: str) -> bool:
    return canonical(place) is not None


def home_province(issuer: Iterable[str], title: str, texts: Iterable[str]) -> str | None:
    """The province a report is about: the one its issuer's name gives ("UBND TỈNH …"),
    else its title, else the one its texts name in at least half of their mentions of a
    province; none for a national document that names many (a Prime Minister's decision
    listing 27 localities is about none of them)."""
    for source in (list(issuer), [title]):
        found = sum((place_counts(t) for t in source), Counter())
        if found:
            return max(found, key=lambda n: (found[n], n))
    counts = sum((place_counts(t) for t in texts), Counter())
    total = sum(counts.values())
    if not total:
        return None
    name = max(counts, key=lambda n: (counts[n], n))
    return name if counts[name] >= DOMINANT * total else None


def foreign_place(question: str, covered: set[str]) -> str | None:
    """A province named in the question that no indexed text names, as the question
    types it. Matching is on accent-folded words under every name of the province, so
    "cao bang" finds "Cao Bằng" and "TP.HCM" is covered by a text naming "Thành phố Hồ Chí
    Minh". A commune or district is never declined here: a question names one as a few
    lower-case words ("xã đắk hòa", "các xã vùng cao") that no table can tell from text;
    the answer stage checks that the passage names it."""
    text = f" {_key(question)} "
    known = {canonical(c) or c for c in covered if c}
    for p in table():
        if p.name in known:
            continue
        found = next((n for n in p.names if f" {_key(n)} " in text), None)
        if found is not None:
            return found
    return None
