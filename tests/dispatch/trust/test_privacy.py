"""Personal-information requests (rules.md §8 開示等): export, correction, stop of use, erasure."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, select
from trust_rows import make_world, manager_user, seal_of, seal_world_report, signed_content_of

from dispatch.extensions import db
from dispatch.models import (
    ApiToken,
    AuditEvent,
    Device,
    Pack,
    PrivacyRequest,
    RepairCall,
    User,
    Visit,
)
from dispatch.services.accounts.users import hash_token
from dispatch.services.trust import audit_chain
from reports.sealing import GENESIS_HASH, verify_seal


@pytest.fixture
def world(app):
    return make_world()


@pytest.fixture
def admin(api_as):
    return api_as("admin")


def _requests(customer_id: int) -> list[str]:
    return list(db.session.scalars(select(PrivacyRequest.kind).where(
        PrivacyRequest.customer_id == customer_id).order_by(PrivacyRequest.id)))


def test_export_holds_everything_about_the_person_and_is_logged(world, admin) -> None:
    seal_world_report(world)
    response = admin.get(f"/privacy/customers/{world.customer.id}/export")
    assert response.status_code == 200
    data = response.get_json()
    assert "保守サービス提供のため" in data["purposes"]  # notice of purpose (利用目的の通知)
    assert data["customer"]["name"] == "山田 太郎"
    assert data["customer"]["email"] == "yamada@example.jp"
    assert [s["manager_email"] for s in data["sites"]] == ["sato@example.co.jp"]
    assert [d["serial"] for d in data["devices"]] == ["AK10000001"]
    assert [p["support_pack_id"] for p in data["packs"]] == ["SP-AK10000001"]
    assert [c["symptom"] for c in data["calls"]] == ["紙詰まり"]
    assert [v["id"] for v in data["visits"]] == [world.visit.id]
    report = data["work_reports"][0]
    assert (report["signer_name"], report["attendee_name"]) == ("佐藤 花子", "佐藤 花子")
    assert "signature_png" not in report  # metadata only, not the image bytes
    assert _requests(world.customer.id) == ["export"]
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "customer", AuditEvent.entity_id == str(world.customer.id)))
    assert "privacy.export" in list(actions)


def test_export_lists_the_site_managers_accounts(world, admin, make_user) -> None:
    make_user("site_manager", "sato@example.co.jp")
    data = admin.get(f"/privacy/customers/{world.customer.id}/export").get_json()
    assert [(a["email"], a["role"]) for a in data["accounts"]] == [
        ("sato@example.co.jp", "site_manager")]


@pytest.mark.parametrize("role", ["coordinator", "technician", "site_manager"])
@pytest.mark.parametrize("method,path", [
    ("get", "/export"), ("post", "/correction"), ("post", "/stop-use"), ("post", "/erasure"),
])
def test_privacy_requests_are_for_administrators_only(world, api_as, role, method, path) -> None:
    api = api_as(role)
    url = f"/privacy/customers/{world.customer.id}{path}"
    response = api.get(url) if method == "get" else api.post(url, json={})
    assert response.status_code == 403


def test_unknown_customer_is_404(admin) -> None:
    assert admin.get("/privacy/customers/999999/export").status_code == 404


def test_correction_changes_personal_fields_with_before_and_after(world, admin) -> None:
    response = admin.post(f"/privacy/customers/{world.customer.id}/correction", json={
        "name": "山田 太朗", "phone": "03-9999-0000",
        "sites": [{"id": world.site.id, "manager_email": "Hanako.Sato@example.co.jp"}],
    })
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["customer_fields"] == ["name", "phone"]
    assert (world.customer.name, world.customer.phone) == ("山田 太朗", "03-9999-0000")
    assert world.site.manager_email == "hanako.sato@example.co.jp"
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "privacy.correction", AuditEvent.entity_type == "customer"))
    assert event.before == {"name": "山田 太郎", "phone": "03-1234-5678"}
    assert event.after == {"name": "山田 太朗", "phone": "03-9999-0000"}
    site_event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "privacy.correction", AuditEvent.entity_type == "site"))
    assert site_event.after == {"manager_email": "hanako.sato@example.co.jp"}
    assert _requests(world.customer.id) == ["correction"]


def test_correction_of_a_site_of_another_customer_is_refused(world, admin) -> None:
    other = make_world(serial="AK20000002", manager_email="other@example.jp")
    response = admin.post(f"/privacy/customers/{world.customer.id}/correction",
                          json={"sites": [{"id": other.site.id, "manager_name": "X"}]})
    assert response.status_code == 422
    assert other.site.manager_name == "佐藤 花子"


def test_stop_of_use_is_stamped_and_shown_on_the_customer(world, admin) -> None:
    response = admin.post(f"/privacy/customers/{world.customer.id}/stop-use")
    assert response.status_code == 200
    assert world.customer.use_stopped_at is not None
    shown = admin.get(f"/customers/{world.customer.id}").get_json()
    assert shown["use_stopped_at"] is not None
    assert _requests(world.customer.id) == ["stop_use"]


def test_erasure_anonymises_people_and_keeps_business_records(world, admin, make_user) -> None:
    _, manager_token = make_user("site_manager", "sato@example.co.jp")
    seal_world_report(world)
    response = admin.post(f"/privacy/customers/{world.customer.id}/erasure")
    assert response.status_code == 200
    customer, site = world.customer, world.site
    assert (customer.name, customer.email, customer.phone) == ("消去済み", None, None)
    assert customer.erased_at is not None and customer.use_stopped_at is not None
    assert (site.manager_name, site.manager_email) == ("消去済み", None)
    assert manager_user() is None  # the account's e-mail is anonymised ...
    user = db.session.get(User, _user_id_of(manager_token))
    assert not user.is_enabled and user.email == f"erased-{user.id}@invalid"
    # ... and its token no longer works.
    revoked = admin.client.get("/api/v1/models/M7",
                               headers={"Authorization": f"Bearer {manager_token}"})
    assert revoked.status_code == 401
    for model, ident in ((Device, world.device.id), (Pack, world.pack.id),
                         (RepairCall, world.call.id), (Visit, world.visit.id)):
        assert db.session.get(model, ident) is not None
    assert _requests(world.customer.id) == ["erasure"]


def _user_id_of(token: str) -> int:
    return db.session.scalar(select(ApiToken.user_id).where(
        ApiToken.token_hash == hash_token(token)))


def test_erased_report_still_verifies_and_lists_the_erased_fields(world, admin) -> None:
    row, key = seal_world_report(world)
    before = verify_seal(signed_content_of(row), row.signature_png, seal_of(row),
                         {key.key_id: key.public_key}, GENESIS_HASH)
    assert before.valid and before.erased == ()
    admin.post(f"/privacy/customers/{world.customer.id}/erasure")
    db.session.refresh(row)
    assert row.content["attendee_name"] is None and row.signer_name is None
    assert row.signature_png is None
    assert row.personal["attendee_name"]["salt"] is None
    assert row.personal["signer_name"]["salt"] is None
    # The technician is OXT staff, not the subject: their name and salt stay.
    assert row.personal["technician_name"]["salt"] is not None
    result = verify_seal(signed_content_of(row), row.signature_png, seal_of(row),
                         {key.key_id: key.public_key}, GENESIS_HASH)
    assert result.valid, result.problems
    assert set(result.erased) == {"attendee_name", "signer_name", "signature_image"}


def test_erasure_leaves_no_personal_value_in_the_audit_log(world, admin, make_user) -> None:
    make_user("site_manager", "sato@example.co.jp")
    admin.post("/customers", json={"name": "田中 一郎", "email": "tanaka@example.jp"})
    admin.post(f"/privacy/customers/{world.customer.id}/correction",
               json={"name": "山田 太朗", "sites": [{"id": world.site.id,
                                                    "manager_name": "佐藤 華子"}]})
    admin.post(f"/privacy/customers/{world.customer.id}/erasure")
    events = db.session.scalars(select(AuditEvent)).all()
    text = json.dumps([[e.actor_label, e.before, e.after] for e in events], ensure_ascii=False)
    for value in ("山田 太郎", "山田 太朗", "佐藤 花子", "佐藤 華子", "sato@example.co.jp",
                  "yamada@example.jp", "03-1234-5678"):
        assert value not in text


def test_erasure_keeps_the_audit_chain_intact(world, admin, make_user) -> None:
    # The scrubbed rows are named by the erasure's own event, so the chain accepts them.
    db.session.execute(delete(AuditEvent))  # a chain of this test's own (rolled back)
    make_user("site_manager", "sato@example.co.jp")
    admin.post(f"/privacy/customers/{world.customer.id}/correction",
               json={"name": "山田 太朗"})
    admin.post(f"/privacy/customers/{world.customer.id}/erasure")
    db.session.expire_all()
    erasure = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.erasure"))
    assert erasure is not None and erasure.after["scrubbed_audit_ids"]
    check = audit_chain.verify(db.session())
    assert check.first_break is None


def test_new_records_keep_personal_values_out_of_audit_snapshots(admin) -> None:
    # Decision (rules.md §8): snapshots hold ids and business fields; names stay in their rows.
    customer = admin.post("/customers", json={"name": "田中 一郎", "email": "t@example.jp"})
    cid = customer.get_json()["id"]
    admin.post("/models", json={"code": "X1", "name": "X", "series": "other",
                                "lifetime_years": 5, "warranty_months": 12,
                                "packs_offered": ["std1"]})
    admin.post("/sites", json={"customer_id": cid, "name": "支店", "address": "東京都",
                               "lat": 35.68, "lon": 139.76, "manager_name": "高橋 次郎",
                               "manager_email": "takahashi@example.jp"})
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(("customer.create", "site.create")))).all()
    text = json.dumps([e.after for e in events], ensure_ascii=False)
    assert len(events) == 2
    for value in ("田中 一郎", "t@example.jp", "高橋 次郎", "takahashi@example.jp"):
        assert value not in text


def test_the_managers_account_follows_a_corrected_email(world, admin, make_user) -> None:
    make_user("site_manager", "sato@example.co.jp")
    admin.post(f"/privacy/customers/{world.customer.id}/correction",
               json={"sites": [{"id": world.site.id, "manager_email": "hanako@example.co.jp"}]})
    assert manager_user() is None
    assert manager_user("hanako@example.co.jp").role == "site_manager"
