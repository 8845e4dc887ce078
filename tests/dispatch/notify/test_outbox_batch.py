"""Writing a plan's messages together (rules.md §11): the rules of one message at a time,
in a number of statements that does not grow with the messages."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event, select

from dispatch.domain.outbox import MessageKind
from dispatch.extensions import db
from dispatch.models import Customer, OutboxMessage, User
from dispatch.services.notify.outbox import Draft, enqueue, enqueue_many

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def _draft(key: str, recipient: str, customer_id: int | None = None) -> Draft:
    return Draft(MessageKind.VISIT_SCHEDULED, key, recipient, ("件名", "Subject"),
                 ("本文", "Body"), customer_id)


def _statements(app, work) -> int:
    count = [0]

    def seen(*_args) -> None:
        count[0] += 1

    with db.engine.connect():
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            work()
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
    return count[0]


def test_enqueue_many_keeps_the_rules_of_enqueue(app, make_user):
    active = Customer(name="稼働中", created_at=NOW)
    stopped = Customer(name="利用停止", created_at=NOW, use_stopped_at=NOW)
    db.session.add_all([active, stopped])
    db.session.flush()
    make_user("site_manager", "english@example.jp")
    user = db.session.scalar(select(User).where(User.email == "english@example.jp"))
    user.locale = "en"
    enqueue(_draft("sent-before", "a@example.jp", active.id), NOW)
    written = enqueue_many([
        _draft("new", "a@example.jp", active.id),            # written, Japanese
        _draft("new", "a@example.jp", active.id),            # twice in the batch: once
        _draft("sent-before", "a@example.jp", active.id),    # already in the outbox
        _draft("silenced", "b@example.jp", stopped.id),      # customer stopped use (§8)
        _draft("nobody", "", active.id),                     # no recipient
        _draft("english", "english@example.jp"),             # the account's language
    ], NOW)
    assert written == 2
    rows = {m.dedupe_key: m for m in db.session.scalars(select(OutboxMessage))}
    assert sorted(rows) == ["english", "new", "sent-before"]
    assert (rows["new"].locale, rows["new"].subject) == ("ja", "件名")
    assert (rows["english"].locale, rows["english"].subject) == ("en", "Subject")


def test_enqueue_many_statements_do_not_grow_with_the_messages(app):
    customer = Customer(name="顧客", created_at=NOW)
    db.session.add(customer)
    db.session.flush()

    def batch(size: int, prefix: str):
        return lambda: enqueue_many([_draft(f"{prefix}{n}", f"m{n}@example.jp", customer.id)
                                     for n in range(size)], NOW)

    few = _statements(app, batch(5, "a"))
    many = _statements(app, batch(50, "b"))
    assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == 55
    # One insert statement per row is the driver's own (executemany): allow it, no more.
    print("STATEMENTS", few, many)
    assert many - few <= 45
