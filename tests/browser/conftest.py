"""Browser tests: the app served for real on 127.0.0.1, driven by Debian's Chromium through
Playwright (never `playwright install`, which downloads and fails offline).

Without Chromium they are skipped, unless DISPATCH_REQUIRE_BROWSER=1 (CI), which fails.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import delete
from werkzeug.serving import make_server

from dispatch.extensions import db

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def _chromium() -> str | None:
    for path in ("/usr/bin/chromium", "/usr/lib/chromium/chromium"):
        if os.path.exists(path):
            return path
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium()
    if path is None:
        if os.environ.get("DISPATCH_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (DISPATCH_REQUIRE_BROWSER) but not installed")
        pytest.skip("Debian chromium is not installed")
    return path


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True,
                                    args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo",
                                  viewport={"width": 1280, "height": 800},
                                  base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _clean_database(app: Flask) -> Iterator[None]:
    """Browser tests commit for real (the server runs in another thread); empty the
    tables afterwards so other tests start clean."""
    yield
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()


@pytest.fixture
def today(app, monkeypatch):
    """The dispatch day of the board and tablet tests, 10:00 in Tokyo, with quick plans."""
    from day_rows import DAY

    monkeypatch.setattr("dispatch.clock.now", lambda: datetime(2026, 11, 26, 1, 0, tzinfo=UTC))
    monkeypatch.setitem(app.config, "DISPATCH_PLAN_SECONDS", 1)
    monkeypatch.setitem(app.config, "DISPATCH_SOLUTION_LIMIT", 40)
    return DAY


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.committing)
