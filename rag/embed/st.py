"""sentence-transformers backends: e5-small (converted, the fp32 reference) and ``st:<model>``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from rag.embed.base import Embedder
from rag.errors import EmbedderError

TORCH_THREADS = 2  # the machines this runs on have 2 cores
ST_PREFIX = "st:"


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
    from rag.embed.e5cache import ensure_converted
    from rag.embed.e5file import ConversionError

    try:
        return ensure_converted()
    except (ConversionError, OSError) as exc:
        raise EmbedderError("embedder.prepare", why=str(exc)) from exc


def e5_small(name: str) -> Embedder:
    folder = _load_e5_folder()
    torch = _setup_torch()
    model = _load_st(str(folder), local_files_only=True, model_kwargs={"dtype": torch.float32})
    emb = SentenceTransformerEmbedder(name, model)
    emb.fingerprint = f"{name}/{folder.name}/torch-{torch.__version__}"
    return emb


def _looks_like_path(spec: str) -> bool:
    """Hub ids are "org/name"; anything absolute, relative or home-based is a folder."""
    return spec.startswith(("/", "./", "../", "~")) or spec in (".", "..")


def st_model(name: str) -> Embedder:
    spec = name[len(ST_PREFIX):].strip()
    if not spec:
        raise EmbedderError("embedder.st_spec")
    local = Path(spec).expanduser()
    if local.exists():
        if not (local / "modules.json").is_file() and not (local / "config.json").is_file():
            raise EmbedderError("embedder.not_model_folder", folder=str(local))
        spec = str(local)
    elif _looks_like_path(spec):
        raise EmbedderError("embedder.no_folder", folder=str(local))
    try:
        model = _load_st(spec)
    except Exception as exc:  # loading failures come in many types; report one way
        raise EmbedderError("embedder.load", spec=spec, why=str(exc)) from exc
    return SentenceTransformerEmbedder(name, model)
