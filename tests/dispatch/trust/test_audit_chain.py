"""The audit log is a hash chain: an altered or removed row is named (rules.md §8)."""

from __future__ import annotations

import pytest
from conftest import TEST_ACTOR
from sqlalchemy import delete, select, update

from dispatch.extensions import db
from dispatch.models import AuditEvent
from dispatch.services.trust import audit_chain
from dispatch.services.trust.audit import record
from dispatch.services.unit_of_work import unit_of_work


@pytest.fixture(autouse=True)
def _empty_log(app):
    # Committing tests elsewhere in the session may leave (or clean up) audit rows; these
    # tests judge a chain of their own (the deletion is rolled back with the test).
    db.session.execute(delete(AuditEvent))


def _record_three() -> list[AuditEvent]:
    for n in range(3):
        with unit_of_work():
            record(TEST_ACTOR, "test.event", "thing", n, before={"n": n}, after={"n": n + 1})
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.chain_index)))


def _check() -> audit_chain.AuditCheck:
    db.session.expire_all()
    return audit_chain.verify(db.session())


def test_rows_are_chained_in_commit_order_without_gaps(app):
    rows = _record_three()
    assert [r.chain_index for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].chain_hash == audit_chain.link_hash(1, rows[0].payload_hash, "0" * 64)
    assert rows[1].chain_hash == audit_chain.link_hash(2, rows[1].payload_hash,
                                                       rows[0].chain_hash)
    check = _check()
    assert check.intact and check.rows == len(rows) and check.head_hash == rows[-1].chain_hash


def test_a_rolled_back_unit_leaves_no_row_and_no_gap_in_the_chain(app):
    # The commit links the unit's own rows (issue 18): rows of a failed unit were flushed,
    # then rolled back; the next unit must neither chain them nor skip an index.
    with pytest.raises(RuntimeError), unit_of_work():
        record(TEST_ACTOR, "test.failed", "thing", 1)
        db.session.flush()
        raise RuntimeError("half-way")
    with unit_of_work():
        record(TEST_ACTOR, "test.kept", "thing", 2)
        record(TEST_ACTOR, "test.kept", "thing", 3)
    rows = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.chain_index)))
    assert [(r.action, r.entity_id, r.chain_index) for r in rows] == [
        ("test.kept", "2", 1), ("test.kept", "3", 2)]
    assert _check().intact


def test_an_altered_row_is_named(app):
    rows = _record_three()
    middle = rows[-2]
    db.session.execute(update(AuditEvent).where(AuditEvent.id == middle.id)
                       .values(after={"n": 99}))
    assert _check().first_break == (
        f"audit row id {middle.id} (#{middle.chain_index}) was altered")


def test_an_altered_row_with_its_payload_hash_recomputed_breaks_the_link(app):
    rows = _record_three()
    middle = rows[-2]
    db.session.execute(update(AuditEvent).where(AuditEvent.id == middle.id)
                       .values(actor_label="someone else"))
    db.session.expire_all()
    forged = db.session.get(AuditEvent, middle.id)
    db.session.execute(update(AuditEvent).where(AuditEvent.id == middle.id)
                       .values(payload_hash=audit_chain.payload_hash(forged)))
    assert _check().first_break == (
        f"audit row id {middle.id} (#{middle.chain_index}) was altered or moved")


def test_a_removed_row_is_named(app):
    rows = _record_three()
    gone = rows[-2]
    db.session.execute(delete(AuditEvent).where(AuditEvent.id == gone.id))
    assert _check().first_break == (
        f"audit row #{gone.chain_index} is missing (before row id {rows[-1].id})")


def test_a_row_marked_erased_without_an_erasure_is_altered(app):
    rows = _record_three()
    db.session.execute(update(AuditEvent).where(AuditEvent.id == rows[0].id)
                       .values(scrubbed_at=rows[0].at, after={"n": "消去済み"}))
    assert "marked erased by no erasure" in (_check().first_break or "")


def test_the_audit_page_shows_a_banner_naming_the_first_broken_row(app, login_as):
    admin = login_as("admin")
    assert b"audit-chain-broken" not in admin.get("/admin/audit").data
    rows = _record_three()
    db.session.execute(update(AuditEvent).where(AuditEvent.id == rows[0].id)
                       .values(action="test.rewritten"))
    db.session.flush()
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert 'id="audit-chain-broken"' in page
    assert f"audit row id {rows[0].id} (#{rows[0].chain_index}) was altered" in page
