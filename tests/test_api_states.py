"""The HTTP API before the index is ready, over an index that cannot be used, and on a
read-only server (in process: FastAPI's TestClient, an httpx client)."""

from __future__ import annotations

from contract import check
from fastapi.testclient import TestClient

from rag.errors import BaocaoError
from ui.api import create_api
from ui.messages import vi_error
from ui.state import AppState

QUESTION = "giai ngan von dau tu cong thang 5/2024"


def refused(response, status: int, code: str) -> dict:
    body = response.json()
    check("error", body)
    assert (response.status_code, body["status"], body["code"]) == (status, status, code)
    assert body["message"] == vi_error(BaocaoError(code, **body["details"]))
    return body


def test_while_the_index_loads_every_read_is_503_with_retry_after(tmp_path):
    state = AppState(tmp_path / "index")  # not started: still loading
    client = TestClient(create_api(state))
    for path, params in (("/api/v1/ask", {"q": QUESTION}), ("/api/v1/search", {"q": "thu"}),
                         ("/api/v1/reports", {}), ("/api/v1/series", {"indicator": "thu"})):
        response = client.get(path, params=params)
        refused(response, 503, "index.loading")
        assert response.headers["retry-after"] == "5"
    health = client.get("/api/v1/health").json()
    check("health", health)
    assert (health["status"], health["reports"], health["version"]) == ("loading", None, None)


def test_an_index_that_cannot_be_used_is_503_with_its_reason(tmp_path):
    state = AppState(tmp_path / "index")
    state.error = vi_error(BaocaoError("index.damaged", root="x", why="vectors.npy"))
    client = TestClient(create_api(state))
    body = refused(client.get("/api/v1/ask", params={"q": QUESTION}), 503, "index.unavailable")
    assert "baocao index rollback" in body["message"]
    assert client.get("/api/v1/health").json()["status"] == "error"


def test_a_read_only_server_has_no_write_routes(plumbing_engine):
    client = TestClient(create_api(AppState(engine=plumbing_engine)))
    refused(client.post("/api/v1/reports", files={"files": ("a.txt", b"x")}), 405,
            "write.read_only")
    refused(client.delete("/api/v1/reports/lang-son_2024-05_bao-cao-kt-xh"), 405,
            "write.read_only")
    refused(client.put("/api/v1/ask"), 405, "request.method")
    spec = client.get("/api/openapi.json").json()
    assert set(spec["paths"]["/api/v1/reports"]) == {"get"}
    assert "/api/v1/reports/{doc_id}" in spec["paths"]
    assert set(spec["paths"]["/api/v1/reports/{doc_id}"]) == {"get"}
    assert client.get("/api/v1/health").json()["writes"] is False
    assert client.get("/api/v1/reports").status_code == 200
