"""Baselines measured beside the product: BM25 only, dense only, and the LangChain
``EnsembleRetriever`` (BM25Retriever with default tokenization + FAISS vector
store, weights 0.5/0.5) that a team would build first. Same chunks, same
embedder, same k, so the comparison isolates retrieval design.
"""

from __future__ import annotations

import warnings

import numpy as np

from rag.embed import Embedder
from rag.evaluation.metrics import SearchFn
from rag.records import Hit, SearchResult


class _LCEmbeddings:
    """Adapter: our embedder as LangChain ``Embeddings`` (query/passage prompts kept)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()


def langchain_ensemble(chunks_texts: list[str], vectors: np.ndarray, embedder: Embedder,
                       k: int = 10):
    """The LangChain baseline over precomputed vectors (no second embedding pass)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from langchain_classic.retrievers import EnsembleRetriever
        from langchain_community.retrievers import BM25Retriever
        from langchain_community.vectorstores import FAISS
        from langchain_core.embeddings import Embeddings

    class LCEmb(_LCEmbeddings, Embeddings):
        pass

    metas = [{"row": i} for i in range(len(chunks_texts))]
    bm25 = BM25Retriever.from_texts(chunks_texts, metadatas=metas)
    bm25.k = k
    store = FAISS.from_embeddings(list(zip(chunks_texts, vectors.tolist(), strict=True)),
                                  LCEmb(embedder), metadatas=metas)
    dense = store.as_retriever(search_kwargs={"k": k})
    return EnsembleRetriever(retrievers=[bm25, dense], weights=[0.5, 0.5])


def _as_search(engine, rows: list[int], query: str, k: int) -> SearchResult:
    idx = engine.index
    hits = tuple(Hit(r + 1, 0.0, idx.chunks[i], idx.docs[idx.chunks[i].doc_id])
                 for r, i in enumerate(rows[:k]))
    return SearchResult(query, (), True, False, hits)


def baseline_systems(engine) -> dict[str, SearchFn]:
    idx = engine.index
    texts = [c.search_text() for c in idx.chunks]
    ensemble = {}

    def lc_search(query: str, k: int) -> SearchResult:
        if k not in ensemble:
            ensemble[k] = langchain_ensemble(texts, idx.dense.vectors, engine.retriever.embedder, k)
        docs = ensemble[k].invoke(query)
        return _as_search(engine, [d.metadata["row"] for d in docs], query, k)

    return {
        "bm25_only": lambda q, k: engine.search(q, k=k, mode="bm25"),
        "dense_only": lambda q, k: engine.search(q, k=k, mode="dense"),
        "langchain_ensemble": lc_search,
    }
