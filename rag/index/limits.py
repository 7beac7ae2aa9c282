"""What one report may cost an index write, and how long a write is expected to take.

A write holds the index's lock while it embeds, and embedding is the slow part:
a 14 MB single-line text made 12,380 passages (about half an hour of both
cores), a 244 KB .docx of 45,000 short paragraphs 2,468 (issue 22). So a report
of more than ``MAX_CHUNKS_PER_REPORT`` passages is refused by name before any
embedding, and the app's plan says how long the passages to embed will take.
"""

from __future__ import annotations

from rag.errors import InputError

# The largest of 41 real documents of ../shared/realdocs and the sample corpus makes 287
# passages (a provincial budget resolution; a provincial monthly report ~60): 2,000 leaves
# room for a long national report and is ~3 minutes of an idle 2-core machine.
MAX_CHUNKS_PER_REPORT = 2_000
# eval/BENCHMARKS.md: the 303 sample passages built from scratch in 26.6 s on 2 idle cores
# (11.4 passages/s with parsing and the BM25 matrix; embedding alone 12.96/s). A machine
# busy with questions or other work is slower: this is the estimate's floor, not a promise.
CHUNKS_PER_SECOND = 11.0


def check_chunks(name: str, count: int) -> None:
    """Refuse a report of too many passages, naming the file and the limit."""
    if count > MAX_CHUNKS_PER_REPORT:
        raise InputError("index.too_many_chunks", name=name, count=count,
                         limit=MAX_CHUNKS_PER_REPORT,
                         minutes=max(1, round(expected_seconds(count) / 60)))


def expected_seconds(chunks_to_embed: int) -> float:
    """Time to index ``chunks_to_embed`` new passages on an idle machine."""
    return chunks_to_embed / CHUNKS_PER_SECOND
