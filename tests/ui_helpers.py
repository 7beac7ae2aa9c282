"""Shared by the browser tests: the app on a free port, Debian's chromium, page steps.

Each step of a browser test leaves a screenshot in artifacts/ui/ for a human look.
No network: the page and its assets come from the local Gradio server.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = REPO / "artifacts" / "ui"
TOKEN = "ma-quan-tri-cho-kiem-thu"

try:
    from playwright import sync_api
    from playwright.sync_api import expect
except ImportError:  # the render tests still run
    sync_api = expect = None


def css_str(value: str) -> str:
    """A quoted CSS attribute value (JSON's quoting suffices for these strings)."""
    return json.dumps(value, ensure_ascii=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(app):
    """The Gradio app on a free localhost port; yields its URL."""
    from ui.app import launch

    port = free_port()
    launch(app, "127.0.0.1", port, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.close()


@contextlib.contextmanager
def browser():
    """Debian's chromium (never a downloaded browser)."""
    if sync_api is None or not CHROMIUM.exists():
        # CI installs chromium (.ci/run): there a missing browser is a failure, not a skip.
        missing = pytest.fail if os.environ.get("CI") else pytest.skip
        missing("Debian chromium or playwright is missing: apt-get install -y chromium")
    SHOTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=60_000)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()


def new_page(chromium, url: str):
    pg = chromium.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    pg.set_default_timeout(60_000)
    pg.goto(url)
    return pg


def shot(page, name: str, full: bool = False) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def settled(page) -> None:
    """Wait until no event of the ask tab is still running (a view left by the same
    question asked before is visible at once; the running event would replace it)."""
    expect(page.locator("#answer-view .wrap.generating, #answer-view .wrap.pending")
           ).to_have_count(0)


def ask(page, question: str, mode: str = "Trả lời"):
    """Type a question in the ask tab and wait for the view of *this* question."""
    page.get_by_role("tab", name="Hỏi đáp").click()
    page.locator("#mode").get_by_label(mode).check()
    page.locator("#question textarea").fill(question)
    page.locator("#ask-btn").click()
    view = page.locator(f"#answer-view .view[data-question={css_str(question)}]")
    expect(view).to_be_visible()
    settled(page)
    return view


def set_period(page, text: str) -> None:
    period = page.locator("#period-filter input")
    period.fill(text)
    period.press("Enter")


def choose_files(page, paths: list[Path]) -> None:
    """Pick files with the "Chọn tệp báo cáo…" button, as a user does."""
    page.get_by_role("tab", name="Quản lý báo cáo").click()
    with page.expect_file_chooser() as chooser:
        page.locator("#upload").click()
    chooser.value.set_files([str(p) for p in paths])


def visible_text(page) -> str:
    return page.locator("body").inner_text()
