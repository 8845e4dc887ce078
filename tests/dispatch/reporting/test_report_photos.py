"""Photos of a work report through the API (rules.md §7): stored, sealed, served, printed."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from PIL import Image
from pypdf import PdfReader
from reporting_rows import data_url, make_visit, photo_jpeg, photo_url, report_payload
from sqlalchemy import delete, func, insert, select, update

from dispatch.extensions import db
from dispatch.models import ReportPhoto
from dispatch.models import WorkReport as ReportRow

BEFORE, PANEL = {"kind": "before"}, {"kind": "error_panel"}


def _put(tech, visit_id: int, photos, **headers):
    return tech.put(f"/visits/{visit_id}/report", json=report_payload(photos=photos),
                    headers=headers or None)


@pytest.fixture
def with_photos(tech, visit) -> int:
    response = _put(tech, visit.visit_id, [
        {**BEFORE, "image": photo_url(photo_jpeg(shade=10))},
        {**PANEL, "image": photo_url(photo_jpeg(shade=200))}])
    assert response.status_code == 200, response.get_json()
    return response.get_json()["id"]


@pytest.fixture
def signed_with_photos(tech, with_photos) -> int:
    response = tech.post(f"/reports/{with_photos}/signature",
                         json={"signer_name": "佐藤 花子", "image": data_url()})
    assert response.status_code == 200, response.get_json()
    return with_photos


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def _photos(tech, report_id: int) -> list[dict]:
    return tech.get(f"/reports/{report_id}").get_json()["photos"]


# --- the rules first: garbage, too many, signed --------------------------------------------


@pytest.mark.parametrize(("entry", "field", "codes"), [
    # a JPEG header and nothing drawable
    ({**BEFORE, "image": photo_url(b"\xff\xd8\xff\xe0" + b"\0" * 40)}, "photos.0.image",
     ["REPORT_PHOTO_UNREADABLE"]),
    # not base64 at all
    ({**BEFORE, "image": "data:image/jpeg;base64,@@@"}, "photos.0.image",
     ["REPORT_PHOTO_UNREADABLE"]),
    # an image type the service does not take
    ({**BEFORE, "image": "data:image/gif;base64,R0lGODlh"}, "photos.0.image",
     ["REPORT_PHOTO_UNREADABLE"]),
    # a kind that is not before / after / error_panel
    ({"kind": "selfie", "image": photo_url()}, "photos.0.kind", []),
    # both a new image and a kept one
    ({**BEFORE, "image": photo_url(), "sha256": "0" * 64}, "photos.0", []),
    # a hash that names no photo of this draft
    ({**BEFORE, "sha256": "0" * 64}, "photos.0.sha256", []),
    # not an object
    ("data:image/jpeg;base64,AAAA", "photos.0", []),
])
def test_a_bad_photo_is_422_with_its_field_and_nothing_is_stored(tech, visit, entry, field,
                                                                 codes):
    body = _problem(_put(tech, visit.visit_id, [entry]), 422)
    assert field in body["errors"] and body["codes"] == codes
    assert db.session.scalar(select(func.count(ReportPhoto.id))) == 0
    assert db.session.scalar(select(func.count(ReportRow.id))) == 0


def test_seven_photos_are_refused_with_the_limit_code(tech, visit):
    body = _problem(_put(tech, visit.visit_id, [{**BEFORE, "image": photo_url()}] * 7), 422)
    assert body["codes"] == ["REPORT_PHOTO_LIMIT"] and "photos" in body["errors"]


def test_photo_and_report_errors_come_in_one_answer(tech, visit):
    response = tech.put(f"/visits/{visit.visit_id}/report", json=report_payload(
        work_done="", photos=[{**BEFORE, "image": "data:image/jpeg;base64,AAAA"}]))
    body = _problem(response, 422)
    assert {"work_done", "photos.0.image"} <= set(body["errors"])


def test_photos_not_a_list_is_422(tech, visit):
    assert _problem(_put(tech, visit.visit_id, {"kind": "before"}), 422)["errors"] == {
        "photos": ["must be a list"]}


def test_a_signed_reports_photos_never_change(tech, visit, signed_with_photos):
    before = _photos(tech, signed_with_photos)
    _problem(_put(tech, visit.visit_id, []), 409)
    _problem(_put(tech, visit.visit_id, [{**BEFORE, "image": photo_url()}]), 409)
    assert _photos(tech, signed_with_photos) == before


# --- stored, replaced, kept ---------------------------------------------------------------


def test_photos_are_stored_as_jpeg_and_listed_with_their_hashes(tech, with_photos):
    photos = _photos(tech, with_photos)
    assert [(p["position"], p["kind"]) for p in photos] == [(1, "before"), (2, "error_panel")]
    for photo in photos:
        served = tech.get(photo["url"].removeprefix("/api/v1"))
        assert (served.status_code, served.mimetype) == (200, "image/jpeg")
        assert hashlib.sha256(served.data).hexdigest() == photo["sha256"]
        assert photo["byte_size"] == len(served.data)
        assert Image.open(io.BytesIO(served.data)).size == (320, 240)


def test_a_photo_answers_304_to_its_etag(tech, with_photos):
    photo = _photos(tech, with_photos)[0]
    again = tech.get(f"/reports/{with_photos}/photos/1",
                     headers={"If-None-Match": f'"{photo["sha256"]}"'})
    assert again.status_code == 304


def test_resending_the_draft_replaces_its_photos(tech, visit, with_photos):
    assert _put(tech, visit.visit_id, [{"kind": "after", "image": photo_url()}]).status_code == 200
    assert [p["kind"] for p in _photos(tech, with_photos)] == ["after"]
    assert db.session.scalar(select(func.count(ReportPhoto.id))) == 1


def test_a_draft_saved_without_photos_keeps_them(tech, visit, with_photos):
    before = _photos(tech, with_photos)
    response = tech.put(f"/visits/{visit.visit_id}/report", json=report_payload(work_done="追記"))
    assert response.status_code == 200
    assert _photos(tech, with_photos) == before


def test_a_kept_photo_is_named_by_its_hash_and_may_change_kind_and_order(tech, visit,
                                                                          with_photos):
    first, second = _photos(tech, with_photos)
    response = _put(tech, visit.visit_id, [{"kind": "error_panel", "sha256": second["sha256"]},
                                           {"kind": "after", "sha256": first["sha256"]}])
    assert response.status_code == 200, response.get_json()
    assert [(p["kind"], p["sha256"]) for p in _photos(tech, with_photos)] == [
        ("error_panel", second["sha256"]), ("after", first["sha256"])]


def test_an_empty_list_removes_every_photo(tech, visit, with_photos):
    assert _put(tech, visit.visit_id, []).status_code == 200
    assert _photos(tech, with_photos) == []
    assert "photos" not in db.session.get(ReportRow, with_photos).content


def test_a_resent_submission_stores_its_photos_once(tech, visit):
    photos = [{**BEFORE, "image": photo_url()}]
    first = _put(tech, visit.visit_id, photos, **{"Idempotency-Key": "k-photos-1"})
    again = _put(tech, visit.visit_id, photos, **{"Idempotency-Key": "k-photos-1"})
    assert first.get_json() == again.get_json()
    assert db.session.scalar(select(func.count(ReportPhoto.id))) == 1


def test_six_full_size_photos_fit_in_one_request(tech, visit):
    # Each a 3 MB JPEG of noise: the whole body is about 24 MB, beyond the app's 4 MB.
    noise = Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3))
    out = io.BytesIO()
    noise.save(out, format="JPEG", quality=95)
    assert 2_000_000 < len(out.getvalue()) <= 4_000_000
    response = _put(tech, visit.visit_id, [{**BEFORE, "image": photo_url(out.getvalue())}] * 6)
    assert response.status_code == 200, response.get_json()
    stored = db.session.scalars(select(ReportPhoto.byte_size)).all()
    assert len(stored) == 6 and max(stored) < 4_000_000


def test_other_endpoints_keep_the_4_mb_body_limit(tech, with_photos):
    huge = {"signer_name": "佐藤 花子", "image": "data:image/png;base64," + "A" * 5_000_000}
    assert tech.post(f"/reports/{with_photos}/signature", json=huge).status_code == 413


# --- sealed and verified ------------------------------------------------------------------


def test_signing_seals_the_photo_hashes_and_verifies(tech, signed_with_photos):
    row = db.session.get(ReportRow, signed_with_photos)
    listed = _photos(tech, signed_with_photos)
    assert row.content["photos"] == [{"kind": p["kind"], "sha256": p["sha256"]} for p in listed]
    assert tech.get(f"/reports/{signed_with_photos}/verify").get_json() == {
        "valid": True, "problems": [], "erased": []}


def _tamper(statement) -> None:
    # Straight SQL, bypassing the ORM, like an attacker with database access.
    db.session.execute(statement)
    db.session.expire_all()


@pytest.mark.parametrize(("change", "problem"), [
    # the second photo's bytes replaced by another image
    (lambda rid: update(ReportPhoto).where(ReportPhoto.report_id == rid,
                                           ReportPhoto.position == 2)
     .values(data=photo_jpeg(shade=120)), "photo_altered:2"),
    # its kind changed from error_panel to after
    (lambda rid: update(ReportPhoto).where(ReportPhoto.report_id == rid,
                                           ReportPhoto.position == 2).values(kind="after"),
     "photo_altered:2"),
    # the first photo deleted
    (lambda rid: delete(ReportPhoto).where(ReportPhoto.report_id == rid,
                                           ReportPhoto.position == 1), "photo_missing:1"),
])
def test_a_photo_changed_in_the_database_is_detected(tech, signed_with_photos, change,
                                                     problem):
    _tamper(change(signed_with_photos))
    body = tech.get(f"/reports/{signed_with_photos}/verify").get_json()
    assert (body["valid"], body["problems"]) == (False, [problem])


def test_a_photo_added_after_signing_is_detected(tech, signed_with_photos):
    data = photo_jpeg(shade=50)
    _tamper(insert(ReportPhoto).values(
        report_id=signed_with_photos, position=3, kind="after", content_type="image/jpeg",
        data=data, sha256=hashlib.sha256(data).hexdigest(), byte_size=len(data),
        created_at=db.session.get(ReportRow, signed_with_photos).signed_at))
    assert tech.get(f"/reports/{signed_with_photos}/verify").get_json()["problems"] == [
        "photo_unsealed:3"]


def test_the_sealed_photo_list_edited_in_the_row_breaks_the_content_hash(tech,
                                                                         signed_with_photos):
    row = db.session.get(ReportRow, signed_with_photos)
    content = {**row.content, "photos": row.content["photos"][:1]}
    _tamper(update(ReportRow).where(ReportRow.id == row.id).values(content=content))
    problems = tech.get(f"/reports/{signed_with_photos}/verify").get_json()["problems"]
    assert problems == ["content_altered", "photo_unsealed:2"]


# --- who sees them, and the PDF -----------------------------------------------------------


@pytest.mark.parametrize(("role", "email", "status"), [
    ("technician", "suzuki@oxt.example.jp", 200),  # the visit's technician
    ("technician", "tanaka@oxt.example.jp", 404),  # another technician
    ("site_manager", "sato@example.co.jp", 200),  # the manager of the visit's site
    ("site_manager", "other@example.co.jp", 404),  # a manager of other sites
    ("coordinator", None, 200),  # staff
])
def test_a_photo_is_served_to_whoever_may_read_the_report(api_as, tech, with_photos, role,
                                                         email, status):
    make_visit(serial="AK10000009", tech_email="tanaka@oxt.example.jp", tech_name="田中 次郎")
    client = tech if email == "suzuki@oxt.example.jp" else api_as(role, email)
    assert client.get(f"/reports/{with_photos}/photos/1").status_code == status


def test_an_unknown_position_is_404(tech, with_photos):
    assert tech.get(f"/reports/{with_photos}/photos/3").status_code == 404


def test_the_pdf_prints_the_photos(tech, signed_with_photos):
    response = tech.get(f"/reports/{signed_with_photos}.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    assert sum(len(page.images) for page in reader.pages) == 3  # two photos, one signature
    text = "".join("".join(page.extract_text() for page in reader.pages).split())
    assert "写真1撮影区分：作業前" in text and "写真2撮影区分：エラー表示" in text


def test_a_large_body_without_a_live_token_still_gets_413(client):
    # No rows written first: the 413 comes before any hook, so the visit need not exist.
    body = report_payload(photos=[{**BEFORE, "image": photo_url(b"\xff" * 3_000_000)}] * 2)
    response = client.put("/api/v1/visits/1/report", json=body,
                          headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 413


def test_the_remote_signer_sees_the_photos_through_the_link_until_it_is_used(app, with_photos):
    from dispatch.domain.roles import Role
    from dispatch.services.reporting import signing_links
    from dispatch.services.trust.audit import Actor

    token = signing_links.create_link(with_photos, Actor(label="desk", role=Role.COORDINATOR))
    public = app.test_client()
    page = public.get(f"/sign/{token}").get_data(as_text=True)
    assert f"/sign/{token}/photos/2.jpg" in page and "2. エラー表示" in page
    photo = public.get(f"/sign/{token}/photos/2.jpg")
    assert (photo.status_code, photo.mimetype) == (200, "image/jpeg")
    assert public.get(f"/sign/{token}/photos/3.jpg").status_code == 404
    signed = public.post(f"/sign/{token}/signature",
                         json={"signer_name": "佐藤 花子", "image": data_url()})
    assert signed.status_code == 200
    assert public.get(f"/sign/{token}/photos/2.jpg").status_code == 404  # the link is used up
