"""Which units an answer quotes: the best one, and what belongs with it.

With the best unit go: the clause right after it when it goes on about what was asked
("… 755.950 lượt khách …; doanh thu 277 tỷ đồng …"), the sentence that splits its
figure ("Trong đó: …"), the best unit of each other topic of an "A và B" question, and
for a question that asks for parts ("từng …", "mỗi …", "kể tên", "những … nào") every
part of its sentence and of the list it opens, in document order, with no cap.
"""

from __future__ import annotations

import re

from rag.answer.blocks import front_facts
from rag.answer.question import has_phrase
from rag.answer.sentences import Candidate
from rag.config import AnswerConfig
from rag.ingest.figures import FIGURE_RE
from rag.records import FRONT_SECTION, Question

# A sentence or footnote opening like this splits the figure it follows or annotates:
# it is the breakdown officials ask for next, so it goes with the figure.
SPLITS = re.compile(r"^(?:[-+]\s*)?(?:trong\s+đó|cụ\s+thể|bao\s+gồm|gồm|chia\s+ra|chia\s+theo|"
                    r"phân\s+theo)\b|^[^.;]{0,80}\bnhư\s+sau\s*:", re.IGNORECASE)
# A clause opening like this narrows the figure before it ("…; tính riêng tại Hải quan …").
_NARROWS = re.compile(r"^(?:[-+]\s*)?(?:tính\s+riêng|riêng|trong\s+đó|chiếm)\b", re.IGNORECASE)
_ITEM = re.compile(r"^\s*(?:[-+•–]\s+|[a-zđ]\)\s+|\d{1,2}[.)]\s+)")


def _same_chunk(a: Candidate, b: Candidate) -> bool:
    return a.hit.chunk.chunk_id == b.hit.chunk.chunk_id


def continuation(best: Candidate, cands: list[Candidate]) -> list[Candidate]:
    """The sentence right after ``best`` when it splits best's figure ("Trong đó: …",
    "Chia theo lĩnh vực như sau: …"), all its units in order, and the list it opens."""
    if best.footnote is not None or not FIGURE_RE.search(best.text):
        return []
    after = [c for c in cands if c.footnote is None and c.start >= best.end
             and _same_chunk(c, best)]
    nxt = min(after, key=lambda c: c.start, default=None)
    if nxt is None or not SPLITS.match(nxt.text):
        return []
    found = sorted([nxt, *rest_of_sentence(nxt, cands)], key=lambda c: c.start)
    return found + [c for c in list_after(found[-1], cands) if c not in found]


def rest_of_sentence(best: Candidate, cands: list[Candidate],
                     later: bool = True) -> list[Candidate]:
    """The other (later) units of best's sentence: the parts of a breakdown."""
    return [c for c in cands if c.footnote is None and c.sentence == best.sentence
            and c is not best and (c.start >= best.end or not later) and _same_chunk(c, best)]


def list_after(best: Candidate, cands: list[Candidate]) -> list[Candidate]:
    """The list items that follow ``best`` in its passage, when it opens a list ("…:") or
    is an item itself: the parts a "kể tên", "những … nào" question asks for."""
    if best.footnote is not None or not (best.text.rstrip().endswith(":")
                                         or _ITEM.match(best.text)):
        return []
    after = sorted((c for c in cands if c.footnote is None and c.start > best.start
                    and _same_chunk(c, best)), key=lambda c: c.start)
    out = []
    for c in after:
        if not _ITEM.match(c.text) and c.sentence != best.sentence:
            break
        out.append(c)
    return out


def _next_in_sentence(best: Candidate, cands: list[Candidate], cfg: AnswerConfig,
                      q: Question) -> Candidate | None:
    """The clause right after ``best`` in its sentence, when it goes on about what was asked
    ("… 755.950 lượt khách …; doanh thu 277 tỷ đồng …" for "khách và doanh thu")."""
    nxt = min(rest_of_sentence(best, cands), key=lambda c: c.start, default=None)
    if nxt is None or not FIGURE_RE.search(nxt.text):
        return None
    other = len(q.indicator) > 1 and not has_phrase(q.indicator[:1], nxt.text,
                                                    q.indicator_marks[:1])
    narrows = bool(_NARROWS.match(nxt.text))
    return nxt if other or narrows or nxt.score >= cfg.clause_ratio * best.score else None


def _other_topics(chosen: list[Candidate], cands: list[Candidate],
                  q: Question) -> list[Candidate]:
    """For "A và B" questions: the best unit for each topic the chosen units leave out."""
    out: list[Candidate] = []
    doc = chosen[0].hit.doc.doc_id
    marks = q.indicator_marks or ((),) * len(q.indicator)
    for head, mark in zip(q.indicator, marks, strict=True) if len(q.indicator) > 1 else ():
        if any(has_phrase((head,), c.sentence_text(), (mark,)) for c in chosen + out):
            continue
        found = next((c for c in cands if c.hit.doc.doc_id == doc and c not in chosen
                      and FIGURE_RE.search(c.text)
                      and has_phrase((head,), c.sentence_text(), (mark,))), None)
        if found is not None:
            out.append(found)
    return out


def _parts(best: Candidate, cands: list[Candidate]) -> list[Candidate]:
    """Every part a parts question asks for: the units of best's sentence and the list it
    opens, in document order."""
    if best.footnote is not None:
        return [best]
    found = [best, *rest_of_sentence(best, cands, later=False), *list_after(best, cands)]
    return sorted(dict.fromkeys(found), key=lambda c: c.start)


def pick(cands: list[Candidate], cfg: AnswerConfig, q: Question) -> list[Candidate]:
    best = cands[0]
    if best.hit.chunk.section_path == (FRONT_SECTION,):
        return front_facts(best, cands)
    if q.wants == "parts":
        chosen = _parts(best, cands)
    elif q.breakdown and best.footnote is None:
        chosen = [best, *sorted(rest_of_sentence(best, cands, later=False),
                                key=lambda c: c.start)]
    else:
        chosen = [best]
        nxt = _next_in_sentence(best, cands, cfg, q) if best.footnote is None else None
        if nxt is not None:
            chosen.append(nxt)
    chosen += [c for c in continuation(best, cands) if c not in chosen]
    chosen += _other_topics(chosen, cands, q)
    if q.wants != "parts":
        chosen += _close_second(best, chosen, cands, cfg)
    return sorted(dict.fromkeys(chosen), key=lambda c: (c.hit.rank, c.start))


def _close_second(best: Candidate, chosen: list[Candidate], cands: list[Candidate],
                  cfg: AnswerConfig) -> list[Candidate]:
    """A second unit of best's passage, scoring close to it, that adds a figure (only when
    nothing else went with the best one)."""
    if len(chosen) > 1 or cfg.max_sentences < 2:
        return []
    for c in cands[1:]:
        close = c.score >= cfg.close_ratio * best.score and c not in chosen
        adds_figure = FIGURE_RE.search(c.text) or not FIGURE_RE.search(best.text)
        if _same_chunk(c, best) and c.footnote is None and close and adds_figure:
            return [c]
    return []
