"""plan_day: every onsite visit of the date on a route, or moved with the reason (§5, §6)."""

from __future__ import annotations

from datetime import date

import pytest
from day_rows import cancelling_meanwhile
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from dispatch.errors import Conflict
from dispatch.extensions import db
from dispatch.models import AuditEvent, Plan, Visit
from dispatch.services.day import planning
from dispatch.services.trust.audit import SYSTEM

DAY = date(2026, 11, 26)


def test_plan_day_puts_visits_on_the_skilled_technician_inside_support_hours(day):
    base = day.base()
    corefido = day.tech(base, ("COREFIDO",))
    vinci = day.tech(base, ("VINCI",))
    a = day.call(35.69, 139.70)
    b = day.call(35.66, 139.75, series="VINCI", decision="next_business_day")
    result = planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    routes = {r["technician_id"]: r for r in result["routes"]}
    assert [s["visit_id"] for s in routes[corefido.id]["stops"]] == [a.id]
    assert [s["visit_id"] for s in routes[vinci.id]["stops"]] == [b.id]
    stop = routes[corefido.id]["stops"][0]
    assert stop["start"].endswith("+09:00") and stop["start"] >= "2026-11-26T09:00:00+09:00"
    assert stop["end"] <= "2026-11-26T17:30:00+09:00"
    assert routes[corefido.id]["base_code"] == "TKY"
    assert result["unassigned"] == []
    visit = db.session.get(Visit, a.id)
    assert (visit.status, visit.technician_id, visit.sequence) == ("planned", corefido.id, 1)
    assert visit.plan_id == result["plan_id"]


def test_same_day_call_without_skilled_technician_moves_to_next_support_day(day):
    base = day.base()
    day.tech(base, ("COREFIDO",))
    visit = day.call(series="VINCI")
    result = planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    # Thursday 2026-11-26 → Friday 2026-11-27 under Mon–Fri hours.
    assert result["moved"][0]["to"] == "2026-11-27"
    assert result["unassigned"][0]["codes"] == ["NO_SKILLED_TECHNICIAN"]
    row = db.session.get(Visit, visit.id)
    assert (row.service_date, row.status) == (date(2026, 11, 27), "unassigned")
    assert (row.call.decision, row.call.service_date) == ("next_business_day", date(2026, 11, 27))
    assert row.call.codes == ["NO_SKILLED_TECHNICIAN"]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "visit.moved"))


def test_call_too_far_to_reach_in_hours_moves_with_cannot_arrive_in_hours(day):
    base = day.base()
    day.tech(base, ("COREFIDO",))
    # Sapporo from Tokyo: ~1,100 km by road at 30 km/h cannot fit in a shift.
    visit = day.call(43.06, 141.35)
    result = planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    row = db.session.get(Visit, visit.id)
    assert row.service_date == date(2026, 11, 27)
    assert row.call.codes == ["CANNOT_ARRIVE_IN_HOURS"]
    assert result["moved"][0]["codes"] == ["CANNOT_ARRIVE_IN_HOURS"]


def test_visit_whose_pack_is_closed_that_day_moves_to_its_next_support_day(day):
    base = day.base()
    day.tech(base)
    hours = {"days": ["mon"], "start": "09:00", "end": "17:00", "closed_on_holidays": True}
    visit = day.call(hours=hours)
    planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    assert db.session.get(Visit, visit.id).service_date == date(2026, 11, 30)  # next Monday


def test_plan_keeps_problem_and_replay_gives_the_same_routes(day):
    base = day.base()
    for _ in range(2):
        day.tech(base)
    for k in range(6):
        day.call(35.65 + 0.01 * k, 139.70 + 0.01 * k)
    result = planning.plan_day(DAY, SYSTEM, time_limit_s=2, solution_limit=30)
    plan = db.session.get(Plan, result["plan_id"])
    assert {"technicians", "visits", "pins", "travel", "options"} <= set(plan.problem)
    assert plan.problem["travel"]["blocks"]  # the pairs the solve used, kept whole
    again = planning.replay(plan.id)
    assert again["identical"] is True


def test_new_plan_replaces_the_current_one(day):
    base = day.base()
    day.tech(base)
    day.call()
    first = planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    second = planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    assert db.session.get(Plan, first["plan_id"]).is_current is False
    assert planning.get_plan(DAY)["plan_id"] == second["plan_id"]


def test_visit_changed_while_solving_makes_the_plan_run_again_on_fresh_rows(day, monkeypatch):
    base = day.base()
    tech = day.tech(base, ("COREFIDO",))
    a = day.call(35.69, 139.70)
    real_apply = planning.apply_plan
    calls = []

    def stale_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # as if a signature had bumped the visit's version meanwhile
            raise StaleDataError("visits changed")
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(planning, "apply_plan", stale_once)
    result = planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    assert len(calls) == 2
    routes = {r["technician_id"]: r for r in result["routes"]}
    assert [s["visit_id"] for s in routes[tech.id]["stops"]] == [a.id]


def test_visits_changing_on_every_attempt_answer_409(day, monkeypatch):
    day.tech(day.base(), ("COREFIDO",))
    day.call(35.69, 139.70)

    def always_stale(*args, **kwargs):
        raise StaleDataError("visits changed")

    monkeypatch.setattr(planning, "apply_plan", always_stale)
    with pytest.raises(Conflict):
        planning.plan_day(DAY, SYSTEM, time_limit_s=1)


