"""Every machine output follows its published JSON Schema (``schemas/``), checked on real
outputs: the sample corpus and real documents of other provinces (``hash`` embedder: the
subject is the shape, not the ranking). A change of shape fails here until the schema,
its version and CHANGELOG.md say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from contract import SCHEMAS, check, validator
from realdocs import REPO, build_index, realdoc

from rag import contract
from rag.records import Answer, AnswerItem, Comparison, Headline, Observation, Period
from ui.cli import main

SAMPLE = REPO / "data" / "reports"
REAL = ("daknong_2019-2020_dakhoa-indicator-table.pdf",
        "stats-office/hung-yen_2025-01_bao-cao-kt-xh.txt",
        "stats-office/hung-yen_2025-07_bao-cao-kt-xh.txt",
        "lamdong_2025_associations-report-bc-ubnd.docx")


def run_json(capsys, *argv):
    assert main([str(a) for a in argv]) == 0
    return json.loads(capsys.readouterr().out)


def _shape(schema):
    """A schema without its prose: what a client's validator sees."""
    if isinstance(schema, dict):
        return {k: _shape(v) for k, v in schema.items() if k not in ("description", "title")}
    if isinstance(schema, list):
        return [_shape(v) for v in schema]
    return schema


@pytest.mark.parametrize("name", list(contract.OUTPUTS))
def test_published_schema_is_the_one_the_records_give(name):
    """A record that gains, loses or retypes a field changes the generated schema: publish
    it (python -m rag.contract), bump the version in rag/contract and say so in
    CHANGELOG.md."""
    published = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert _shape(published) == _shape(contract.schema(name)), (
        f"schemas/{name}.schema.json is not what the records give: run "
        "`python -m rag.contract`, bump its version and record the change in CHANGELOG.md")
    validator(name)  # a valid draft 2020-12 schema
    assert published["properties"]["schema_version"]["const"] == contract.VERSIONS[name]


def test_changelog_names_every_schema_version():
    log = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    for name, version in contract.VERSIONS.items():
        assert f"| `{name}` | {version} |" in log, f"CHANGELOG.md lists no {name} {version}"


@pytest.mark.parametrize("path", [
    SAMPLE / "lang-son_2024-05_bao-cao-kt-xh.txt", SAMPLE / "lang-son_2021-9t_bao-cao-kt-xh.txt",
    "daknong_2019-2020_dakhoa-indicator-table.pdf", "binhdinh_2020-07_ubnd-letter-nq84-signed.pdf",
    "lamdong_2025_associations-report-bc-ubnd.docx",
    "more/bac-ninh_2025-11_kh-144-digital-economy-2026-2030.md",
    "stats-office/hung-yen_2025-01_bao-cao-kt-xh.txt"], ids=lambda p: Path(p).name)
def test_parse_json(path, capsys):
    path = path if isinstance(path, Path) else realdoc(path)
    out = run_json(capsys, "parse", path, "--json")
    check("parse", out)
    assert out["schema_version"] == contract.VERSIONS["parse"] and out["chunks"]


