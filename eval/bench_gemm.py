"""The physical limit: matrix-multiply throughput this CPU reaches on e5-small's own shapes.

e5-small (12 layers, hidden 384, FFN 1536) costs per token 2 x 21.2 M multiply-adds in
its linear layers (QKV 3x384x384, output 384x384, FFN 2x384x1536 per layer) plus the
attention products (2 x 12 x 2 x L x 384 per token at sequence length L): 46.9 MFLOP
at L = 236, the sample chunks' mean length, i.e. 11.1 GFLOP per chunk. This script
measures what the kernels reach on exactly those GEMM shapes (M = 4800 rows, e.g.
16 chunks x 300 tokens):

* ONNX Runtime: fp32 ``MatMul``; ``int8-row``, the default embedder's Linear
  (rag/embed/e5int8.py: per-row uint8 quantization, ``MatMulIntegerToFloat`` with int8
  weights, the row scale), and ``int8-gemm``, that kernel alone on quantized input (the
  VNNI ``vpdpbusd`` path); ``int8-tensor``, ``DynamicQuantizeMatMul`` (one scale per
  tensor); ``q4``, 4-bit ``MatMulNBits`` with int8 activations (``e5-small-q4``);
* torch (oneDNN), when installed: fp32 and bf16 (AVX512-BF16 ``vdpbf16ps``) ``matmul``:
  ONNX Runtime has no bf16 kernel for this CPU.

Throughput is (multiply-adds x 2) / seconds, as G(FL)OP/s, from the best of ``--reps``
runs: wall clock, and for 1 thread also the thread's CPU time (``time.thread_time``),
which a shared machine does not inflate. Dividing by the FLOPs per chunk gives the
chunks/s ceiling of each arithmetic.

Usage: python eval/bench_gemm.py [--reps 7] [--seq 236]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

M_ROWS = 4800
SHAPES = [(384, 1152), (384, 384), (384, 1536), (1536, 384)]  # QKV, out, FFN up, FFN down
LAYERS, HIDDEN = 12, 384
KINDS = ("fp32", "int8-row", "int8-gemm", "int8-tensor", "q4")


def flop_per_token(seq: int) -> tuple[float, float]:
    """(linear layers, attention) FLOPs per token at sequence length ``seq``."""
    linear = 2 * LAYERS * sum(k * n for k, n in SHAPES)
    attention = 2 * LAYERS * 2 * seq * HIDDEN  # QK^T and PV, all heads together
    return linear, attention


def _linear(g, kind: str, x: str, i: int, k: int, n: int, rng) -> str:
    """One Linear of ``kind`` on input ``x`` (``g``: nodes, inits, helpers)."""
    nh, inits = g["numpy_helper"], g["inits"]
    w = rng.standard_normal((k, n)).astype(np.float32) * 0.05
    s = (np.abs(w).max(0) / 127).astype(np.float32)
    wq = np.round(w / s).astype(np.int8)
    if kind == "fp32":
        inits.append(nh.from_array(w, f"w{i}"))
        return g["op"]("MatMul", [x, f"w{i}"])
    if kind == "int8-tensor":
        inits += [nh.from_array(wq, f"w{i}"), nh.from_array(s, f"s{i}")]
        return g["op"]("DynamicQuantizeMatMul", [x, f"w{i}", f"s{i}"], domain="com.microsoft")
    if kind == "q4":  # as rag/embed/e5onnx.py builds it
        inits += [nh.from_array(rng.integers(0, 16, (n, k // 32, 16), dtype=np.uint8), f"w{i}"),
                  nh.from_array(np.full((n, k // 32), 0.01, np.float32), f"s{i}")]
        return g["op"]("MatMulNBits", [x, f"w{i}", f"s{i}"], domain="com.microsoft", K=k, N=n,
                       bits=4, block_size=32, accuracy_level=4)
    inits += [nh.from_array(wq, f"w{i}"), nh.from_array(s, f"s{i}")]
    if kind == "int8-gemm":  # x is uint8 already
        return g["op"]("MatMulIntegerToFloat", [x, f"w{i}", "one", f"s{i}", "za", "zw"],
                       domain="com.microsoft")
    top = g["op"]("ReduceMax", [g["op"]("Abs", [x])], axes=[-1], keepdims=1)  # int8-row
    r = g["op"]("Max", [g["op"]("Mul", [top, "inv127"]), "tiny"])
    q = g["op"]("QuantizeLinear", [g["op"]("Div", [x, r]), "one", "za"])
    y = g["op"]("MatMulIntegerToFloat", [q, f"w{i}", "one", f"s{i}", "za", "zw"],
                domain="com.microsoft")
    return g["op"]("Mul", [y, r])


def graph(kind: str) -> bytes:
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits, ins, outs = [], [], [], []
    counter = [0]

    def op(op_type, inputs, **attrs):
        counter[0] += 1
        out = f"t{counter[0]}"
        nodes.append(helper.make_node(op_type, inputs, [out], **attrs))
        return out

    g = {"numpy_helper": numpy_helper, "inits": inits, "op": op}
    inits += [numpy_helper.from_array(np.array(v, t), name) for name, v, t in (
        ("one", 1.0, np.float32), ("inv127", 1 / 127, np.float32), ("tiny", 1e-12, np.float32),
        ("za", 128, np.uint8), ("zw", 0, np.int8))]
    rng = np.random.default_rng(0)
    in_type = TensorProto.UINT8 if kind == "int8-gemm" else TensorProto.FLOAT
    for i, (k, n) in enumerate(SHAPES):
        ins.append(helper.make_tensor_value_info(f"x{i}", in_type, [M_ROWS, k]))
        y = _linear(g, kind, f"x{i}", i, k, n, rng)
        outs.append(helper.make_tensor_value_info(y, TensorProto.FLOAT, [M_ROWS, n]))
    model = helper.make_graph(nodes, kind, ins, outs, initializer=inits)
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(model, opset_imports=opsets).SerializeToString()


def _timed(fn, reps: int) -> tuple[float, float]:
    """(best wall s, best thread CPU s) of ``reps`` calls after one warm-up."""
    fn()
    walls, cpus = [], []
    for _ in range(reps):
        t, c = time.perf_counter(), time.thread_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.thread_time() - c)
    return min(walls), min(cpus)


def bench_ort(kind: str, threads: int, reps: int) -> tuple[float, float]:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads, so.inter_op_num_threads = threads, 1
    so.log_severity_level = 3  # the constants a kind does not use are dropped, not news
    s = ort.InferenceSession(graph(kind), so, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(1)
    feed = {f"x{i}": (rng.integers(0, 256, (M_ROWS, k)).astype(np.uint8) if kind == "int8-gemm"
                      else rng.standard_normal((M_ROWS, k)).astype(np.float32))
            for i, (k, _) in enumerate(SHAPES)}
    return _timed(lambda: s.run(None, feed), reps)


def bench_torch(kind: str, threads: int, reps: int) -> tuple[float, float]:
    import torch

    torch.set_num_threads(threads)
    dtype = torch.bfloat16 if kind == "torch-bf16" else torch.float32
    gen = torch.Generator().manual_seed(0)
    pairs = [(torch.randn(M_ROWS, k, generator=gen).to(dtype),
              torch.randn(k, n, generator=gen).to(dtype)) for k, n in SHAPES]
    return _timed(lambda: [x @ w for x, w in pairs], reps)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--seq", type=int, default=236, help="tokens per chunk (sample mean: 236)")
    args = ap.parse_args()
    lin, att = flop_per_token(args.seq)
    per_chunk = (lin + att) * args.seq
    flop = sum(2 * M_ROWS * k * n for k, n in SHAPES)
    print(f"FLOP per token at L={args.seq}: linear {lin / 1e6:.1f} M + attention "
          f"{att / 1e6:.1f} M; per {args.seq}-token chunk {per_chunk / 1e9:.2f} GFLOP; "
          f"1-min load average {os.getloadavg()[0]:.1f}")
    print("| kernel | threads | G(FL)OP/s, wall (best) | per core, CPU time (best) "
          "| chunks/s ceiling per core (all FLOPs at the CPU-time rate) |")
    print("|---|---|---|---|---|")
    kinds = [(k, bench_ort) for k in KINDS]
    try:
        import torch  # noqa: F401

        kinds += [("torch-fp32", bench_torch), ("torch-bf16", bench_torch)]
    except ImportError:
        print("(torch not installed: no bf16 row)")
    for kind, fn in kinds:
        for th in (1, 2):
            wall, cpu = fn(kind, th, args.reps)
            per_core = f"{flop / cpu / 1e9:.0f}" if th == 1 else ""
            ceiling = f"{flop / cpu / per_chunk:.1f}" if th == 1 else ""
            print(f"| {kind} | {th} | {flop / wall / 1e9:.0f} | {per_core} | {ceiling} |",
                  flush=True)
    print(f"1-min load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
