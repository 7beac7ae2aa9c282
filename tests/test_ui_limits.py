"""No anonymous client can deny the others service (issue 22, items 2 and 3).

Real servers over loopback, real HTTP: the app is started as ``baocao serve`` starts
it (``ui.app.launch``) over a copy of the plumbing index (the ``hash`` embedder: the
subject is the server, not the model). Clients are told apart by their address; on
loopback a test gives each its own with ``X-Forwarded-For``, which the server trusts
from 127.0.0.1 only (uvicorn's default), as it would from a reverse proxy there.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

TOKEN = "ma-quan-tri-thu-nghiem"
# (question, figure the answer must state): real figures of the bundled reports.
QUESTIONS = [
    ("giải ngân vốn đầu tư công tháng 5/2024?", "816 tỷ đồng"),
    ("tổng kim ngạch xuất nhập khẩu quý I/2022", "800 triệu USD"),
    ("thu ngân sách tháng 1/2023", "418,1 tỷ đồng"),
    ("tổng lượng khách du lịch tháng 5/2024", "470 nghìn lượt"),
]
OFFICIAL = {"X-Forwarded-For": "10.20.30.40"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(root: Path, admin: bool):
    from ui.admin import Admin
    from ui.app import build_app, launch

    app = build_app(root, Admin(TOKEN) if admin else None)
    port = _free_port()
    launch(app, "127.0.0.1", port, block=False)
    return app, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def root(plumbing_index, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("ui-limits") / "index"
    shutil.copytree(plumbing_index, dest)
    return dest


@pytest.fixture()
def admin_server(root):
    app, url = _serve(root, admin=True)
    yield app, url
    app.close()


@pytest.fixture()
def read_only_server(root):
    app, url = _serve(root, admin=False)
    yield app, url
    app.close()


def fn_index(app, name: str) -> int:
    """The event id the page itself uses for handler ``name`` (no API name needed)."""
    return next(i for i, f in app.fns.items() if getattr(f.fn, "__name__", "") == name)


def answer(client: httpx.Client, question: str) -> tuple[int, str]:
    """One question through the JSON API: (HTTP status of the join, answer text)."""
    r = client.post("/gradio_api/call/answer", json={"data": [question, "", []]})
    if r.status_code != 200:
        return r.status_code, r.text
    event = r.json()["event_id"]
    kind = None
    with client.stream("GET", f"/gradio_api/call/answer/{event}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and kind in ("complete", "error"):
                data = json.loads(line.split(":", 1)[1])
                return 200, data[0]["text"] if kind == "complete" else f"error {data}"
    return 200, "no answer"


def join(client: httpx.Client, index: int, data: list, session: str) -> int:
    r = client.post("/gradio_api/queue/join",
                    json={"data": data, "fn_index": index, "session_hash": session})
    return r.status_code


def test_a_flood_of_wrong_token_previews_never_refuses_another_clients_questions(
        admin_server):
    """The probe: ~20 wrong-token previews a second (no token needed to send them) made
    every other client's question fail with "Queue is full" for minutes."""
    app, url = admin_server
    preview = fn_index(app, "preview")
    stop, sent = threading.Event(), Counter()

    def flood() -> None:
        with httpx.Client(base_url=url, timeout=30) as c:
            n = 0
            while not stop.is_set():
                n += 1
                sent[join(c, preview, [None, f"doan-sai-{n:06d}"], f"flood{n % 7}")] += 1

    attacker = threading.Thread(target=flood)
    attacker.start()
    try:
        time.sleep(3.0)  # long enough for the old queue of 256 to fill
        with httpx.Client(base_url=url, timeout=60, headers=OFFICIAL) as official:
            results = [(q, figure, *answer(official, q)) for q, figure in QUESTIONS * 2]
    finally:
        stop.set()
        attacker.join(timeout=60)
    for question, figure, status, text in results:
        assert status == 200 and figure in text, (question, status, text[:300])
    assert sent[429] > 0 and sum(sent.values()) > 100, sent


