"""Embed stage: texts -> L2-normalized vectors, by a backend looked up by name."""

from rag.embed.base import KINDS, Embedder
from rag.embed.registry import (
    DEFAULT_EMBEDDER,
    DeferredEmbedder,
    available_embedders,
    get_embedder,
)

__all__ = ["DEFAULT_EMBEDDER", "KINDS", "DeferredEmbedder", "Embedder", "available_embedders",
           "get_embedder"]
