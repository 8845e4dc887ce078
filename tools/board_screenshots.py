"""Screenshots of the coordinator board for the README (docs/screenshots/).

Usage: python tools/board_screenshots.py DEMO_SQLITE_FILE
(make the file first: `dispatch demo --no-serve --db-file DEMO_SQLITE_FILE`). The board is
planned once, one visit is opened in the detail panel, then shot at 1440×900 and 1920×1080.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from dispatch import create_app
from dispatch.demo import DEMO_PASSWORD

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SIZES = [(1440, 900), (1920, 1080)]


def main(db_file: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(db_file).resolve()}"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        for width, height in SIZES:
            page = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", base_url=base,
                                       viewport={"width": width, "height": height}).new_page()
            page.goto("/login")
            page.fill("#email", "coordinator@oxt.example.jp")
            page.fill("#password", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.goto("/board")
            page.wait_for_selector("#board[data-loaded='1']")
            if page.locator(".tl-bar").count() == 0:
                page.click("#plan-button")
                page.wait_for_selector(".tl-bar", timeout=60_000)
                page.wait_for_selector("#busy", state="hidden", timeout=60_000)
            page.locator(".tl-bar").first.click()
            page.wait_for_selector("#detail:not([hidden])")
            page.wait_for_selector("#board[data-outline-loaded='1']")
            page.wait_for_timeout(800)  # map tiles of the outline settle
            path = OUT / f"board-{width}x{height}.png"
            page.screenshot(path=str(path))
            print(path)
            page.context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main(sys.argv[1])
