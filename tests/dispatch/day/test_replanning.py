"""In-day re-planning (rules.md §6): insertion without moving started visits; progress and
manual assignment with optimistic versions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from day_rows import cancelling_meanwhile
from sqlalchemy.orm.exc import StaleDataError

from dispatch.errors import Conflict
from dispatch.extensions import db
from dispatch.models import Plan, Visit
from dispatch.services.day import planning, replanning
from dispatch.services.trust.audit import SYSTEM
from dispatch.services.unit_of_work import unit_of_work

DAY = date(2026, 11, 26)


def _times(visit_id: int) -> tuple:
    v = db.session.get(Visit, visit_id)
    return v.technician_id, v.sequence, v.eta, v.start_at, v.status


def test_new_same_day_call_is_inserted_without_touching_other_routes(day):
    tokyo = day.tech(day.base())
    osaka = day.tech(day.base("OSA", 34.70, 135.50))
    first = [day.call(35.65 + 0.02 * k, 139.70) for k in range(2)]
    first += [day.call(34.68 + 0.02 * k, 135.52) for k in range(2)]
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    new = day.call(35.70, 139.71)
    before = {v.id: _times(v.id) for v in first}
    result = replanning.insert_call(new.id, SYSTEM)
    row = db.session.get(Visit, new.id)
    assert row.status == "planned" and row.technician_id == tokyo.id
    # The Osaka route is the other route: both its visits keep technician, order and times.
    untouched = [v for v, t in before.items() if t[0] != row.technician_id]
    assert untouched == [v.id for v in first[2:]]
    assert {before[v][0] for v in untouched} == {osaka.id}
    assert all(_times(v) == before[v] for v in untouched)
    assert any(s["visit_id"] == new.id for r in result["routes"] for s in r["stops"])


def test_insertion_keeps_arrived_visit_first_at_its_actual_time(day, api_as):
    base = day.base()
    tech = day.tech(base, email="t1@oxt.example.jp")
    started = day.call(35.69, 139.70)
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    technician = api_as("technician", "t1@oxt.example.jp")
    version = db.session.get(Visit, started.id).version
    response = technician.post(f"/visits/{started.id}/status",
                               json={"status": "arrived", "version": version})
    assert response.status_code == 200
    arrived_at = db.session.get(Visit, started.id).start_at
    new = day.call(35.66, 139.75)
    replanning.insert_call(new.id, SYSTEM)
    a, b = db.session.get(Visit, started.id), db.session.get(Visit, new.id)
    assert (a.status, a.sequence, a.start_at) == ("arrived", 1, arrived_at)
    assert (b.technician_id, b.sequence) == (tech.id, 2)


def test_replan_after_new_call_inserts_only_into_a_planned_day(day):
    base = day.base()
    day.tech(base)
    early = day.call()
    assert replanning.replan_after_new_call(early.call_id, SYSTEM) == []  # no plan yet
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    late = day.call(35.70, 139.72)
    assert replanning.unplanned_visits(DAY) == [late.id]
    replanning.replan_after_new_call(late.call_id, SYSTEM)
    assert db.session.get(Visit, late.id).status == "planned"


def test_visit_changed_by_someone_else_while_inserting_keeps_their_change_and_the_call_goes_in(
        day, monkeypatch):
    base = day.base()
    tech = day.tech(base)
    a = day.call(35.69, 139.70)
    b = day.call(35.70, 139.71)
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    new = day.call(35.695, 139.705)
    inserts: list[int] = []
    # Meanwhile a coordinator fixes b on the phone.
    monkeypatch.setattr(replanning, "insert_visit",
                        cancelling_meanwhile(replanning.insert_visit, b, inserts))
    replanning.insert_call(new.id, SYSTEM)
    # One insertion, no retry and no 409: b keeps the coordinator's change.
    assert len(inserts) == 1
    db.session.expire_all()
    assert db.session.get(Visit, b.id).status == "cancelled"
    placed = db.session.get(Visit, new.id)
    assert (placed.status, placed.technician_id) == ("planned", tech.id)
    assert db.session.get(Visit, a.id).status == "planned"


def test_insertion_with_visits_changing_on_every_attempt_answers_409(day, monkeypatch):
    day.tech(day.base())
    day.call(35.69, 139.70)
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    new = day.call(35.70, 139.71)

    def always_stale(*args, **kwargs):
        raise StaleDataError("visits changed")

    monkeypatch.setattr(replanning, "_write", always_stale)
    with pytest.raises(Conflict):
        replanning.insert_call(new.id, SYSTEM)


def test_technician_may_update_only_their_own_visits(day, api_as):
    base = day.base()
    day.tech(base, email="mine@oxt.example.jp")
    visit = day.call()
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    other = api_as("technician", "other@oxt.example.jp")
    response = other.post(f"/visits/{visit.id}/status", json={"status": "en_route",
                                                              "version": visit.version})
    assert response.status_code == 403


def test_another_technicians_visit_with_a_stale_version_is_403_not_409(day, api_as):
    # rules.md §8: ownership is checked before the version, so the answer does not tell
    # another technician the visit's current version ("now version 2").
    day.tech(day.base(), email="mine@oxt.example.jp")
    visit = day.call()
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    other = api_as("technician", "other@oxt.example.jp")
    stale = db.session.get(Visit, visit.id).version - 1
    response = other.post(f"/visits/{visit.id}/status", json={"status": "en_route",
                                                              "version": stale})
    assert response.status_code == 403
    assert "version" not in response.get_json()["detail"]


def test_assigning_a_cancelled_visit_is_409_and_it_stays_off_every_route(day, coordinator):
    # rules.md §6: a cancelled visit never comes back onto a route by a manual pin.
    tech = day.tech(day.base())
    visit = day.call()
    with unit_of_work():  # kept when the refused request rolls its own unit back
        row = db.session.get(Visit, visit.id)
        row.status = "cancelled"
    response = coordinator.post(f"/visits/{visit.id}/assignment",
                                json={"technician_id": tech.id, "pinned": True,
                                      "version": row.version})
    assert response.status_code == 409
    assert "cancelled" in response.get_json()["detail"]
    db.session.expire_all()
    again = db.session.get(Visit, visit.id)
    assert (again.status, again.technician_id) == ("cancelled", None)


def test_stale_version_is_409_with_a_clear_message(day, coordinator):
    base = day.base()
    tech = day.tech(base)
    visit = day.call()
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    stale = db.session.get(Visit, visit.id).version - 1
    response = coordinator.post(f"/visits/{visit.id}/assignment",
                                json={"technician_id": tech.id, "pinned": True,
                                      "version": stale})
    assert response.status_code == 409
    assert "changed by someone else" in response.get_json()["detail"]


def test_coordinator_pins_a_visit_at_a_time_and_the_next_plan_keeps_it(day, coordinator):
    base = day.base()
    near = day.tech(base)
    far_base = day.base("OSA", 34.70, 135.50)
    day.tech(far_base)
    visit = day.call()
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    version = db.session.get(Visit, visit.id).version
    response = coordinator.post(f"/visits/{visit.id}/assignment", json={
        "technician_id": near.id, "pinned": True, "start": "14:00", "version": version})
    assert response.status_code == 200
    assert response.get_json()["start"] == "2026-11-26T14:00:00+09:00"
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    row = db.session.get(Visit, visit.id)
    assert row.technician_id == near.id
    assert row.start_at == datetime(2026, 11, 26, 5, 0, tzinfo=UTC)


def test_status_must_follow_the_visit_lifecycle(day, coordinator):
    base = day.base()
    day.tech(base)
    visit = day.call()
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    version = db.session.get(Visit, visit.id).version
    response = coordinator.post(f"/visits/{visit.id}/status",
                                json={"status": "done", "version": version})
    assert response.status_code == 409


def test_same_day_call_that_fits_nowhere_displaces_a_next_day_visit_by_a_swap(day):
    from datetime import time

    base = day.base()
    day.tech(base, shift=(time(9, 0), time(11, 0)))  # room for one 60-minute visit only
    next_day = day.call(35.69, 139.70, decision="next_business_day")
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    assert db.session.get(Visit, next_day.id).status == "planned"
    urgent = day.call(35.69, 139.71)
    result = replanning.insert_call(urgent.id, SYSTEM)
    assert db.session.get(Visit, urgent.id).status == "planned"
    rolled = db.session.get(Visit, next_day.id)
    assert (rolled.service_date, rolled.status) == (date(2026, 11, 27), "unassigned")
    # Rolled over by routing (§5) because the day was full (§6 drop reason).
    assert rolled.call.codes == ["CANNOT_ARRIVE_IN_HOURS", "NO_CAPACITY"]
    assert [m["visit_id"] for m in result["moved"]] == [next_day.id]


def test_insertion_into_a_day_with_a_backlog_builds_only_what_capacity_leaves_room_for(day):
    from datetime import time

    day.tech(day.base(), shift=(time(9, 0), time(11, 0)))  # two 60-minute visits at most
    told = day.call(35.69, 139.70, decision="next_business_day")
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    backlog = [day.call(35.69, 139.70 + 0.001 * k, decision="next_business_day")
               for k in range(30)]
    urgent = day.call(35.69, 139.71)
    result = replanning.insert_call(urgent.id, SYSTEM)
    plan = db.session.get(Plan, result["plan_id"])
    # The told route and the new call fill the two hours: none of the backlog is built.
    assert {int(v["id"]) for v in plan.problem["visits"]} == {told.id, urgent.id}
    assert all(db.session.get(Visit, v.id).drop_codes == [] for v in backlog)


def test_re_plan_leaves_a_visit_under_way_untouched_so_its_signature_never_conflicts(
        day, coordinator):
    base = day.base()
    day.tech(base)
    first = day.call(35.69, 139.70)
    day.call(35.70, 139.71)
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    visit = db.session.get(Visit, first.id)
    response = coordinator.post(f"/visits/{first.id}/status",
                                json={"status": "en_route", "version": visit.version})
    assert response.status_code == 200
    under_way = (response.get_json()["version"], visit.plan_id, visit.sequence)
    day.call(35.71, 139.72)
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    db.session.expire_all()
    visit = db.session.get(Visit, first.id)
    # Same version: a signature loaded before this re-plan still commits.
    assert (visit.version, visit.plan_id, visit.sequence) == under_way
    assert visit.status == "en_route"
