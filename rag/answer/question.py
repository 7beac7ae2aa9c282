"""What a question (``rag.query.question``) requires of a passage before it may answer.

Coverage of the question's words is not enough on real documents: "Tổng mức
đầu tư dự án cao tốc Tân Phú – Bảo Lộc" shares most words with every passage
about that road, "CPI tỉnh Lâm Đồng" with every Lâm Đồng report. So three
requirements, each a general rule of how officials phrase questions
("<indicator> <place> <period>"):

* the indicator: a known indicator the question names (rag/data/indicators.txt:
  "CPI", "tổng mức đầu tư", "thu ngân sách" …) must be named by the passage, its
  section path or footnotes; otherwise passages that share the phrase the question
  opens with (each alternative of "A và B" on its own) are preferred, and when none
  does, word coverage alone decides;
* the place: a named commune, district or province must be named by the passage,
  its section path, its report's title, or be the province the report is about;
* the direction: a revenue question ("thu") is never answered by a spending
  sentence ("chi") and vice versa.
"""

from __future__ import annotations

import re
from functools import cache

from rag.periods.words import typed_without_diacritics
from rag.query.question import (
    direction,
    find_name,
    folded,
    indicator_names,
    name_positions,
    spelled,
)
from rag.records import Question
from rag.text import accent_key, fold_accents

MIN_INDICATOR_SHARE = 0.6  # dev: share of the indicator's word pairs a passage must have
MIN_WORD_SHARE = 0.75  # dev: or this share of its syllables anywhere in the passage
_SYLLABLE = re.compile(r"[a-z0-9]+")
_WORD_RUN = re.compile(r"[^\W_]+")
# A report's typing slip in an indicator's name ("diện tích giao trồng" for "gieo trồng",
# in a sample report): one syllable of at least this many letters with one letter changed.
_SLIP_MIN_LEN = 4


def _bare(text: str) -> str:
    return f" {' '.join(_SYLLABLE.findall(folded(text)))} "


def _slip(a: str, b: str) -> bool:
    return len(a) == len(b) >= _SLIP_MIN_LEN and sum(x != y for x, y in zip(a, b, strict=True)) == 1


INSERTED = 2  # "chỉ số sản xuất toàn ngành công nghiệp": a qualifier inside a name


def _find_tolerant(words: list[str], name: tuple[str, ...]) -> bool:
    """``name`` is in ``words``, or is with one slipped syllable, or with up to
    ``INSERTED`` syllables inside it (names of 3+ syllables: "chỉ số sản xuất toàn ngành
    công nghiệp" names "chỉ số sản xuất công nghiệp")."""
    if find_name(words, name) >= 0:
        return True
    n = len(name)
    if n < 2:
        return False
    for i in range(len(words) - n + 1):
        diff = [(w, x) for w, x in zip(words[i:i + n], name, strict=True) if w != x]
        if len(diff) == 1 and _slip(*diff[0]):
            return True
    return n >= 3 and any(_spread(words, i, name) for i, w in enumerate(words) if w == name[0])


def _spread(words: list[str], i: int, name: tuple[str, ...]) -> bool:
    """``name``'s syllables in order from ``words[i]``, with at most ``INSERTED`` others
    among them."""
    j, extra = 1, 0
    for w in words[i + 1:i + len(name) + INSERTED]:
        if j < len(name) and w == name[j]:
            j += 1
        elif j < len(name):
            extra += 1
        if j == len(name):
            return extra <= INSERTED
    return False


def _has(head: tuple[str, ...], words: set[str], pairs: set, kept: list[bool]) -> bool:
    """``kept[i]``: the passage writes syllable ``i`` of the head as the question did."""
    if len(head) == 1:
        return head[0] in words and kept[0]
    if sum(w in words and kept[i] for i, w in enumerate(head)) >= MIN_WORD_SHARE * len(head):
        return True
    wanted = list(enumerate(zip(head, head[1:], strict=False)))
    return sum(p in pairs and kept[k] and kept[k + 1] for k, p in wanted) \
        >= MIN_INDICATOR_SHARE * len(wanted)