def test_day_far_over_capacity_solves_only_what_fits_and_rolls_the_excess_over(day):
    # How fast such a day plans is measured by benchmarks/day_bench.py (--techs-per-base 2
    # --visits-per-base 150); here: the solver is handed only what capacity holds.
    from datetime import timedelta

    base = day.base()
    techs = [day.tech(base), day.tech(base)]  # 08:30-17:30 less 45 min lunch: 16.5 h of work
    visits = []
    for i in range(150):
        visit = day.call(35.69 + 0.0004 * i, 139.70, minutes=60,
                         decision="same_day" if i % 3 == 0 else "next_business_day")
        # Received newest first: the last calls made are the oldest.
        visit.call.received_at = visit.call.received_at - timedelta(minutes=i)
        visits.append(visit)
    db.session.commit()
    same_day = [v.id for v in visits if v.call.decision == "same_day"]
    result = planning.plan_day(DAY, SYSTEM, time_limit_s=2, solution_limit=50)
    plan = db.session.get(Plan, result["plan_id"])
    # 16.5 h of work holds sixteen 60-minute visits: the 16 oldest same-day promises.
    assert sorted(int(v["id"]) for v in plan.problem["visits"]) == sorted(same_day)[-16:]
    routed = {s["visit_id"] for r in result["routes"] for s in r["stops"]}
    assert routed and routed <= set(sorted(same_day)[-16:])
    assert {r["technician_id"] for r in result["routes"] if r["stops"]} == {t.id for t in techs}
    moved = {m["visit_id"]: m for m in result["moved"]}
    assert len(routed) + len(moved) == 150
    for visit in visits:
        if visit.id in routed:
            continue
        row = db.session.get(Visit, visit.id)
        assert (row.service_date, row.status, row.drop_codes) == (
            date(2026, 11, 27), "unassigned", ["NO_CAPACITY"])
        assert row.call.codes == ["CANNOT_ARRIVE_IN_HOURS", "NO_CAPACITY"]
        assert (row.call.decision, moved[visit.id]["reason"]) == ("next_business_day",
                                                                  "NO_CAPACITY")
    unassigned = {u["visit_id"]: u for u in result["unassigned"]}
    assert set(unassigned) == set(moved)
    assert all(u["codes"] == ["CANNOT_ARRIVE_IN_HOURS", "NO_CAPACITY"]
               and u["moved_to"] == "2026-11-27" for u in unassigned.values())
    # The stored problem is the bounded one, and it re-solves to the same routes.
    assert planning.replay(plan.id)["identical"] is True


def test_visit_changed_by_someone_else_while_solving_keeps_their_change_and_the_rest_is_planned(
        day, monkeypatch):
    base = day.base()
    tech = day.tech(base)
    a = day.call(35.69, 139.70)
    b = day.call(35.70, 139.71)
    solves: list[int] = []
    # Meanwhile a coordinator fixes b on the phone.
    monkeypatch.setattr(planning, "solve_problem",
                        cancelling_meanwhile(planning.solve_problem, b, solves))
    result = planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    # One solve, no 409: b keeps the coordinator's change, a is on the route.
    assert len(solves) == 1
    routes = {r["technician_id"]: r for r in result["routes"]}
    assert [s["visit_id"] for s in routes[tech.id]["stops"]] == [a.id]
    db.session.expire_all()
    row = db.session.get(Visit, b.id)
    assert (row.status, row.technician_id, row.plan_id) == ("cancelled", None, None)


@pytest.mark.parametrize(("consent", "planned"), [
    # Without consent the work must start inside 09:00–09:30: the site is over an hour away.
    (False, False),
    # The customer agreed to work past the hours (seed §7(1)): only the shift limits it.
    (True, True),
])
def test_after_hours_consent_lets_the_work_start_after_the_support_hours(day, consent, planned):
    from datetime import time

    base = day.base()
    day.tech(base, shift=(time(8, 30), time(19, 0)))
    short = {"days": ["thu"], "start": "09:00", "end": "09:30", "closed_on_holidays": True}
    visit = day.call(36.05, 139.70, hours=short)  # about 40 km north of the base
    if consent:
        visit.call.after_hours_consent = True
        db.session.commit()
    result = planning.plan_day(DAY, SYSTEM, time_limit_s=1)
    row = db.session.get(Visit, visit.id)
    if planned:
        assert (row.status, row.service_date) == ("planned", DAY)
        stop = result["routes"][0]["stops"][0]
        assert "2026-11-26T09:30:00+09:00" < stop["start"] < "2026-11-26T19:00:00+09:00"
        # Past the hours, but agreed: the board neither flags it nor counts it at risk.
        from dispatch.services.day.board import board_data

        card = board_data(DAY)["routes"][0]["stops"][0]
        assert (card["after_hours_consent"], card["at_risk"]) == (True, False)
    else:  # moved to the pack's next support day, the Thursday after
        assert row.service_date == date(2026, 12, 3)
        assert row.call.codes == ["CANNOT_ARRIVE_IN_HOURS"]
