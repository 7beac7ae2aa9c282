"""Never lose an index: damaged indexes, crashes, concurrent readers, rollback, the change log.

Every test here starts from a private copy of the sample corpus indexed with the
model-free ``hash`` embedder (the subject is the store, not the model) and checks
what is on disk afterwards, file by file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from rag import service
from rag.errors import BaocaoError, IndexStoreError
from rag.index import IndexStore, load_index
from rag.index import store as store_module
from rag.index.history import read_log
from ui.cli import main as cli

REPO = Path(__file__).resolve().parents[1]
REPORTS = REPO / "data" / "reports"
F2024 = "lang-son_2024-05_bao-cao-kt-xh"
DAMAGE = ["vectors_cut", "manifest_broken", "chunks_missing", "vocab_missing",
          "current_missing_folder", "current_empty", "format_newer", "current_deleted"]


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``root`` with its size and mtime (the lock aside)."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.name != ".lock"}


def damage(root: Path, kind: str) -> None:
    live = IndexStore(root).live_folder()
    if kind == "vectors_cut":
        path = live / "vectors.npy"
        os.truncate(path, path.stat().st_size // 2)
    elif kind == "manifest_broken":
        (live / "manifest.json").write_text('{"format_version": 2, "embed', encoding="utf-8")
    elif kind == "chunks_missing":
        (live / "chunks.jsonl").unlink()
    elif kind == "vocab_missing":
        (live / "bm25_vocab.json").unlink()
    elif kind == "current_missing_folder":
        (root / "CURRENT").write_text("v-missing\n", encoding="utf-8")
    elif kind == "current_empty":
        (root / "CURRENT").write_text("", encoding="utf-8")
    elif kind == "format_newer":
        data = json.loads((live / "manifest.json").read_text(encoding="utf-8"))
        data["format_version"] += 1
        (live / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    elif kind == "current_deleted":  # versions on disk, no pointer: damaged, not new
        (root / "CURRENT").unlink()


def small_report(tmp_path: Path, name: str = "bao-cao-nho.txt", figure: str = "12") -> Path:
    path = tmp_path / name
    path.write_text(f"I. TÌNH HÌNH\n\nThu ngân sách trên địa bàn đạt {figure} tỷ đồng, tăng "
                    "5% so với cùng kỳ.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", DAMAGE)
def test_damaged_index_is_one_line_for_list_ask_add_and_nothing_is_deleted(
        index_copy, tmp_path, capsys, kind):
    damage(index_copy, kind)
    before = snapshot(index_copy)
    new = small_report(tmp_path)
    for argv in (["index", "list"], ["ask", "thu ngân sách tháng 5/2024"],
                 ["index", "add", str(new)]):
        assert cli([*argv, "--index", str(index_copy)]) == 2, argv
        out, err = capsys.readouterr()
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("baocao: error: "), (argv, err)
        assert "index build --force" in lines[0] and "Traceback" not in err
        assert "added" not in out
    assert snapshot(index_copy) == before


def test_add_to_a_pointer_naming_nothing_keeps_every_report(index_copy, tmp_path):
    """The probe of issue 14: 'echo v-missing > CURRENT; baocao index add good.txt' exited 0
    with one report indexed and deleted all the others."""
    versions = IndexStore(index_copy).versions()
    (index_copy / "CURRENT").write_text("v-missing\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "ui.cli", "index", "add",
                           str(small_report(tmp_path)), "--index", str(index_copy)],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "'v-missing'" in proc.stderr
    assert IndexStore(index_copy).versions() == versions
    assert cli(["index", "rollback", "--index", str(index_copy)]) == 0
    assert len(load_index(index_copy).docs) == 5


def test_rollback_undoes_a_write_and_says_which_version_is_live(index_copy, tmp_path, capsys):
    first = IndexStore(index_copy).live_folder().name
    report = service.add([small_report(tmp_path)], index_copy)
    assert report.added == ["bao-cao-nho"] and report.version != first
    capsys.readouterr()
    assert cli(["index", "rollback", "--index", str(index_copy)]) == 0
    line = capsys.readouterr().out
    assert line.count("\n") == 1 and line.startswith(f"live now: {first} ")
    assert "5 reports, 303 chunks" in line and report.version in line
    assert "bao-cao-nho" not in load_index(index_copy).docs
    assert cli(["index", "rollback", "--index", str(index_copy)]) == 2  # nothing older
    assert "no earlier version" in capsys.readouterr().err
    kinds = [e["action"] for e in read_log(index_copy)]
    assert kinds[-2:] == ["add", "rollback"]


def test_change_log_says_who_changed_what(index_copy, tmp_path):
    new = small_report(tmp_path)
    service.add([new], index_copy, who="web admin 127.0.0.1")
    service.add([small_report(tmp_path, figure="13")], index_copy, who="cli tester")
    service.remove(["bao-cao-nho"], index_copy)
    log = read_log(index_copy)[-3:]
    assert [(e["action"], e["who"]) for e in log[:2]] == [("add", "web admin 127.0.0.1"),
                                                           ("add", "cli tester")]
    assert log[0]["added"] == ["bao-cao-nho"] and log[1]["replaced"] == ["bao-cao-nho"]
    assert log[2]["action"] == "remove" and log[2]["removed"] == ["bao-cao-nho"]
    assert "@" in log[2]["who"]  # user@host of this process
    assert log[1]["previous"] == log[0]["version"] and log[2]["previous"] == log[1]["version"]
    assert all(e["time"][:2] == "20" for e in log)


def test_refused_upload_publishes_nothing(index_copy, tmp_path):
    before = snapshot(index_copy)
    bad = tmp_path / "hong.txt"
    bad.write_bytes("Báo cáo".encode("utf-16"))
    headings = tmp_path / "chi-co-de-muc.txt"
    headings.write_text("I. TÌNH HÌNH\n\n1. Kinh tế\n\n2. Xã hội\n", encoding="utf-8")
    report = service.add([bad, headings], index_copy)
    assert set(report.failed) == {"hong.txt", "chi-co-de-muc.txt"}
    assert report.errors["chi-co-de-muc.txt"].code == "index.no_chunks"
    assert report.version is None and snapshot(index_copy) == before


def test_cli_add_of_a_refused_file_says_why_on_stderr_and_exits_2(index_copy, tmp_path,
                                                                   capsys):
    bad = tmp_path / "hong.txt"
    bad.write_bytes("Báo cáo".encode("utf-16"))
    before = snapshot(index_copy)
    assert cli(["index", "add", "--index", str(index_copy), str(bad)]) == 2
    out, err = capsys.readouterr()
    assert err == "baocao: error: hong.txt: the file is UTF-16 encoded; save it as UTF-8\n"
    assert "(nothing changed)" in out and "failed" not in out
    assert snapshot(index_copy) == before


def test_a_reader_that_read_current_before_many_publishes_still_opens_its_version(
        index_copy, tmp_path):
    """Deterministic interleaving: CURRENT is read, five versions are published, then the
    version read is loaded (the old cleanup deleted it after the first publish)."""
    store = IndexStore(index_copy)
    folder = store.live_folder()
    for i in range(5):
        service.add([small_report(tmp_path, figure=str(20 + i))], index_copy)
    from rag.index.load import load_version

    old = load_version(store, folder)
    assert len(old.docs) == 5 and len(store.versions()) == 6


def test_versions_beyond_the_last_three_go_once_their_grace_period_is_over(
        index_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "GRACE_SECONDS", 0.0)
    for i in range(4):
        service.add([small_report(tmp_path, figure=str(30 + i))], index_copy)
    store = IndexStore(index_copy)
    assert len(store.versions()) == store_module.KEEP_VERSIONS
    assert store.live_folder() == store.versions()[-1]


def test_concurrent_loads_while_a_writer_publishes_never_fail(index_copy, tmp_path):
    """Two readers load the index in a loop while a writer publishes five times (more than
    the versions kept by count, so only the grace period keeps a version being read)."""
    failures: list[str] = []
    loads = [0]
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            try:
                index = load_index(index_copy)
                index.document(F2024)  # the reader view reads from the version folder later
                loads[0] += 1
            except (BaocaoError, OSError) as exc:
                failures.append(repr(exc))

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for i in range(5):
            service.add([small_report(tmp_path, figure=str(40 + i))], index_copy)
    finally:
        done.set()
        for t in threads:
            t.join(timeout=60)
    assert failures == [] and loads[0] >= 5


_KILL_SCRIPT = """
import os, signal, sys
from pathlib import Path
from rag import service, fsutil
from rag.index import store
point = sys.argv[2]
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
if point == "before_rename":
    store.fsync_tree = die
