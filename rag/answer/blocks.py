"""Answers from a document's own blocks: its heading block (number, date, subject) and its
signature block (who signed). Body text never answers those questions, and these blocks
answer nothing else."""

from __future__ import annotations

import re

from rag.answer.sentences import Candidate
from rag.ingest.front import FACT_LINE, prints_number
from rag.query.question import CODED
from rag.records import (
    FACT_SECTIONS,
    FRONT_SECTION,
    SIGN_SECTION,
    Question,
    SearchResult,
)


def is_block(chunk) -> bool:
    """A heading or signature block (number, date, subject; signer), not body text."""
    return chunk.section_path in FACT_SECTIONS


def signer_candidate(result: SearchResult) -> Candidate | None:
    """The signature block the search put first for a signer question, whole."""
    hit = result.hits[0] if result.hits else None
    if hit is None or hit.chunk.section_path != (SIGN_SECTION,):
        return None
    return Candidate(hit, hit.chunk.text, 0, None, 1.0, 1.0, (0, len(hit.chunk.text)))


def signer_text(cand: Candidate) -> str:
    lines = [line.strip() for line in cand.text.split("\n") if line.strip()]
    return "Người ký: " + " — ".join(lines) + " [1]"


def front_first(cands: list[Candidate], q: Question) -> list[Candidate]:
    """Units of heading blocks that print a number first; a draft's "Số: /BC-UBND" names
    none, so the question is about a document its body cites. Unless the question asks for
    the number or the date of issue, a heading block that covers less of the question than
    a body unit does not come first: "có hiệu lực từ ngày nào" asks for a date the body
    states, not the date of signing."""
    best = 0.0 if q.asks_own else max((c.coverage for c in cands), default=0.0)
    front = [c for c in cands if c.hit.chunk.section_path == (FRONT_SECTION,)
             and prints_number(c.hit.chunk.text) and c.coverage >= best]
    return front + [c for c in cands if c not in front]


# The closing formula of a report to the body above (Nghị định 30/2020, Phụ lục I): "UBND
# tỉnh Lâm Đồng kính báo cáo Bộ Nội vụ về tình hình …/.", "Ủy ban nhân dân tỉnh Lạng Sơn
# trân trọng báo cáo Bộ Kế hoạch và Đầu tư xem xét, tổng hợp". It restates the subject and
# the addressee; it answers only whom the report goes to.
_CLOSING = re.compile(r"(?<!\w)(?:kính|trân\s+trọng)\s+báo\s+cáo(?!\w)", re.IGNORECASE)
_ASKS_ADDRESSEE = re.compile(r"\bgui\b|\bbao cao (?:ai|cho ai|co quan nao|len)\b")


def is_closing(text: str) -> bool:
    return bool(_CLOSING.search(text))


def without_blocks(q: Question, cands: list[Candidate]) -> list[Candidate]:
    """A heading block answers only for a document's number, date or subject; a signature
    block only for its signer; a report's closing formula only for its addressee (and
    only when nothing else is left)."""
    kept = cands if q.wants == "facts" else [c for c in cands if not is_block(c.hit.chunk)]
    if _ASKS_ADDRESSEE.search(q.folded):
        return kept
    return [c for c in kept if not is_closing(c.text)] or kept


def front_facts(best: Candidate, cands: list[Candidate]) -> list[Candidate]:
    """A document's heading block answers with its number, date and subject together."""
    same = [c for c in cands if c.hit.chunk.chunk_id == best.hit.chunk.chunk_id]
    facts = [c for c in same if c is best or FACT_LINE.match(c.text)]
    return sorted(facts, key=lambda c: c.start)


def cites_other_document(text: str, refs: tuple[str, ...]) -> bool:
    """The unit names documents by number, none of them the one the question names: it
    is about another document ("b) Bãi bỏ Nghị quyết số 10/2022/NQ-HĐND …" when asked of
    Nghị quyết 22)."""
    found = {m.group(1).lstrip("0") for m in CODED.finditer(text)}  # "10/2022/NQ-HĐND"
    return bool(refs) and bool(found) and not found & {r.lstrip("0") for r in refs}


def prose_for_text(q: Question, cands: list[Candidate], floor: float) -> list[Candidate]:
    """A question for a description or a source ("như thế nào", "tại sao", "lấy từ đâu") is
    answered by prose, never by a table cell, when the passages have prose about it (a unit
    covering at least ``floor`` of the question); else the table row answers ("tình trạng
    và thời gian thực hiện thế nào" of a project in an annex)."""
    prose = [c for c in cands if c.hit.chunk.table is None]
    if q.wants != "text" or not any(c.coverage >= floor for c in prose):
        return cands
    return prose