def has_phrase(heads: tuple[tuple[str, ...], ...], text: str,
               marks: tuple[tuple[str | None, ...], ...] = ()) -> bool:
    """Some alternative of the question's opening phrase is in ``text``:
    ``MIN_INDICATOR_SHARE`` of its adjacent syllable pairs or ``MIN_WORD_SHARE`` of its
    syllables (a one-syllable phrase must be there itself). With ``marks`` (the question's
    accent keys), a syllable typed with its diacritics counts only where the passage writes
    it so: "mới" is not the "môi" of "môi trường"."""
    words = spelled(text)
    pairs = set(zip(words, words[1:], strict=False))
    written = _written(text) if any(k for m in marks for k in m) else {}

    def kept(h: int, head: tuple[str, ...]) -> list[bool]:
        mark = marks[h] if h < len(marks) else ()
        return [i >= len(mark) or mark[i] is None or w not in written or mark[i] in written[w]
                for i, w in enumerate(head)]

    return any(_has(head, set(words), pairs, kept(h, head)) for h, head in enumerate(heads))


def _written(text: str) -> dict[str, set[str]]:
    """folded syllable -> the accent keys the passage writes it with (nothing for a
    passage typed without diacritics: any key fits)."""
    if typed_without_diacritics(text):
        return {}
    out: dict[str, set[str]] = {}
    for syl in _WORD_RUN.findall(text.lower()):
        out.setdefault(fold_accents(syl), set()).add(accent_key(syl))
    return out


def has_indicator(q: Question, text: str) -> bool:
    """The passage is about the asked indicator: it names the known indicator the question
    names (any of its names), else it has the question's opening phrase. A name inside a
    longer name of another indicator does not count ("chi ngân sách" in "bội chi ngân
    sách" names the deficit, not spending), as the longest match wins in a tokenizer."""
    if q.term:
        words = spelled(text)
        longer: list[tuple[int, int]] | None = None  # found only when a name stands there
        for name in q.term:
            found = name_positions(words, name)
            if found and longer is None:
                longer = _other_names(words, q.term)
            if any(not _inside(i, len(name), longer) for i in found):
                return True
            if not found and _find_tolerant(words, name):
                return True
        return False
    return not q.indicator or has_phrase(q.indicator, text, q.indicator_marks)


@cache
def _by_first_word() -> dict[str, tuple[tuple[tuple[str, ...], tuple], ...]]:
    """first syllable -> (name, its indicator's names) of every known indicator name."""
    out: dict[str, list] = {}
    for names in indicator_names():
        for name in names:
            if name:
                out.setdefault(name[0], []).append((name, names))
    return {k: tuple(v) for k, v in out.items()}


def _other_names(words: list[str], term: tuple[tuple[str, ...], ...]) -> list[tuple[int, int]]:
    """(start, length) of every name of the other known indicators in ``words``."""
    index = _by_first_word()
    return [(i, len(name)) for i, w in enumerate(words) for name, names in index.get(w, ())
            if names != term and tuple(words[i:i + len(name)]) == name]


def _inside(i: int, n: int, spans: list[tuple[int, int]]) -> bool:
    return any(j <= i and i + n <= j + m and m > n for j, m in spans)


def names_place(q: Question, text: str, province: str | None,
                places: tuple[str, ...] = ()) -> bool:
    """Every place the question names is the report's province, one of the provinces its
    text is mostly about (``places``), or named in ``text``; for a question that asks for
    parts across places ("từng tỉnh Sơn La, Lai Châu, Điện Biên"), one of them is."""
    low = _bare(text)
    homes = {folded(x) for x in (province, *places) if x}
    found = (p in homes or _bare(p) in low for p in q.places)
    return any(found) if q.wants == "parts" and len(q.places) > 1 else all(found)


def names(text: str, place: str) -> bool:
    """``text`` names ``place`` (a folded name), whole syllables only."""
    return _bare(place) in _bare(text)


def same_direction(q: Question, text: str) -> bool:
    return q.direction is None or direction(text) in (None, q.direction)
