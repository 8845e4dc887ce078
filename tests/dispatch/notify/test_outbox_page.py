"""The administrators' outbox page: undelivered messages shown so, failures with a retry."""

from __future__ import annotations

from conftest import PASSWORD
from sqlalchemy import select

from dispatch.domain.outbox import MessageKind
from dispatch.extensions import db
from dispatch.models import AuditEvent, OutboxMessage
from dispatch.services.notify.outbox import Draft, enqueue


def _admin(client, make_user) -> None:
    email, _ = make_user("admin")
    client.post("/login", data={"email": email, "password": PASSWORD})


def _message(frozen_clock) -> OutboxMessage:
    row = enqueue(Draft(MessageKind.MORNING_DIGEST, "digest:test", "coord@oxt.example.jp",
                        ("朝の確認事項", "Morning digest"), ("本文", "body")), frozen_clock)
    assert row is not None
    db.session.flush()
    return row


def test_without_smtp_the_page_says_messages_are_undelivered(client, make_user, frozen_clock,
                                                             app, monkeypatch):
    monkeypatch.delitem(app.config, "DISPATCH_SMTP_URL", raising=False)
    row = _message(frozen_clock)
    _admin(client, make_user)
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert "SMTP が設定されていません" in html
    assert f'id="message-{row.id}"' in html and "未送信" in html


def test_failed_message_has_a_retry_button_that_requeues_it(client, make_user, frozen_clock):
    row = _message(frozen_clock)
    row.status, row.attempts, row.last_error = "failed", 6, "550 no such user"
    db.session.flush()
    _admin(client, make_user)
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert f'/admin/outbox/{row.id}/retry' in html and "550 no such user" in html
    answer = client.post(f"/admin/outbox/{row.id}/retry")
    assert answer.status_code == 302
    db.session.refresh(row)
    assert (row.status, row.attempts) == ("pending", 0)
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "outbox_message")).all()
    assert "outbox.retry" in actions
    # A pending message is not "retried" again: a conflict, not a 500.
    assert client.post(f"/admin/outbox/{row.id}/retry").status_code == 409


def test_coordinators_do_not_see_the_outbox(client, make_user):
    email, _ = make_user("coordinator")
    client.post("/login", data={"email": email, "password": PASSWORD})
    assert client.get("/admin/outbox").status_code == 403
