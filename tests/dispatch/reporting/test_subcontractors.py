"""Subcontracted technicians (seed §11, rules.md §7): reports, PDFs and the board name the
company that did the work; a subcontractor's technician sees only their own visits."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from reporting_rows import data_url, make_visit, report_payload

from dispatch.extensions import db
from dispatch.models import Technician
from dispatch.services.day.board import board_data


def _subcontract(coordinator, technician_id: int, name: str = "株式会社サンプル保守") -> int:
    company = coordinator.post("/subcontractors", json={"name": name})
    assert company.status_code == 201, company.get_json()
    db.session.get(Technician, technician_id).subcontractor_id = company.get_json()["id"]
    db.session.flush()
    return company.get_json()["id"]


def test_technician_registered_for_a_subcontractor_names_the_company(coordinator):
    coordinator.post("/bases", json={"code": "OSK", "name": "大阪", "lat": 34.7, "lon": 135.5,
                                     "service_radius_km": 100, "same_day_radius_km": 40})
    company = coordinator.post("/subcontractors", json={"name": "関西テクノサービス株式会社"})
    body = coordinator.post("/technicians", json={
        "name": "山本 健", "email": "yamamoto@kansai-techno.example.jp", "base_code": "OSK",
        "shift_start": "09:00", "shift_end": "18:00", "skills": ["COREFIDO"],
        "subcontractor_id": company.get_json()["id"]}).get_json()
    assert (body["subcontractor_id"], body["company"]) == (
        company.get_json()["id"], "関西テクノサービス株式会社")
    own = coordinator.post("/technicians", json={
        "name": "高橋 誠", "email": "takahashi@oxt.example.jp", "base_code": "OSK",
        "shift_start": "09:00", "shift_end": "18:00", "skills": ["COREFIDO"]}).get_json()
    assert (own["subcontractor_id"], own["company"]) == (None, "OXT")


def test_unknown_subcontractor_or_duplicate_company_is_refused(coordinator, visit):
    assert coordinator.post("/subcontractors", json={"name": "A社"}).status_code == 201
    assert coordinator.post("/subcontractors", json={"name": "A社"}).status_code == 409
    assert coordinator.post("/subcontractors", json={"name": ""}).status_code == 422
    response = coordinator.post("/technicians", json={
        "name": "X", "email": "x@example.jp", "base_code": "TKY", "shift_start": "09:00",
        "shift_end": "18:00", "skills": ["COREFIDO"], "subcontractor_id": 999_999})
    assert response.status_code == 422


def test_report_and_pdf_name_the_subcontractor(coordinator, tech, visit):
    _subcontract(coordinator, visit.technician_id)
    rid = tech.put(f"/visits/{visit.visit_id}/report", json=report_payload()).get_json()["id"]
    tech.post(f"/reports/{rid}/signature", json={"signer_name": "佐藤 花子", "image": data_url()})
    body = tech.get(f"/reports/{rid}").get_json()
    assert body["company_name"] == "株式会社サンプル保守"
    assert tech.get(f"/reports/{rid}/verify").get_json()["valid"] is True
    pdf = tech.get(f"/reports/{rid}.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "株式会社サンプル保守" in text


def test_report_of_an_oxt_technician_names_oxt(tech, draft):
    assert tech.get(f"/reports/{draft}").get_json()["company_name"] == "OXT"


def test_board_names_the_subcontractor(coordinator, visit):
    _subcontract(coordinator, visit.technician_id)
    routes = {r["technician_id"]: r for r in board_data(date(2026, 11, 26))["routes"]}
    assert routes[visit.technician_id]["company"] == "株式会社サンプル保守"


def test_subcontractors_technician_sees_only_their_own_visits(coordinator, api_as, visit):
    other = make_visit(serial="AK10000777", tech_email="yamamoto@kansai-techno.example.jp",
                       tech_name="山本 健")
    _subcontract(coordinator, other.technician_id)
    sub = api_as("technician", "yamamoto@kansai-techno.example.jp")
    assert sub.put(f"/visits/{visit.visit_id}/report", json=report_payload()).status_code == 404
    assert sub.put(f"/visits/{other.visit_id}/report", json=report_payload()).status_code == 200
