"""Bounded work per file, odd file names, damage the manifest can reveal (issue 22, items 4-7).

Each test writes to a private copy of the sample corpus indexed with the model-free
``hash`` embedder and checks the output a user sees and what is on disk afterwards.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import service
from rag.index import IndexStore, load_index
from ui.cli import main as cli


def long_report(path: Path, paragraphs: int) -> Path:
    """A plausible report of many distinct paragraphs (about 1 passage per 6 of them)."""
    lines = ["BÁO CÁO TÌNH HÌNH KINH TẾ - XÃ HỘI THÁNG 7 NĂM 2024", ""]
    for i in range(paragraphs):
        lines += [f"Mục {i}: thu ngân sách trên địa bàn xã thứ {i} đạt {i},5 tỷ đồng, tăng "
                  f"{i % 17}% so với cùng kỳ; chi ngân sách đạt {i * 3} tỷ đồng.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def small_report(folder: Path, name: str, figure: str = "12") -> Path:
    path = folder / name
    path.write_text(f"I. TÌNH HÌNH\n\nThu ngân sách trên địa bàn đạt {figure} tỷ đồng, tăng "
                    "5% so với cùng kỳ.\n", encoding="utf-8")
    return path


# -- item 4: a bound on passages per report, and the expected time before confirming --------

def test_a_report_over_the_passage_bound_is_refused_by_name_and_the_rest_is_added(
        index_copy, tmp_path, capsys, monkeypatch):
    from rag.index import limits

    monkeypatch.setattr(limits, "MAX_CHUNKS_PER_REPORT", 50)
    big = long_report(tmp_path / "bao-cao-rat-dai.txt", 600)
    small = small_report(tmp_path, "bao-cao-nho.txt")
    assert cli(["index", "add", str(big), str(small), "--index", str(index_copy)]) == 2
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if line.startswith("baocao: error: ")]
    assert len(errors) == 1 and errors[0].startswith("baocao: error: bao-cao-rat-dai.txt: ")
    assert "over the 50 limit for one report" in errors[0] and "Traceback" not in err
    assert "added: bao-cao-nho" in out
    docs = load_index(index_copy).docs
    assert "bao-cao-nho" in docs and "bao-cao-rat-dai" not in docs


def test_the_plan_refuses_an_oversized_report_and_says_how_long_indexing_will_take(
        plumbing_engine, tmp_path, monkeypatch):
    from rag.index import limits
    from ui.messages import vi_error
    from ui.render import plan_view

    monkeypatch.setattr(limits, "MAX_CHUNKS_PER_REPORT", 50)
    big = long_report(tmp_path / "bao-cao-rat-dai.txt", 600)
    ok = long_report(tmp_path / "bao-cao-vua.txt", 120)
    plans = service.preview([big, ok], plumbing_engine.index)
    assert plans[0].status == "failed" and plans[0].error.code == "index.too_many_chunks"
    assert "vượt giới hạn 50 đoạn" in vi_error(plans[0].error)
    assert plans[1].status == "new" and 10 < plans[1].n_chunks <= 50
    assert plans[1].expected_seconds == pytest.approx(
        plans[1].n_chunks / limits.CHUNKS_PER_SECOND)
    html = plan_view(plans, {p.name: vi_error(p.error) for p in plans if p.error})
    assert "Thời gian lập chỉ mục dự kiến" in html and f"{plans[1].n_chunks} đoạn" in html


def test_a_replacement_counts_only_the_passages_to_embed_again(plumbing_engine, tmp_path):
    """Unchanged passages keep their vectors, so they cost no indexing time."""
    text = (Path(__file__).resolve().parents[1] / "data" / "reports" /
            "lang-son_2024-05_bao-cao-kt-xh.txt").read_text(encoding="utf-8")
    edited = tmp_path / "lang-son_2024-05_bao-cao-kt-xh.txt"
    edited.write_text(text.replace("816 tỷ đồng", "999 tỷ đồng"), encoding="utf-8")
    plan = service.preview([edited], plumbing_engine.index)[0]
    assert plan.status == "replace" and 0 < plan.n_embed < plan.n_chunks / 4


def test_the_live_index_is_untouched_by_a_refused_oversized_report(index_copy, tmp_path,
                                                                     monkeypatch):
    from rag.index import limits

    monkeypatch.setattr(limits, "MAX_CHUNKS_PER_REPORT", 50)
    before = IndexStore(index_copy).live_folder()
    report = service.add([long_report(tmp_path / "dai.txt", 600)], index_copy)
    assert report.version is None and list(report.failed) == ["dai.txt"]
    assert IndexStore(index_copy).live_folder() == before


# -- item 5: long and odd file names ----------------------------------------------------------

def test_a_255_byte_file_name_is_added_with_a_bounded_id_distinct_from_its_neighbour(
        index_copy, tmp_path):
    """ENAMETOOLONG writing docs/<id>.json aborted the whole batch with a traceback."""
    from rag.index.ids import MAX_ID_BYTES

    stem = "bao-cao-" + "ạ" * 80
    names = [stem + "x" * (251 - len(stem.encode()) - i) + "y" * i + ".txt" for i in (0, 1)]
    assert [len(n.encode()) for n in names] == [255, 255]
    report = service.add([small_report(tmp_path, n, str(i)) for i, n in enumerate(names)],
                         index_copy)
    assert not report.failed and len(set(report.added)) == 2
    index = load_index(index_copy)
    for doc_id in report.added:
        assert len(doc_id.encode()) <= MAX_ID_BYTES and doc_id.startswith("bao-cao-ạạ")
        assert (index.folder / "docs" / f"{doc_id}.json").is_file()
    assert {index.docs[d].source for d in report.added} == set(names)


def test_ids_are_never_dot_or_dot_dot(index_copy, tmp_path):
    report = service.add([small_report(tmp_path, "..txt", "1"),
                          small_report(tmp_path, "...txt", "2")], index_copy)
    assert len(report.added) == 2 and not report.failed
    for doc_id in report.added:
        assert doc_id not in (".", "..") and not doc_id.startswith(".")


def test_a_name_in_nfd_gets_the_id_of_the_same_name_in_nfc(index_copy, tmp_path):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Lạng Sơn báo cáo.txt")
    report = service.add([small_report(tmp_path, nfd)], index_copy)
    assert report.added == ["Lạng-Sơn-báo-cáo"]
    (tmp_path / "nfc").mkdir()
    again = service.add([small_report(tmp_path / "nfc", "Lạng Sơn báo cáo.txt", "13")],
                        index_copy)  # the same name typed in NFC: the same report
    assert again.replaced == ["Lạng-Sơn-báo-cáo"]


def test_one_unusable_name_is_refused_by_name_and_the_rest_of_the_batch_is_added(
        index_copy, tmp_path, capsys):
    """A name in a legacy encoding (not UTF-8) could not be written into the manifest: the
    batch died with a traceback and left a .tmp-v-* folder."""
    import os

    bad = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"bao-cao-\xe0.txt"))
    Path(bad).write_text("I. TÌNH HÌNH\n\nThu ngân sách đạt 12 tỷ đồng.\n", encoding="utf-8")
    good = small_report(tmp_path, "bao-cao-tot.txt")
    assert cli(["index", "add", bad, str(good), "--index", str(index_copy)]) == 2
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if line.startswith("baocao: error: ")]
    assert errors == ["baocao: error: bao-cao-\\xe0.txt: the file name is not valid UTF-8 "
                      "(a legacy encoding?); rename the file"]
    assert "added: bao-cao-tot" in out
    assert "bao-cao-tot" in load_index(index_copy).docs
    assert not list(index_copy.glob(".tmp-v-*"))


# -- item 6: a parsed report the manifest lists but the version lacks ------------------------

F2024 = "lang-son_2024-05_bao-cao-kt-xh"


def test_a_missing_parsed_report_is_damage_for_list_add_and_a_fresh_app(index_copy, tmp_path,
                                                                        capsys):
    from ui.state import AppState

    live = IndexStore(index_copy).live_folder()
    (live / "docs" / f"{F2024}.json").unlink()
    small = small_report(tmp_path, "bao-cao-nho.txt")
    for argv in (["index", "list"], ["index", "add", str(small)]):
        assert cli([*argv, "--index", str(index_copy)]) == 2, argv
        out, err = capsys.readouterr()
        lines = err.strip().splitlines()
        assert len(lines) == 1 and f"docs/{F2024}.json is missing" in lines[0], (argv, err)
        assert "index rollback" in lines[0] and "added" not in out
    state = AppState(index_copy)
    state._open_or_report()
    assert state.engine is None and "chỉ mục bị hỏng" in state.status()["text"]


def test_the_reader_says_a_parsed_report_went_missing_under_a_running_app(index_copy):
    from rag.service import Engine
    from ui.handlers import Handlers
    from ui.state import AppState

    h = Handlers(AppState(engine=Engine.open(index_copy)))
    assert "data-doc" in h.open(F2024) or "lang-son" in h.open(F2024)
    (IndexStore(index_copy).live_folder() / "docs" / f"{F2024}.json").unlink()
    html = h.open(F2024)
    assert "chỉ mục bị hỏng" in html and "Traceback" not in html


# -- item 7: damage index list can see, vectors that are not numbers -------------------------

def _cut(path: Path) -> None:
    import os

    os.truncate(path, path.stat().st_size // 2)


def _garbage_line(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(7, "garbage\n")
    path.write_text("".join(lines), encoding="utf-8")


def _one_line_too_few(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")


@pytest.mark.parametrize(("name", "spoil", "why"), [
    ("chunks.jsonl", _cut, "chunks.jsonl is cut short"),
    ("chunks.jsonl", _garbage_line, "chunks.jsonl has 304 lines, the manifest says 303"),
    ("chunks.jsonl", _one_line_too_few, "chunks.jsonl has 302 lines, the manifest says 303"),
    ("bm25_indices.npy", _cut, "bm25_indices.npy is damaged"),
    ("bm25_data.npy", _cut, "bm25_data.npy is damaged"),
])
def test_index_list_sees_cut_and_spoilt_files_as_search_does(index_copy, capsys, name, spoil,
                                                              why):
    spoil(IndexStore(index_copy).live_folder() / name)
    for argv in (["index", "list"], ["search", "thu ngân sách"]):
        assert cli([*argv, "--index", str(index_copy)]) == 2, argv
        out, err = capsys.readouterr()
        assert err.count("\n") == 1 and err.startswith("baocao: error: "), (argv, err)
        assert "damaged" in err and out == ""
    assert cli(["index", "list", "--index", str(index_copy)]) == 2
    assert why in capsys.readouterr().err


def test_a_chunk_line_that_is_not_an_object_is_damage_for_index_list(index_copy, capsys):
    path = IndexStore(index_copy).live_folder() / "chunks.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[7] = "x" * (len(lines[7].encode()) - 1) + "\n"  # same size, same line count
    path.write_text("".join(lines), encoding="utf-8")
    assert cli(["index", "list", "--index", str(index_copy)]) == 2
    assert "chunks.jsonl line 8 is not a chunk" in capsys.readouterr().err


def test_nan_vectors_are_detected_and_kept_out_of_the_next_version(index_copy, tmp_path):
    import numpy as np

    live = IndexStore(index_copy).live_folder()
    vectors = np.load(live / "vectors.npy")
    good = vectors[5].copy()
    vectors[5] = np.nan
    np.save(live / "vectors.npy", vectors)
    index = load_index(index_copy)
    assert index.bad_rows.tolist() == [5] and np.isfinite(index.dense.vectors).all()
    doc = index.chunks[5].doc_id
    report = service.add([small_report(tmp_path, "bao-cao-nho.txt")], index_copy)
    assert report.repaired == [doc]
    after = load_index(index_copy)
    assert after.bad_rows.size == 0
    row = next(i for i, c in enumerate(after.chunks) if c.chunk_id == index.chunks[5].chunk_id)
    assert np.allclose(after.dense.vectors[row], good)
