"""Shared fixtures: one index over the bundled sample corpus per embedder, per test session.

``plumbing_index`` uses the ``hash`` embedder (no model, built in a second):
for tests whose subject is the index, the store, the CLI or the app's state.
``sample_index`` uses the real default embedder: for tests whose subject is
retrieval or answer quality (and the quality gate). Tests that change an
index copy it first.
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


def _build(root: Path, embedder_name: str | None) -> Path:
    from rag import service

    report = service.build(index_dir=root, embedder_name=embedder_name)
    assert not report.failed and len(report.added) == 5
    return root


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """The sample corpus indexed with the real default embedder."""
    return _build(tmp_path_factory.mktemp("index") / "sample", None)


@pytest.fixture(scope="session")
def engine(sample_index):
    from rag import service

    return service.Engine.open(sample_index)


@pytest.fixture(scope="session")
def plumbing_index(tmp_path_factory) -> Path:
    """The sample corpus indexed with the model-free ``hash`` embedder."""
    return _build(tmp_path_factory.mktemp("index") / "plumbing", "hash")


@pytest.fixture(scope="session")
def plumbing_engine(plumbing_index):
    from rag import service

    return service.Engine.open(plumbing_index)


@pytest.fixture()
def index_copy(plumbing_index, tmp_path) -> Path:
    """A private copy of the plumbing index for tests that write to it."""
    dest = tmp_path / "copy"
    shutil.copytree(plumbing_index, dest)
    return dest