def run_event(client: httpx.Client, index: int, data: list, session: str) -> list:
    """Run the page's event ``index`` as the page does (join, then read the session's
    stream); returns its outputs."""
    r = client.post("/gradio_api/queue/join",
                    json={"data": data, "fn_index": index, "session_hash": session})
    assert r.status_code == 200, r.text
    with client.stream("GET", "/gradio_api/queue/data",
                       params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:"):
                msg = json.loads(line.split(":", 1)[1])
                if msg.get("msg") == "process_completed":
                    return msg["output"].get("data") or [msg["output"]]
    raise AssertionError("no result")


def test_wrong_tokens_slow_down_their_own_client_only(admin_server):
    """A wrong token makes its client wait before the next attempt is even checked; no
    attempt sleeps in the one-at-a-time write group, so another client is not slowed."""
    app, url = admin_server
    index = fn_index(app, "ask_remove")
    doc = "lang-son_2024-05_bao-cao-kt-xh"
    start = time.monotonic()
    with httpx.Client(base_url=url, timeout=30, headers={"X-Forwarded-For": "10.6.6.6"}) as g:
        for n in (1, 2):  # the first mistake is free, the second makes its client wait
            wrong = run_event(g, index, [doc, f"doan-sai-ma-{n}"], f"guess{n}")
            assert "mã quản trị không đúng" in wrong[0]
        again = run_event(g, index, [doc, TOKEN], "guess3")
        assert "hãy thử lại sau" in again[0] and "data-plan" not in again[0]  # not checked
    with httpx.Client(base_url=url, timeout=30, headers={"X-Forwarded-For": "10.1.1.1"}) as a:
        ok = run_event(a, index, [doc, TOKEN], "admin1")
    assert 'data-plan="remove"' in ok[0] and doc in ok[0]
    assert time.monotonic() - start < 3.0


def test_one_clients_rapid_questions_are_bounded_and_others_are_answered(read_only_server):
    """200 rapid questions from one client: most are refused at once with a Vietnamese
    429, the rest run at most a few at a time, and another client is answered."""
    _app, url = read_only_server
    statuses: Counter = Counter()
    refusal = {}

    def rapid(i: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as c:
            r = c.post("/gradio_api/call/answer",
                       json={"data": [QUESTIONS[i % 4][0], "", []]})
            statuses[r.status_code] += 1
            if r.status_code == 429:
                refusal["detail"] = r.json()["detail"]

    threads = [threading.Thread(target=rapid, args=(i,)) for i in range(200)]
    for t in threads:
        t.start()
    with httpx.Client(base_url=url, timeout=60, headers=OFFICIAL) as official:
        results = [(figure, *answer(official, q)) for q, figure in QUESTIONS]
    for t in threads:
        t.join(timeout=120)
    assert all(status == 200 and figure in text for figure, status, text in results), results
    assert statuses[429] >= 150 and statuses[200] + statuses[429] == 200, statuses
    assert "quá nhiều yêu cầu" in refusal["detail"]


def _upload(client: httpx.Client, name: str, data: bytes) -> httpx.Response:
    return client.post("/gradio_api/upload", files={"files": (name, data, "text/plain")})


def _upload_folder_files() -> set[Path]:
    from gradio.utils import get_upload_folder

    folder = Path(get_upload_folder())
    return {p for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()


def test_a_read_only_server_refuses_uploads(read_only_server):
    _app, url = read_only_server
    before = _upload_folder_files()
    with httpx.Client(base_url=url, timeout=30) as c:
        r = _upload(c, "bao-cao.txt", "Thu ngân sách đạt 12 tỷ đồng.\n".encode() * 1000)
    assert r.status_code == 403 and "chỉ đọc" in r.json()["detail"]
    assert _upload_folder_files() == before


def test_uploads_that_never_reach_a_plan_are_bounded_and_deleted_promptly(root, monkeypatch):
    from ui import guard

    monkeypatch.setattr(guard, "UPLOAD_HOLD_BYTES", 300_000)
    monkeypatch.setattr(guard, "UPLOAD_ORPHAN_SECONDS", 1.0)
    app, url = _serve(root, admin=True)
    try:
        with httpx.Client(base_url=url, timeout=30) as c:
            first = _upload(c, "mot.txt", b"a" * 200_000)
            assert first.status_code == 200
            path = Path(first.json()[0])
            assert path.is_file()
            refused = _upload(c, "hai.txt", b"b" * 200_000)  # 400 KB held: over the bound
            assert refused.status_code == 413 and "tải lên" in refused.json()["detail"]
            deadline = time.monotonic() + 20
            while path.exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            assert not path.exists()
            assert _upload(c, "ba.txt", b"c" * 200_000).status_code == 200  # room again
    finally:
        app.close()


@pytest.mark.browser
def test_the_page_says_in_vietnamese_when_its_client_asks_too_fast(root, monkeypatch):
    """What an official sees when the bound speaks: the page's own error toast, in
    Vietnamese, and the next question after a pause is answered."""
    from ui_helpers import SHOTS as SHOTS_DIR
    from ui_helpers import ask, browser, expect, new_page, serving, shot

    from ui import guard
    from ui.app import build_app

    monkeypatch.setattr(guard, "CLIENT_RATE", 0.5)
    monkeypatch.setattr(guard, "CLIENT_BURST", 2)
    with serving(build_app(root)) as url, browser() as chromium:
        page = new_page(chromium, url)
        expect(page.locator("#status-line")).to_contain_text("Sẵn sàng")
        ask(page, QUESTIONS[0][0])
        ask(page, QUESTIONS[1][0])
        page.locator("#question textarea").fill(QUESTIONS[2][0])
        page.locator("#ask-btn").click()
        toast = page.locator(".toast-body").filter(has_text="quá nhiều yêu cầu")
        expect(toast.first).to_be_visible()
        shot(page, "40-client-rate-refused")
        toast.first.screenshot(path=str(SHOTS_DIR / "40-client-rate-refused-toast.png"))
        page.wait_for_timeout(2500)
        view = ask(page, QUESTIONS[3][0])
        expect(view).to_contain_text(QUESTIONS[3][1])
        shot(page, "41-client-rate-after-a-pause")
        page.close()
