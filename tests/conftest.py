"""Shared fixtures: one real index over the bundled sample corpus per test session.

Building embeds ~300 chunks with the default offline embedder (about a minute
on 2 cores), so it is done once and shared; tests that change an index copy
it first.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
REPORTS = REPO / "data" / "reports"


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    from rag import service

    root = tmp_path_factory.mktemp("index") / "sample"
    report = service.build(index_dir=root)
    assert not report.failed and len(report.added) == 5
    return root


@pytest.fixture(scope="session")
def engine(sample_index):
    from rag import service

    return service.Engine.open(sample_index)


@pytest.fixture()
def index_copy(sample_index, tmp_path) -> Path:
    """A private copy of the sample index for tests that write to it."""
    dest = tmp_path / "copy"
    shutil.copytree(sample_index, dest)
    return dest
