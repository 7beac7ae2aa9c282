"""What a time phrase is, by the words around it (``rag/data/period_context.tsv``).

A monthly report names many times that are not the period of its figures: a comparison
base after "so với", a plan horizon after "giai đoạn" or "tầm nhìn đến", a capital plan's
year after "vốn đầu tư công", a task's due month after "phấn đấu", "hoàn thành", a year in
a name ("Luật Giao dịch điện tử năm 2023", "nhiệm kỳ 2025 - 2030"). The words are data;
this module turns them into the checks the grammar applies to each phrase it reads.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import cache
from pathlib import Path

from rag.periods.mention import Mention
from rag.text import fold_accents

_DATA = Path(__file__).resolve().parents[1] / "data" / "period_context.tsv"
HISTORIC = 1990  # a year before this is history (an anniversary, a war), never a report's
_TASK_REACH = 80  # characters back to the task word of the same clause
_NAME_REACH = 60  # characters back to a name's head word ("Luật …", "Đại hội …")


@cache
def context_words() -> dict[str, tuple[str, ...]]:
    """class -> its phrases (as written), from period_context.tsv."""
    out: dict[str, list[str]] = {}
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "phrase\t")):
            continue
        phrase, cls = line.split("\t")
        out.setdefault(cls, []).append(unicodedata.normalize("NFC", phrase))
    return {k: tuple(v) for k, v in out.items()}


def _alternation(cls: str) -> str:
    words = sorted({fold_accents(w.lower()) for w in context_words()[cls]}, key=len,
                   reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + ")"


@cache
def context_rx(name: str) -> re.Pattern:
    """The check of one class on the folded text just before (or after) a phrase."""
    alt = {c: _alternation(c) for c in ("base", "plan", "plan_far", "capital", "lead", "task",
                                        "duration", "after", "deadline", "task_year", "done")}
    return re.compile({
        "base": rf"(?<!\w){alt['base']}(?:\s+{alt['base']})*\s*[:(]?\s*$",
        "plan": rf"(?<!\w){alt['plan']}\s*$",
        "plan_far": rf"(?<!\w){alt['plan_far']}(?:\s+[^\s,.;:]+){{0,8}}\s+$",
        "deadline": rf"(?<!\w){alt['deadline']}\s*$",
        "task_year": rf"(?<!\w){alt['task_year']}\s*$",
        "ratio": r"\d\s*/\s*[a-z]*\s*$",  # "ƯTH2020/ƯTH2019": the year after "/" is the base
        "historic": r"\b(?:1[0-8]\d\d|19[0-8]\d)\s*\)?\s*[-–]\s*$",
        "code": r"\d+\s*/\s*(?:\d{4}\s*/\s*)?[a-z]+(?:\s*-\s*[a-z0-9]+)*\s*$",
        "capital": rf"(?<!\w){alt['capital']}(?:\s+[^\s,.;:()]+){{0,2}}?\s*(?:cac\s*)?$",
        "lead": rf"(?<!\w){alt['lead']}\s*(?:den\s+(?:het\s+)?)?$",
        "task": rf"(?<!\w){alt['task']}(?!\w)[^.;:]*$",
        "duration": rf"(?<!\w){alt['duration']}\s*$",
        "after": rf"^\s*{alt['after']}(?!\w)",
        "done": rf"(?<!\w){alt['done']}\s+{alt['task']}(?!\w)",
    }[name])


def _heads(words: list[str]) -> re.Pattern:
    """Capitalised head words, written so, opening the clause up to the year."""
    alt = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len,
                                                                        reverse=True))
    return re.compile(rf"(?<!\w)(?:{alt})(?!\w)[^.;:,()]*$")


@cache
def _names() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """Head words of names: capitalised ones must be written so ("Luật …", "Đại hội …");
    a document's ("Kế hoạch …") only inside a sentence; lowercase ones ("nhiệm kỳ", "năm
    học", "đợt") right before the year or span."""
    words = context_words()["name"]
    low = [fold_accents(w.lower()) for w in words if not w[:1].isupper()]
    near = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(low, key=len,
                                                                        reverse=True))
    return (_heads([w for w in words if w[:1].isupper()]),
            _heads(list(context_words()["doc_name"])),
            re.compile(rf"(?<!\w)(?:{near})(?:\s+[ivx\d]+)?\s*$"))


