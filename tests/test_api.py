"""The HTTP API of ``baocao serve``: a real server process on a free port (``hash``
embedder index), called with httpx. Every body is checked against its published schema,
every error against the ``error`` schema with its status, code and Vietnamese message;
writes need the admin token and a confirmation, and are logged."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from contract import SCHEMAS, check
from realdocs import realdoc
from ui_helpers import SHOTS, TOKEN, browser, expect, free_port
from ui_helpers import ask as ask_in_page

from rag import service
from rag.errors import BaocaoError
from rag.index.history import read_log
from ui.messages import vi_error

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
MAY = "lang-son_2024-05_bao-cao-kt-xh"
JAN23 = "lang-son_2023-01_bao-cao-kt-xh"
QUESTION = "giai ngan von dau tu cong thang 5/2024"
BURST = 40  # the server's per-client burst in this module (the app's and the API's)


def start(root: Path, log: Path, token_file: Path | None = None) -> SimpleNamespace:
    """``baocao serve`` in its own process; returns once its health says ready."""
    port = free_port()
    argv = [sys.executable, "-m", "ui.cli", "serve", "--index", str(root), "--port", str(port)]
    argv += ["--admin-token-file", str(token_file)] if token_file else []
    env = {**os.environ, "BAOCAO_CLIENT_BURST": str(BURST), "BAOCAO_ADMIN_TOKEN": ""}
    proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"baocao serve exited:\n{log.read_text()[-3000:]}"
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=5).json()["status"] == "ready":
                return SimpleNamespace(url=url, root=root, proc=proc, log=log)
        except (httpx.HTTPError, json.JSONDecodeError, KeyError):
            pass
        time.sleep(0.3)
    proc.kill()
    raise AssertionError(f"not ready in time:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(plumbing_index, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("api")
    shutil.copytree(plumbing_index, tmp / "index")
    (tmp / "token").write_text(TOKEN + "\n", encoding="utf-8")
    srv = start(tmp / "index", tmp / "serve.log", tmp / "token")
    yield srv
    srv.proc.terminate()
    try:
        srv.proc.wait(15)
    except subprocess.TimeoutExpired:
        srv.proc.kill()


@pytest.fixture()
def http(server):
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def ok(response: httpx.Response, name: str, status: int = 200) -> dict:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    check(name, body)
    return body


def refused(response: httpx.Response, status: int, code: str) -> dict:
    """An error body: the status, the code, and the code's Vietnamese sentence."""
    body = ok(response, "error", status)
    assert (body["status"], body["code"]) == (status, code)
    assert body["message"] == vi_error(BaocaoError(code, **body["details"]))
    return body


def test_read_endpoints_answer_with_the_cli_json(server, http, plumbing_engine):
    health = ok(http.get("/api/v1/health"), "health")
    assert (health["status"], health["reports"], health["embedder"]) == ("ready", 5, "hash")
    answer = ok(http.get("/api/v1/ask", params={"q": QUESTION}), "answer")
    same = plumbing_engine.ask(QUESTION).to_dict()  # the same index, in this process
    assert "816 tỷ đồng" in answer["text"] and answer["text"] == same["text"]
    assert answer["citations"] == same["citations"]
    filtered = ok(http.get("/api/v1/ask", params={"q": QUESTION, "doc": [JAN23, MAY],
                                                  "period": "tháng 5/2024", "k": 5}), "answer")
    assert filtered["result"]["doc_ids"] == [JAN23, MAY]
    assert {c["doc_id"] for c in filtered["citations"]} == {MAY}
    found = ok(http.get("/api/v1/search", params={"q": "thu ngân sách tháng 1/2023", "k": 3}),
               "search")
    assert len(found["hits"]) == 3 and found["hits"][0]["doc"]["doc_id"] == JAN23
    listed = ok(http.get("/api/v1/reports"), "reports")
    assert listed["reports"] == [d.to_dict() for d in service.list_documents(server.root)]
    one = ok(http.get(f"/api/v1/reports/{MAY}"), "report")
    assert one["info"]["doc_id"] == MAY and "816 tỷ đồng" in one["document"]["text"]
    series = ok(http.get("/api/v1/series", params={"indicator": "thu ngân sách nhà nước"}),
                "series")
    assert [r["value_text"] for r in series["rows"]][:2] == ["8.127,9", "855"]


