"""The physical limit: matrix-multiply throughput this CPU reaches on e5-small's own shapes.

e5-small (12 layers, hidden 384, FFN 1536) costs per token 2 x 21.2 M multiply-adds in
its linear layers (QKV 3x384x384, output 384x384, FFN 2x384x1536 per layer) plus the
attention products (2 x 12 x 2 x L x 384 per token at sequence length L): ~48 MFLOP at
L = 300, i.e. 14.4 GFLOP per 300-token chunk. This script measures what ONNX Runtime's
kernels reach on exactly those GEMM shapes (M = 16 chunks x 300 tokens = 4800 rows):
fp32 ``MatMul``, int8 ``DynamicQuantizeMatMul`` (VNNI where the CPU has it) and 4-bit
``MatMulNBits`` with int8 activations (the default embedder's kernel), 1 and 2 threads.
Dividing by the FLOPs per chunk gives the chunks/s ceiling of each arithmetic.

Usage: python eval/bench_gemm.py [--reps 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

M_ROWS = 4800
SHAPES = [(384, 1152), (384, 384), (384, 1536), (1536, 384)]  # QKV, out, FFN up, FFN down
LAYERS, HIDDEN, HEADS, SEQ = 12, 384, 12, 300


def flop_per_token(seq: int = SEQ) -> tuple[float, float]:
    """(linear layers, attention) FLOPs per token."""
    linear = 2 * LAYERS * sum(k * n for k, n in SHAPES)
    attention = 2 * LAYERS * 2 * seq * HIDDEN  # QK^T and PV, all heads together
    return linear, attention


def graph(kind: str) -> bytes:
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits, ins, outs = [], [], [], []
    rng = np.random.default_rng(0)
    for i, (k, n) in enumerate(SHAPES):
        x = f"x{i}"
        ins.append(helper.make_tensor_value_info(x, TensorProto.FLOAT, [M_ROWS, k]))
        w = rng.standard_normal((k, n)).astype(np.float32) * 0.05
        if kind == "fp32":
            inits.append(numpy_helper.from_array(w, f"w{i}"))
            nodes.append(helper.make_node("MatMul", [x, f"w{i}"], [f"y{i}"]))
        elif kind == "int8":
            s = np.abs(w).max(0) / 127
            inits += [numpy_helper.from_array(np.round(w / s).astype(np.int8), f"w{i}"),
                      numpy_helper.from_array(s.astype(np.float32), f"s{i}"),
                      numpy_helper.from_array(np.zeros(n, np.int8), f"z{i}")]
            nodes.append(helper.make_node("DynamicQuantizeMatMul", [x, f"w{i}", f"s{i}", f"z{i}"],
                                          [f"y{i}"], domain="com.microsoft"))
        else:  # q4, as rag/embed/e5onnx.py builds it
            q = rng.integers(0, 16, (n, k // 32, 16), dtype=np.uint8)
            inits += [numpy_helper.from_array(q, f"w{i}"),
                      numpy_helper.from_array(np.full((n, k // 32), 0.01, np.float32), f"s{i}")]
            nodes.append(helper.make_node("MatMulNBits", [x, f"w{i}", f"s{i}"], [f"y{i}"],
                                          domain="com.microsoft", K=k, N=n, bits=4,
                                          block_size=32, accuracy_level=4))
        outs.append(helper.make_tensor_value_info(f"y{i}", TensorProto.FLOAT, [M_ROWS, n]))
    g = helper.make_graph(nodes, kind, ins, outs, initializer=inits)
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(g, opset_imports=opsets).SerializeToString()


def bench(kind: str, threads: int, reps: int) -> tuple[float, float]:
    """(median, best) G(FL)OP/s over ``reps`` runs."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads, so.inter_op_num_threads = threads, 1
    s = ort.InferenceSession(graph(kind), so, providers=["CPUExecutionProvider"])
    feed = {f"x{i}": np.random.default_rng(i).standard_normal((M_ROWS, k)).astype(np.float32)
            for i, (k, _) in enumerate(SHAPES)}
    s.run(None, feed)
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        s.run(None, feed)
        ts.append(time.perf_counter() - t)
    flop = sum(2 * M_ROWS * k * n for k, n in SHAPES)
    return flop / statistics.median(ts) / 1e9, flop / min(ts) / 1e9


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args()
    lin, att = flop_per_token()
    per_chunk = (lin + att) * SEQ
    print(f"FLOP per token at L={SEQ}: linear {lin / 1e6:.1f} M + attention {att / 1e6:.1f} M; "
          f"per {SEQ}-token chunk {per_chunk / 1e9:.1f} GFLOP; "
          f"1-min load average {os.getloadavg()[0]:.1f}")
    print("| kernel | threads | G(FL)OP/s median | best | chunks/s ceiling at best "
          "(all FLOPs at this rate) |")
    print("|---|---|---|---|---|")
    for kind in ("fp32", "int8", "q4"):
        for th in (1, 2):
            med, best = bench(kind, th, args.reps)
            print(f"| {kind} | {th} | {med:.0f} | {best:.0f} | {best * 1e9 / per_chunk:.1f} |",
                  flush=True)
    print(f"1-min load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
