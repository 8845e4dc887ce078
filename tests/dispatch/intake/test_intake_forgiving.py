"""The call screen forgives typing (issue 16, SPEC §5): canonical forms shown back, an open
call for the same serial offered instead of a second visit, a countdown only for a same-day
promise still ahead."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import PASSWORD
from sqlalchemy import func, select

from dispatch import clock
from dispatch.extensions import db
from dispatch.models import RepairCall, Visit

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # Thu 10:00 in Tokyo


@pytest.fixture
def desk(client, make_user, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    email, _ = make_user("coordinator")
    client.post("/login", data={"email": email, "password": PASSWORD})
    return client


def _form(**over):
    data = {"serial": "AK10000001", "support_pack_id": "SP-AK10000001",
            "received_at": "2026-11-26T10:00:00", "symptom": "紙詰まり",
            "idempotency_key": "page-1"}
    data.update(over)
    return data


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_full_width_serial_and_pack_id_are_read_in_their_canonical_form(world, desk):
    world.covered()
    # SPEC §5: full-width, lower case, spaces and Japanese dashes fold to the canonical form
    res = desk.post("/intake/calls", data=_form(serial="ａｋ１０００ ０００１",
                                                support_pack_id="ｓｐ－ＡＫ１０００００ー０１"))
    html = res.get_data(as_text=True)
    assert res.status_code == 201
    assert "当日オンサイト" in html
    assert "「ａｋ１０００ ０００１」→「<strong>AK10000001</strong>」" in html
    assert "→「<strong>SP-AK10000001</strong>」" in html
    assert db.session.scalar(select(RepairCall.serial)) == "AK10000001"


def test_a_second_call_for_an_open_serial_shows_that_call_and_stores_nothing(world, desk):
    world.covered()
    first = desk.post("/intake/calls", data=_form())
    assert first.status_code == 201
    res = desk.post("/intake/calls", data=_form(symptom="トナー漏れ", idempotency_key="page-2"))
    html = res.get_data(as_text=True)
    assert res.status_code == 409
    assert 'id="open-call-warning"' in html and "紙詰まり" in html
    assert 'value="トナー漏れ"' in html  # the form is kept for "take it separately"
    assert (_count(RepairCall), _count(Visit)) == (1, 1)


def test_adding_to_the_open_call_appends_the_report_without_a_second_visit(world, desk):
    world.covered()
    desk.post("/intake/calls", data=_form())
    call = db.session.scalar(select(RepairCall))
    res = desk.post(f"/intake/calls/{call.id}/additions", data={"symptom": "トナー漏れ"})
    assert res.status_code == 302 and "added=1" in res.headers["Location"]
    db.session.expire_all()
    assert call.symptom == "紙詰まり\n[2026-11-26 10:00 追加] トナー漏れ"
    assert (_count(RepairCall), _count(Visit)) == (1, 1)
    page = desk.get(res.headers["Location"]).get_data(as_text=True)
    assert 'id="added-notice"' in page


def test_taking_it_separately_after_the_warning_stores_a_second_call(world, desk):
    world.covered()
    desk.post("/intake/calls", data=_form())
    res = desk.post("/intake/calls", data=_form(idempotency_key="page-2", separate="1"))
    assert res.status_code == 201
    assert _count(RepairCall) == 2


def test_an_after_cutoff_call_shows_no_countdown_to_the_missed_cutoff(world, desk):
    world.covered()
    # 15:00:01 is past the 15:00 cutoff: next business day, nothing to count down to
    res = desk.post("/intake/calls", data=_form(received_at="2026-11-26T15:00:01"))
    html = res.get_data(as_text=True)
    decision = html[html.index('id="decision"'):html.index('id="board"')]
    assert "翌営業日オンサイト" in decision
    assert "data-countdown-to" not in decision


def test_a_same_day_call_counts_down_to_its_cutoff(world, desk):
    world.covered()
    html = desk.post("/intake/calls", data=_form()).get_data(as_text=True)
    decision = html[html.index('id="decision"'):html.index('id="board"')]
    assert 'data-countdown-to="2026-11-26T06:00:00+00:00"' in decision
