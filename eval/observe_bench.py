"""Cost of observations at index time: extraction, reuse on a write, reading at load.

    .venv/bin/python eval/observe_bench.py [--index DIR]

Uses an index built with ``baocao index build`` (default: a fresh hash-embedder index of
the sample corpus in a temporary folder, so no model is needed). Prints seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rag import service  # noqa: E402
from rag.index import load_index  # noqa: E402
from rag.index.observations import read_observations, write_observations  # noqa: E402
from rag.observe.extract import extract_all  # noqa: E402


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = None, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default=None)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.index) if args.index else Path(tmp) / "idx"
        if not args.index:
            t_build, _ = timed(lambda: service.build(index_dir=root, embedder_name="hash",
                                                     force=True), 1)
            print(f"hash-embedder build of the sample corpus (incl. observations): "
                  f"{t_build:.2f} s")
        index = load_index(root)
        n_chunks = len(index.chunks)
        t_extract, obs = timed(lambda: extract_all(index.chunks, index.docs))
        print(f"extract: {len(obs)} observations from {len(index.docs)} reports, {n_chunks} "
              f"chunks in {t_extract:.3f} s ({1000 * t_extract / max(n_chunks, 1):.2f} ms/chunk)")
        out = Path(tmp) / "v-new"
        out.mkdir()
        t_fresh, _ = timed(lambda: write_observations(out, index.chunks, index.docs))
        t_reuse, _ = timed(lambda: write_observations(out, index.chunks, index.docs, index.folder))
        print(f"write observations.jsonl: {t_fresh:.3f} s fresh, {t_reuse:.3f} s reusing the "
              f"previous version (all reports unchanged)")
        t_read, rows = timed(lambda: read_observations(index.folder))
        print(f"read at load: {len(rows or [])} observations in {t_read:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
