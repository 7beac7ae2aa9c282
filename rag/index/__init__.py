"""Index stage: a hybrid (FAISS + BM25) index on disk, written in versions, loaded whole.

``store`` keeps the versions and the pointer to the live one, ``build`` writes a
new version from report files, ``load`` reads the live one; ``history`` logs who
changed what and rolls back, ``ids`` gives report ids, ``plan`` says what a write
would change before it is made; ``dense`` (FAISS), ``bm25`` (sparse matrix) and
``analyzer`` (Vietnamese tokens) are its parts.

Names are imported on first use (as in ``rag``), so ``index list`` never loads
the chunker, scipy or FAISS.
"""

from __future__ import annotations

from rag.lazy import lazy_exports

_EXPORTS = {
    "BuildReport": "rag.index.build", "Progress": "rag.index.build",
    "list_report_files": "rag.index.build", "parser_version": "rag.index.build",
    "update_index": "rag.index.build",
    "SAMPLE_CORPUS": "rag.index.load", "Index": "rag.index.load",
    "default_index_dir": "rag.index.load", "load_index": "rag.index.load",
    "FORMAT_VERSION": "rag.index.store", "IndexStore": "rag.index.store",
}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