def before(folded: str, m: Mention, reach: int = 40) -> str:
    return folded[max(0, m.start - reach):m.start]


def is_duration(folded: str, start: int, end: int) -> bool:
    """"không quá 12 tháng kể từ", "sau 3 tháng", "còn gần 2 tháng": a length of time."""
    return bool(context_rx("duration").search(folded[max(0, start - 25):start])
                or context_rx("after").match(folded[end:end + 20]))


def is_name(text: str, folded: str, m: Mention) -> bool:
    """A year inside a name ("Luật Giao dịch điện tử năm 2023", "Đại hội … năm 2026",
    "nhiệm kỳ 2025 - 2030", "kỳ I năm 2023") or in history ("tháng Tám năm 1945")."""
    if m.year is not None and m.year < HISTORIC or context_rx("historic").search(before(folded, m)):
        return True  # "tháng Tám năm 1945", "(30/4/1975 - 30/4/2025)": history
    caps, documents, near = _names()
    start = max(0, m.start - _NAME_REACH)
    if m.kind in ("year", "span") and near.search(before(folded, m)) or caps.search(
            text[start:m.start]):
        return True
    head = documents.search(text[start:m.start]) if m.kind != "span" else None
    return bool(head) and start + head.start() > 0  # a title's own kind word is no name


def role_of(m: Mention, text: str, folded: str, question: bool) -> Mention:
    """The role the context gives a phrase the grammar read: a comparison base, a plan's
    horizon or year, a task's due date, a name's year; or a lead-in period."""
    if is_name(text, folded, m):
        return replace(m, role="name")
    if m.role not in ("period", "asof", "date"):
        return m
    back = before(folded, m)
    base = context_rx("base").search(back) or context_rx("ratio").search(back)
    if base and (m.role != "period" or not question or _compared(base.group(0))):
        return replace(m, role="base")
    if m.role != "period":  # a date right after "trước", a cut-off a task is due by
        due = context_rx("deadline").search(back) or m.role == "asof" and _task(folded, m)
        return replace(m, role="plan") if due else m
    if context_rx("code").search(back):  # "Quyết định 2530/QĐ-TTg năm 2025": its own year
        return replace(m, role="name")
    return _period_role(m, folded)


def _compared(words: str) -> bool:
    """In a question, "so với năm 2014" and "so với cùng kỳ" name the base its figure is
    compared with; a bare "bằng", "hơn" or "mức" before a period there asks for it."""
    return bool(re.search(r"(?<!\w)(?:so\s+voi|cung)(?!\w)", words))


def _period_role(m: Mention, folded: str) -> Mention:
    back = before(folded, m)
    if m.kind in ("year", "month", "quarter", "span") and context_rx("plan").search(back):
        return replace(m, role="plan")
    if m.kind == "year" and (context_rx("capital").search(back)
                             or context_rx("plan_far").search(back)):
        return replace(m, role="plan")
    due_year = m.kind == "year" and context_rx("task_year").search(back)
    due = m.kind in ("month", "quarter") or m.kind == "cumulative" and not m.as_of or due_year
    if due and _task(folded, m):
        return replace(m, role="plan")
    if context_rx("lead").search(back):
        return replace(m, lead=True)
    return m


def _task(folded: str, m: Mention) -> bool:
    """A task's due month or quarter: a task word earlier in its clause, and no "đã" (done)
    between them ("phấn đấu trong tháng 10/2021 …", "hoàn thành trong quý I
    năm 2026"); a cut-off date stated as past ("tính từ đầu năm đến ngày …") is no task, nor
    is the work a report's title says was done ("tình hình thực hiện nhiệm vụ … tháng 6")."""
    back = context_rx("done").sub(lambda d: " " * len(d.group(0)), before(folded, m, _TASK_REACH))
    found = context_rx("task").search(back)
    return bool(found) and not re.search(r"(?<!\w)da(?!\w)", found.group(0))
