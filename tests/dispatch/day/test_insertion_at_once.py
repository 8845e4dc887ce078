"""Insertion answers at once (rules.md §6 "Re-planning during the day"): insertion, else a swap,
else a plan job for the day; a call nobody could serve even alone moves as a plan moves it."""

from __future__ import annotations

from datetime import date, time

from dispatch.domain.job_status import JobStatus
from dispatch.extensions import db
from dispatch.models import Plan, PlanJob, Visit
from dispatch.services.day import plan_jobs, planning, replanning
from dispatch.services.trust.audit import SYSTEM
from dispatch.services.unit_of_work import unit_of_work
from dispatch.tasks.plans import enqueue_follow_up

DAY = date(2026, 11, 26)
NEXT_SUPPORT_DAY = date(2026, 11, 27)
ROOM_FOR_ONE = (time(9, 0), time(11, 0))  # one 60-minute visit and the drive, no lunch


def _insert(visit_id: int) -> dict:
    with unit_of_work():
        return replanning.insert_call(visit_id, SYSTEM)


def _jobs() -> list[tuple[JobStatus, date]]:
    return [(j.status, j.service_date) for j in db.session.scalars(
        db.select(PlanJob).order_by(PlanJob.id))]


def test_call_with_no_room_and_nothing_to_give_way_waits_for_one_plan_job(day):
    day.tech(day.base(), shift=ROOM_FOR_ONE)
    promise = day.call(35.69, 139.70)  # a same-day promise fills the day: it never gives way
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    first, second = day.call(35.69, 139.71), day.call(35.69, 139.72)
    answer = _insert(first.id)
    row = db.session.get(Visit, first.id)
    # Still on its day, unassigned, saying why; the day's plan job decides where it goes.
    assert (row.service_date, row.status, row.drop_codes) == (DAY, "unassigned",
                                                              ["NO_CAPACITY"])
    job = answer["insertion"]["plan_job"]
    assert (answer["insertion"]["method"], job["new"]) == ("plan_job", True)
    assert {"call_id": first.call_id, "visit_id": first.id,
            "codes": ["NO_CAPACITY"]} in answer["unassigned"]
    # A second such call joins the queued job: one re-plan covers both.
    again = _insert(second.id)
    assert again["insertion"]["plan_job"] == {"id": job["id"], "new": False}
    assert _jobs() == [(JobStatus.QUEUED, DAY)]
    assert db.session.get(Visit, promise.id).status == "planned"


def test_the_plan_job_then_moves_a_call_that_fits_nowhere_with_todays_codes(day):
    day.tech(day.base(), shift=ROOM_FOR_ONE)
    told = day.call(35.69, 139.70)
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    late = day.call(35.69, 139.71)
    answer = _insert(late.id)
    enqueue_follow_up(answer)  # the tests' queue runs the job at once
    db.session.expire_all()
    # Two same-day promises, room for one: the re-plan keeps one and rolls the other over.
    rows = sorted((db.session.get(Visit, v.id) for v in (told, late)),
                  key=lambda v: v.service_date)
    assert [(v.service_date, v.status) for v in rows] == [
        (DAY, "planned"), (NEXT_SUPPORT_DAY, "unassigned")]
    # Rolled over by routing (§5) because the day was full (§6 drop reason), as before.
    assert rows[1].call.codes == ["CANNOT_ARRIVE_IN_HOURS", "NO_CAPACITY"]
    assert _jobs() == [(JobStatus.DONE, DAY)]


def test_call_no_technician_is_skilled_for_moves_at_once_without_a_plan_job(day):
    day.tech(day.base())
    day.call(35.69, 139.70)
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    vinci = day.call(35.69, 139.71, series="VINCI")
    answer = _insert(vinci.id)
    row = db.session.get(Visit, vinci.id)
    assert (row.service_date, row.call.codes) == (NEXT_SUPPORT_DAY, ["NO_SKILLED_TECHNICIAN"])
    assert (answer["insertion"]["method"], answer["insertion"]["plan_job"]) == ("moved", None)
    assert [m["visit_id"] for m in answer["moved"]] == [vinci.id]
    assert _jobs() == []


def test_next_day_visit_gives_way_and_moves_to_a_technician_with_room(day):
    base = day.base()
    near, other = day.tech(base, shift=ROOM_FOR_ONE), day.tech(base, shift=ROOM_FOR_ONE)
    told = day.call(35.69, 139.70, decision="next_business_day")
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    placed = db.session.get(Visit, told.id).technician_id
    spare = other.id if placed == near.id else near.id
    # The spare technician's day is filled by hand with a pinned visit: no plain room left.
    pinned = day.call(35.69, 139.705, decision="next_business_day")
    with unit_of_work():
        from dispatch.services.day import visits
        visits.assign(pinned.id, {"technician_id": spare, "pinned": True,
                                  "version": pinned.version}, SYSTEM)
    urgent = day.call(35.69, 139.71)
    answer = _insert(urgent.id)
    assert answer["insertion"]["method"] == "swap"
    assert answer["insertion"]["displaced"] == told.id
    rolled = db.session.get(Visit, told.id)
    assert (rolled.service_date, rolled.status) == (NEXT_SUPPORT_DAY, "unassigned")
    assert db.session.get(Visit, urgent.id).technician_id == answer["insertion"]["technician_id"]
    assert db.session.get(Visit, pinned.id).technician_id == spare  # a pin never gives way


