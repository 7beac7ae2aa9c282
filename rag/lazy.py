"""Names a package re-exports, imported on first use: ``index list`` and ``parse`` must not
pay for the chunker, scipy, FAISS or a model they never touch (eval/BENCHMARKS.md)."""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` that imports ``exports[name]`` (a module path) on first use
    and fails loudly, as Python does, on any other name."""
    def __getattr__(name: str):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(exports[name]), name)

    return __getattr__