elif point == "before_pointer":
    store.IndexStore.point_to = die
elif point == "pointer_tmp_written":
    fsutil.os.replace = die
service.add([Path(sys.argv[3])], sys.argv[1])
"""


@pytest.mark.parametrize("point", ["before_rename", "before_pointer", "pointer_tmp_written"])
def test_kill_9_while_publishing_leaves_the_previous_index_and_is_cleaned_up(
        index_copy, tmp_path, point):
    before = load_index(index_copy)
    new = small_report(tmp_path)
    proc = subprocess.run([sys.executable, "-c", _KILL_SCRIPT, str(index_copy), point, str(new)],
                          cwd=REPO, capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    after = load_index(index_copy)
    assert after.folder == before.folder and "bao-cao-nho" not in after.docs
    leftovers = list(index_copy.glob(".tmp-v-*")) + list(index_copy.glob(".CURRENT.*.tmp"))
    assert leftovers or point == "before_pointer"
    report = service.add([new], index_copy)  # the next writer works and cleans up
    assert report.added == ["bao-cao-nho"]
    assert not list(index_copy.glob(".tmp-v-*")) and not list(index_copy.glob(".CURRENT.*"))
    assert len(load_index(index_copy).docs) == 6


def test_file_names_that_slug_alike_get_distinct_stable_ids(index_copy, tmp_path):
    one, two = tmp_path / "a", tmp_path / "b"
    one.mkdir()
    two.mkdir()
    files = [small_report(one, "x.txt", "1"), small_report(one, "x.md", "2"),
             small_report(one, "a b.txt", "3"), small_report(one, "a-b.txt", "4")]
    report = service.add(files, index_copy)
    ids = report.added
    assert len(set(ids)) == 4 and ids[0] == "x" and ids[2] == "a-b"
    assert ids[1].startswith("x-") and ids[3].startswith("a-b-") and len(ids[1]) == 8
    index = load_index(index_copy)
    assert {index.docs[i].source for i in ids} == {"x.txt", "x.md", "a b.txt", "a-b.txt"}
    texts = {index.docs[i].source: " ".join(c.text for c in index.chunks if c.doc_id == i)
             for i in ids}
    assert "đạt 2 tỷ đồng" in texts["x.md"] and "đạt 4 tỷ đồng" in texts["a-b.txt"]
    again = service.add([small_report(two, "x.md", "5")], index_copy)  # same name: same id
    assert again.added == again.replaced == [ids[1]]
    assert F2024 in load_index(index_copy).docs  # the sample ids are the slugs they were


def test_replacement_only_where_allowed_and_of_the_version_shown(index_copy, tmp_path):
    text = (REPORTS / f"{F2024}.txt").read_text(encoding="utf-8")
    edited = tmp_path / f"{F2024}.txt"
    edited.write_text(text.replace("816 tỷ đồng", "999 tỷ đồng"), encoding="utf-8")
    before = snapshot(index_copy)
    refused = service.add([edited], index_copy, replace=False)
    assert refused.errors[edited.name].code == "index.replace_unconfirmed"
    stale = service.add([edited], index_copy, replace={F2024: "0" * 64})
    assert stale.errors[edited.name].code == "index.replace_unconfirmed"
    assert snapshot(index_copy) == before
    shown = service.preview([edited], load_index(index_copy))[0]
    assert shown.status == "replace" and shown.doc_id == F2024
    assert "816 tỷ đồng" in shown.removed_figures and "999 tỷ đồng" in shown.added_figures
    done = service.add([edited], index_copy, replace=shown.expect)
    assert done.replaced == [F2024]
    chunks = load_index(index_copy).chunks
    assert any("999 tỷ đồng" in c.text for c in chunks if c.doc_id == F2024)


def test_verify_catches_vectors_that_do_not_match_the_manifest(index_copy):
    store = IndexStore(index_copy)
    live = store.live_folder()
    vectors = np.load(live / "vectors.npy")
    np.save(live / "vectors.npy", vectors[:-1])
    with pytest.raises(IndexStoreError, match="manifest says 303 chunks"):
        load_index(index_copy)
