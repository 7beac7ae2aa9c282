"""Query stage: a question -> ranked ``Hit`` records (hybrid, period-aware).

``question`` reads the question once into a ``Question`` record (every later step
takes it), ``retrieve`` runs the search, ``fusion`` combines rankings, ``filters``
match periods, ``rewrite`` prepares the query the embedder sees. The retriever is
imported on first use, so reading a question does not load numpy, scipy or FAISS.
"""

from __future__ import annotations

from rag.lazy import lazy_exports

_EXPORTS = {"Retriever": "rag.query.retrieve"}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