def test_openapi_and_docs_are_served_without_the_network(http):
    spec = http.get("/api/openapi.json").json()
    assert {"/api/v1/ask", "/api/v1/search", "/api/v1/reports", "/api/v1/reports/{doc_id}",
            "/api/v1/series", "/api/v1/health"} <= set(spec["paths"])
    assert set(spec["paths"]["/api/v1/reports"]) == {"get", "post"}  # the token is set
    ask = spec["paths"]["/api/v1/ask"]["get"]
    assert ask["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AnswerOutput"}
    assert {"400", "404", "429", "503"} <= set(ask["responses"])
    published = json.loads((SCHEMAS / "answer.schema.json").read_text(encoding="utf-8"))
    assert set(spec["components"]["schemas"]["AnswerOutput"]["properties"]) == set(
        published["properties"])
    assert http.get("/api/v1/schemas/answer").json() == published
    page = http.get("/api/docs")
    assert page.status_code == 200 and "/api/docs/assets/swagger-ui-bundle.js" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing from a CDN
    script = http.get("/api/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 500_000


@pytest.mark.browser
def test_docs_and_app_render_in_a_browser_with_no_network(server):
    """Swagger UI from the local assets, and the web app mounted beside the API, answering:
    every request that leaves the server is refused."""
    left = []

    def only_local(route):
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    with browser() as chromium:
        page = chromium.new_page(viewport={"width": 1366, "height": 900})
        page.route("**/*", only_local)
        page.goto(f"{server.url}/api/docs")
        paths = page.locator(".opblock-summary-path")
        expect(paths.first).to_be_visible()
        assert {"/api/v1/ask", "/api/v1/search", "/api/v1/series", "/api/v1/health"} <= set(
            paths.all_inner_texts())
        page.locator(".opblock-summary-path", has_text="/api/v1/ask").first.click()
        expect(page.get_by_text("passages to consider, 1 to 50")).to_be_visible()
        page.screenshot(path=str(SHOTS / "api-docs.png"))
        page.close()
        app = chromium.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        app.route("**/*", only_local)
        app.goto(f"{server.url}/")  # the web app, mounted into the API
        expect(app.locator("#status-line")).to_contain_text("Sẵn sàng: 5 báo cáo")
        expect(ask_in_page(app, QUESTION)).to_contain_text("816 tỷ đồng")
        app.screenshot(path=str(SHOTS / "api-mounted-app.png"))
        app.close()
    assert left == []


@pytest.mark.parametrize("path,params,status,code", [
    ("/api/v1/ask", {}, 400, "request.missing"),
    ("/api/v1/ask", {"q": "  "}, 400, "query.empty"),
    ("/api/v1/ask", {"q": "thu ngân sách " * 40}, 400, "query.too_long"),
    ("/api/v1/ask", {"q": QUESTION, "k": 0}, 400, "query.bad_k"),
    ("/api/v1/search", {"q": QUESTION, "k": 51}, 400, "query.bad_k"),
    ("/api/v1/search", {"q": QUESTION, "k": "mười"}, 400, "request.invalid"),
    ("/api/v1/ask", {"q": "thu ngân sách", "period": "tháng 13/2024"}, 400, "query.bad_period"),
    ("/api/v1/ask", {"q": QUESTION, "doc": "khong-co-bao-cao-nay"}, 404, "index.no_report"),
    ("/api/v1/reports/khong-co-bao-cao-nay", {}, 404, "index.no_report"),
    ("/api/v1/series", {"indicator": "tàu vũ trụ"}, 404, "series.unknown_indicator"),
    ("/api/v1/khong-co", {}, 404, "request.not_found"),
])
def test_bad_input_is_refused_with_its_code(http, path, params, status, code):
    refused(http.get(path, params=params), status, code)


def readme_example() -> str:
    """The ``gradio_client`` example of README.md ("Gradio API")."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Gradio API", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readme_gradio_client_example_runs(server):
    """The page's /ask event with a report filter, and /answer's JSON, from gradio_client
    as the README shows them (the report choices come from the index at start)."""
    code = readme_example()
    assert "http://127.0.0.1:7860/" in code
    names: dict = {}
    exec(compile(code.replace("http://127.0.0.1:7860/", f"{server.url}/"), "README.md",
                 "exec"), names)
    answer, html = names["answer"], names["html"]
    check("answer", answer)
    assert answer["citations"] and {c["doc_id"] for c in answer["citations"]} == {MAY}
    shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))  # the page's text
    assert "816 tỷ đồng" in answer["text"] and "816 tỷ đồng" in shown
    assert answer["citations"][0]["title"] in shown
    other = names["client"].predict(QUESTION, [JAN23], "(tất cả các kỳ)", "Trả lời",
                                    api_name="/ask")[0]
    assert "trong báo cáo đã chọn" in other  # the filter was applied: May is elsewhere
    unknown = names["client"].predict(QUESTION, ["khong-co"], "(tất cả các kỳ)", "Trả lời",
                                      api_name="/ask")[0]
    assert "không có báo cáo «khong-co» trong chỉ mục" in unknown


def test_writes_need_the_token_and_a_confirmation_and_are_logged(server, http, tmp_path):
    version = http.get("/api/v1/health").json()["version"]
    real = realdoc("stats-office/hung-yen_2025-01_bao-cao-kt-xh.txt")
    upload = {"files": (real.name, real.read_bytes(), "text/plain")}
    refused(http.post("/api/v1/reports", files=upload), 401, "write.no_token")
    wrong = {"Authorization": "Bearer doan-sai-ma-quan-tri"}
    refused(http.post("/api/v1/reports", files=upload, headers=wrong), 403, "write.bad_token")
    refused(http.delete(f"/api/v1/reports/{MAY}"), 401, "write.no_token")
    admin = {"Authorization": f"Bearer {TOKEN}"}
    plan = ok(http.post("/api/v1/reports", files=upload, headers=admin,
                        params={"dry_run": "true"}), "change")
    assert plan["applied"] is False and plan["plan"][0]["action"] == "new"
    assert http.get("/api/v1/health").json()["version"] == version  # nothing written yet
    added = ok(http.post("/api/v1/reports", files=upload, headers=admin), "change", 201)
    assert added["result"]["added"] == ["hung-yen_2025-01_bao-cao-kt-xh"]
    assert read_log(server.root)[-1]["who"] == "api admin from 127.0.0.1"
    assert len(http.get("/api/v1/reports").json()["reports"]) == 6  # the same process sees it

    edited = (REPO / "data" / "reports" / f"{JAN23}.txt").read_text(encoding="utf-8")
    assert "418,1" in edited
    upload = {"files": (f"{JAN23}.txt", edited.replace("418,1", "419,9").encode(), "text/plain")}
    unconfirmed = ok(http.post("/api/v1/reports", files=upload, headers=admin), "change", 409)
    item = unconfirmed["plan"][0]
    assert item["action"] == "replace" and item["error"]["code"] == "index.replace_unconfirmed"
    assert (item["removed_figures"], item["added_figures"]) == (["418,1 tỷ đồng"],
                                                                ["419,9 tỷ đồng"])
    replaced = ok(http.post("/api/v1/reports", files=upload, headers=admin,
                            params={"confirm": item["confirm"]}), "change", 201)
    assert replaced["result"]["replaced"] == [JAN23]
    doc = http.get(f"/api/v1/reports/{JAN23}").json()["document"]
    assert "419,9" in doc["text"] and "418,1" not in doc["text"]

    asked = ok(http.delete(f"/api/v1/reports/{MAY}", headers=admin), "change", 409)
    assert asked["applied"] is False and asked["plan"][0]["action"] == "remove"
    ok(http.get(f"/api/v1/reports/{MAY}"), "report")  # still there
    removed = ok(http.delete(f"/api/v1/reports/{MAY}", headers=admin,
                             params={"confirm": asked["plan"][0]["confirm"]}), "change")
    assert removed["result"]["removed"] == [MAY]
    refused(http.get(f"/api/v1/reports/{MAY}"), 404, "index.no_report")
    assert [e["action"] for e in read_log(server.root)[-3:]] == ["add", "add", "remove"]


def client_at(server, address: str) -> httpx.Client:
    """A client the server sees at another loopback address (a budget of its own)."""
    return httpx.Client(base_url=server.url, timeout=30,
                        transport=httpx.HTTPTransport(local_address=address))


def test_a_client_past_its_rate_gets_429_and_others_do_not(server, http):
    with client_at(server, "127.0.0.2") as other:
        codes = [other.get("/api/v1/reports").status_code for _ in range(BURST + 10)]
        assert codes[:BURST - 5] == [200] * (BURST - 5) and codes[-1] == 429
        refused(other.get("/api/v1/reports"), 429, "client.rate")
        assert int(other.get("/api/v1/reports").headers["retry-after"]) >= 1
        assert other.get("/api/v1/health").status_code == 200  # health is never limited
    assert http.get("/api/v1/reports").status_code == 200  # another client's budget


def test_wrong_tokens_in_a_row_make_the_client_wait(server):
    wrong = {"Authorization": "Bearer doan-sai-ma-quan-tri"}
    with client_at(server, "127.0.0.3") as guesser:
        for _ in range(2):  # the first mistakes are answered at once
            refused(guesser.delete(f"/api/v1/reports/{JAN23}", headers=wrong), 403,
                    "write.bad_token")
        response = guesser.delete(f"/api/v1/reports/{JAN23}", headers=wrong)
        refused(response, 429, "write.token_wait")
        assert int(response.headers["retry-after"]) >= 1
