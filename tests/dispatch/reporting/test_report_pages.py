"""Tablet pages, the remote signing link and the customer portal (rules.md §7, §8)."""

from __future__ import annotations

import contextlib
import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from conftest import PASSWORD
from pypdf import PdfReader
from reporting_rows import NOW, data_url, make_visit, report_payload
from sqlalchemy import update

from dispatch import clock
from dispatch.errors import Conflict
from dispatch.extensions import db
from dispatch.models import SigningLink
from dispatch.models import WorkReport as ReportRow


@pytest.fixture
def login(client, make_user):
    def as_user(role: str, email: str):
        with contextlib.suppress(Conflict):  # the API fixtures may have made them already
            make_user(role, email)
        client.post("/login", data={"email": email, "password": PASSWORD})
        return client
    return as_user


def test_technician_opens_the_form_of_their_visit(login, visit):
    page = login("technician", "suzuki@oxt.example.jp").get(f"/visits/{visit.visit_id}/report")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "作業報告票の入力" in html and 'id="signature-pad"' in html
    assert "<script>" not in html  # no inline script (CSP)
    # The device check: the sticker read by the camera, which this page alone may open.
    assert 'data-expected-serial="AK10000001"' in html and "ステッカーを読み取る" in html
    assert "camera=(self)" in page.headers["Permissions-Policy"]


def test_another_technician_gets_404_on_the_form(login, visit):
    page = login("technician", "tanaka@oxt.example.jp").get(f"/visits/{visit.visit_id}/report")
    assert page.status_code == 404


def test_tablet_json_save_sign_and_done_page(login, visit):
    client = login("technician", "suzuki@oxt.example.jp")
    saved = client.put(f"/tablet/visits/{visit.visit_id}/report", json=report_payload())
    assert saved.get_json()["status"] == "draft"
    signed = client.post(f"/tablet/visits/{visit.visit_id}/signature",
                         json={"signer_name": "佐藤 花子", "image": data_url()},
                         headers={"Idempotency-Key": "k-1"})
    assert signed.get_json() == {"id": saved.get_json()["id"], "status": "signed"}
    done = client.get(f"/reports/{signed.get_json()['id']}/done").get_data(as_text=True)
    assert "封印の検証: 正常" in done
    pdf = client.get(f"/reports/{signed.get_json()['id']}/report.pdf")
    assert pdf.data.startswith(b"%PDF")


def test_tablet_json_errors_are_problem_json(login, visit):
    client = login("technician", "suzuki@oxt.example.jp")
    bad = client.put(f"/tablet/visits/{visit.visit_id}/report", json=report_payload(result="x"))
    assert bad.status_code == 422
    assert bad.mimetype == "application/problem+json"
    assert "result" in bad.get_json()["errors"]


def _link(client, report_id: int) -> str:
    html = client.post(f"/reports/{report_id}/signing-link").get_data(as_text=True)
    return html.split('id="signing-url" readonly value="')[1].split('"')[0].split("/sign/")[1]


def test_remote_link_signs_once_without_login(app, login, visit, draft):
    token = _link(login("technician", "suzuki@oxt.example.jp"), draft)
    public = app.test_client()
    assert "内容確認と署名" in public.get(f"/sign/{token}").get_data(as_text=True)
    body = {"signer_name": "佐藤 花子", "image": data_url()}
    assert public.post(f"/sign/{token}/signature", json=body).get_json() == {
        "id": draft, "status": "signed"}
    assert public.post(f"/sign/{token}/signature", json=body).status_code == 404
    # Reopened, the used link says it is signed and what to do, not a bare 404.
    again = public.get(f"/sign/{token}")
    assert again.status_code == 410
    assert "この作業報告票は署名済みです" in again.get_data(as_text=True)


def test_expired_link_is_refused(app, login, visit, draft):
    token = _link(login("technician", "suzuki@oxt.example.jp"), draft)
    db.session.execute(update(SigningLink).values(expires_at=clock.now() - timedelta(minutes=1)))
    page = app.test_client().get(f"/sign/{token}")
    assert page.status_code == 410
    assert "このリンクは有効期限切れです" in page.get_data(as_text=True)
    assert "新しいリンクの発行をご依頼ください" in page.get_data(as_text=True)


def test_unknown_link_is_a_404_page_that_says_so(app):
    page = app.test_client().get("/sign/not-a-token")
    assert page.status_code == 404
    assert "リンクが見つかりません" in page.get_data(as_text=True)


