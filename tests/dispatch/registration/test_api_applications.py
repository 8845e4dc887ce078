"""Applications, inquiries and completion through the API (rules.md §4 registration lifecycle)."""

from __future__ import annotations

import pytest
from registration_factories import ALL_CONSENTS

from dispatch.domain.support_pack_id import is_valid


def _apply(api, pack_id, **over):
    payload = {"channel": "web", "applied_on": "2026-05-10", "consents": ALL_CONSENTS}
    payload.update(over)
    return api.post(f"/packs/{pack_id}/applications", json=payload)


def test_full_registration_issues_a_checked_support_pack_id(flow, coordinator):
    pack = flow.pack()
    resp = _apply(coordinator, pack["id"])
    assert resp.status_code == 201 and resp.get_json()["status"] == "applied"
    assert coordinator.get(f"/packs/{pack['id']}").get_json()["status"] == "applied"
    done = flow.complete(resp.get_json()["id"], "2026-05-19")
    # Coverage starts on the completion-notice day and ends per the pack (rules.md §4).
    assert (done["coverage_start"], done["coverage_end"]) == ("2026-05-19", "2031-04-09")
    assert is_valid(done["support_pack_id"])
    got = coordinator.get(f"/packs/{pack['id']}").get_json()
    assert got["status"] == "registered" and got["support_pack_id"] == done["support_pack_id"]


@pytest.mark.parametrize("missing", ["service_spec", "privacy", "antisocial_declaration"])
def test_all_three_consents_are_required(flow, coordinator, missing):
    pack = flow.pack()
    resp = _apply(coordinator, pack["id"], consents={**ALL_CONSENTS, missing: False})
    assert resp.status_code == 422 and resp.get_json()["codes"] == ["CONSENT_REQUIRED"]
    assert coordinator.get(f"/packs/{pack['id']}").get_json()["status"] == "purchased"


@pytest.mark.parametrize(("applied_on", "status"), [
    ("2027-04-30", 201),  # last day of 1 year counted from the pack purchase 2026-05-01
    ("2027-05-01", 422),  # the pack is void that day: NOT_REGISTERED_WITHIN_1_YEAR
])
def test_application_within_one_year_of_pack_purchase(flow, coordinator, applied_on, status):
    # An extension: a standard pack's application closes with the device's 6-month window
    # first (test_standard_pack_application_only_within_the_device_window).
    pack = flow.pack(product="ext1")
    resp = _apply(coordinator, pack["id"], applied_on=applied_on)
    assert resp.status_code == status
    if status == 422:
        assert resp.get_json()["codes"] == ["NOT_REGISTERED_WITHIN_1_YEAR"]


@pytest.mark.parametrize(("product", "applied_on", "status", "codes"), [
    # device bought 2026-04-10: the window's last day is 2026-10-09 (標準パック サービス仕様書
    # §3(2) 登録申請できる…は、ご購入後6ヶ月以内の…製品; rules.md §2 counting)
    ("std5", "2026-10-09", 201, None),
    # the day after the window: refused, nothing stored (SPEC §4 rule 1)
    ("std5", "2026-10-10", 422, ["STANDARD_PACK_WINDOW_CLOSED"]),
    # months later, still within the pack's own year: refused as well
    ("std5", "2027-04-01", 422, ["STANDARD_PACK_WINDOW_CLOSED"]),
    # an extension has no 6-month window (延長パック: いつでも購入可能)
    ("ext1", "2026-10-10", 201, None),
])
def test_standard_pack_application_only_within_the_device_window(flow, coordinator, product,
                                                                 applied_on, status, codes):
    pack = flow.pack(product=product)
    resp = _apply(coordinator, pack["id"], applied_on=applied_on)
    assert resp.status_code == status
    if codes is not None:
        assert resp.get_json()["codes"] == codes
        got = coordinator.get(f"/packs/{pack['id']}").get_json()
        assert (got["status"], got["application_id"]) == ("purchased", None)


def test_inquiry_and_answer_move_the_application(flow, coordinator):
    pack = flow.pack()
    app_id = _apply(coordinator, pack["id"]).get_json()["id"]
    inq = coordinator.post(f"/applications/{app_id}/inquiries",
                           json={"sent_on": "2026-05-12", "question": "購入日の確認"})
    assert inq.status_code == 201
    assert coordinator.get(f"/packs/{pack['id']}").get_json()["status"] == "inquiry"
    # Registration waits for the answer.
    blocked = coordinator.post(f"/applications/{app_id}/complete",
                               json={"completed_on": "2026-05-13"})
    assert blocked.status_code == 409
    ans = coordinator.post(f"/applications/{app_id}/inquiries/{inq.get_json()['id']}/answer",
                           json={"answered_on": "2026-05-25"})  # sent + 13: still in time
    assert ans.status_code == 200 and ans.get_json()["status"] == "applied"
    assert flow.complete(app_id, "2026-05-27")["coverage_start"] == "2026-05-27"


