"""The outbox delivered through a real SMTP server (rules.md §11): content, attachment,
encoding, retries with backoff, suppression, and the admin's retry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from reporting_rows import BEFORE_NOW, data_url, make_visit, report_payload
from sqlalchemy import select

from dispatch.domain.outbox import MessageKind
from dispatch.extensions import db
from dispatch.models import AuditEvent, Customer, OutboxMessage
from dispatch.services.notify import delivery
from dispatch.services.trust.audit import SYSTEM
from dispatch.services.unit_of_work import unit_of_work

LATER = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


@pytest.fixture
def signed_report(api_as) -> int:
    visit = make_visit()
    tech = api_as("technician", "suzuki@oxt.example.jp")
    rid = tech.put(f"/visits/{visit.visit_id}/report",
                   json=report_payload(**BEFORE_NOW)).get_json()["id"]
    answer = tech.post(f"/reports/{rid}/signature",
                       json={"signer_name": "佐藤 花子", "image": data_url()})
    assert answer.status_code == 200, answer.get_json()
    return rid


def _outbox(kind: MessageKind) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def test_signing_writes_the_message_in_the_same_unit_of_work(signed_report):
    (row,) = _outbox(MessageKind.REPORT_SIGNED)
    assert (row.recipient, row.status, row.attempts) == ("sato@example.co.jp", "pending", 0)
    assert row.attachment == {"report_pdf": signed_report}
    assert row.message_id.startswith("<") and row.message_id.endswith("@localhost>")


def test_signed_report_arrives_with_its_pdf_in_utf8_encoded_words(signed_report, mailbox):
    assert delivery.deliver_due(LATER)["sent"] == 1
    (mail,) = mailbox.parsed()
    raw = mailbox.raw[0].decode("ascii")  # 7-bit clean on the wire
    (row,) = _outbox(MessageKind.REPORT_SIGNED)
    assert mail["Subject"] == "作業報告票（2026-11-26 署名）"
    assert "Subject: =?utf-8?" in raw  # RFC 2047 encoded-word
    assert (mail["To"], mail["From"]) == ("sato@example.co.jp", "support@oxt.example.jp")
    assert mail["Message-ID"] == row.message_id
    body = mail.get_body(preferencelist=("plain",))
    assert body.get_content_charset() == "utf-8"
    assert "製品 AK10000001 の作業報告票をお送りします" in body.get_content()
    (pdf,) = list(mail.iter_attachments())
    assert (pdf.get_content_type(), pdf.get_filename()) == (
        "application/pdf", f"work-report-{signed_report}.pdf")
    assert pdf.get_content().startswith(b"%PDF")
    assert (row.status, row.sent_at, row.attempts) == ("sent", LATER, 1)
    sent = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "outbox.sent")).all()
    assert [(e.entity_id, e.after["message_id"]) for e in sent] == [(str(row.id),
                                                                     row.message_id)]


def test_a_refusal_is_retried_after_backoff_and_sent_once(signed_report, mailbox):
    mailbox.refuse_rcpt.append("451 4.3.0 try again later")
    assert delivery.deliver_due(LATER)["retrying"] == 1
    (row,) = _outbox(MessageKind.REPORT_SIGNED)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == LATER + timedelta(minutes=1)
    assert "451" in (row.last_error or "")
    # Not due yet: nothing happens.
    assert delivery.deliver_due(LATER + timedelta(seconds=59))["sent"] == 0
    assert delivery.deliver_due(LATER + timedelta(minutes=1))["sent"] == 1
    assert len(mailbox.raw) == 1
    assert (row.status, row.attempts) == ("sent", 2)


def test_a_permanent_refusal_fails_and_an_admin_retries_it(signed_report, mailbox):
    mailbox.refuse_rcpt.append("550 5.1.1 no such user")
    assert delivery.deliver_due(LATER)["failed"] == 1
    (row,) = _outbox(MessageKind.REPORT_SIGNED)
    assert row.status == "failed"
    with unit_of_work():
        delivery.retry(row.id, SYSTEM, LATER)
    assert delivery.deliver_due(LATER)["sent"] == 1
    assert row.status == "sent"


def test_without_smtp_messages_stay_undelivered(signed_report, app, monkeypatch):
    monkeypatch.delitem(app.config, "DISPATCH_SMTP_URL", raising=False)
    assert delivery.deliver_due(LATER) == {"smtp": False, "sent": 0}
    (row,) = _outbox(MessageKind.REPORT_SIGNED)
    assert row.status == "pending"


def test_a_customer_who_stopped_use_gets_nothing(signed_report, mailbox):
    (row,) = _outbox(MessageKind.REPORT_SIGNED)
    customer = db.session.get(Customer, row.customer_id)
    customer.use_stopped_at = LATER
    db.session.flush()
    assert delivery.deliver_due(LATER)["sent"] == 0
    assert mailbox.raw == []
    # Nothing personal stays behind in the outbox.
    assert (row.status, row.recipient, row.subject, row.body) == ("suppressed", "", "", "")


def test_english_account_reads_english_first(api_as, mailbox):
    from dispatch.models import User

    api_as("site_manager", "sato@example.co.jp")
    user = db.session.scalar(select(User).where(User.email == "sato@example.co.jp"))
    user.locale = "en"
    visit = make_visit()
    tech = api_as("technician", "suzuki@oxt.example.jp")
    rid = tech.put(f"/visits/{visit.visit_id}/report",
                   json=report_payload(**BEFORE_NOW)).get_json()["id"]
    tech.post(f"/reports/{rid}/signature", json={"signer_name": "佐藤 花子", "image": data_url()})
    delivery.deliver_due(LATER)
    (mail,) = mailbox.parsed()
    assert mail["Subject"] == "Signed work report (2026-11-26)"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert text.index("Attached is the signed work report") < text.index("---- 日本語 ----")
    assert mail["Content-Language"] == "en"


def test_erasure_empties_the_customers_messages(signed_report, mailbox):
    from dispatch.services.trust.privacy import erase_customer

    (row,) = _outbox(MessageKind.REPORT_SIGNED)
    with unit_of_work():
        erase_customer(row.customer_id, SYSTEM)
    assert (row.status, row.recipient, row.subject, row.body, row.attachment) == (
        "suppressed", "", "", "", None)
    assert delivery.deliver_due(LATER)["sent"] == 0 and mailbox.raw == []
