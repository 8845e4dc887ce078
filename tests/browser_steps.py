"""Steps the browser tests share (tests/browser/)."""

from __future__ import annotations


def draw_signature(page) -> None:
    """Draw a zigzag on the signature canvas with pointer events."""
    page.locator("#signature-pad").scroll_into_view_if_needed()
    box = page.locator("#signature-pad").bounding_box()
    x, y = box["x"] + 40, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    step_x = min(30, (box["width"] - 80) / 11)
    for step in range(1, 12):
        page.mouse.move(x + step * step_x, y + (20 if step % 2 else -20), steps=3)
    page.mouse.up()


def log_in(page, email: str, password: str) -> None:
    """Log in through the form and wait to leave it (each role lands on its own page)."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
