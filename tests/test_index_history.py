"""Rollback follows the history of which version was live when (issue 22, item 1).

Each test starts from a private copy of the sample corpus indexed with the model-free
``hash`` embedder, writes small reports A, B, C… to it (each a distinct figure, so the
reports live in a version say which writes it holds) and checks what is live and what
is on disk afterwards.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rag import service
from rag.errors import IndexStoreError
from rag.index import IndexStore, load_index
from rag.index import store as store_module

REPO = Path(__file__).resolve().parents[1]
HISTORY = "history.jsonl"  # beside CURRENT
SAMPLE_IDS = 5


def report(tmp_path: Path, letter: str) -> Path:
    """Report ``letter`` (its own file name, so each write adds one report)."""
    path = tmp_path / f"bao-cao-{letter.lower()}.txt"
    path.write_text(f"I. TÌNH HÌNH\n\nThu ngân sách trên địa bàn đạt {ord(letter)} tỷ đồng, "
                    "tăng 5% so với cùng kỳ.\n", encoding="utf-8")
    return path


def held(root: Path) -> set[str]:
    """The letters of the small reports in the live version."""
    return {d.removeprefix("bao-cao-").upper() for d in load_index(root).docs
            if d.startswith("bao-cao-")}


def add(root: Path, tmp_path: Path, letter: str) -> str:
    done = service.add([report(tmp_path, letter)], root)
    assert done.added == [f"bao-cao-{letter.lower()}"]
    return done.version


_KILL_BETWEEN_RENAME_AND_SWAP = """
import os, signal, sys
from pathlib import Path
from rag import service
from rag.index import store
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
store.IndexStore.point_to = die
service.add([Path(sys.argv[2])], sys.argv[1])
"""


def kill_between_rename_and_swap(root: Path, path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", _KILL_BETWEEN_RENAME_AND_SWAP, str(root),
                           str(path)], cwd=REPO, capture_output=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]


def test_rollback_after_a_rollback_and_a_write_returns_to_the_version_before_the_write(
        index_copy, tmp_path):
    """The probe: add A, add B, rollback, add C, rollback gave A+B (the version rolled away
    from); the version live before C is A's."""
    add(index_copy, tmp_path, "A")
    add(index_copy, tmp_path, "B")
    assert service.rollback(index_copy).n_docs == SAMPLE_IDS + 1
    add(index_copy, tmp_path, "C")
    assert held(index_copy) == {"A", "C"}
    service.rollback(index_copy)
    assert held(index_copy) == {"A"}
    service.rollback(index_copy)  # and before A: the sample corpus alone
    assert held(index_copy) == set()
    with pytest.raises(IndexStoreError, match="no earlier version"):
        service.rollback(index_copy)


def test_kill_between_rename_and_swap_then_two_rollbacks_never_revive_the_killed_write(
        index_copy, tmp_path, monkeypatch):
    """A complete folder that was never live (C, killed before CURRENT named it) must not
    count among the versions kept, nor become live by a rollback."""
    monkeypatch.setattr(store_module, "GRACE_SECONDS", 0.0)
    store = IndexStore(index_copy)
    add(index_copy, tmp_path, "A")
    b = add(index_copy, tmp_path, "B")
    kill_between_rename_and_swap(index_copy, report(tmp_path, "C"))
    orphan = [v.name for v in store.versions() if v.name > b]
    assert len(orphan) == 1 and store.live_folder().name == b
    add(index_copy, tmp_path, "D")  # the next writer deletes the orphan, keeps three live
    assert not (index_copy / orphan[0]).exists()
    assert len(store.versions()) == store_module.KEEP_VERSIONS
    assert held(index_copy) == {"A", "B", "D"}
    service.rollback(index_copy)
    assert held(index_copy) == {"A", "B"}
    service.rollback(index_copy)
    assert held(index_copy) == {"A"}


def test_a_killed_write_is_not_made_live_by_a_rollback_of_a_damaged_pointer(
        index_copy, tmp_path):
    b = add(index_copy, tmp_path, "B")
    kill_between_rename_and_swap(index_copy, report(tmp_path, "C"))
    (index_copy / "CURRENT").write_text("", encoding="utf-8")
    done = service.rollback(index_copy)
    assert done.live == b and held(index_copy) == {"B"}


def test_retention_counts_only_versions_that_were_live_and_keeps_rollback_targets(
        index_copy, tmp_path, monkeypatch):
    """After add A, add B, rollback, add C the versions a rollback can reach are C, A and
    the sample; B (rolled away from) goes once its grace period is over."""
    monkeypatch.setattr(store_module, "GRACE_SECONDS", 0.0)
    store = IndexStore(index_copy)
    sample = store.live_folder().name
    a = add(index_copy, tmp_path, "A")
    b = add(index_copy, tmp_path, "B")
    service.rollback(index_copy)
    c = add(index_copy, tmp_path, "C")
    assert [v.name for v in store.versions()] == [sample, a, c]
    assert not (index_copy / b).exists()


def test_grace_period_counts_from_when_a_version_stopped_being_live(index_copy, tmp_path):
    """B stopped being live at the rollback, long after it was written: a writer soon
    after the rollback keeps it (a reader may have read CURRENT just before)."""
    add(index_copy, tmp_path, "A")
    b = add(index_copy, tmp_path, "B")
    service.rollback(index_copy)
    add(index_copy, tmp_path, "C")
    assert (index_copy / b).exists()


def test_history_is_appended_and_an_index_without_it_is_seeded_from_the_change_log(
        index_copy, tmp_path):
    """Backward compatible: an index written before history.jsonl existed rolls back along
    changes.jsonl (the version each write made live and the one it replaced)."""
    sample = IndexStore(index_copy).live_folder().name
    a = add(index_copy, tmp_path, "A")
    b = add(index_copy, tmp_path, "B")
    service.rollback(index_copy)
    c = add(index_copy, tmp_path, "C")
    lines = (index_copy / HISTORY).read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["live"] for x in lines] == [sample, a, b, a, c]
    (index_copy / HISTORY).unlink()
    assert service.rollback(index_copy).live == a
    assert service.rollback(index_copy).live == sample


def test_a_publish_whose_history_line_was_lost_is_repaired_from_current(index_copy, tmp_path):
    """A crash after the pointer swap and before the history line: CURRENT is the truth."""
    a = add(index_copy, tmp_path, "A")
    b = add(index_copy, tmp_path, "B")
    path = index_copy / HISTORY
    lines = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[-1])["live"] == b
    path.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:20], encoding="utf-8")  # cut
    assert service.rollback(index_copy).live == a


def test_an_index_without_history_or_change_log_rolls_back_by_name_and_drops_no_live_one(
        index_copy, tmp_path, monkeypatch):
    """The oldest indexes: every folder up to CURRENT counts as once live, in name order;
    a newer folder (never named by CURRENT) is a killed write's, deleted by the next one."""
    monkeypatch.setattr(store_module, "GRACE_SECONDS", 0.0)
    a = add(index_copy, tmp_path, "A")
    b = add(index_copy, tmp_path, "B")
    kill_between_rename_and_swap(index_copy, report(tmp_path, "C"))
    (index_copy / HISTORY).unlink()
    (index_copy / "changes.jsonl").unlink()
    d = add(index_copy, tmp_path, "D")
    assert [v.name for v in IndexStore(index_copy).versions()] == [a, b, d]
    assert service.rollback(index_copy).live == b
