"""Indicator extraction scored against hand-labelled spans (eval/observe/labels.jsonl).

Matching rule. A system observation belongs to a labelled span when its figure, with
the words just before or after it, stands inside the span (both normalised as the
labeller's checker does: NFC, footnote markers and markup dropped, case and spaces
folded). Inside a span, a gold observation is matched to an unmatched system one with
the same printed number (preferring the same unit, then the same period). Then:

* detection P/R: matched / system observations in labelled spans, matched / gold;
* per field F: an observation counts for P_F and R_F only when matched *and* F agrees;
* strict: value, unit, period and plan flag all agree;
* grouping: over pairs of matched observations, "same system key" against "same gold
  group" (pairwise precision and recall), and the count of revenue/spending pairs
  ("thu_*" with "chi_*") the system puts under one key, which must be 0.

Split: a label's id number is odd -> "tune", even -> "test" (held out).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from rag.ingest.layout import SUPERSCRIPTS
from rag.records import Observation
from rag.text import fold_accents

FIELDS = ("value", "unit", "period", "period_kind", "year", "is_plan", "as_of",
          "comparisons", "indicator")


def norm(text: str) -> str:
    """The labeller's normalisation (eval/observe/check.py)."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"<sup>.*?</sup>", "", text, flags=re.I | re.S)
    text = text.translate({ord(c): None for c in SUPERSCRIPTS})
    text = re.sub(r"[*#]+", "", text)
    text = re.sub(r"(?<=\S)-[ \t]*\n\s*", "-", text)
    return re.sub(r"\s+", " ", text.casefold()).strip()


def split_of(label_id: str) -> str:
    return "tune" if int(re.sub(r"\D", "", label_id)) % 2 else "test"


def load_labels(path: Path, split: str | None = None) -> list[dict]:
    items = [json.loads(line) for line in Path(path).read_text("utf-8").splitlines()
             if line.strip()]
    return [x for x in items if split in (None, "all", split_of(x["id"]))]


def in_span(obs: Observation, span: str) -> bool:
    """Whether the observation's figure (with a few neighbouring characters) is in ``span``."""
    quote, fig = norm(obs.quote), norm(obs.figure or obs.value_text)
    at = quote.find(fig)
    if at < 0:
        return False
    while at >= 0:
        left = quote[max(0, at - 30):at + len(fig)]
        right = quote[at:at + len(fig) + 20]
        if left in span or right in span:
            return True
        at = quote.find(fig, at + 1)
    return False


def _num(text: str) -> str:
    return re.sub(r"\s", "", str(text)).lower()


def _unit(u: str | None) -> str:
    return re.sub(r"\s+", " ", (u or "").replace("³", "3").lower()).strip()


def same_period(p: dict, o: Observation) -> bool:
    kinds = {p["kind"], o.period.kind}
    same_kind = len(kinds) == 1 or kinds == {"half", "cumulative"}
    return (same_kind and p.get("year") == o.period.year
            and p["start_month"] == o.period.start_month and p["end_month"] == o.period.end_month)


def _comparisons(g: dict, o: Observation) -> bool:
    want = sorted((c["kind"], round(float(c["value"]), 4)) for c in g["comparisons"])
    got = sorted((c.kind, round(c.value, 4)) for c in o.comparisons)
    return want == got


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold_accents(text.lower())))


def indicator_f1(gold: str, got: str) -> float:
    a, b = _tokens(gold), _tokens(got)
    common = len(a & b)
    return 0.0 if not common else 2 * common / (len(a) + len(b))


CHECKS: dict[str, Callable[[dict, Observation], bool]] = {
    "value": lambda g, o: abs(float(g["value"]) - o.value) < 1e-6,
    "unit": lambda g, o: _unit(g["unit"]) == _unit(o.unit),
    "period": lambda g, o: same_period(g["period"], o),
    "period_kind": lambda g, o: {g["period"]["kind"], o.period.kind} <= {"half", "cumulative"}
    or g["period"]["kind"] == o.period.kind,
    "year": lambda g, o: g["period"].get("year") == o.period.year,
    "is_plan": lambda g, o: bool(g["is_plan"]) == o.is_plan,
    "as_of": lambda g, o: (g["period"].get("as_of") or None) == (o.as_of or None),
    "comparisons": _comparisons,
    "indicator": lambda g, o: indicator_f1(g["indicator"], o.indicator) >= 0.5,
}


@dataclass
class Pair:
    label_id: str
    gold: dict
    got: Observation


@dataclass
class Matching:
    pairs: list[Pair] = field(default_factory=list)
    n_gold: int = 0
    n_system: int = 0
    missed: list[tuple[str, dict]] = field(default_factory=list)
    extra: list[tuple[str, Observation]] = field(default_factory=list)


def match(labels: list[dict], observations: dict[str, list[Observation]]) -> Matching:
    """Pair gold and system observations span by span (``observations`` by doc file)."""
    out = Matching()
    for item in labels:
        span = norm(item["text"])
        mine = [o for o in observations.get(item["doc"], []) if in_span(o, span)]
        out.n_gold += len(item["observations"])
        out.n_system += len(mine)
        free = list(mine)
        for g in item["observations"]:
            cands = [o for o in free if _num(o.value_text) == _num(g["value_text"])]
            cands.sort(key=lambda o: (_unit(o.unit) != _unit(g["unit"]),
                                      not same_period(g["period"], o)))
            if cands:
                free.remove(cands[0])
                out.pairs.append(Pair(item["id"], g, cands[0]))
            else:
                out.missed.append((item["id"], g))
        out.extra.extend((item["id"], o) for o in free)
    return out


def _pr(hits: int, m: Matching) -> dict:
    p = hits / m.n_system if m.n_system else 0.0
    r = hits / m.n_gold if m.n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def scores(m: Matching) -> dict[str, dict]:
    """Detection, strict and per-field P/R/F1, and grouping pairwise P/R."""
    out = {"detection": _pr(len(m.pairs), m)}
    strict = ("value", "unit", "period", "is_plan")
    out["strict"] = _pr(sum(all(CHECKS[f](p.gold, p.got) for f in strict) for p in m.pairs), m)
    for name in FIELDS:
        out[name] = _pr(sum(CHECKS[name](p.gold, p.got) for p in m.pairs), m)
    out["grouping"] = grouping(m.pairs)
    return out


def grouping(pairs: list[Pair]) -> dict:
    both = sys_same = gold_same = mixed = 0
    for a, b in combinations(pairs, 2):
        s = a.got.group == b.got.group
        g = a.gold["group"] == b.gold["group"]
        both += s and g
        sys_same += s
        gold_same += g
        kinds = {a.gold["group"].split("_")[0], b.gold["group"].split("_")[0]}
        mixed += s and kinds == {"thu", "chi"}
    p = both / sys_same if sys_same else 0.0
    r = both / gold_same if gold_same else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "thu_chi_joined": mixed}
