"""Daily lifecycle jobs change states exactly on the rules.md §2/§4 day, once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from dispatch.extensions import db
from dispatch.models import AuditEvent, JobRun, Notice, Pack
from dispatch.services.registration.lifecycle import run_daily_jobs, run_daily_once
from dispatch.services.unit_of_work import unit_of_work


def _status(api, pack_id: int) -> dict:
    return api.get(f"/packs/{pack_id}").get_json()


@pytest.mark.parametrize(("day", "status"), [
    (date(2027, 4, 30), "purchased"),  # last day of 1 year counted from 2026-05-01
    (date(2027, 5, 1), "void"),  # the next day: NOT_REGISTERED_WITHIN_1_YEAR
])
def test_unapplied_pack_is_void_after_one_year(flow, coordinator, day, status):
    pack = flow.pack()
    run_daily_jobs(day)
    got = _status(coordinator, pack["id"])
    assert got["status"] == status
    if status == "void":
        assert got["status_code"] == "NOT_REGISTERED_WITHIN_1_YEAR"


def test_jobs_are_idempotent(flow):
    flow.pack()
    first = run_daily_jobs(date(2027, 5, 1))
    assert first["packs_voided"] == 1
    assert run_daily_jobs(date(2027, 5, 1)) == {k: 0 for k in first}


@pytest.mark.parametrize(("day", "reminders"), [
    (date(2026, 5, 18), 0),  # received 2026-05-08: apply by 05-18 (received + 10)
    (date(2026, 5, 19), 1),  # late from the next day: one reminder
])
def test_application_reminder_after_ten_days(flow, day, reminders):
    flow.pack(received_on="2026-05-08")
    assert run_daily_jobs(day)["application_reminders"] == reminders
    assert run_daily_jobs(day)["application_reminders"] == 0  # never twice


def test_application_reminder_is_sent_once(flow):
    pack = flow.pack(received_on="2026-05-08")
    run_daily_jobs(date(2026, 5, 19))
    run_daily_jobs(date(2026, 5, 20))
    notices = db.session.scalars(select(Notice).where(Notice.pack_id == pack["id"])).all()
    assert [(n.kind, n.anchor_on, n.sent_on) for n in notices] == [
        ("application_reminder", date(2026, 5, 8), date(2026, 5, 19))]


def _with_inquiry(flow, coordinator) -> tuple[int, int]:
    pack = flow.pack()
    app_id = flow.apply(pack["id"], "2026-05-10")
    coordinator.post(f"/applications/{app_id}/inquiries",
                     json={"sent_on": "2026-05-12", "question": "設置場所の確認"})
    return pack["id"], app_id


@pytest.mark.parametrize(("day", "status"), [
    (date(2026, 5, 25), "inquiry"),  # sent 05-12, 13 days later
    (date(2026, 5, 26), "cancelled"),  # sent + 14 days and still unanswered
])
def test_unanswered_inquiry_cancels_on_day_fourteen(flow, coordinator, day, status):
    pack_id, app_id = _with_inquiry(flow, coordinator)
    run_daily_jobs(day)
    got = _status(coordinator, pack_id)
    assert got["status"] == status
    assert coordinator.get(f"/applications/{app_id}").get_json()["status"] == status
    if status == "cancelled":
        assert got["status_code"] == "INQUIRY_UNANSWERED"


def test_cancelled_pack_reapplies_by_web_only(flow, coordinator):
    pack_id, _ = _with_inquiry(flow, coordinator)
    with unit_of_work():  # the refused request below rolls back only its own unit
        run_daily_jobs(date(2026, 5, 26))
    by_mail = {"channel": "mail", "applied_on": "2026-05-27",
               "consents": {"service_spec": True, "privacy": True,
                            "antisocial_declaration": True}}
    assert coordinator.post(f"/packs/{pack_id}/applications", json=by_mail).status_code == 409
    by_web = {**by_mail, "channel": "web"}
    resp = coordinator.post(f"/packs/{pack_id}/applications", json=by_web)
    assert resp.status_code == 201 and _status(coordinator, pack_id)["status"] == "applied"


@pytest.mark.parametrize(("day", "breaches"), [
    (date(2026, 5, 19), 0),  # applied Fri 05-08: 7 business days → due Tue 05-19
    (date(2026, 5, 20), 1),  # late from Wed 05-20
])
def test_sla_breach_after_seven_business_days(flow, coordinator, day, breaches):
    pack = flow.pack()
    app_id = flow.apply(pack["id"], "2026-05-08")
    assert run_daily_jobs(day)["sla_breaches"] == breaches
    got = coordinator.get(f"/applications/{app_id}").get_json()
    assert got["sla_breached_on"] == (day.isoformat() if breaches else None)


@pytest.mark.parametrize(("day", "reminders"), [
    (date(2027, 2, 7), 0),  # std1 ends 2027-04-09; 61 days before
    (date(2027, 2, 8), 1),  # 60 days before the coverage end
])
def test_coverage_end_reminder_sixty_days_before(flow, day, reminders):
    flow.registered(product="std1")
    assert run_daily_jobs(day)["coverage_end_reminders"] == reminders


def test_coverage_end_reminder_skips_a_pack_already_extended(flow):
    flow.registered(product="std1")
    flow.registered(product="ext1", purchased_on="2027-01-05", applied_on="2027-01-06",
                    completed_on="2027-01-15")
    assert run_daily_jobs(date(2027, 2, 8))["coverage_end_reminders"] == 0


def test_each_job_run_is_audited_with_its_ids(flow):
    pack = flow.pack()
    run_daily_jobs(date(2027, 5, 1))
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "lifecycle.void_unapplied")).all()[-1]
    assert event.after["count"] == 1 and event.after["ids"] == [pack["id"]]


def test_a_claimed_day_runs_once(app):
    calls = []
    day = date(2030, 1, 7)
    assert run_daily_once(day, "test-claim", lambda d: calls.append(d) or {"n": 1}) == {"n": 1}
    assert run_daily_once(day, "test-claim", lambda d: calls.append(d) or {"n": 1}) is None
    assert calls == [day]


def test_a_run_failing_half_way_leaves_the_day_unclaimed_and_the_next_run_does_the_work(flow):
    pack = flow.pack()
    day = date(2027, 5, 1)  # the pack goes void that day

    def crash_after_the_jobs(d: date) -> dict[str, int]:
        run_daily_jobs(d)
        raise RuntimeError("the process died half-way")

    with pytest.raises(RuntimeError), unit_of_work():
        run_daily_once(day, "test-crash", crash_after_the_jobs)
    db.session.expire_all()
    assert db.session.scalars(select(JobRun).where(JobRun.job_name == "test-crash")).all() == []
    assert db.session.get(Pack, pack["id"]).status == "purchased"
    assert db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "lifecycle.void_unapplied")) is None

    with unit_of_work():
        summary = run_daily_once(day, "test-crash", run_daily_jobs)
    assert summary is not None and summary["packs_voided"] == 1
    assert db.session.get(Pack, pack["id"]).status == "void"
    claim = db.session.scalar(select(JobRun).where(JobRun.job_name == "test-crash"))
    assert (claim.day, claim.summary) == (day, summary)
