"""Parse ahead while embedding: a build reads the next reports (parsing, OCR) in a
background thread while the current one is being embedded.

Parsing is Python and holds the GIL; OCR runs tesseract processes; embedding runs
in ONNX Runtime's threads, which release the GIL. Done one after the other, a
report's parse leaves a core idle and its OCR's last page runs alone; overlapped,
the cores stay busy. A thread, not a process: parsing in a spawned process (no GIL
shared) measured no faster and cost ~0.5 CPU-s to start (eval/BENCHMARKS.md,
"Issue 23", where the gains are measured, and how noisy they were). The parsed
documents are handed over in the files' order and the caller does everything else
(ids, chunks, embedding, the index) as before, so a build gives exactly the index a
sequential one gives (tests/test_pipeline.py).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from rag.ingest import doc_id_for, parse_file
from rag.ingest.ocr import ocr_progress
from rag.records import Document

AHEAD = 2  # reports parsed ahead of the one being embedded (0: parse when needed); bounds
# the memory of parsed documents waiting their turn


def parse_ahead(paths: Iterable[Path], parse: Callable[[Path], Document],
                ahead: int | None = None) -> Iterator[tuple[Path, Callable[[], Document]]]:
    """(path, get) in the order of ``paths``; ``get()`` returns the parsed document or
    raises what parsing raised, in the caller's thread, when the caller asks for it."""
    ahead = AHEAD if ahead is None else ahead
    if ahead <= 0:
        for p in paths:
            yield p, (lambda p=p: parse(p))
        return
    todo = iter(paths)
    pending: deque[tuple[Path, Future]] = deque()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="baocao-parse")
    try:
        while True:
            while len(pending) <= ahead and (p := next(todo, None)) is not None:
                pending.append((p, pool.submit(parse, p)))
            if not pending:
                return
            p, future = pending.popleft()
            yield p, future.result
    finally:  # the caller stopped (an error): parses not started are dropped
        pool.shutdown(wait=True, cancel_futures=True)


def report_parser(progress) -> Callable[[Path], Document]:
    """``parse_file`` with OCR page progress under the file's own slug (the id it gets
    unless another report holds it: see rag.index.ids)."""
    return lambda p: parse_file(p, on_page=ocr_progress(progress, doc_id_for(p.name)))
