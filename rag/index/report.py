"""One report's work: read (OCR), parse, chunk, embed. The seam where a write's reports can
be read elsewhere: ``update_index`` calls ``read_report`` here, one report after another,
and rag.cluster calls the same function on a cluster's nodes and hands the results back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from rag.errors import IndexStoreError, InputError
from rag.ingest import parse_file
from rag.ingest.ocr import ocr_progress
from rag.records import DocInfo, Document

if TYPE_CHECKING:
    from rag.embed import Embedder
    from rag.index.build import Entry, Progress, Replace


class Read(NamedTuple):
    """One report's work, wherever it ran."""

    entry: Entry | None  # None: the report is indexed already, same content, same parser
    poor_pages: list[int]
    embedded: int  # passages the model embedded (the vector caches' are not counted)


def read_report(path: Path, doc_id: str, known: DocInfo | None, replace: Replace,
                embedder: Embedder, cache: dict, progress: Progress | None = None,
                parsed: Callable[[], Document] | None = None) -> Read:
    """Read, parse, chunk and embed one report file: the work that depends on the file
    alone. ``known``: the indexed report of the same id; ``cache``: text key -> vector,
    reused and filled; ``parsed``: the file's document, parsed ahead (rag.index.pipeline;
    its errors are raised here). Raises BaocaoError for a file that cannot be indexed."""
    from rag.index.build import BuildReport, _check_replace, _embed_entry, parser_version

    doc = parsed() if parsed else parse_file(path, on_page=ocr_progress(progress, doc_id))
    doc.doc_id = doc_id  # unique in this index (rag.index.ids), chunk ids follow it
    if (known is not None and known.content_hash == doc.content_hash
            and known.parser_version == parser_version()):
        return Read(None, doc.poor_pages, 0)
    if known is not None and known.content_hash != doc.content_hash:
        _check_replace(path.name, known, replace)
    count = BuildReport()
    entry = _embed_entry(doc, path, embedder, cache, progress, count, bounded=True)
    if not entry.chunks:  # a title and headings only: "added" with nothing to find
        raise InputError("index.no_chunks", name=path.name)
    if not np.isfinite(entry.vectors).all():  # never written into a version
        raise IndexStoreError("index.bad_vectors", name=path.name)
    return Read(entry, doc.poor_pages, count.embedded_chunks)
