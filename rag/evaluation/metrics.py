"""Evaluation on a gold Q&A file: retrieval (Hit@k, MRR), figures, abstention.

Works on any JSON Lines file with the fields ``id, question, doc, answer_figures,
evidence, in_footnote, type`` (``split`` optional). Relevance is judged from
the report text itself (the evidence span), not from chunk ids, so the gold
set survives re-chunking.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rag.contract import stamp
from rag.errors import InputError
from rag.ingest.layout import SUPERSCRIPTS
from rag.records import Answer, Hit, SearchResult
from rag.text import has_diacritics

_MARKUP = re.compile(rf"<sup>\s*\d+\s*</sup>|[{SUPERSCRIPTS}]+|\*+|^#+\s*", re.MULTILINE)
_WORDS = re.compile(r"\w+(?:[.,]\w+)*", re.UNICODE)
# a row number glued to its label ("1.2.Đàn bò", "1.Cây lương thực") reads as "1.2 Đàn bò"
_NUMBERED = re.compile(r"(\d)\.(?=[^\W\d_])")


def normalize(text: str) -> str:
    """NFC, lowercase, markup and footnote markers removed, a row number parted from its
    label, whitespace collapsed."""
    text = _MARKUP.sub(" ", unicodedata.normalize("NFC", text))
    text = _NUMBERED.sub(r"\1 ", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def _lcs(a: list[str], b: list[str]) -> int:
    """Longest common subsequence length (syllables in order)."""
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def is_relevant(hit_text: str, evidence: str) -> bool:
    """Hit text (with its footnotes) contains the evidence, or ≥ 80% of its syllables in order."""
    hay, needle = normalize(hit_text), normalize(evidence)
    if not needle:
        return False
    if needle in hay:
        return True
    ev = _WORDS.findall(needle)
    if not ev:
        return False
    hay_words = _WORDS.findall(hay)
    first = {w for w in ev}
    if sum(w in first for w in hay_words) < 0.8 * len(ev):
        return False
    return _lcs(ev, hay_words) >= 0.8 * len(ev)


def hit_text(hit: Hit) -> str:
    return hit.chunk.text + "\n" + "\n".join(f.text for f in hit.chunk.footnotes)


def first_relevant_rank(hits: tuple[Hit, ...], item: dict) -> int | None:
    """Rank of the first hit holding the item's evidence. A table item's evidence is its row
    label, which recurs across rows and tables, so its hit must also hold every figure; a
    workbook cell's ("sheet") must also be a row of the item's workbook (the same label and
    figure recur in the releases of other years)."""
    evidence = item.get("evidence", "")
    kind = item.get("source_kind")
    figures = item.get("answer_figures", []) if kind in ("table", "sheet") else []
    source = Path(item.get("doc") or "").name if kind == "sheet" else ""
    for i, h in enumerate(hits, 1):
        text = hit_text(h)
        if source and h.doc.source != source:
            continue
        if is_relevant(text, evidence) and all(normalize(f) in normalize(text) for f in figures):
            return i
    return None


def load_gold(path: Path, split: str | None = None) -> list[dict]:
    items = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError("data.bad_line", path=str(path), line=lineno,
                             why=f"not JSON ({exc.msg})") from None
        missing = {"id", "question", "type"} - set(item)
        if missing:
            raise InputError("data.bad_line", path=str(path), line=lineno,
                             why=f"missing {sorted(missing)}")
        if split is None or item.get("split") == split:
            items.append(item)
    return items


@dataclass
class ItemScore:
    id: str
    type: str
    style: str  # "accented" | "no_diacritics"
    answerable: bool
    rank: int | None  # first relevant hit, answerable items only
    figures_ok: bool | None  # None for unanswerable items
    abstained: bool | None  # None when no answer step ran
    issuer: str = ""  # who issued the document (gold field ``issuer``), for results by issuer
    ask: str = ""  # the question's kind (gold field ``ask``; else its type)


def score_item(item: dict, search: SearchResult, ask: Answer | None) -> ItemScore:
    answerable = item["type"] != "unanswerable"
    rank = first_relevant_rank(search.hits, item) if answerable else None
    figures_ok = None
    if ask is not None and answerable:
        figures_ok = not ask.abstained and all(
            f in ask.text for f in item.get("answer_figures", []))
    style = "accented" if has_diacritics(item["question"]) else "no_diacritics"
    return ItemScore(item["id"], item["type"], style, answerable, rank, figures_ok,
                     None if ask is None else ask.abstained, item.get("issuer") or "",
                     item.get("ask") or item["type"])


def metrics(scores: list[ItemScore]) -> dict:
    ans = [s for s in scores if s.answerable]
    out: dict = {"n": len(scores), "answerable": len(ans)}
    for k in (1, 5, 10):
        out[f"hit@{k}"] = _mean([s.rank is not None and s.rank <= k for s in ans])
    out["mrr@10"] = _mean([1 / s.rank if s.rank and s.rank <= 10 else 0.0 for s in ans])
    figs = [s.figures_ok for s in ans if s.figures_ok is not None]
    out["figure_accuracy"] = _mean(figs) if figs else None
    asked = [s for s in scores if s.abstained is not None]
    if asked:
        tp = sum(s.abstained and not s.answerable for s in asked)
        predicted = sum(bool(s.abstained) for s in asked)
        actual = sum(not s.answerable for s in asked)
        out["abstention_precision"] = tp / predicted if predicted else None
        out["abstention_recall"] = tp / actual if actual else None
    return out


def _mean(values) -> float | None:
    values = list(values)
    return round(sum(map(float, values)) / len(values), 4) if values else None


def breakdown(scores: list[ItemScore]) -> dict:
    def group(key: str) -> dict:
        values = sorted({getattr(s, key) for s in scores})
        return {v: metrics([s for s in scores if getattr(s, key) == v]) for v in values}

    return {"overall": metrics(scores), "by_type": group("type"), "by_style": group("style"),
            "by_ask": group("ask"), "by_issuer": group("issuer")}


SearchFn = Callable[[str, int], SearchResult]
AskFn = Callable[[str, int], Answer]


def run(items: list[dict], search: SearchFn, ask: AskFn | None, k: int = 10,
        out_path: Path | None = None) -> dict:
    """Search (and ask) every item; write per-item lines to ``out_path``; return metrics."""
    scores, lines = [], []
    for item in items:
        s = search(item["question"], k)
        a = ask(item["question"], k) if ask else None
        scores.append(score_item(item, s, a))
        line = stamp("eval-row", {"id": item["id"], "question": item["question"],
                                  "search": s.to_dict(), "ask": a.to_dict() if a else None})
        lines.append(json.dumps(line, ensure_ascii=False))
    if out_path:
        Path(out_path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return breakdown(scores)


def run_cli(args) -> int:
    from rag import service

    items = load_gold(Path(args.gold), args.split)
    engine = service.Engine.open(args.index)
    report = {"gold": args.gold, "split": args.split, "k": args.k, "systems": {}}
    report["systems"]["hybrid"] = run(
        items, lambda q, k: engine.search(q, k=k), lambda q, k: engine.ask(q, k=k), args.k,
        Path(args.out) if args.out else None)
    if args.baselines:
        from rag.evaluation.baselines import baseline_systems

        for name, fn in baseline_systems(engine).items():
            report["systems"][name] = run(items, fn, None, args.k)
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(format_table(report))
    return 0


def format_table(report: dict) -> str:
    cols = ["hit@1", "hit@5", "hit@10", "mrr@10", "figure_accuracy",
            "abstention_precision", "abstention_recall"]
    lines = ["| system | slice | n | " + " | ".join(cols) + " |",
             "|---|---|---|" + "---|" * len(cols)]
    for name, res in report["systems"].items():
        slices = [("all", res["overall"])] + [(f"style={k}", v) for k, v in res["by_style"].items()]
        slices += [(f"type={k}", v) for k, v in res["by_type"].items()]
        slices += [(f"ask={k}", v) for k, v in res.get("by_ask", {}).items()]
        slices += [(f"issuer={k or '?'}", v) for k, v in res.get("by_issuer", {}).items()]
        for label, m in slices:
            vals = ["" if m.get(c) is None else f"{m[c]:.3f}" for c in cols]
            lines.append(f"| {name} | {label} | {m['n']} | " + " | ".join(vals) + " |")
    return "\n".join(lines) + "\n"
