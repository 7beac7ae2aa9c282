"""One indicator across reports: find its key from free text, list its figures by period.

The indicator is found by the words of a question or a typed name against the group keys
of the indexed observations (accent-folded, abbreviations expanded, quantity and
question words dropped): the key covering most of the asked words wins, then the one
with fewest extra words, then the one reported by most reports. Each report's own
figure is a row of its own: an early estimate is never replaced by a later report's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rag.observe import names
from rag.records import Observation, Period
from rag.text import fold_accents

# Words of a question that name no indicator: question words, periods, trend words.
_STOP = frozenset([
    "bao", "nhieu", "la", "gi", "nhu", "the", "nao", "cua", "thang", "nam", "quy", "ky",
    "cac", "qua", "so", "voi", "sanh", "va", "den", "nay", "hien", "xu", "huong", "dien",
    "bien", "bien", "dong", "tinh", "hinh", "ket", "ba", "o", "tai", "ve", "duoc", "tong",
    "so", "luong", "bao", "cao", "dau", "cuoi", "nhung", "giua", "hay", "cho", "biet",
    "xin", "muon", "hoi", "chung", "tang", "giam", "luy", "ke", "i", "ii", "iii", "iv",
])
_KIND_ORDER = {"month": 0, "quarter": 1, "half": 2, "cumulative": 2, "year": 3}


@dataclass(frozen=True)
class Series:
    """The figures of one indicator key across reports, in time order."""

    key: str
    indicator: str  # the wording most reports use
    unit: str | None
    rows: tuple[Observation, ...]


def query_words(text: str) -> list[str]:
    """Folded topic words of a question or a typed indicator name."""
    from rag.index.analyzer import abbr_key, load_abbreviations

    table = load_abbreviations()
    words = []
    for w in re.findall(r"[^\W\d_]+", text):
        found = table.get(abbr_key(w))
        words.extend(names.syllables(found[0]) if found and len(w) > 1 else [w.lower()])
    folded = [fold_accents(w) for w in words]
    return [w for w in folded if w not in _STOP]


def best_key(observations: Iterable[Observation], text: str,
             periods: Iterable[Period] = ()) -> str | None:
    """The group key the words of ``text`` name best (None when none shares half of them):
    most asked words covered, then most asked periods given, most reports, fewest extra
    words."""
    asked = set(query_words(text))
    if not asked:
        return None
    wanted = {(p.kind, p.year, p.start_month, p.end_month) for p in periods}
    docs: dict[str, set[str]] = {}
    given: dict[str, set] = {}
    for o in observations:
        if o.group:
            docs.setdefault(o.group, set()).add(o.doc_id)
            p = o.period
            if (p.kind, p.year, p.start_month, p.end_month) in wanted:
                given.setdefault(o.group, set()).add(p)
    direct = names.group_key(text)
    if direct in docs:
        return direct
    best, best_score = None, None
    for key, in_docs in docs.items():
        words = set(key.split())
        common = len(asked & words)
        if not common:
            continue
        score = (common / len(asked), len(given.get(key, ())), len(in_docs),
                 common / len(words), -len(key))
        if best_score is None or score > best_score:
            best, best_score = key, score
    if best_score is None or best_score[0] < 0.5:
        return None
    return best


def period_order(p: Period) -> tuple:
    """Time order: by the last month covered, a month before the cumulative ending with it."""
    return (p.year or 0, p.end_month, _KIND_ORDER.get(p.kind, 4), p.start_month)


def series_of(observations: Iterable[Observation], key: str, plans: bool = False,
              doc_ids: Iterable[str] | None = None) -> Series:
    """Every figure of ``key`` (results only unless ``plans``), one per report and period."""
    allowed = set(doc_ids) if doc_ids else None
    seen, rows = set(), []
    for o in observations:
        if o.group != key or (o.is_plan and not plans):
            continue
        if allowed is not None and o.doc_id not in allowed:
            continue
        ident = (o.doc_id, o.period, o.value, o.as_of)
        if ident not in seen:
            seen.add(ident)
            rows.append(o)
    rows.sort(key=lambda o: (period_order(o.period), o.as_of or "", o.doc_id))
    words = Counter(o.indicator for o in rows)
    indicator = max(words, key=lambda w: (words[w], len(w))) if words else key
    units = Counter(o.unit for o in rows if o.unit)
    unit = units.most_common(1)[0][0] if units else None
    return Series(key, indicator, unit, tuple(rows))


def groups(observations: Iterable[Observation]) -> list[tuple[str, str, int]]:
    """(key, usual wording, number of reports) of every indicator reported by 2+ reports,
    most widely reported first: the choices of the "Số liệu theo kỳ" view."""
    docs: dict[str, set[str]] = {}
    wording: dict[str, Counter] = {}
    for o in observations:
        if o.is_plan or not o.group:
            continue
        docs.setdefault(o.group, set()).add(o.doc_id)
        wording.setdefault(o.group, Counter())[o.indicator] += 1
    out = [(k, wording[k].most_common(1)[0][0], len(d)) for k, d in docs.items() if len(d) > 1]
    return sorted(out, key=lambda x: (-x[2], x[1]))
