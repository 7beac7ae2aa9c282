"""``--ray ADDRESS`` of ``index build|add`` and ``serve``: the work on a Ray cluster.

Only imported when ``--ray`` is given, so one machine never imports Ray.
"""

from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(p, serve: bool = False) -> None:
    p.add_argument("--ray", default=None, metavar="ADDRESS",
                   help="run on the Ray cluster whose head is at ADDRESS (host:port, as "
                        "'ray start --head' printed it); needs 'baocao[cluster]'")
    if serve:
        p.add_argument("--replicas", type=_positive, default=None,
                       help="with --ray: app replicas behind Ray Serve's HTTP proxy (default 2)")


def _positive(text: str) -> int:
    import argparse

    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def reader(args, files: list[Path]):
    """The cluster reader of an ``index build|add --ray`` write, with a progress line."""
    from rag.cluster.index import ClusterReader
    from rag.index import default_index_dir

    root = Path(args.index) if args.index else default_index_dir()
    shown = None if args.json else _progress_line
    return ClusterReader(args.ray, files, root, force=getattr(args, "force", False),
                         on_progress=shown)


_open = [False]  # a progress line waits for its end


def _progress_line(p) -> None:
    sys.stderr.write(f"\r  cluster: {p.done}/{p.total} reports read, {p.chunks} chunks, "
                     f"{p.chunks_per_second:.1f} chunks/s, {p.nodes} live nodes, read on "
                     f"{p.read_on} ")
    _open[0] = p.done < p.total
    if not _open[0]:
        sys.stderr.write("\n")
    sys.stderr.flush()


def end_line() -> None:
    """End a progress line cut short, so that an error stands on a line of its own."""
    if _open[0]:
        sys.stderr.write("\n")
        _open[0] = False