def test_insertion_while_the_days_plan_job_runs_answers_at_once_and_queues_one_follow_up(day):
    day.tech(day.base(), shift=ROOM_FOR_ONE)
    day.call(35.69, 139.70)
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    with unit_of_work():
        running, _ = plan_jobs.request_plan(DAY, SYSTEM, planning.clock.now())
    with unit_of_work():
        plan_jobs.start(running.id, planning.clock.now())
    late = day.call(35.69, 139.71)
    answer = _insert(late.id)
    # The running job loaded its rows before this call: a follow-up re-plans with it.
    follow_up = answer["insertion"]["plan_job"]
    assert follow_up["new"] is True and follow_up["id"] != running.id
    assert _jobs() == [(JobStatus.RUNNING, DAY), (JobStatus.QUEUED, DAY)]


def test_a_plan_that_sees_an_insertion_land_during_its_solve_plans_again_on_fresh_rows(
        day, monkeypatch):
    tech = day.tech(day.base())
    day.call(35.69, 139.70)
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    late = day.call(35.70, 139.71)
    real, solves = planning.solve_problem, []

    def solve_while_a_call_is_inserted(*args, **kwargs):
        solves.append(1)
        answer = real(*args, **kwargs)
        if len(solves) == 1:  # the insertion commits while the first solve runs
            replanning.insert_call(late.id, SYSTEM)
        return answer

    monkeypatch.setattr(planning, "solve_problem", solve_while_a_call_is_inserted)
    result = planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    # The first answer did not know the inserted call: it was thrown away, not written.
    assert len(solves) == 2
    stops = [s for r in result["routes"] for s in r["stops"]]
    assert sorted(s["visit_id"] for s in stops) == sorted(
        v.id for v in db.session.scalars(db.select(Visit).where(Visit.technician_id == tech.id)))
    assert [s["visit_id"] for s in stops].count(late.id) == 1
    assert db.session.scalar(db.select(Plan.solution).where(Plan.is_current.is_(True)))[
        "method"] == "solve"


def test_insertion_into_a_day_not_planned_yet_asks_for_its_plan_job_instead_of_solving(day):
    day.tech(day.base())
    call = day.call(35.69, 139.70)
    answer = _insert(call.id)
    assert answer["insertion"]["method"] == "plan_job"
    assert answer["insertion"]["plan_job"]["new"] is True
    assert (answer["plan_id"], db.session.get(Visit, call.id).status) == (None, "unassigned")
    assert _jobs() == [(JobStatus.QUEUED, DAY)]


def test_api_insert_answers_with_the_insertion_and_an_unknown_visit_is_a_404_problem(
        day, coordinator):
    tech = day.tech(day.base())
    day.call(35.69, 139.70)
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    new = day.call(35.70, 139.71)
    answer = coordinator.post("/plans/2026-11-26/insert", json={"visit_id": new.id})
    assert answer.status_code == 200
    assert answer.get_json()["insertion"] == {
        "visit_id": new.id, "method": "insert", "technician_id": tech.id, "displaced": None,
        "plan_job": None}
    missing = coordinator.post("/plans/2026-11-26/insert", json={"visit_id": 999_999})
    assert (missing.status_code, missing.content_type) == (404, "application/problem+json")


def test_a_visit_assigned_by_hand_to_the_receiving_route_meanwhile_makes_it_start_over(
        day, monkeypatch):
    tech = day.tech(day.base())
    day.call(35.69, 139.70)
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    by_hand, new = day.call(35.69, 139.72), day.call(35.70, 139.71)
    real, inserts = replanning.insert_visit, []

    def assigning_meanwhile(*args, **kwargs):
        inserts.append(1)
        answer = real(*args, **kwargs)
        if len(inserts) == 1:  # a coordinator puts by_hand on the same route meanwhile
            db.session.execute(db.update(Visit).where(Visit.id == by_hand.id).values(
                technician_id=tech.id, status="planned", version=Visit.version + 1),
                execution_options={"synchronize_session": False})
        return answer

    monkeypatch.setattr(replanning, "insert_visit", assigning_meanwhile)
    replanning.insert_call(new.id, SYSTEM)
    # The first answer never saw by_hand on that route: thrown away, computed again.
    assert len(inserts) == 2
    assert db.session.get(Visit, new.id).technician_id == tech.id
