"""What a cluster node runs for one report (a Ray task): ``read_report``, the same
function a local write runs, on the report's bytes written to a private temporary
folder under the report's own file name (nodes share no folder), then the report's
observations. The result carries the node's code version: a node running other
parser or extractor code would write another index than a local build.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

from rag.errors import BaocaoError


def code_version() -> str:
    """The parser and the extractor code this node runs (their content hashes)."""
    from rag.index.build import parser_version
    from rag.index.observations import extractor_version

    return f"parser {parser_version()}, extractor {extractor_version()}"


@functools.cache
def _embedder(name: str):
    from rag.service import embedder

    return embedder(name)  # loaded once per worker process, kept for its next tasks


def read_remote(name: str, data: bytes, doc_id: str, known, replace, embedder_name: str
                ) -> dict:
    """One report's work; a BaocaoError comes back as a value (its class, code and
    details), never raised, so Ray retries only what failed by itself (a lost node)."""
    import ray

    from rag.index.observations import observation_lines
    from rag.index.report import read_report

    where = {"code": code_version(), "pid": os.getpid(),
             "node": ray.get_runtime_context().get_node_id()}
    with tempfile.TemporaryDirectory(prefix="baocao-report-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            done = read_report(path, doc_id, known, replace, _embedder(embedder_name), {})
        except BaocaoError as exc:
            return {"error": (type(exc).__name__, exc.code, exc.details), **where}
    if done.entry is not None:
        done.entry.source = None  # the driver stores the file it sent
        done.entry.observations = observation_lines(done.entry.chunks, done.entry.info)
    return {"read": done, **where}
