"""Two insertions into one day at the same moment, and an insertion landing while the day's
plan job solves (rules.md §6): real threads, real sessions, real commits on PostgreSQL.
Nobody is booked twice: every route's visits follow each other without overlapping."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

import pytest
from day_rows import Day
from sqlalchemy import delete, select

from dispatch.extensions import db
from dispatch.models import Visit
from dispatch.services.day import planning, replanning
from dispatch.services.trust.audit import SYSTEM
from dispatch.services.unit_of_work import unit_of_work

pytestmark = pytest.mark.committing
DAY = datetime(2026, 11, 26).date()


@pytest.fixture
def committed_day(app, monkeypatch):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs PostgreSQL's concurrent sessions")
    monkeypatch.setitem(app.config, "DISPATCH_SOLUTION_LIMIT", 40)
    monkeypatch.setitem(app.config, "DISPATCH_PLAN_SECONDS", 1)
    monkeypatch.setattr("dispatch.clock.now", lambda: datetime(2026, 11, 26, 1, 0, tzinfo=UTC))
    yield Day()
    with app.app_context():
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()
        db.session.remove()


def _in_thread(app, work: Callable[[], Any], results: list[Any]) -> threading.Thread:
    def run() -> None:
        with app.app_context():
            try:
                results.append(work())
            except Exception as exc:  # noqa: BLE001 - the test asserts what was raised
                results.append(exc)
            finally:
                db.session.remove()

    return threading.Thread(target=run)


def _overlaps(app) -> list[tuple[int, int]]:
    """Pairs of visits one technician would have to serve at the same time."""
    with app.app_context():
        rows = db.session.scalars(select(Visit).where(
            Visit.service_date == DAY, Visit.technician_id.is_not(None))
            .order_by(Visit.technician_id, Visit.start_at)).all()
        found = [(a.id, b.id) for a, b in zip(rows, rows[1:], strict=False)
                 if a.technician_id == b.technician_id and b.start_at < a.end_at]
        db.session.remove()
        return found


def _waiting_for_each_other(monkeypatch, parties: int) -> None:
    """Make each insertion wait (up to 3 s) until the others have computed theirs too: an
    insertion that computes from routes another is about to change would double-book."""
    gate, real = threading.Barrier(parties, timeout=3), replanning.insert_visit

    def insert_together(*args: Any, **kwargs: Any) -> Any:
        answer = real(*args, **kwargs)
        # Broken when the others wait for the day's lock: this one then goes first.
        with suppress(threading.BrokenBarrierError):
            gate.wait()
        return answer

    monkeypatch.setattr(replanning, "insert_visit", insert_together)


def test_two_insertions_into_one_day_at_once_both_go_in_without_double_booking(
        app, committed_day, monkeypatch):
    day = committed_day
    with app.app_context():
        tech = day.tech(day.base()).id
        day.call(35.69, 139.70)
        with unit_of_work():
            planning.plan_day(DAY, SYSTEM, time_limit_s=1)
        new = [day.call(35.695, 139.705).id, day.call(35.70, 139.71).id]
        db.session.remove()
    _waiting_for_each_other(monkeypatch, 2)
    results: list[Any] = []

    def insert(visit_id: int) -> Callable[[], Any]:
        def work() -> Any:
            with unit_of_work():
                return replanning.insert_call(visit_id, SYSTEM)["insertion"]["method"]
        return work

    threads = [_in_thread(app, insert(v), results) for v in new]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["insert", "insert"]
    with app.app_context():
        placed = db.session.scalars(select(Visit).where(Visit.technician_id == tech)
                                    .order_by(Visit.sequence)).all()
        assert [v.sequence for v in placed] == [1, 2, 3]
        assert set(new) <= {v.id for v in placed}
        db.session.remove()
    assert _overlaps(app) == []


def test_an_insertion_during_a_plan_jobs_solve_is_kept_and_nobody_is_double_booked(
        app, committed_day, monkeypatch):
    day = committed_day
    with app.app_context():
        day.tech(day.base())
        for k in range(3):
            day.call(35.69 + 0.005 * k, 139.70)
        with unit_of_work():
            planning.plan_day(DAY, SYSTEM, time_limit_s=1)
        late = day.call(35.70, 139.71).id
        db.session.remove()
    real, solves, inserted = planning.solve_problem, [], []

    def solve_while_a_call_comes_in(*args: Any, **kwargs: Any) -> Any:
        solves.append(1)
        if len(solves) == 1:  # a coordinator inserts the call while the job solves
            def work() -> Any:
                with unit_of_work():
                    return replanning.insert_call(late, SYSTEM)["insertion"]["method"]
            thread = _in_thread(app, work, inserted)
            thread.start()
            thread.join()
        return real(*args, **kwargs)

    monkeypatch.setattr(planning, "solve_problem", solve_while_a_call_comes_in)
    planned: list[Any] = []

    def plan() -> Any:
        with unit_of_work():
            return planning.plan_day(DAY, SYSTEM, time_limit_s=1)["plan_id"]

    thread = _in_thread(app, plan, planned)
    thread.start()
    thread.join()
    assert inserted == ["insert"]  # answered at once, not held up by the solve
    assert isinstance(planned[0], int), planned
    assert len(solves) == 2  # the first answer predates the insertion: solved again
    with app.app_context():
        assert db.session.get(Visit, late).status == "planned"
        db.session.remove()
    assert _overlaps(app) == []
