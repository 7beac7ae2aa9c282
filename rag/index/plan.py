"""What a write would change, before it is made: the confirmation a replacement needs.

``plan_add`` parses and chunks the given files (no embedding, nothing written)
and compares each with the report of the same file name in the live index:
new, unchanged, or a replacement with what changes (title, periods, number of
passages, the figures that disappear and appear). The app shows this and
writes only after the user confirms, passing ``PlannedFile.expect`` on so that
a report changed by someone else in between is not replaced blindly.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rag.chunk import chunk_document
from rag.errors import BaocaoError
from rag.index.ids import assign_doc_id
from rag.index.limits import check_chunks, expected_seconds
from rag.index.load import Index
from rag.ingest import parse_file
from rag.ingest.ocr import ocr_progress
from rag.records import Chunk, DocInfo

MAX_LISTED_FIGURES = 12  # a confirmation lists this many changed figures, then "…"


@dataclass
class PlannedFile:
    name: str  # the uploaded file name
    path: Path
    doc_id: str
    status: str  # "new" | "replace" | "unchanged" | "failed"
    title: str = ""
    period: str = ""
    n_chunks: int = 0
    error: BaocaoError | None = None
    old: DocInfo | None = None  # the indexed report it replaces
    removed_figures: list[str] = field(default_factory=list)  # in the old text only
    added_figures: list[str] = field(default_factory=list)  # in the new text only
    content_hash: str = ""
    n_embed: int = 0  # passages whose text the indexed report does not have: to embed

    @property
    def expected_seconds(self) -> float:
        """Indexing time on an idle machine (``rag.index.limits.CHUNKS_PER_SECOND``)."""
        return expected_seconds(self.n_embed)

    @property
    def expect(self) -> dict[str, str]:
        """For ``update_index(replace=...)``: the indexed version this plan was made for."""
        return {self.doc_id: self.old.content_hash} if self.old is not None else {}


def plan_add(paths: list[Path], index: Index | None, progress=None) -> list[PlannedFile]:
    """One ``PlannedFile`` per path, in order; ``index`` is the live index (None: empty);
    ``progress(label, done, total)`` hears the OCR pages of a scanned PDF (the slow part)."""
    sources = {d.doc_id: d.source for d in index.docs.values()} if index else {}
    out = []
    for path in map(Path, paths):
        try:
            doc_id = assign_doc_id(path.name, sources)
        except BaocaoError as exc:  # a name that cannot be used
            out.append(PlannedFile(exc.details["name"], path, "", "failed", error=exc))
            continue
        sources[doc_id] = path.name
        out.append(_plan_one(path, doc_id, index, progress))
    return out


def _plan_one(path: Path, doc_id: str, index: Index | None, progress) -> PlannedFile:
    try:
        doc = parse_file(path, on_page=ocr_progress(progress, doc_id))
    except BaocaoError as exc:
        return PlannedFile(path.name, path, doc_id, "failed", error=exc)
    doc.doc_id = doc_id
    chunks = chunk_document(doc)
    plan = PlannedFile(path.name, path, doc_id, "new", doc.title,
                       ", ".join(p.label for p in doc.periods), len(chunks),
                       content_hash=doc.content_hash)
    try:
        if not chunks:
            raise BaocaoError("index.no_chunks", name=path.name)
        check_chunks(path.name, len(chunks))
    except BaocaoError as exc:
        plan.status, plan.error = "failed", exc
        return plan
    old = index.docs.get(doc_id) if index else None
    rows = index.doc_rows.get(doc_id, []) if old is not None else []
    known = {index.chunks[i].search_text() for i in rows}
    plan.n_embed = sum(1 for c in chunks if c.search_text() not in known)
    if old is None:
        return plan
    plan.old = old
    if old.content_hash == doc.content_hash:
        plan.status = "unchanged"
        return plan
    plan.status = "replace"
    before = _figures(index.chunks[i] for i in index.doc_rows.get(doc_id, []))
    after = _figures(chunks)
    plan.removed_figures = list((before - after).elements())
    plan.added_figures = list((after - before).elements())
    return plan


def _figures(chunks) -> Counter:
    """Figures as printed, counted once per place in the text (chunk overlaps aside)."""
    seen: dict[tuple[int, str], None] = {}
    for c in chunks:
        c: Chunk
        for f in c.figures:
            seen.setdefault((c.start + f.start, f.text), None)
    return Counter(text for _, text in seen)
