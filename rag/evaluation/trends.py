"""Cross-period answers scored against eval/observe/trend_gold.jsonl.

Per expected figure: *in text* (the printed figure appears anywhere in the answer, the
only measure a one-passage answer can meet), *found* (the figure as printed stands in an
answer line), *period* (that line's period label names the expected period), *cited*
(the line's [n] cites the expected report). Per item: *in order* (found figures appear
in the expected time order), *missing named* (each period with no figure is named after
"Không có số liệu"), *no extra* (no line carries a figure that is not expected), and
*correct* (all of them, with every expected figure found, its period right and cited to
its report).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rag.ingest.figures import FIGURE_RE
from rag.periods import make_period, parse_periods
from rag.records import Answer

_LINE = re.compile(r"^- (?P<label>.+?): (?P<body>.*?)\s*\[(?P<n>\d+)\]\.?$")


@dataclass
class ItemScore:
    id: str
    type: str
    split: str
    expected: int
    anywhere: int = 0  # expected figures present anywhere in the answer text
    found: int = 0
    period_ok: int = 0
    cited: int = 0
    in_order: bool = True
    missing_named: bool = True
    extra: list[str] = field(default_factory=list)

    @property
    def correct(self) -> bool:
        n = self.expected
        return (self.found == self.period_ok == self.cited == n and self.in_order
                and self.missing_named and not self.extra)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _same_period(label: str, want: dict) -> bool:
    got = parse_periods(label.split("(")[0])
    if not got:
        return False
    p = got[0]
    kinds = {p.kind, want["kind"]}
    same_kind = len(kinds) == 1 or kinds <= {"half", "cumulative"}
    return (same_kind and p.year == want["year"] and p.start_month == want["start_month"]
            and p.end_month == want["end_month"])


def doc_id(filename: str) -> str:
    return Path(filename).stem


def score_item(item: dict, answer: Answer) -> ItemScore:
    lines = [m for m in (_LINE.match(ln) for ln in answer.text.splitlines()) if m]
    cites = {str(c.n): c for c in answer.citations}
    s = ItemScore(item["id"], item["type"], item.get("split", ""), len(item["expected"]))
    positions = []
    expected_figs = {_norm(e["figure"]) for e in item["expected"]}
    for e in item["expected"]:
        fig = _norm(e["figure"])
        s.anywhere += fig in _norm(answer.text)
        at = next((i for i, m in enumerate(lines) if fig in _norm(m.group("body"))), None)
        if at is None:
            continue
        s.found += 1
        positions.append(at)
        m = lines[at]
        s.period_ok += _same_period(m.group("label"), e["period"])
        cite = cites.get(m.group("n"))
        s.cited += cite is not None and cite.doc_id == doc_id(e["doc"])
    s.in_order = positions == sorted(positions)
    text = answer.text.lower()
    for p in item.get("missing_periods", []):
        label = make_period(p["kind"] if p["kind"] != "half" else "cumulative", p["year"],
                            p["start_month"], p["end_month"]).label.lower()
        s.missing_named &= "không có số liệu" in text and label in text
    for m in lines:
        first = FIGURE_RE.search(m.group("body"))
        shown = _norm(first.group(0) if first else m.group("body").split(", ")[0])
        if not any(shown in f or f in _norm(m.group("body")) for f in expected_figs):
            s.extra.append(shown)
    return s


def summary(scores: list[ItemScore]) -> dict[str, float]:
    n_exp = sum(s.expected for s in scores) or 1
    n = len(scores) or 1
    return {
        "items": len(scores),
        "figures_in_text": sum(s.anywhere for s in scores) / n_exp,
        "figures_found": sum(s.found for s in scores) / n_exp,
        "period_right": sum(s.period_ok for s in scores) / n_exp,
        "cited_to_report": sum(s.cited for s in scores) / n_exp,
        "in_time_order": sum(s.in_order for s in scores) / n,
        "missing_named": sum(s.missing_named for s in scores) / n,
        "no_extra_figure": sum(not s.extra for s in scores) / n,
        "items_correct": sum(s.correct for s in scores) / n,
    }


def load(path: Path, split: str | None = None) -> list[dict]:
    items = [json.loads(x) for x in Path(path).read_text("utf-8").splitlines() if x.strip()]
    return [x for x in items if split in (None, "all", x.get("split"))]
