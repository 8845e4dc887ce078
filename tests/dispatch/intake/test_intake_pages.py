"""The coordinator's call screen without a browser: decision, board, actions, roles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import PASSWORD
from factories import pack_id_for
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
    data = {"serial": "AK10000001", "support_pack_id": pack_id_for("AK10000001"),
            "received_at": "2026-11-26T10:00:00", "symptom": "紙詰まり",
            "idempotency_key": "page-1"}
    data.update(over)
    return data


def test_screen_shows_the_form_the_countdown_and_an_empty_board(world, desk):
    html = desk.get("/intake/").get_data(as_text=True)
    assert 'id="serial"' in html and "autofocus" in html
    assert 'data-countdown-to="2026-11-26T15:00:00+09:00"' in html
    assert "本日の修理受付はまだありません。" in html
    assert "<script>" not in html  # no inline scripts (CSP)


def test_taking_a_call_shows_the_decision_in_japanese(world, desk):
    world.covered()
    res = desk.post("/intake/calls", data=_form(received_at="2026-11-26T15:00:01"))
    html = res.get_data(as_text=True)
    assert res.status_code == 201
    assert "翌営業日オンサイト" in html and "2026-11-27" in html
    assert "当日受付の締切（終了2時間30分前）を過ぎています" in html
    assert 'aria-live="assertive"' in html


def test_reposting_the_same_screen_stores_the_call_once(world, desk):
    world.covered()
    desk.post("/intake/calls", data=_form())
    desk.post("/intake/calls", data=_form())
    assert db.session.query(RepairCall).count() == 1


def test_missing_serial_is_shown_as_a_form_error(world, desk):
    res = desk.post("/intake/calls", data=_form(serial=""))
    assert res.status_code == 422
    assert "入力を確認してください。" in res.get_data(as_text=True)


def test_support_pack_id_typo_keeps_the_form_with_a_japanese_error(world, desk):
    # rules.md §5: an ID failing its check character is a typo; nothing is stored and the
    # coordinator asks again with the form still filled in.
    world.covered()
    typo = "SP-AK10000001"  # the right shape, but its check character fails
    res = desk.post("/intake/calls", data=_form(support_pack_id=typo))
    html = res.get_data(as_text=True)
    assert res.status_code == 422
    assert "サポートパックIDの入力に誤りがあります" in html
    assert f'value="{typo}"' in html and 'value="AK10000001"' in html
    assert db.session.query(RepairCall).count() == 0


def test_board_actions_resolve_and_override(world, desk):
    world.covered("AK10000001")
    world.covered("AK10000002", site="sapporo")
    desk.post("/intake/calls", data=_form())
    desk.post("/intake/calls", data=_form(serial="AK10000002",
                                           support_pack_id=pack_id_for("AK10000002"),
                                           idempotency_key="page-2"))
    first, second = db.session.query(RepairCall).order_by(RepairCall.id).all()
    assert desk.post(f"/intake/calls/{first.id}/resolve-by-phone").status_code == 302
    assert first.status == "resolved_by_phone"
    res = desk.post(f"/intake/calls/{second.id}/override", data={"reason": "顧客の強い要望"})
    assert res.status_code == 302
    assert (second.decision, second.service_date.isoformat()) == ("next_business_day",
                                                                  "2026-11-27")


@pytest.mark.parametrize("role", ["technician", "site_manager"])
def test_call_screen_is_for_staff_only(world, client, make_user, role):
    email, _ = make_user(role)
    client.post("/login", data={"email": email, "password": PASSWORD})
    assert client.get("/intake/").status_code == 403
    assert client.post("/intake/calls", data=_form()).status_code == 403


# Forgiving intake (issue 16, SPEC §5): canonical forms shown back, an open call for the
# same serial offered instead of a second visit, a countdown only for a same-day promise.

def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _typed_on_a_japanese_keyboard(text: str) -> str:
    # Full-width lower case, with the long-vowel mark where the caller said "hyphen".
    return "".join("ー" if c == "-" else chr(ord(c) + 0xFEE0) for c in text.lower())


def test_full_width_serial_and_pack_id_are_read_in_their_canonical_form(world, desk):
    world.covered()
    pack_id = pack_id_for("AK10000001")
    # rules.md §5: full-width, lower case, spaces and Japanese dashes fold to the canonical form
    res = desk.post("/intake/calls", data=_form(
        serial="ａｋ１０００ ０００１", support_pack_id=_typed_on_a_japanese_keyboard(pack_id)))
    html = res.get_data(as_text=True)
    assert res.status_code == 201
    assert "当日オンサイト" in html
    assert "「ａｋ１０００ ０００１」→「<strong>AK10000001</strong>」" in html
    assert f"→「<strong>{pack_id}</strong>」" in html
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


def test_a_weekend_call_is_not_labelled_same_day_and_has_no_countdown(world, desk):
    world.covered()
    # rules.md §5: Saturday 11:00 counts from Monday 9:00 → onsite Monday, not "today"
    res = desk.post("/intake/calls", data=_form(received_at="2026-11-28T11:00:00"))
    html = res.get_data(as_text=True)
    decision = html[html.index('id="decision"'):html.index('id="board"')]
    assert "対応開始日にオンサイト（受付は対応時間外）" in decision and "2026-11-30" in decision
    assert "当日オンサイト</span>" not in decision
    assert "data-countdown-to" not in decision


def test_after_hours_consent_is_recorded_from_the_decision_panel(world, desk):
    world.covered()
    desk.post("/intake/calls", data=_form())
    call = db.session.scalars(select(RepairCall)).one()
    html = desk.get(f"/intake/?call={call.id}").get_data(as_text=True)
    assert 'id="after-hours-form"' in html
    res = desk.post(f"/intake/calls/{call.id}/after-hours-consent",
                    data={"consented_by": "佐藤 花子"}, follow_redirects=True)
    html = res.get_data(as_text=True)
    assert res.status_code == 200
    assert "了承済み（佐藤 花子 様、2026年11月26日（木）" in html
    assert 'id="after-hours-form"' not in html  # recorded once; the form is gone
