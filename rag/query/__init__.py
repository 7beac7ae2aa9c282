"""Query stage: a question -> ranked ``Hit`` records (hybrid, period-aware).

``retrieve`` runs the search, ``fusion`` combines rankings, ``filters`` match
periods, ``rewrite`` prepares the query the embedder sees, ``places`` finds
place names in a question. Names are imported on first use, so the answer
stage's use of ``places`` does not load the retriever's numpy/scipy stack.
"""

from __future__ import annotations

from rag.lazy import lazy_exports

_EXPORTS = {"Retriever": "rag.query.retrieve", "asks_about_tasks": "rag.query.retrieve"}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
