"""Administrators' pages: audit viewer, users, tokens, island registry, privacy pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from trust_rows import make_world

from dispatch.extensions import db
from dispatch.models import ApiToken, AuditEvent, IslandArea, User
from dispatch.services.accounts import users as accounts
from dispatch.services.catalog import areas
from dispatch.services.trust.audit import Actor, record


@pytest.fixture
def admin(login_as):
    return login_as("admin", "root@oxt.example.jp")


def _event(action: str, entity_type: str, entity_id: str, actor: str = "alice") -> None:
    record(Actor(label=actor), action, entity_type, entity_id, after={"x": 1})
    db.session.commit()


def test_audit_viewer_filters_by_entity_and_actor(admin) -> None:
    _event("device.create", "device", "AK1", actor="alice@example.jp")
    _event("device.create", "device", "AK2", actor="bob@example.jp")
    page = admin.get("/admin/audit?entity_type=device&actor=bob").get_data(as_text=True)
    assert "製品 #AK2" in page and "製品 #AK1" not in page  # the entity type in words


def test_audit_filters_are_choices_of_what_the_log_holds(admin) -> None:
    _event("report.signed", "work_report", "7")
    page = admin.get("/admin/audit?entity_type=work_report").get_data(as_text=True)
    # Choosing from the list cannot miss ("WorkReport" typed by hand used to find nothing).
    assert '<option value="work_report" selected>作業報告票</option>' in page
    assert '<option value="report.signed" >作業報告票の署名</option>' in page
    assert "作業報告票の署名" in page and "<details><summary>変更内容</summary>" in page


def test_a_reversed_date_range_says_so(admin) -> None:
    _event("device.create", "device", "AK9")
    page = admin.get("/admin/audit?date_from=2026-11-27&date_to=2026-11-20")
    html = page.get_data(as_text=True)
    assert "開始日が終了日より後になっています。日付を入れ替えてください。" in html
    assert "製品 #AK9" not in html


def test_audit_times_are_japan_time_on_screen_and_in_the_export(admin) -> None:
    event = AuditEvent(at=datetime(2026, 11, 26, 15, 30, tzinfo=UTC), actor_label="alice",
                       action="device.create", entity_type="device", entity_id="AK8")
    db.session.add(event)
    db.session.commit()
    # 15:30 UTC on the 26th is 00:30 on the 27th in Japan.
    assert "2026-11-27 00:30:00" in admin.get("/admin/audit").get_data(as_text=True)
    csv = admin.get("/admin/audit.csv?entity_type=device").get_data(as_text=True)
    assert ",2026-11-27T00:30:00+09:00," in csv


def test_audit_export_as_csv_and_json_follows_the_filter(admin) -> None:
    _event("island.edit", "island_area", "izu-oshima")
    _event("device.create", "device", "AK3")
    csv = admin.get("/admin/audit.csv?entity_type=island_area")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("id,at,actor_user_id") and len(lines) == 2
    rows = json.loads(admin.get("/admin/audit.json?entity_type=island_area").get_data())
    assert [(r["action"], r["entity_id"]) for r in rows] == [("island.edit", "izu-oshima")]


def test_audit_viewer_is_paginated(admin) -> None:
    for n in range(55):
        _event("test.event", "thing", str(n))
    first = admin.get("/admin/audit?entity_type=thing").get_data(as_text=True)
    second = admin.get("/admin/audit?entity_type=thing&page=2").get_data(as_text=True)
    assert "thing #54" in first and "thing #4<" not in first
    assert "thing #4<" in second and "1 / 2" not in second and "2 / 2" in second


def test_users_can_be_added_disabled_and_given_a_role(admin) -> None:
    admin.post("/admin/users", data={"email": "New@Example.jp", "role": "coordinator",
                                     "password": "a-longer-new-password", "name": "新人"})
    user = db.session.scalar(select(User).where(User.email == "new@example.jp"))
    assert user.role == "coordinator"
    assert "ユーザーを追加しました。" in admin.get("/admin/users").get_data(as_text=True)
    admin.post(f"/admin/users/{user.id}/role", data={"role": "technician"})
    # Disabling asks first: the first post only shows the question.
    ask = admin.post(f"/admin/users/{user.id}/enabled", data={"enabled": "0"})
    assert "new@example.jp を無効にしますか？" in ask.get_data(as_text=True)
    assert user.is_enabled
    done = admin.post(f"/admin/users/{user.id}/enabled", data={"enabled": "0", "confirmed": "1"},
                      follow_redirects=True)
    assert "ユーザーを無効にしました。" in done.get_data(as_text=True)
    assert (user.role, user.is_enabled) == ("technician", False)
    assert "new@example.jp" in admin.get("/admin/users").get_data(as_text=True)


def test_a_duplicate_email_keeps_the_form_with_a_field_error(admin) -> None:
    form = {"email": "root@oxt.example.jp", "role": "coordinator",
            "password": "correct horse battery staple", "name": "二重登録"}
    response = admin.post("/admin/users", data=form)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'id="email-error" role="alert">このメールアドレスは既に登録されています。' in html
    assert 'value="二重登録"' in html and 'value="root@oxt.example.jp"' in html


def test_tokens_are_created_from_the_page_and_shown_once(admin) -> None:
    page = admin.post("/admin/tokens", data={"email": "root@oxt.example.jp"})
    plain = page.get_data(as_text=True).split('id="new-token-value" class="mono"')[0]
    plain = plain.rsplit('value="', 1)[1].split('"')[0]
    assert db.session.scalar(select(ApiToken).where(ApiToken.prefix == plain[:12])) is not None
    assert plain not in admin.get("/admin/tokens").get_data(as_text=True)


def test_an_administrator_cannot_disable_themselves(admin) -> None:
    me = db.session.scalar(select(User).where(User.email == "root@oxt.example.jp"))
    response = admin.post(f"/admin/users/{me.id}/enabled", data={"enabled": "0", "confirmed": "1"})
    assert response.status_code == 409
    assert "自分自身は無効にできません。" in response.get_data(as_text=True)
    assert me.is_enabled


def test_tokens_are_listed_by_prefix_and_revoked(admin, client) -> None:
    plain = accounts.create_token("root@oxt.example.jp", Actor(label="test"))
    page = admin.get("/admin/tokens").get_data(as_text=True)
    assert plain[:12] in page and plain not in page
    token = db.session.scalar(select(ApiToken).where(ApiToken.prefix == plain[:12]))
    admin.post(f"/admin/tokens/{token.id}/revoke")
    assert token.revoked_at is not None
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/technicians", headers=headers).status_code == 401


def test_island_registry_import_edit_and_deactivate(admin) -> None:
    assert "同梱のレジストリを使用中" in admin.get("/admin/islands").get_data(as_text=True)
    imported = admin.post("/admin/islands/import", follow_redirects=True).get_data(as_text=True)
    # Japanese messages, and the area column is not headed 氏名 (a person's name).
    assert "同梱のレジストリを取り込みました。" in imported
    assert "<th>地域名</th>" in imported and "<th>氏名</th>" not in imported
    area = db.session.scalar(select(IslandArea).where(IslandArea.code == "izu-oshima"))
    assert area is not None and area.version == 1
    assert areas.island_registry().find_island(34.735, 139.4).id == "izu-oshima"
    geometry = {"shapes": [{"type": "circle", "lat": 34.735, "lon": 139.4, "radius_km": 5}],
                "group": "伊豆諸島"}
    response = admin.post(f"/admin/islands/{area.id}", data={"geometry": json.dumps(geometry)})
    assert response.status_code == 302
    assert (area.geometry, area.version) == (geometry, 2)
    admin.post(f"/admin/islands/{area.id}/deactivate")
    assert (area.is_active, area.version) == (False, 3)
    assert areas.island_registry().find_island(34.735, 139.4) is None
    actions = set(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "island_area")))
    assert {"island.import", "island.edit", "island.deactivate"} <= actions


@pytest.mark.parametrize("text,message", [
    ("{not json", "not JSON"),                                    # unparsable
    ('{"shapes": []}', "must be a non-empty list"),      # nothing to match
    ('{"shapes": [{"type": "circle", "lat": 99, "lon": 139, "radius_km": 5}]}', "lat"),
])
def test_invalid_island_geometry_shows_the_form_error(admin, text, message) -> None:
    admin.post("/admin/islands/import")
    area = db.session.scalar(select(IslandArea).where(IslandArea.code == "izu-oshima"))
    response = admin.post(f"/admin/islands/{area.id}", data={"geometry": text})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "形状のJSONが正しくありません。直してから保存してください。" in html  # Japanese first
    assert message in html
    db.session.refresh(area)
    assert area.version == 1


def test_privacy_page_shows_the_data_and_performs_requests(admin, app) -> None:
    world = make_world()
    page = admin.get(f"/admin/customers/{world.customer.id}").get_data(as_text=True)
    assert "山田 太郎" in page and "sato@example.co.jp" in page and "AK10000001" in page
    download = admin.get(f"/admin/customers/{world.customer.id}/export.json")
    assert json.loads(download.get_data())["customer"]["name"] == "山田 太郎"
    confirm = {"confirm_name": "山田　太郎"}  # typed with an ideographic space: still the name
    admin.post(f"/admin/customers/{world.customer.id}/stop-use", data=confirm)
    assert world.customer.use_stopped_at is not None
    admin.post(f"/admin/customers/{world.customer.id}/correction",
               data={"name": "山田 太朗", "email": "", "phone": "03-1",
                     f"site-{world.site.id}-manager_name": "佐藤 華子",
                     f"site-{world.site.id}-manager_email": "sato@example.co.jp"})
    assert (world.customer.name, world.customer.email) == ("山田 太朗", None)
    assert world.site.manager_name == "佐藤 華子"
    admin.post(f"/admin/customers/{world.customer.id}/erasure",
               data={"confirm_name": "山田 太朗"})
    assert world.customer.name == "消去済み"
    admin.post(f"/admin/customers/{world.customer.id}/termination",
               data={"reason": "判明", "confirm_name": "消去済み"})
    assert world.customer.terminated_at is not None
    listing = admin.get("/admin/customers").get_data(as_text=True)
    assert "消去済み" in listing and "解除済み" in listing


@pytest.mark.parametrize("action,data", [
    ("erasure", {}),  # no confirmation at all
    ("erasure", {"confirm_name": "山田"}),  # part of the name
    ("stop-use", {"confirm_name": "田中 一郎"}),  # another customer's name
    ("termination", {"reason": "判明", "confirm_name": ""}),  # reason but no name
])
def test_irreversible_requests_need_the_customers_name_typed(admin, action, data) -> None:
    world = make_world()
    response = admin.post(f"/admin/customers/{world.customer.id}/{action}", data=data,
                          follow_redirects=True)
    assert "顧客名が一致しないため、処理しませんでした。" in response.get_data(as_text=True)
    customer = world.customer
    assert (customer.name, customer.use_stopped_at, customer.terminated_at) == (
        "山田 太郎", None, None)


def test_admin_home_links_to_the_admin_pages(admin) -> None:
    home = admin.get("/").get_data(as_text=True)
    for path in ("/admin/audit", "/admin/users", "/admin/tokens", "/admin/islands",
                 "/admin/customers"):
        assert path in home


def test_privacy_page_shows_labels_not_raw_keys_or_enum_values(admin) -> None:
    world = make_world()
    page = admin.get(f"/admin/customers/{world.customer.id}").get_data(as_text=True)
    # Sections, columns and values in Japanese: no "packs", "product", "std5", "registered".
    assert "<h3>サポートパック (1)</h3>" in page
    assert "<th>商品</th>" in page and "<th>product</th>" not in page
    assert ">5年パック<" in page and ">std5<" not in page
    assert ">登録済<" in page and ">registered<" not in page


def test_an_edit_of_any_island_area_reaches_the_cached_registry(admin) -> None:
    # The cache's key once held the highest version only: editing an area other than the
    # newest left the registry of this process as it was (found with issue 18).
    admin.post("/admin/islands/import")
    first, second = db.session.scalars(
        select(IslandArea).where(IslandArea.is_active.is_(True)).order_by(IslandArea.id)
        .limit(2)).all()
    sea = (35.0, 141.9)  # open Pacific east of Chiba: no island of the packaged registry
    circle = {"shapes": [{"type": "circle", "lat": sea[0], "lon": sea[1], "radius_km": 5}],
              "group": "試験"}
    admin.post(f"/admin/islands/{first.id}", data={"geometry": json.dumps(first.geometry)})
    assert first.version == 2 and areas.island_registry().find_island(*sea) is None
    admin.post(f"/admin/islands/{second.id}", data={"geometry": json.dumps(circle)})
    assert second.version == 2  # the highest version is still 2
    assert areas.island_registry().find_island(*sea).id == second.code
