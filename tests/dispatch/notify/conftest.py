"""Fixtures of the notification tests: an aiosmtpd server the app is configured to use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import smtp_server


@pytest.fixture
def mailbox(app, monkeypatch) -> Iterator[smtp_server.Mailbox]:
    box = smtp_server.Mailbox()
    controller = smtp_server.start(box)
    monkeypatch.setitem(app.config, "DISPATCH_SMTP_URL",
                        f"smtp://{controller.hostname}:{controller.port}")
    monkeypatch.setitem(app.config, "DISPATCH_MAIL_FROM", "support@oxt.example.jp")
    yield box
    controller.stop()


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    """10:00 in Tokyo on 2026-11-26 (tests/reporting_rows.py's day) for the state changes."""
    from reporting_rows import NOW

    monkeypatch.setattr("dispatch.clock.now", lambda: NOW)
    return NOW
