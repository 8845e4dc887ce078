"""The one place that commits: each use case runs inside a unit of work; services only flush.

Every caller of a use case wraps the call, whether a page view, an API view, the CLI, a
scheduler job, the demo data or a test that needs the change stored:

    with unit_of_work():
        call = intake.take_repair_call(data, key, actor)

The unit commits when its block ends normally and rolls back when an exception leaves it,
so a use case that fails half-way leaves nothing stored, not even what it had flushed.

Why the call site and not one commit per request (as Indico's request handler does):
several views catch a service's DispatchError and answer with a redirect, a flash message
or a form with its error, which is a successful response. A per-request commit would then
store what the failing service had flushed before it raised; a unit around the call rolls
it back, exactly as the services did when they committed only on success. The call site
also shows where each transaction ends, and non-request callers use the same helper.

Units nest: an inner unit joins the outer one and only the outermost commits or rolls back.
A use case that needs two transactions is two units run one after the other by its caller.
Mail, SMS and stored files belong after the `with` block, once the change is stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

from dispatch.extensions import db

_M = TypeVar("_M")
_DEPTH = "unit_of_work_depth"
_STRAY = "flushed_outside_unit_of_work"
# Set while an outermost unit runs in this thread (or task): the SQLite engine hook in
# dispatch/__init__.py then opens the transaction with BEGIN IMMEDIATE (rules.md §9).
_WRITING: ContextVar[bool] = ContextVar("unit_of_work_writing", default=False)
# connection.info key: how the SQLite transaction on that connection was begun.
BEGUN = "sqlite_begun"
DEFERRED, IMMEDIATE = "deferred", "immediate"


@event.listens_for(Session, "after_flush")
def _note_stray_flush(session: Session, _context: Any) -> None:
    # A flush outside every unit means a use case was called without one: its writes would
    # be rolled back unseen at teardown. The request guard (dispatch/views/unit_guard.py)
    # reads this mark.
    if session.info.get(_DEPTH, 0) == 0:
        session.info[_STRAY] = True


def wrote_outside_unit() -> bool:
    """True when changes were flushed outside any unit of work since the last reset."""
    return bool(db.session.info.get(_STRAY))


def reset_stray_writes() -> None:
    """Forget earlier writes outside a unit (a request starts with a clean slate)."""
    db.session.info.pop(_STRAY, None)


def writing() -> bool:
    """True inside a unit of work: a transaction begun now is meant to write."""
    return _WRITING.get()


def _end_deferred_reads(session: Session) -> None:
    """SQLite: end a read-only transaction begun before the unit, so the unit's own begins
    with BEGIN IMMEDIATE.

    In WAL mode a deferred transaction that read first and writes later fails at once with
    "database is locked" when another writer committed in between (the busy timeout does
    not apply to that upgrade); one that takes the write lock up front waits its turn. A
    savepoint on the connection means a caller outside owns the transaction (the tests'
    rolled-back outer transaction): it is left alone.
    """
    if not session.in_transaction():
        return
    conn = session.connection()
    if conn.info.get(BEGUN) == DEFERRED and not conn.in_nested_transaction():
        session.commit()


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit the block's changes at its end, or roll them all back on an exception."""
    session = db.session
    depth = session.info.get(_DEPTH, 0)
    writing_token = _WRITING.set(True) if depth == 0 else None
    if depth == 0:
        _end_deferred_reads(session())
    session.info[_DEPTH] = depth + 1
    try:
        yield
        if depth == 0:
            session.commit()
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth
        if writing_token is not None:
            _WRITING.reset(writing_token)


def locked(model: type[_M], ident: int) -> _M | None:
    """The row, locked until the unit ends and read afresh (PostgreSQL FOR UPDATE; SQLite's
    unit already holds the write lock), or None.

    A writer who got there first is waited for and then seen. A refresh, not a plain
    locking load: SQLAlchemy compares a versioned row loaded FOR UPDATE with the copy in
    the session and raises StaleDataError when they differ, which is the very case here.
    """
    row = db.session.get(model, ident)
    if row is not None:
        db.session.refresh(row, with_for_update=True)
    return row


def start_over() -> None:
    """Roll the unit back so a use case can try again on fresh rows (a new transaction).

    For use cases that retry after a conflict (plan_day, insert_call, take_repair_call):
    everything the unit wrote so far is discarded, so such a use case should be the only
    writer in its unit.
    """
    db.session.rollback()


def end_reads() -> None:
    """Commit the reads made so far (a login lookup), so the next statement opens a fresh
    transaction; only at the start of an outermost unit, before the use case writes."""
    if db.session.info.get(_DEPTH, 0) > 1:
        raise RuntimeError("end_reads() inside a nested unit of work would commit its writes")
    db.session.commit()