def test_index_list_search_queries_and_series_on_the_sample(plumbing_index, tmp_path, capsys):
    listed = run_json(capsys, "index", "list", "--json", "--index", plumbing_index)
    check("reports", listed)
    assert len(listed["reports"]) == 5
    found = run_json(capsys, "search", "thu ngân sách tháng 1/2023", "--json", "--index",
                     plumbing_index, "--k", 3)
    check("search", found)
    assert len(found["hits"]) == 3 and found["periods"][0]["label"] == "tháng 1/2023"
    queries = tmp_path / "q.txt"
    queries.write_text("giai ngan von dau tu cong thang 5/2024\nkim ngach XNK quy I/2022\n",
                       encoding="utf-8")
    assert main(["search", "--queries", str(queries), "--index", str(plumbing_index)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(lines) == 2
    for line in lines:
        check("search", line)
    series = run_json(capsys, "series", "thu ngân sách nhà nước", "--json", "--index",
                      plumbing_index)
    check("series", series)
    assert len(series["rows"]) == 6


@pytest.mark.parametrize("question,reason,filled", [
    ("giai ngan von dau tu cong thang 5/2024", None, "headline"),  # with its footnotes
    ("kim ngạch XNK tháng 8/2024?", "period_not_covered", "related"),
    ("thu ngân sách nhà nước qua các tháng", None, "series"),  # a line per period
    ("tình hình kinh tế tỉnh Cà Mau tháng 5/2024", "place_not_covered", None),
])
def test_ask_json_on_the_sample(plumbing_index, question, reason, filled, capsys):
    out = run_json(capsys, "ask", question, "--json", "--index", plumbing_index)
    check("answer", out)
    assert out["schema_version"] == contract.VERSIONS["answer"] and out["question"] == question
    assert out["reason"] == reason and out["abstained"] == (reason is not None)
    assert filled is None or out[filled]  # the part of the answer this question exercises


def test_ask_json_in_a_report_it_does_not_answer(plumbing_index, capsys):
    out = run_json(capsys, "ask", "giải ngân vốn đầu tư công tháng 5/2024", "--json", "--index",
                   plumbing_index, "--doc", "lang-son_2023-01_bao-cao-kt-xh")
    check("answer", out)
    assert out["reason"] == "not_in_selected" and out["result"]["elsewhere"]


def test_eval_out_rows(plumbing_index, tmp_path, capsys):
    gold = [json.loads(x) for x in (REPO / "eval" / "gold.jsonl").read_text("utf-8").splitlines()]
    picked = gold[:2] + [g for g in gold if g["type"] == "unanswerable"][:1]
    (tmp_path / "gold.jsonl").write_text("\n".join(json.dumps(g, ensure_ascii=False)
                                                  for g in picked) + "\n", encoding="utf-8")
    out = tmp_path / "rows.jsonl"
    assert main(["eval", "--gold", str(tmp_path / "gold.jsonl"), "--out", str(out),
                 "--index", str(plumbing_index)]) == 0
    rows = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == [g["id"] for g in picked]
    for row in rows:
        check("eval-row", row)


@pytest.fixture(scope="module")
def real_index(tmp_path_factory):
    return build_index(tmp_path_factory.mktemp("contract") / "real", REAL,
                       ("lang-son_2024-05_bao-cao-kt-xh.txt",))


@pytest.mark.parametrize("question", [
    "diện tích cà phê xã Đắk Hòa thực hiện năm 2019",  # a table cell
    "chỉ số sản xuất công nghiệp tháng 1/2025",
    "tổng mức bán lẻ hàng hóa 7 tháng năm 2025",
    "số hội giải thể năm 2025",
])
def test_ask_json_on_real_documents(real_index, question, capsys):
    out = run_json(capsys, "ask", question, "--json", "--index", real_index)
    check("answer", out)


def test_list_search_and_series_on_real_documents(real_index, capsys):
    listed = run_json(capsys, "index", "list", "--json", "--index", real_index)
    check("reports", listed)
    assert {r["doc_id"] for r in listed["reports"]} >= {"hung-yen_2025-01_bao-cao-kt-xh",
                                                         "daknong_2019-2020_dakhoa-indicator-table"}
    found = run_json(capsys, "search", "Cà phê Đắk Hòa", "--json", "--index", real_index)
    check("search", found)
    assert any(h["chunk"]["table"] for h in found["hits"])  # a table row's TableRef
    assert main(["series", "chỉ số sản xuất công nghiệp", "--json", "--index",
                 str(real_index)]) in (0, 2)
    captured = capsys.readouterr()
    if captured.out:
        check("series", json.loads(captured.out))


def test_headline_items_and_series_as_the_records_write_them(plumbing_engine):
    """The parts of an answer the composer fills for figure questions, written by the one
    serialization rule and checked against the schema."""
    base = plumbing_engine.ask("giai ngan von dau tu cong thang 5/2024")
    may = Period(2024, 1, 5, "cumulative", "5 tháng đầu năm 2024")
    obs = Observation("giải ngân vốn đầu tư công", "giai ngan von dau tu cong", "816", 816.0,
                      "tỷ đồng", may, "lang-son_2024-05_bao-cao-kt-xh",
                      "lang-son_2024-05_bao-cao-kt-xh#012", "ước đạt 816 tỷ đồng", "816 tỷ đồng",
                      (Comparison("đạt 23,7% kế hoạch", "plan_pct", 23.7),), span=(10, 40))
    full = Answer(base.question, base.text, False, None, base.citations, base.result,
                  Headline("giải ngân vốn đầu tư công", "816 tỷ đồng", 816.0, "tỷ đồng",
                           may.label, ("đạt 23,7% kế hoạch",), "", 1),
                  (AnswerItem("part", "ngân sách địa phương 234 tỷ đồng", 1),
                   AnswerItem("note", "Chú thích 10: Gồm: …", 1)), (obs,))
    check("answer", contract.stamp("answer", full.to_dict()))


def test_a_change_of_shape_is_caught(plumbing_index, capsys):
    out = run_json(capsys, "ask", "giai ngan von dau tu cong thang 5/2024", "--json", "--index",
                   plumbing_index)
    for changed in ({**out, "answer": out["text"]},  # a field added
                    {k: v for k, v in out.items() if k != "abstained"},  # a field removed
                    {**out, "schema_version": "1.0.0"},  # another version
                    {**out, "citations": [{**out["citations"][0], "n": "1"}]}):  # retyped
        with pytest.raises(AssertionError, match="leaves schemas/answer"):
            check("answer", changed)
