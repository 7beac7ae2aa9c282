"""Commands load only what they need: no model, torch, FAISS or gradio for commands that
embed nothing, and only the configured embedder's runtime for ``ask``.

Each command runs in a fresh interpreter (``ui.cli.main``), which then lists the heavy
modules it has imported. Timings are measured by eval/bench_startup.py, not here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "data" / "reports" / "lang-son_2022-01_bao-cao-kt-xh.txt"
HEAVY = ("torch", "sentence_transformers", "transformers", "onnxruntime", "onnx", "faiss",
         "gradio", "tokenizers", "langchain_text_splitters")


def loaded_after(args: list[str], tmp_path: Path) -> tuple[int, list[str]]:
    out = tmp_path / "modules.json"
    code = (f"import json, sys\nfrom ui.cli import main\n"
            f"try:\n    rc = main({args!r})\nexcept SystemExit as exc:  # --help\n"
            f"    rc = exc.code\n"
            f"heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
            f"open({str(out)!r}, 'w').write(json.dumps([rc, heavy]))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rc, heavy = json.loads(out.read_text())
    return rc, heavy


@pytest.fixture()
def model_index_copy(sample_index, tmp_path) -> Path:
    """A copy of the index built with the real default embedder."""
    dest = tmp_path / "copy"
    shutil.copytree(sample_index, dest)
    return dest


def test_list_remove_and_errors_load_no_model(model_index_copy, tmp_path):
    index = str(model_index_copy)
    assert loaded_after(["index", "list", "--index", index], tmp_path) == (0, [])
    rc, heavy = loaded_after(["index", "remove", "lang-son_2022-01_bao-cao-kt-xh",
                              "--index", index], tmp_path)
    assert (rc, heavy) == (0, [])
    listed = subprocess.run([sys.executable, "-m", "ui.cli", "index", "list", "--index", index],
                            cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert "lang-son_2022-01" not in listed and listed.count("\n") == 4
    assert loaded_after(["--help"], tmp_path) == (0, [])
    # errors: a report not in the index, no index at all, an unknown embedder
    assert loaded_after(["index", "remove", "khong-co", "--index", index], tmp_path) == (2, [])
    assert loaded_after(["search", "thu ngân sách", "--index", str(tmp_path / "none")],
                        tmp_path) == (2, [])
    assert loaded_after(["index", "build", "--embedder", "typo", "--index",
                         str(tmp_path / "i")], tmp_path) == (2, [])


def test_parse_loads_no_model_or_index_library(tmp_path):
    rc, heavy = loaded_after(["parse", str(REPORT)], tmp_path)
    assert rc == 0 and heavy == ["langchain_text_splitters"]  # the chunker's splitter


def test_ask_loads_only_the_default_embedders_runtime(sample_index, tmp_path):
    rc, heavy = loaded_after(["ask", "giải ngân vốn đầu tư công tháng 5/2024?", "--index",
                              str(sample_index)], tmp_path)
    assert rc == 0 and heavy == ["onnxruntime"]


def test_ask_on_a_hash_index_loads_no_model_runtime(plumbing_index, tmp_path):
    rc, heavy = loaded_after(["ask", "thu ngân sách tháng 1/2023", "--index",
                              str(plumbing_index)], tmp_path)
    assert rc == 0 and heavy == []