@pytest.mark.parametrize(("answered_on", "status", "codes"), [
    # D + 13, the day before the lapse day: accepted (使用説明書 §3-1 ＜ご注意＞ 2週間以上
    # 回答を頂けない場合、登録申請は取消し)
    ("2026-05-25", 200, []),
    # D + 14, the lapse day: the daily job of that day cancels, so the answer is refused
    # whichever runs first (SPEC §4: an answer dated D+14 or later is refused, 409)
    ("2026-05-26", 409, ["INQUIRY_UNANSWERED"]),
    # D + 15: too late
    ("2026-05-27", 409, ["INQUIRY_UNANSWERED"]),
])
def test_answer_dated_on_or_after_the_lapse_day_is_inquiry_unanswered(
        flow, coordinator, answered_on, status, codes):
    pack = flow.pack()
    app_id = _apply(coordinator, pack["id"]).get_json()["id"]
    iid = coordinator.post(f"/applications/{app_id}/inquiries",
                           json={"sent_on": "2026-05-12", "question": "?"}).get_json()["id"]
    resp = coordinator.post(f"/applications/{app_id}/inquiries/{iid}/answer",
                            json={"answered_on": answered_on})
    assert resp.status_code == status
    assert resp.get_json().get("codes", []) == codes


def test_answering_twice_is_a_conflict(flow, coordinator):
    pack = flow.pack()
    app_id = _apply(coordinator, pack["id"]).get_json()["id"]
    iid = coordinator.post(f"/applications/{app_id}/inquiries",
                           json={"sent_on": "2026-05-12", "question": "?"}).get_json()["id"]
    path = f"/applications/{app_id}/inquiries/{iid}/answer"
    assert coordinator.post(path, json={"answered_on": "2026-05-13"}).status_code == 200
    assert coordinator.post(path, json={"answered_on": "2026-05-14"}).status_code == 409


@pytest.mark.parametrize(("step", "path_fmt", "payload"), [
    # applying twice
    ("apply", "/packs/{pack}/applications",
     {"channel": "web", "applied_on": "2026-05-11", "consents": ALL_CONSENTS}),
    # completing a registered application again
    ("complete", "/applications/{app}/complete", {"completed_on": "2026-05-20"}),
    # an inquiry about a registered application
    ("inquiry", "/applications/{app}/inquiries", {"sent_on": "2026-05-20", "question": "?"}),
])
def test_transitions_out_of_registered_are_conflicts(flow, coordinator, step, path_fmt,
                                                     payload):
    pack = flow.pack()
    app_id = flow.apply(pack["id"])
    flow.complete(app_id)
    resp = coordinator.post(path_fmt.format(pack=pack["id"], app=app_id), json=payload)
    assert resp.status_code == 409
    assert "registered" in resp.get_json()["detail"]


def test_continuous_extension_starts_after_the_current_end(flow, coordinator):
    flow.registered(product="std1")  # std1 ends 2027-04-09
    ext = flow.pack(product="ext1", purchased_on="2027-03-01")
    app_id = flow.apply(ext["id"], applied_on="2027-03-02")
    done = flow.complete(app_id, "2027-03-10")
    # Registered early, service still starts the day after the previous end.
    assert (done["coverage_start"], done["coverage_end"]) == ("2027-04-10", "2028-04-09")


def test_unknown_application_is_404(coordinator, installed):
    assert coordinator.post("/applications/999999/complete",
                            json={"completed_on": "2026-05-19"}).status_code == 404


def test_support_pack_id_collision_retries_with_a_new_id(flow, coordinator, monkeypatch):
    from dispatch.services.registration import applications

    taken = flow.registered()["support_pack_id"]
    fresh = iter([taken, "SP-23456782"])  # first a collision, then a free ID
    monkeypatch.setattr(applications, "make_id", lambda choice: next(fresh))
    pack = flow.pack(product="std3", target_serial="AK12345678")
    done = flow.complete(flow.apply(pack["id"]), "2026-05-20")
    assert done["support_pack_id"] == "SP-23456782"


@pytest.mark.parametrize(("quoted", "status", "codes"), [
    # the registered std5's ID as printed (延長パック使用説明書 §3-1 ＜ご注意＞ その
    # 「サポートパックID番号」が登録申請時、必要です)
    ("registered", 201, None),
    # typed in lower case without the hyphen: compared normalised (SPEC §5 normalisation)
    ("registered-sloppy", 201, None),
    # missing: 422 SUPPORT_PACK_ID_MISMATCH (SPEC §4 lifecycle)
    (None, 422, ["SUPPORT_PACK_ID_MISMATCH"]),
    # a well-formed ID that is not this device's: the same refusal
    ("SP-23456782", 422, ["SUPPORT_PACK_ID_MISMATCH"]),
])
def test_extension_application_carries_the_current_support_pack_id(flow, coordinator, quoted,
                                                                   status, codes):
    current = flow.registered()["support_pack_id"]
    ext = flow.pack(product="ext1", purchased_on="2026-06-01")
    value = {"registered": current,
             "registered-sloppy": current.lower().replace("-", "")}.get(quoted or "", quoted)
    body = {"channel": "web", "applied_on": "2026-06-05", "consents": ALL_CONSENTS,
            "current_support_pack_id": value}
    resp = coordinator.post(f"/packs/{ext['id']}/applications", json=body)
    assert resp.status_code == status, resp.get_json()
    if codes is not None:
        assert resp.get_json()["codes"] == codes
        assert coordinator.get(f"/packs/{ext['id']}").get_json()["status"] == "purchased"
