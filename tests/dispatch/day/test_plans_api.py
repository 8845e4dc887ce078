"""The plan API of rules.md §9.1: POST /plans (a job), GET /plans/{date}, explain, replay."""

from __future__ import annotations

from datetime import date

from dispatch.errors import Conflict

DAY = date(2026, 11, 26)
WAIT = {"Prefer": "wait=30"}


def test_post_plans_returns_routes_with_tokyo_times_and_unassigned_with_codes(day, coordinator):
    base = day.base()
    tech = day.tech(base)
    served = day.call(35.69, 139.70)
    far = day.call(43.06, 141.35)  # Sapporo: unreachable from Tokyo within the shift
    response = coordinator.post("/plans", json={"date": "2026-11-26"}, headers=WAIT)
    assert response.status_code == 201
    assert response.headers["Preference-Applied"] == "wait=30"
    body = response.get_json()
    assert body["date"] == "2026-11-26"
    route = next(r for r in body["routes"] if r["technician_id"] == tech.id)
    assert set(route) >= {"technician_id", "base_code", "distance_km", "stops"}
    assert route["distance_km"] > 0
    stop = route["stops"][0]
    assert (stop["visit_id"], stop["call_id"]) == (served.id, served.call_id)
    for key in ("eta", "start", "end"):
        assert stop[key].startswith("2026-11-26T") and stop[key].endswith("+09:00")
    assert body["unassigned"] == [{"call_id": far.call_id, "visit_id": far.id,
                                   "codes": ["CANNOT_ARRIVE_IN_HOURS"],
                                   "moved_to": "2026-11-27"}]
    again = coordinator.get("/plans/2026-11-26").get_json()
    assert again["routes"] == body["routes"]


def test_get_plan_of_an_unplanned_day_is_404(coordinator):
    assert coordinator.get("/plans/2026-11-27").status_code == 404


def test_technicians_may_not_plan(api_as):
    assert api_as("technician").post("/plans", json={"date": "2026-11-26"}).status_code == 403


def test_explain_names_skill_window_and_distance(day, coordinator):
    base = day.base()
    tech = day.tech(base)
    visit = day.call()
    coordinator.post("/plans", json={"date": "2026-11-26"})
    facts = coordinator.get(f"/plans/2026-11-26/explain?visit_id={visit.id}").get_json()
    assert facts["technician"]["id"] == tech.id
    assert facts["technician"]["skill_match"] is True
    assert facts["required_skill"] == "COREFIDO"
    assert facts["window"] == {"start": "2026-11-26T09:00:00+09:00",
                               "end": "2026-11-26T17:30:00+09:00"}
    assert facts["technician"]["km_from_base"] > 0


def test_replay_endpoint_re_solves_the_stored_problem_identically(day, coordinator):
    base = day.base()
    day.tech(base)
    day.call()
    day.call(35.70, 139.72)
    coordinator.post("/plans", json={"date": "2026-11-26"})
    body = coordinator.post("/plans/2026-11-26/replay").get_json()
    assert body["identical"] is True


def test_post_plans_answers_202_with_the_location_of_the_job(day, coordinator):
    """SPEC §9: without Prefer: wait the answer is the job; GET it for status and plan."""
    day.tech(day.base())
    visit = day.call()
    response = coordinator.post("/plans", json={"date": "2026-11-26"})
    assert response.status_code == 202
    location = response.headers["Location"]
    assert location.startswith("/api/v1/plan-jobs/")
    assert response.get_json()["date"] == "2026-11-26"
    job = coordinator.get(location.removeprefix("/api/v1")).get_json()
    # Tests run tasks at once (DISPATCH_QUEUE_IMMEDIATE), so the job has finished.
    assert (job["status"], job["progress"]) == ("done", 1.0)
    assert job["plan"]["routes"][0]["stops"][0]["visit_id"] == visit.id
    assert job["plan_id"] is not None


def test_a_failed_plan_job_says_why(day, coordinator, monkeypatch):
    def stale(*_args, **_kwargs):
        raise Conflict("visits of this day changed while it was being planned; plan again")

    monkeypatch.setattr("dispatch.services.day.planning.plan_day", stale)
    response = coordinator.post("/plans", json={"date": "2026-11-26"})
    job = coordinator.get(response.headers["Location"].removeprefix("/api/v1")).get_json()
    assert job["status"] == "failed"
    assert job["error"] == "visits of this day changed while it was being planned; plan again"
    assert "plan" not in job
    # With Prefer: wait the failure is the answer, as the synchronous call's was.
    waited = coordinator.post("/plans", json={"date": "2026-11-26"}, headers=WAIT)
    assert waited.status_code == 409
    assert waited.mimetype == "application/problem+json"


def test_a_missing_plan_job_is_404(coordinator):
    assert coordinator.get("/plan-jobs/999999").status_code == 404
