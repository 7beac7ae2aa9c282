"""Cheap checks that a version's data files are whole, against the counts its manifest gives.

``IndexStore.verify`` runs them before every use of an index (``index list``
included, which loads nothing else), so a file cut short by a full disk or a
copy, or a line written into ``chunks.jsonl`` by hand, stops a command with one
line instead of surfacing later as a wrong count or a traceback. They read
array headers and scan ``chunks.jsonl`` as bytes (no JSON parsing: gigabytes
per second), and say what is wrong, or None. Vectors that are not numbers are
found when the vectors are loaded (``nonfinite_rows``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

BLOCK = 1 << 24  # bytes of chunks.jsonl scanned at a time
BLOCK_ROWS = 1 << 16  # vectors checked at a time
BM25_ARRAYS = ("data", "indices", "indptr")


def chunks_problem(path: Path, n_chunks: int) -> str | None:
    """``chunks.jsonl`` must be ``n_chunks`` lines, each a JSON object (``{…}``); a JSON
    string never holds a raw newline, so this needs no parsing."""
    lines = closes = opens = 0
    size = path.stat().st_size
    first = last = b""
    tail = b""
    with open(path, "rb") as fh:
        while block := fh.read(BLOCK):
            first = first or block[:1]
            lines += block.count(b"\n")
            window = tail + block  # a two-byte pattern may straddle blocks
            closes += window.count(b"}\n")
            opens += window.count(b"\n{")
            tail = last = block[-1:]
    name = path.name
    if size and last != b"\n":
        return f"{name} is cut short (no end of line after its last chunk)"
    if lines != n_chunks:
        return f"{name} has {lines} lines, the manifest says {n_chunks} chunks"
    if n_chunks and (closes != n_chunks or opens + (first == b"{") != n_chunks):
        return f"{name} line {_first_bad_line(path) + 1} is not a chunk"
    return None


def _first_bad_line(path: Path) -> int:
    with open(path, "rb") as fh:
        for i, line in enumerate(fh):
            if not (line.startswith(b"{") and line.rstrip(b"\n").endswith(b"}")):
                return i
    return 0


def bm25_problem(folder: Path, n_chunks: int) -> str | None:
    """The sparse matrix's arrays whole and of the sizes its meta file and vocabulary give."""
    try:
        meta = json.loads((folder / "bm25_meta.json").read_text(encoding="utf-8"))
        n_terms, n_docs = int(meta["n_terms"]), int(meta["n_docs"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"bm25_meta.json cannot be read: {type(exc).__name__}"
    arrays = {}
    for part in BM25_ARRAYS:
        try:
            arrays[part] = np.load(folder / f"bm25_{part}.npy", mmap_mode="r",
                                   allow_pickle=False)
        except (OSError, ValueError, EOFError) as exc:
            return f"bm25_{part}.npy is damaged: {exc}"[:200]
    indptr = arrays["indptr"]
    if n_docs != n_chunks:
        return f"bm25_meta.json counts {n_docs} chunks, the manifest says {n_chunks}"
    if indptr.shape != (n_terms + 1,):
        return f"bm25_indptr.npy has shape {indptr.shape}, bm25_meta.json says {n_terms} terms"
    if not _ends_with(folder / "bm25_vocab.json", b"]"):
        return "bm25_vocab.json is cut short"
    postings = int(indptr[-1]) if n_terms else 0
    for part in ("data", "indices"):
        if arrays[part].shape != (postings,):
            return (f"bm25_{part}.npy has shape {arrays[part].shape}, bm25_indptr.npy "
                    f"says {postings} postings")
    return None


def _ends_with(path: Path, end: bytes) -> bool:
    with open(path, "rb") as fh:
        fh.seek(max(0, path.stat().st_size - 64))
        return fh.read().rstrip().endswith(end)


def nonfinite_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows holding NaN or infinity (a damaged file or a failed embedding), in blocks so
    a memory-mapped matrix is never copied whole."""
    bad = [np.flatnonzero(~np.isfinite(vectors[lo:lo + BLOCK_ROWS]).all(axis=1)) + lo
           for lo in range(0, vectors.shape[0], BLOCK_ROWS)]
    return np.concatenate(bad) if bad else np.zeros(0, dtype=np.int64)
