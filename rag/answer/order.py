"""The order in which candidate units answer a question: first those that fit it (about
it at all, about the document a fact question names, naming the asked indicator in their
own sentence, a plan's figure for a plan question, the asked comparison), then, for a
question that asks for a number, a unit that prints one in the kind of unit asked."""

from __future__ import annotations

import re

from rag.answer import question as need
from rag.answer.blocks import cites_other_document, is_block
from rag.answer.sentences import Candidate
from rag.answer.sentences import folded as folded_text
from rag.ingest.figures import FIGURE_RE
from rag.records import Question
from rag.text import fold_accents


def fitting_first(q: Question, cands: list[Candidate], dated: dict[int, list],
                   floor: float) -> list[Candidate]:
    """Of the units about the question (coverage at least ``floor``), those whose own
    sentence (or section) names the asked indicator come first (a passage may speak of
    several: "dư nợ" beside "huy động"), and for a plan question those whose figures are
    plans; a unit about another document than the one a fact question names is left out.
    The score orders the rest."""
    def key(c: Candidate) -> tuple[bool, bool, bool, bool, bool]:
        sentence = f"{c.hit.chunk.section} {c.sentence_text()}"
        other = q.wants in ("facts", "when") and not is_block(c.hit.chunk) \
            and cites_other_document(c.sentence_text(), q.refs)  # a block is its own
        named = bool(q.term or q.indicator) and (need.has_indicator(q, sentence) or len(
            q.indicator) > 1 and need.has_phrase(q.indicator, sentence, q.indicator_marks))
        stated = dated.get(id(c)) or []
        plans = not q.plan or any(s.is_plan for s in stated)
        compared = not q.basis or _compares(c, q.basis)
        return (c.coverage < floor, other, not named, not plans, not compared)

    ranked = sorted(cands, key=key)
    first = key(ranked[0]) if ranked else (True, True)
    if q.wants in ("facts", "when") and q.refs and not first[0] and not first[1]:
        ranked = [c for c in ranked if not key(c)[1]]  # the named document's unit answers:
    return ranked  # no unit about another one goes with it


def figure_first(q: Question, cands: list[Candidate], floor: float) -> list[Candidate]:
    """A question that asks for a number ("bao nhiêu", "tỷ lệ", a known indicator for a
    period) is answered by a unit that prints one: the best such unit about the question
    comes first; when none is about it, nothing answers."""
    wants_number = q.wants in ("figure", "parts") and (q.numeric or bool(q.term and
                                                                      q.figure_periods))
    if not wants_number or not cands or _has_figure(cands[0], q.units):
        return cands
    best = next((c for c in cands if c.coverage >= floor and _has_figure(c, q.units)), None)
    return [best] + [c for c in cands if c is not best] if best is not None else []


_NUMBER = re.compile(r"(?<![\d/.,])\d+(?:[.,]\d+)*(?![\d/])")
_YEAR = re.compile(r"(?:19|20)\d{2}")


def _has_figure(c: Candidate, units: tuple[str, ...] = ()) -> bool:
    """The unit prints a number that is not a year or a date ("07 ca", "16.726,55 triệu
    USD"), in a unit of the kind asked ("bao nhiêu tỷ đồng": an amount of đồng), or is a
    table row."""
    if c.hit.chunk.table is not None:
        return True
    if units:
        kinds = {u.split()[-1] for u in units}
        return any(fold_accents(u.lower()).split()[-1] in kinds for m in FIGURE_RE.finditer(c.text)
                   for u in (m.group("unit1"), m.group("unit")) if u)  # "36 hộ dân/4,92 ha"
    return any(not _YEAR.fullmatch(m.group(0)) for m in _NUMBER.finditer(c.text))


_BASIS_WORDS = {"mom": re.compile(r"\b(?:thang|quy|ky)\s+truoc\b"),
                "yoy": re.compile(r"\bcung\s+(?:ky|thang|thoi\s+diem)\b"),
                "vs_plan": re.compile(r"\bke\s+hoach\b|\bdu\s+toan\b")}


def _compares(c: Candidate, basis: str) -> bool:
    """The unit states the comparison asked for ("so với tháng trước" for mom), in its own
    words: a comparison written before its figure is not always read into a statement."""
    return bool(_BASIS_WORDS[basis].search(folded_text(c.text)))
