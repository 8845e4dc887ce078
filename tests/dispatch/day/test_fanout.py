"""A national day as region tasks (rules.md §9): the job splits and returns, each region is
counted once, only the region completing the count merges, a failure or a lost worker
fails the job, rows changed meanwhile keep their change, a follow-up still waits its turn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from dispatch.domain.job_status import JobStatus
from dispatch.errors import Conflict
from dispatch.extensions import db
from dispatch.models import Plan, PlanJobRegion, Visit
from dispatch.services.day import fanout, plan_jobs, planning, solver_pool
from dispatch.services.day.plan_jobs import Start
from dispatch.services.day.travel import RecordedTravel
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work
from routing import RoutePlan, SolveOptions

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
ASKER = Actor(label="desk@example.jp")
TOKYO, OSAKA = (35.6812, 139.7671), (34.6937, 135.5023)


@pytest.fixture
def national(day, monkeypatch):
    """Two bases, two technicians each, three calls around each base; split by base."""
    monkeypatch.setattr(planning, "REGION_THRESHOLD", 1)
    visits = []
    for code, (lat, lon) in (("TKY", TOKYO), ("OSA", OSAKA)):
        base = day.base(code, lat, lon)
        day.tech(base)
        day.tech(base)
        visits += [day.call(lat + 0.01 * k, lon + 0.01) for k in range(3)]
    return [v.id for v in visits]


def _running_job(service_date=None) -> int:
    with unit_of_work():
        job, _ = plan_jobs.request_plan(service_date or _day(), ASKER, NOW)
    with unit_of_work():
        assert plan_jobs.start(job.id, NOW) == Start.STARTED
    return job.id


def _day():
    from day_rows import DAY

    return DAY


def _split(job_id: int) -> list[int]:
    with unit_of_work():
        return plan_jobs.split(job_id)


Solved = tuple[RoutePlan, RecordedTravel]


def _solve(job_id: int, region_no: int) -> Solved:
    with unit_of_work():
        found = fanout.region_problem(job_id, region_no)
    assert found is not None
    answer, travel = solver_pool.solve_here(*found)  # in place: this test runs no threads
    assert isinstance(travel, RecordedTravel)
    return answer, travel


def _record(job_id: int, region_no: int, solved: Solved) -> bool:
    with unit_of_work():
        return fanout.record_region(job_id, region_no, *solved, NOW)


def _complete(job_id: int) -> None:
    with unit_of_work():
        plan_jobs.complete(job_id, ASKER, lambda: NOW + timedelta(seconds=5))


def test_a_national_job_stores_one_region_per_base_and_plans_nothing_yet(national):
    job_id = _running_job()
    assert _split(job_id) == [0, 1]
    job = plan_jobs.get(job_id)
    assert (job.status, job.regions_total, job.regions_done) == (JobStatus.RUNNING, 2, 0)
    assert plan_jobs.progress(job, NOW + timedelta(minutes=5)) == 0.0  # regions, not time
    assert db.session.scalar(select(func.count(Plan.id))) == 0
    regions = db.session.scalars(select(PlanJobRegion).order_by(PlanJobRegion.region_no)).all()
    # Each region holds its own base's technicians and visits, and only their travel pairs.
    assert [len(r.problem["technicians"]) for r in regions] == [2, 2]
    assert [len(r.problem["visits"]) for r in regions] == [3, 3]
    # No travel pairs yet: each region task asks the travel source for its own.
    assert all(r.problem["travel"]["pairs"] == r.problem["travel"]["blocks"] == []
               for r in regions)


def test_a_small_day_is_not_split_and_plans_in_one_piece(day):
    day.tech(day.base())
    day.call()
    job_id = _running_job()
    assert _split(job_id) == []
    assert plan_jobs.get(job_id).regions_total is None


def test_only_the_region_completing_the_count_merges_and_a_repeat_counts_once(national):
    job_id = _running_job()
    _split(job_id)
    first = _solve(job_id, 0)
    assert _record(job_id, 0, first) is False
    assert _record(job_id, 0, first) is False  # the same region again (a task run twice)
    job = plan_jobs.get(job_id)
    assert (job.regions_done, plan_jobs.progress(job, NOW)) == (1, 0.5)
    assert fanout.region_problem(job_id, 0) is None  # solved: a rerun does not solve again
    assert _record(job_id, 1, _solve(job_id, 1)) is True
    _complete(job_id)
    job = plan_jobs.get(job_id)
    assert (job.status, plan_jobs.progress(job, NOW)) == (JobStatus.DONE, 1.0)
    assert job.plan_id == planning.current_plan(job.service_date).id
    assert db.session.scalar(select(func.count(PlanJobRegion.id))) == 0  # scratch deleted
    assert sorted(job.work or {}) == ["merge_seconds", "split_seconds"]  # timings stay
    statuses = {v.status for v in db.session.scalars(select(Visit))}
    assert statuses == {"planned"}


def test_the_merged_plan_is_the_merge_of_the_regions_as_planning_makes_it(national):
    job_id = _running_job()
    _split(job_id)
    answers = [_solve(job_id, n) for n in (0, 1)]
    for n, answer in enumerate(answers):
        _record(job_id, n, answer)
    _complete(job_id)
    plan = planning.current_plan(plan_jobs.get(job_id).service_date)
    routes = {r["technician_id"]: [s[0] for s in r["stops"]] for r in plan.solution["routes"]}
    expected = {r.technician_id: [s.visit_id for s in r.stops]
                for answer, _ in answers for r in answer.routes}
    # Nothing was dropped, so the repair moved nothing: the routes are the regions' own.
    assert routes == expected
    assert sorted(v for stops in routes.values() for v in stops) == sorted(
        str(v) for v in national)
    # The plan keeps every pair the regions were solved with (for replay): 2 × 4 × 3.
    assert RecordedTravel.from_json(plan.problem["travel"]).pair_count() == 24
    replayed = planning.replay(plan.id)
    assert replayed["identical"] is True


def test_a_failed_region_fails_the_job_with_a_reason_and_later_answers_are_ignored(national):
    job_id = _running_job()
    _split(job_id)
    late = _solve(job_id, 1)
    with unit_of_work():
        plan_jobs.fail(job_id, RuntimeError("solver crashed"), NOW)
    job = plan_jobs.get(job_id)
    assert (job.status, job.error, job.error_status) == (
        JobStatus.FAILED, "planning failed: RuntimeError", 500)
    assert _record(job_id, 1, late) is False
    assert fanout.region_problem(job_id, 0) is None
    with unit_of_work():  # a second region failing too leaves the first reason
        plan_jobs.fail(job_id, ValueError("again"), NOW)
    assert plan_jobs.get(job_id).error == "planning failed: RuntimeError"


def test_a_job_whose_region_worker_died_fails_after_the_stale_limit_with_no_new_request(
        national):
    job_id = _running_job()
    _split(job_id)
    _record(job_id, 0, _solve(job_id, 0))  # region 1's worker was killed: never recorded
    with unit_of_work():
        assert plan_jobs.fail_lost(NOW + plan_jobs.STALE_AFTER) == 0  # not yet
    with unit_of_work():
        assert plan_jobs.fail_lost(NOW + plan_jobs.STALE_AFTER + timedelta(seconds=1)) == 1
    job = plan_jobs.get(job_id)
    assert (job.status, job.error, job.error_status) == (
        JobStatus.FAILED, plan_jobs.WORKER_LOST, 503)
    assert _record(job_id, 1, _solve_none()) is False


def _solve_none() -> Solved:
    return RoutePlan((), (), 0, "NO_VISITS", 0.0), RecordedTravel(None)


def test_visits_changed_while_the_regions_were_solved_keep_their_change(national):
    job_id = _running_job()
    _split(job_id)
    answers = [_solve(job_id, n) for n in (0, 1)]
    cancelled, fixed = national[0], national[3]
    # Meanwhile: one call fixed by phone (cancelled), one visit pinned by a coordinator.
    with unit_of_work():
        db.session.execute(update(Visit).where(Visit.id == cancelled).values(
            status="cancelled", version=Visit.version + 1))
        db.session.execute(update(Visit).where(Visit.id == fixed).values(
            version=Visit.version + 1))
    for n, answer in enumerate(answers):
        _record(job_id, n, answer)
    _complete(job_id)
    db.session.expire_all()
    assert db.session.get(Visit, cancelled).status == "cancelled"
    assert db.session.get(Visit, fixed).status == "unassigned"  # left as it is now
    others = [db.session.get(Visit, v).status for v in national if v not in (cancelled, fixed)]
    assert others == ["planned"] * 4
    plan = planning.current_plan(plan_jobs.get(job_id).service_date)
    assert plan.solution["changed_meanwhile"] == 2


def test_a_follow_up_request_during_a_fanned_out_job_runs_after_the_merge(national):
    job_id = _running_job()
    _split(job_id)
    with unit_of_work():
        follow_up, new = plan_jobs.request_plan(_day(), ASKER, NOW)
    assert (follow_up.id != job_id, new) == (True, True)
    with unit_of_work():
        assert plan_jobs.start(follow_up.id, NOW) == Start.BLOCKED
    for n in (0, 1):
        _record(job_id, n, _solve(job_id, n))
    _complete(job_id)
    with unit_of_work():
        assert plan_jobs.start(follow_up.id, NOW) == Start.STARTED
    assert _split(follow_up.id) == [0, 1]  # a fresh split of the rows as they are now


def test_plan_json_gives_the_routing_answer_back_equal(national):
    job_id = _running_job()
    _split(job_id)
    answer, _ = _solve(job_id, 0)
    assert any(r.lunch_start is not None for r in answer.routes)  # every field travels
    assert fanout.plan_from_json(fanout.plan_json(answer)) == answer


def test_region_budget_shares_the_day_budget_over_the_assumed_workers(app, monkeypatch):
    day = SolveOptions(time_limit_s=10.0)
    # 20 regions, 2 workers: ten after each other in 0.6 × 10 s.
    monkeypatch.setitem(app.config, "DISPATCH_PLAN_WORKERS", 2)
    assert planning.region_options(day, 20, app.config).time_limit_s == pytest.approx(0.6)
    # Never under half a second, and never over the day's own budget.
    assert planning.region_options(day, 50, app.config).time_limit_s == 0.5
    assert planning.region_options(day, 1, app.config).time_limit_s == 10.0
    # An operator's figure wins.
    monkeypatch.setitem(app.config, "DISPATCH_REGION_SECONDS", "0.7")
    assert planning.region_options(day, 20, app.config).time_limit_s == 0.7


def test_post_plans_for_a_national_day_answers_the_merged_plan(national, coordinator):
    answer = coordinator.post("/plans", json={"date": "2026-11-26"},
                              headers={"Prefer": "wait=30"})
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    served = sorted(s["visit_id"] for r in body["routes"] for s in r["stops"])
    assert served == sorted(national)
    assert {r["base_code"] for r in body["routes"] if r["stops"]} == {"TKY", "OSA"}
    job = plan_jobs.get(int(answer.headers["Location"].rsplit("/", 1)[1]))
    assert (job.regions_total, job.regions_done, job.status) == (2, 2, JobStatus.DONE)


def test_a_call_inserted_while_the_regions_solved_fails_the_merge_instead_of_double_booking(
        national):
    with unit_of_work():
        planning.plan_day(_day(), ASKER)
    job_id = _running_job()
    _split(job_id)
    answers = [_solve(job_id, n) for n in (0, 1)]
    # Meanwhile an insertion wrote its route and made a new current plan (replanning does).
    with unit_of_work():
        old = planning.current_plan(_day())
        old.is_current = False
        db.session.flush()
        db.session.add(Plan(service_date=_day(), created_at=NOW, problem={}, solution={},
                            is_current=True))
    for n, answer in enumerate(answers):
        _record(job_id, n, answer)
    before = {v: db.session.get(Visit, v).version for v in national}
    with pytest.raises(Conflict):
        _complete(job_id)
    db.session.expire_all()
    assert {v: db.session.get(Visit, v).version for v in national} == before
