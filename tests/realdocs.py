"""Where the real documents of other provinces are (never copied into the repo).

``../shared/realdocs`` beside the repo root, or ``$BAOCAO_REALDOCS``; a test that
needs them skips with the reason when they are absent, and fails under env CI.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def realdocs() -> Path:
    folder = Path(os.environ.get("BAOCAO_REALDOCS") or REPO.parent / "shared" / "realdocs")
    if not folder.is_dir():
        missing = pytest.fail if os.environ.get("CI") else pytest.skip
        missing(f"real documents not found at {folder} (set BAOCAO_REALDOCS)")
    return folder


def realdoc(name: str) -> Path:
    path = realdocs() / name
    if not path.is_file():
        missing = pytest.fail if os.environ.get("CI") else pytest.skip
        missing(f"{path} is missing")
    return path


def more_doc(name: str) -> Path:
    """A document of ``../shared/realdocs/more`` (Markdown copies of 12 issuers)."""
    return realdoc(f"more/{name}")


def stats_doc(name: str) -> Path:
    """A statistics office's monthly report saved from its web page
    (``../shared/realdocs/stats-office``)."""
    return realdoc(f"stats-office/{name}")


SAMPLE_2024 = "lang-son_2024-05_bao-cao-kt-xh.txt"


def build_index(root: Path, names: tuple[str, ...], samples: tuple[str, ...] = ()) -> Path:
    """An index at ``root`` (model-free ``hash`` embedder) of real documents and sample
    reports, linked into a folder beside it; every file must be added."""
    from rag import service

    folder = root.parent / f"{root.name}-files"
    folder.mkdir()
    for src in [realdoc(n) for n in names] + [REPO / "data" / "reports" / n for n in samples]:
        (folder / src.name).symlink_to(src)
    report = service.build(folder, index_dir=root, embedder_name="hash")
    assert not report.failed and len(report.added) == len(names) + len(samples)
    return root


def realdocs_engine(root: Path, names: tuple[str, ...], samples: tuple[str, ...] = ()):
    from rag import service

    return service.Engine.open(build_index(root, names, samples))


def engine_fixture(name: str, names: tuple[str, ...], samples: tuple[str, ...] = ()):
    """A module-scoped fixture: an engine over real documents (and samples), model-free."""
    import pytest

    @pytest.fixture(scope="module")
    def engine(tmp_path_factory):
        return realdocs_engine(tmp_path_factory.mktemp(name) / "idx", names, samples)

    return engine


def table_index(root: Path) -> Path:
    """An index of a sample report and the Đắk Hòa annex."""
    return build_index(root, ("daknong_2019-2020_dakhoa-indicator-table.pdf",), (SAMPLE_2024,))
