"""baocao: search and question answering over Vietnamese socio-economic reports.

The public API (``rag.service`` is its front door)::

    from rag import build, add, remove, list_documents, Engine
    engine = Engine.open()            # the index in index/default
    answer = engine.ask("giải ngân vốn đầu tư công tháng 5/2024?")

Names are imported on first use, so ``import rag`` costs nothing and a command
that needs no model or index never loads them.
"""

from __future__ import annotations

from rag.lazy import lazy_exports

_EXPORTS = {
    "build": "rag.service", "add": "rag.service", "remove": "rag.service",
    "list_documents": "rag.service", "Engine": "rag.service",
    "BaocaoError": "rag.errors", "InputError": "rag.errors", "IndexStoreError": "rag.errors",
    "EmbedderError": "rag.errors",
    "Answer": "rag.records", "Citation": "rag.records", "Chunk": "rag.records",
    "DocInfo": "rag.records", "Document": "rag.records", "Footnote": "rag.records",
    "Hit": "rag.records", "Manifest": "rag.records", "Period": "rag.records",
    "SearchResult": "rag.records", "Section": "rag.records",
    "parse_file": "rag.ingest", "get_embedder": "rag.embed",
}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
