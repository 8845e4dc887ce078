"""A plan's visits are written in batches, each row still guarded by its version."""

from __future__ import annotations

from datetime import date

import pytest
from read_counting import statements
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from dispatch.extensions import db
from dispatch.models import Visit
from dispatch.services.day import planning
from dispatch.services.day.batch_writes import flush_versioned
from dispatch.services.trust.audit import SYSTEM

DAY = date(2026, 11, 26)


def _updates(seen: list[str]) -> list[str]:
    return [s for s in seen if s.lstrip().upper().startswith("UPDATE VISITS")]


@pytest.mark.parametrize("calls", [
    5,   # a small day
    40,  # eight times the visits: the same statements
])
def test_a_plan_writes_its_visits_in_a_fixed_number_of_update_statements(day, calls):
    base = day.base()
    for _ in range(4):
        day.tech(base)
    for k in range(calls):
        day.call(35.60 + 0.003 * k, 139.60 + 0.003 * k, decision="next_business_day")
    with statements() as seen:
        result = planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    routed = [s["visit_id"] for r in result["routes"] for s in r["stops"]]
    assert routed
    # One executemany for the routed visits, one for the moved calls and one for the
    # moved visits: not one UPDATE per row.
    visits = db.session.scalars(select(Visit).where(Visit.id.in_(routed))).all()
    assert {(v.status, v.plan_id, v.version) for v in visits} == {
        ("planned", result["plan_id"], 2)}
    assert {v.sequence for v in visits} >= {1}
    calls = [s for s in seen if s.lstrip().upper().startswith("UPDATE REPAIR_CALLS")]
    assert len(_updates(seen)) <= 2 and len(calls) <= 1


def test_batch_writes_leave_nothing_for_the_orm_to_write_again(day):
    base = day.base()
    tech = day.tech(base)
    visits = [day.call(35.60 + 0.01 * k, 139.70) for k in range(3)]
    for sequence, visit in enumerate(visits, start=1):
        visit.technician_id, visit.sequence, visit.status = tech.id, sequence, "planned"
    assert flush_versioned(visits) == 3
    with statements() as seen:
        db.session.flush()
    assert _updates(seen) == []
    db.session.expire_all()
    assert [(v.sequence, v.version) for v in
            db.session.scalars(select(Visit).order_by(Visit.id))] == [(1, 2), (2, 2), (3, 2)]


def test_a_visit_changed_by_another_transaction_fails_the_batch_instead_of_being_overwritten(
        day):
    base = day.base()
    tech = day.tech(base)
    visits = [day.call(35.60 + 0.01 * k, 139.70) for k in range(3)]
    assert [v.version for v in visits] == [1, 1, 1]  # what this session loaded
    # Another writer (a coordinator on the phone) cancels the second visit meanwhile and
    # commits; this session's objects still hold the versions they were loaded with.
    db.session.execute(update(Visit).where(Visit.id == visits[1].id).values(
        status="cancelled", version=Visit.version + 1),
        execution_options={"synchronize_session": False})
    session = db.session()
    session.expire_on_commit = False
    try:
        db.session.commit()
    finally:
        session.expire_on_commit = True
    for visit in visits:
        visit.technician_id, visit.status = tech.id, "planned"
    with pytest.raises(StaleDataError):
        flush_versioned(visits)
    db.session.rollback()
    assert db.session.get(Visit, visits[1].id).status == "cancelled"
    assert {v.technician_id for v in db.session.scalars(select(Visit))} == {None}


def test_a_visit_whose_relationship_changed_is_left_to_the_orm(day):
    base = day.base()
    tech = day.tech(base)
    visit = day.call()
    visit.technician = tech  # the ORM turns this into technician_id when it flushes
    assert flush_versioned([visit]) == 0
    db.session.flush()
    db.session.expire_all()
    again = db.session.get(Visit, visit.id)
    assert (again.technician_id, again.version) == (tech.id, 2)
