"""Records, errors and package boundaries: the contracts every stage relies on."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from rag.errors import MESSAGES, BaocaoError, InputError
from rag.ingest import parse_file
from rag.records import Document
from ui.messages import VI, vi_error, vi_number

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "data" / "reports" / "lang-son_2024-05_bao-cao-kt-xh.txt"


def test_document_round_trips_through_json():
    doc = parse_file(REPORT)
    again = Document.from_dict(json.loads(json.dumps(doc.to_dict(), ensure_ascii=False)))
    assert again == doc
    assert isinstance(next(iter(again.footnotes)), int)  # JSON keys came back as numbers
    assert again.paragraphs[5].section_path == doc.paragraphs[5].section_path


def test_answer_round_trips_through_json(plumbing_engine):
    from rag.records import Answer

    answer = plumbing_engine.ask("giải ngân vốn đầu tư công tháng 5/2024?")
    again = Answer.from_dict(json.loads(json.dumps(answer.to_dict(), ensure_ascii=False)))
    assert again == answer and again.citations[0].span == answer.citations[0].span


def test_every_error_code_has_a_vietnamese_message():
    assert set(VI) == set(MESSAGES)


def test_unknown_error_code_fails_loudly():
    with pytest.raises(KeyError):
        BaocaoError("file.no_such_code")


def test_vietnamese_message_uses_vietnamese_numbers():
    exc = InputError("file.too_large", name="x.pdf", size_mb=25.8, limit_mb=20)
    assert str(exc) == "x.pdf: 25.8 MB is over the 20 MB limit"
    assert vi_error(exc).startswith("tệp «x.pdf» 25,8 MB, lớn hơn giới hạn 20 MB")
    assert vi_number(1234567.891, 2) == "1.234.567,89"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_library_never_imports_the_app():
    offenders = [str(p.relative_to(REPO)) for p in (REPO / "rag").rglob("*.py")
                 if "ui" in _imports(p)]
    assert offenders == []


def test_no_library_module_over_400_lines():
    long = {str(p.relative_to(REPO)): n for p in (REPO / "rag").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_importing_rag_loads_nothing_heavy():
    code = ("import sys, rag; "
            "print(sorted(m for m in ('numpy', 'torch', 'faiss') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                         check=True)
    assert out.stdout.strip() == "[]"
