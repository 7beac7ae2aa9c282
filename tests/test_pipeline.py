"""A build that parses ahead while it embeds (rag/index/pipeline.py) writes exactly the
index a sequential build writes: same ids, same chunks in the same order, same vectors,
same files, whichever report fails."""

from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from realdocs import realdoc
from test_ocr import C04, needs_ocr

from rag import service
from rag.errors import InputError
from rag.index import pipeline
from rag.index.store import IndexStore

REPO = Path(__file__).resolve().parents[1]
SIGNED = "binhdinh_2020-07_ubnd-letter-nq84-signed.pdf"


def version_files(root: Path) -> dict[str, bytes]:
    folder = IndexStore(root).live_folder()
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def reports(tmp_path) -> Path:
    """The five samples, a signed text PDF and the scanned letter (read by OCR)."""
    folder = tmp_path / "reports"
    shutil.copytree(REPO / "data" / "reports", folder)
    for name in (SIGNED, C04):
        shutil.copyfile(realdoc(name), folder / name)
    return folder


@needs_ocr
def test_parallel_build_equals_sequential_build(reports, tmp_path, monkeypatch):
    # the parallel build OCRs and embeds for real; the sequential one reads the page and
    # vector caches (a vector in the wrong row would still differ)
    monkeypatch.setenv("BAOCAO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BAOCAO_VECTOR_CACHE", str(tmp_path / "vectors.sqlite"))
    seen: list[tuple[str, str]] = []  # (thread, label) of every progress tick

    def progress(label, done, total):
        seen.append((threading.current_thread().name, label))

    parallel = service.build(reports, tmp_path / "parallel", "e5-small-int8", progress)
    monkeypatch.setattr(pipeline, "AHEAD", 0)
    sequential = service.build(reports, tmp_path / "sequential", "e5-small-int8")
    assert parallel.added == sequential.added and len(parallel.added) == 7
    # every distinct text embedded (a text repeated in the build is embedded once)
    assert parallel.embedded_chunks > 300 and sequential.embedded_chunks == 0
    a, b = version_files(tmp_path / "parallel"), version_files(tmp_path / "sequential")
    assert a.keys() == b.keys() and "vectors.npy" in a and "chunks.jsonl" in a
    assert [k for k in a if a[k] != b[k]] == []
    # the scanned letter was OCR'd (by the parse thread) while reports were embedded
    ocr = [t for t, label in seen if label.endswith(": OCR")]
    assert ocr and all(t.startswith("baocao-parse") for t in ocr)
    assert any(t == "MainThread" for t, label in seen if not label.endswith(": OCR"))


def test_errors_come_in_order_and_stop_nothing(tmp_path):
    """A file that fails is reported where it stands; the files after it are indexed."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("lang-son_2022-01_bao-cao-kt-xh.txt", "lang-son_2023-01_bao-cao-kt-xh.txt"):
        shutil.copyfile(REPO / "data" / "reports" / name, folder / name)
    (folder / "lang-son_2022-05_hong.txt").write_bytes("Báo cáo".encode("utf-16"))
    report = service.build(folder, tmp_path / "index", "hash")
    assert report.added == ["lang-son_2022-01_bao-cao-kt-xh", "lang-son_2023-01_bao-cao-kt-xh"]
    assert list(report.failed) == ["lang-son_2022-05_hong.txt"]


def test_parse_ahead_keeps_order_bounds_the_lookahead_and_raises_in_the_caller():
    started: list[int] = []

    def parse(p: Path):
        started.append(int(p.name))
        time.sleep(0.01 * (5 - int(p.name)))  # later files parse faster
        if p.name == "2":
            raise InputError("file.empty", name=p.name)
        return int(p.name)

    paths = [Path(str(i)) for i in range(5)]
    got = []
    for p, read in pipeline.parse_ahead(paths, parse, ahead=2):
        assert len(started) <= int(p.name) + 3  # this one and at most 2 ahead were started
        try:
            got.append(read())
        except InputError:
            got.append("failed")
    assert got == [0, 1, "failed", 3, 4] and started == [0, 1, 2, 3, 4]
    assert [read() for _, read in pipeline.parse_ahead(paths[:2], parse, ahead=0)] == [0, 1]


def test_progress_line_shows_each_stage_and_its_rate():
    import io

    from ui.progress import BuildProgress

    clock = iter([0.0, 1.0, 2.0, 3.0, 4.0, 5.0]).__next__
    out = io.StringIO()
    bar = BuildProgress(out, clock)
    bar("a", 10, 40)           # t=0: first batch of report a
    bar("b: OCR", 1, 3)        # t=1: the next report's scan is being read meanwhile
    bar("a", 30, 40)           # t=2: 20 chunks in 2 s
    bar("b: OCR", 3, 3)        # t=3: 2 more pages in 2 s
    bar("a", 40, 40)           # t=4
    shown = [t.strip() for t in re.split(r"[\r\n]", out.getvalue()) if t.strip()]
    assert shown == [
        "a: 10/40 chunks embedded",
        "a: 10/40 chunks embedded | b: 1/3 pages read (OCR)",
        "a: 30/40 chunks embedded, 10.0 chunks/s | b: 1/3 pages read (OCR)",
        "b: 3/3 pages read (OCR), 1.0 s/page",  # a line of its own, then the live one
        "a: 30/40 chunks embedded, 10.0 chunks/s",
        "a: 40/40 chunks embedded, 7.5 chunks/s"]
    assert out.getvalue().endswith("\n") and out.getvalue().count("\n") == 2
