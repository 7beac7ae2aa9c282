"""What a question requires of a passage before it may answer it.

Coverage of the question's words is not enough on real documents: "Tổng mức
đầu tư dự án cao tốc Tân Phú – Bảo Lộc" shares most words with every passage
about that road, "CPI tỉnh Lâm Đồng" with every Lâm Đồng report. So three
requirements are read off the question, each a general rule of how officials
phrase them ("<indicator> <place> <period>"):

* the indicator: a known indicator the question names (rag/data/indicators.txt:
  "CPI", "tổng mức đầu tư", "thu ngân sách" …) must be named by the passage, its
  section path or footnotes; otherwise passages that share the phrase the question
  opens with (after any leading period or wrapper, up to the first place,
  period, entity or question word; each alternative of "A và B" on its own) are
  preferred, and when none does, word coverage alone decides;
* the place: a named commune, district or province must be named by the passage,
  its section path, its report's title, or be the province the report is about;
* the direction: a revenue question ("thu") is never answered by a spending
  sentence ("chi") and vice versa.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.index.analyzer import load_abbreviations
from rag.places import provinces
from rag.text import fold_accents

# Where the indicator phrase ends: a place or entity word, a period or number, a question word.
_BOUNDARY = re.compile(
    r"\b(?:tinh|huyen|xa|phuong|thi tran|thi xa|thanh pho|tp|quan|tren dia ban|dia ban|tai|o|"
    r"cua|du an|cong trinh|tuyen|thang|quy|nam|ngay|den|theo|cho|"
    r"la|dat|bao nhieu|nhu the nao|the nao|ra sao|gom|trong do|so voi|nao|gi|may|"
    r"hien nay|den nay|tinh den|luy ke|chia|rieng)\b|\b\d")
# Leading question wrappers, periods and breakdown words that precede the indicator.
_LEAD = re.compile(
    r"^(?:(?:xin |cho (?:toi )?biet |hay cho biet |toi muon biet |trong |tinh den |den het |"
    r"den |co cau |chi tiet |thanh phan |so luong |so |(?:toan )?tinh |da |co |bao nhieu |"
    r"nhung |cac |muc |gia tri )|"
    r"(?:thang \d{1,2}(?:[/ -]\d{4})?|\d{1,2} thang(?: dau nam)?|quy [ivx\d]+(?:[/ -]\d{4})?|"
    r"nam \d{4}|t\d{1,2}/\d{4}|\d{1,2}/\d{4}|\d{4})[ ,:]*)+")
_ALTERNATIVES = re.compile(r"\s+va\s+|\s*,\s*|\s+hoac\s+")
_UNIT_WORDS = ("tỉnh", "huyện", "xã", "phường", "thị trấn", "thị xã", "thành phố", "tp", "tp.",
               "quận")
_REVENUE = re.compile(r"\b(?:thu ngan sach|tong (?:so )?thu|thu noi dia|thu nsnn|thu tu|"
                      r"nguon thu|thu thue)\b")
_SPENDING = re.compile(r"\b(?:chi ngan sach|tong chi|chi thuong xuyen|chi dau tu|chi nsnn|"
                       r"chi nsdp|chi can doi)\b")
_INDICATORS = Path(__file__).resolve().parents[1] / "data" / "indicators.txt"
MIN_INDICATOR_SHARE = 0.6  # dev: share of the indicator's word pairs a passage must have
MIN_WORD_SHARE = 0.75  # dev: or this share of its syllables anywhere in the passage
MAX_INDICATOR = 6  # the longest indicator names ("giải ngân vốn đầu tư công") have 6 syllables
_SYLLABLE = re.compile(r"[a-z0-9]+")


def folded(text: str) -> str:
    return fold_accents(text.lower())


def _bare(text: str) -> str:
    return f" {' '.join(_SYLLABLE.findall(folded(text)))} "


@dataclass(frozen=True)
class Requirements:
    indicator: tuple[tuple[str, ...], ...]  # alternatives, each folded syllables spelled out
    places: tuple[str, ...]  # folded names of places the question names
    direction: str | None  # "thu" | "chi" | None
    term: tuple[tuple[str, ...], ...] = ()  # a known indicator's names: one must be there


@lru_cache(maxsize=1)
def indicator_names() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """The known indicators (rag/data/indicators.txt), each as its names, spelled out."""
    out = []
    for line in _INDICATORS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(tuple(tuple(spelled(n)) for n in line.split("|") if n.strip()))
    return tuple(out)


def _find(words: list[str], name: tuple[str, ...]) -> int:
    n = len(name)
    return next((i for i in range(len(words) - n + 1) if tuple(words[i:i + n]) == name), -1)


# A report's typing slip in an indicator's name ("diện tích giao trồng" for "gieo trồng",
# in a sample report): one syllable of at least this many letters with one letter changed.
_SLIP_MIN_LEN = 4


def _slip(a: str, b: str) -> bool:
    return len(a) == len(b) >= _SLIP_MIN_LEN and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _find_tolerant(words: list[str], name: tuple[str, ...]) -> bool:
    """``name`` is in ``words``, or is with one slipped syllable (names of 2+ syllables)."""
    if _find(words, name) >= 0:
        return True
    n = len(name)
    if n < 2:
        return False
    for i in range(len(words) - n + 1):
        diff = [(w, x) for w, x in zip(words[i:i + n], name, strict=True) if w != x]
        if len(diff) == 1 and _slip(*diff[0]):
            return True
    return False


def known_term(question: str) -> tuple[tuple[str, ...], ...]:
    """The first known indicator the question names (the longest name where several
    start at the same word), as all of its names."""
    words = spelled(question)
    best: tuple[int, int, tuple] | None = None
    for names in indicator_names():
        for name in names:
            at = _find(words, name)
            if at >= 0 and (best is None or (at, -len(name)) < (best[0], -best[1])):
                best = (at, len(name), names)
    return best[2] if best else ()


def spelled(text: str) -> list[str]:
    """Folded syllables with abbreviations written out ("XNK" -> xuat nhap khau), so an
    abbreviated question and a spelled-out report (or the reverse) read the same."""
    table = load_abbreviations()
    out: list[str] = []
    for syl in _SYLLABLE.findall(folded(text)):
        expansion = table.get(syl)
        out.extend(_SYLLABLE.findall(folded(expansion[0])) if expansion else [syl])
    return out


def indicator_terms(question: str, places: tuple[str, ...] = ()) -> tuple[tuple[str, ...], ...]:
    """The phrase the question opens with, up to its first boundary, as alternatives."""
    text = folded(question).strip(" ?.!")
    for place in places:
        text = re.sub(rf"\b{re.escape(place)}\b", " ", text)
    out: list[tuple[str, ...]] = []
    # "chăn nuôi 9 tháng: đàn trâu, bò …", "tạo việc làm quý I và tổng thu BHXH" name two
    for segment in re.split(r":|\s+va\s+", text):
        segment = _LEAD.sub("", re.sub(r"\s+", " ", segment).strip())
        m = _BOUNDARY.search(segment, 1)
        head = segment[:m.start()] if m else segment
        out += [tuple(spelled(part)[:MAX_INDICATOR]) for part in _ALTERNATIVES.split(head)]
    out = [a for a in out if a]
    longer = [a for a in out if len(a) > 1]
    return tuple(dict.fromkeys(longer or out))  # "bò" alone would match "bộ", "bổ sung"…


def _names_after_units(question: str) -> list[str]:
    """Capitalized words after an administrative word: "xã Đắk Hòa", "huyen Don Duong"."""
    words = question.replace("–", " ").split()
    names = []
    for i, w in enumerate(words):
        if fold_accents(w.lower()) not in {fold_accents(u) for u in _UNIT_WORDS}:
            continue
        name = []
        for nxt in words[i + 1:i + 5]:
            core = nxt.strip(",.?:;()")
            if not core or not core[0].isupper() or core.isdigit():
                break
            name.append(core)
        if name:
            names.append(" ".join(name))
    return names


def named_places(question: str) -> tuple[str, ...]:
    """Names after an administrative word, and provinces however typed."""
    names = [folded(n) for n in _names_after_units(question)]
    low = _bare(question)
    names += [folded(p) for p in provinces() if _bare(p) in low]
    return tuple(dict.fromkeys(n.strip() for n in names if n.strip()))


def named_place_label(question: str) -> str:
    """The first place the question names, as typed (for the message of an abstention)."""
    found = _names_after_units(question)
    if found:
        return found[0]
    low = _bare(question)
    return next((p for p in provinces() if _bare(p) in low), "")


def direction(text: str) -> str | None:
    low = folded(text)
    has_thu, has_chi = bool(_REVENUE.search(low)), bool(_SPENDING.search(low))
    if has_thu == has_chi:
        return None
    return "thu" if has_thu else "chi"


def requirements(question: str) -> Requirements:
    places = named_places(question)
    return Requirements(indicator_terms(question, places), places, direction(question),
                        known_term(question))


def _has(head: tuple[str, ...], words: set[str], pairs: set) -> bool:
    if len(head) == 1:
        return head[0] in words
    if sum(w in words for w in head) >= MIN_WORD_SHARE * len(head):
        return True
    wanted = list(zip(head, head[1:], strict=False))
    return sum(p in pairs for p in wanted) >= MIN_INDICATOR_SHARE * len(wanted)


def has_indicator(req: Requirements, text: str) -> bool:
    """The passage is about the asked indicator: it names the known indicator the question
    names (any of its names), else it has some alternative of the question's opening
    phrase: ``MIN_INDICATOR_SHARE`` of its adjacent syllable pairs or ``MIN_WORD_SHARE`` of
    its syllables (a one-syllable phrase must be there itself)."""
    words = spelled(text)
    if req.term:
        return any(_find_tolerant(words, name) for name in req.term)
    if not req.indicator:
        return True
    pairs = set(zip(words, words[1:], strict=False))
    return any(_has(head, set(words), pairs) for head in req.indicator)


def names_place(req: Requirements, text: str, province: str | None) -> bool:
    low = _bare(text)
    home = folded(province or "")
    return all(p == home or _bare(p) in low for p in req.places)


def same_direction(req: Requirements, text: str) -> bool:
    return req.direction is None or direction(text) in (None, req.direction)