def test_link_page_offers_copy_qr_and_mail_to_the_site_manager(login, visit, draft):
    html = login("technician", "suzuki@oxt.example.jp").post(
        f"/reports/{draft}/signing-link").get_data(as_text=True)
    url = html.split('id="signing-url" readonly value="')[1].split('"')[0]
    assert 'id="copy-link"' in html and '<svg xmlns="http://www.w3.org/2000/svg" class="qr"' in html
    mailto = html.split('id="mail-link" href="')[1].split('"')[0]
    # The manager's address, a Japanese subject, and the link itself in the body.
    assert mailto.startswith("mailto:sato%40example.co.jp?subject=%E4%BD%9C%E6%A5%AD")
    assert quote(url, safe="") in mailto.replace("&amp;", "&")


def test_remote_refusal_leaves_the_job_open(app, login, visit, draft):
    token = _link(login("technician", "suzuki@oxt.example.jp"), draft)
    answer = app.test_client().post(f"/sign/{token}/refusal",
                                    json={"signer_name": "佐藤 花子", "reason": "不在のため"})
    assert answer.get_json() == {"id": draft, "status": "refused"}


def test_customer_portal_shows_only_own_sites_and_reports(login, visit, signed):
    other = make_visit(serial="AK10000009", manager_email="other@example.co.jp")
    assert other.site_id != visit.site_id
    client = login("site_manager", "sato@example.co.jp")
    html = client.get("/customer/").get_data(as_text=True)
    assert visit.serial in html and "AK10000009" not in html
    assert f"/customer/reports/{signed}.pdf" in html
    assert client.get(f"/customer/reports/{signed}.pdf").data.startswith(b"%PDF")


def test_customer_cannot_download_another_customers_report(login, signed):
    client = login("site_manager", "other@example.co.jp")
    assert "AK10000001" not in client.get("/customer/").get_data(as_text=True)
    assert client.get(f"/customer/reports/{signed}.pdf").status_code == 404


def test_link_is_void_once_the_report_is_edited_after_it_was_sent(app, login, visit, draft):
    client = login("technician", "suzuki@oxt.example.jp")
    token = _link(client, draft)
    client.put(f"/tablet/visits/{visit.visit_id}/report",
               json=report_payload(work_done="内容を修正しました。"))
    page = app.test_client().get(f"/sign/{token}")
    assert page.status_code == 410
    assert "このリンクは使えなくなりました" in page.get_data(as_text=True)


def test_tablet_offers_done_only_after_the_report_is_signed_or_refused(login, visit,
                                                                        monkeypatch):
    monkeypatch.setattr("dispatch.clock.now", lambda: NOW)  # the visit's day
    client = login("technician", "suzuki@oxt.example.jp")
    page = client.get("/tablet").get_data(as_text=True)
    # The report button opens the form (it used to point at a 404).
    assert f'href="/visits/{visit.visit_id}/report"' in page
    assert 'value="done"' not in page
    assert "作業完了は、作業報告票の署名（または署名拒否の記録）の後に押せます。" in page
    saved = client.put(f"/tablet/visits/{visit.visit_id}/report", json=report_payload())
    client.post(f"/tablet/visits/{visit.visit_id}/refusal",
                json={"signer_name": "佐藤 花子", "reason": "責任者不在"})
    assert saved.status_code == 200
    page = client.get("/tablet").get_data(as_text=True)
    assert 'value="done"' in page and "署名拒否" in page


def test_pdf_verify_url_opens_a_public_page_without_login(app, login, signed):
    client = login("technician", "suzuki@oxt.example.jp")
    pdf = client.get(f"/reports/{signed}/report.pdf").data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    seal_hash = db.session.get(ReportRow, signed).seal_hash
    assert f"http://localhost/verify/{seal_hash}" in text.replace("\n", "")
    public = app.test_client()  # the customer who got the PDF has no session
    page = public.get(f"/verify/{seal_hash}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-valid="true"' in html and "署名後に改ざんされていません" in html
    assert "佐藤 花子" in html  # the signer, as printed on the PDF
    assert "東京都千代田区" not in html  # nothing of the report beyond the seal


def test_public_verify_page_reports_tampering_and_unknown_hashes(app, signed):
    row = db.session.get(ReportRow, signed)
    row.content = {**row.content, "work_done": "書き換え"}
    db.session.flush()
    public = app.test_client()
    assert 'data-valid="false"' in public.get(f"/verify/{row.seal_hash}").get_data(as_text=True)
    assert public.get("/verify/" + "0" * 64).status_code == 404
    assert public.get("/verify/not-a-hash").status_code == 404
