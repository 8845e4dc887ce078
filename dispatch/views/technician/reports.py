"""Tablet pages of the work report: the form, the signing step, the done page, and the
public one-time signing link (rules.md §7). JSON endpoints here use the page session and
CSRF (X-CSRFToken header), and accept an Idempotency-Key so the offline queue of
dispatch/static/js/reports.js is applied exactly once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup
from sqlalchemy import select

from dispatch import clock
from dispatch.domain.report_status import ReportStatus
from dispatch.domain.roles import Role
from dispatch.domain.visit_status import STARTED
from dispatch.errors import DispatchError, NotFound
from dispatch.extensions import db
from dispatch.i18n import current_locale, translate
from dispatch.models import WorkReport as ReportRow
from dispatch.services.day.no_attendant import reschedule_without_attendant
from dispatch.services.reporting import access, signing_links
from dispatch.services.reporting import reports as reporting
from dispatch.services.reporting.documents import report_pdf
from dispatch.services.reporting.photos import photo_for_reading, photo_list, photo_of_report
from dispatch.services.reporting.values import payload_of
from dispatch.services.reporting.verify import verify_report
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.access import current_actor, role_required
from dispatch.views.api.problems import from_dispatch_error
from dispatch.views.customer.verify import public_verify_url
from dispatch.views.report_photos import REPORT_BODY_LIMIT, body_limit, photo_response
from dispatch.views.technician.reports_i18n import validation_messages
from reports.document import EXCLUSION_CAUSE_LABELS, ChecklistItem
from reports.photos import MAX_PHOTOS, PhotoKind
from reports.qr import qr_svg

bp = Blueprint("report_pages", __name__)

WRITERS = (Role.ADMIN, Role.COORDINATOR, Role.TECHNICIAN)
READERS = (*WRITERS, Role.SITE_MANAGER)



def _key() -> str | None:
    return request.headers.get("Idempotency-Key") or None


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400)
    return body


@bp.get("/visits/<int:visit_id>/report")
@role_required(*WRITERS)
def report_form(visit_id: int) -> str:
    visit = access.visit_for_writing(visit_id, current_actor())
    row = db.session.scalar(select(ReportRow).where(ReportRow.visit_id == visit.id))
    if row is not None and row.status == ReportStatus.SIGNED:
        return render_template("reports/done.html", row=row, check=verify_report(row))
    payload = payload_of(row) if row is not None else {}
    site = visit.call.device.site if visit.call.device else None
    return render_template("reports/form.html", visit=visit, row=row, payload=payload,
                           photos=photo_list(row) if row is not None else [],
                           max_photos=MAX_PHOTOS, PhotoKind=PhotoKind,
                           site=site, causes=EXCLUSION_CAUSE_LABELS, ChecklistItem=ChecklistItem,
                           arrived_default=_local_minute(visit.start_at)
                           if visit.status in STARTED else "",
                           validation=validation_messages(current_locale()))


def _local_minute(value: datetime | None) -> str:
    """A datetime-local value (Tokyo) for the form, e.g. the time of the "arrived" tap."""
    return clock.to_tokyo(value).strftime("%Y-%m-%dT%H:%M") if value else ""


@bp.post("/visits/<int:visit_id>/no-attendant")
@role_required(*WRITERS)
def no_attendant(visit_id: int) -> Any:
    """Seed §13: nobody attends → no work; the visit moves to the next support day."""
    reason = request.form.get("reason", "")
    try:
        with unit_of_work():
            moved = reschedule_without_attendant(visit_id, reason, current_actor())
    except DispatchError as error:
        if error.status in (403, 404):
            raise
        flash(error.detail, "error")
        return redirect(url_for("report_pages.report_form", visit_id=visit_id))
    flash(translate("reports.no_attendant_done").format(
        visit=visit_id, date=moved["service_date"].isoformat()), "success")
    return redirect(url_for("tablet.today"))


@bp.put("/tablet/visits/<int:visit_id>/report")
@role_required(*WRITERS)
@body_limit(REPORT_BODY_LIMIT)
def save_json(visit_id: int) -> Response:
    with unit_of_work():
        saved = reporting.save_report(visit_id, _json_body(), current_actor(), _key())
    return jsonify(saved)


def _report_id_of_visit(visit_id: int) -> int:
    row = reporting.report_for_visit(visit_id, current_actor())
    if row is None:
        raise NotFound(f"visit {visit_id} has no report yet")
    return row.id


@bp.post("/tablet/visits/<int:visit_id>/signature")
@role_required(*WRITERS)
def sign_json(visit_id: int) -> Response:
    body = _json_body()
    report_id = _report_id_of_visit(visit_id)
    with unit_of_work():
        # Missing fields as "": the services answer both with the same InvalidInput.
        signed = reporting.sign_report(report_id, body.get("signer_name", ""),
                                       body.get("image", ""), current_actor(), _key())
    return jsonify(signed)


@bp.post("/tablet/visits/<int:visit_id>/refusal")
@role_required(*WRITERS)
def refuse_json(visit_id: int) -> Response:
    body = _json_body()
    report_id = _report_id_of_visit(visit_id)
    with unit_of_work():
        refused = reporting.refuse_report(report_id, body.get("signer_name", ""),
                                          body.get("reason", ""), current_actor(), _key())
    return jsonify(refused)


@bp.get("/reports/<int:report_id>/done")
@role_required(*READERS)
def done(report_id: int) -> str:
    row = access.report_for_reading(report_id, current_actor())
    return render_template("reports/done.html", row=row, check=verify_report(row))


@bp.get("/reports/<int:report_id>/report.pdf")
@role_required(*READERS)
def pdf(report_id: int) -> Response:
    row = access.report_for_reading(report_id, current_actor())
    verify = public_verify_url(row)
    return Response(report_pdf(row, verify), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="report-{row.id}.pdf"'})


@bp.get("/reports/<int:report_id>/photos/<int:position>.jpg")
@role_required(*READERS)
def photo(report_id: int, position: int) -> Response:
    return photo_response(photo_for_reading(report_id, position, current_actor()))


@bp.post("/reports/<int:report_id>/signing-link")
@role_required(*WRITERS)
def create_link(report_id: int) -> str:
    signing_links.link_url("-")  # refuses before a link is stored when no URL is configured
    with unit_of_work():
        token = signing_links.create_link(report_id, current_actor())
    url = signing_links.link_url(token)  # DISPATCH_EXTERNAL_URL, never the Host header
    row = access.report_for_reading(report_id, current_actor())
    site = row.visit.call.device.site if row.visit.call.device else None
    # Sent by the technician's own mail app (mailto:): the server keeps no copy of the token.
    mailto = "mailto:{}?{}".format(quote(site.manager_email or "") if site else "", urlencode({
        "subject": translate("reports.link_mail_subject"),
        "body": translate("reports.link_mail_body").replace("{url}", url)}, quote_via=quote))
    return render_template("reports/link.html", report_id=report_id, url=url, mailto=mailto,
                           qr=Markup(qr_svg(url, title=translate("reports.link_qr"))),
                           visit_id=row.visit_id)


@bp.get("/sign/<token>")
def remote_sign(token: str) -> Any:
    try:
        row = signing_links.report_for_token(token)
    except signing_links.LinkUnusable as unusable:
        # Not a bare 404: the manager reads what happened and what to do (410 once it was
        # a real link that is used up or expired).
        status = 404 if unusable.state is signing_links.LinkState.UNKNOWN else 410
        return render_template("reports/link_state.html", state=unusable.state), status
    return render_template("reports/remote_sign.html", row=row, payload=payload_of(row),
                           token=token, causes=EXCLUSION_CAUSE_LABELS, photos=photo_list(row))


@bp.get("/sign/<token>/photos/<int:position>.jpg")
def remote_photo(token: str, position: int) -> Response:
    """A photo of the report a live link points to: the signer sees what is sealed."""
    # A used, expired or unknown link answers 404 (LinkUnusable): the photos go with it.
    return photo_response(photo_of_report(signing_links.report_for_token(token), position))


@bp.post("/sign/<token>/signature")
def remote_signature(token: str) -> Response:
    body = _json_body()
    with unit_of_work():
        signed = signing_links.sign_by_link(token, body.get("signer_name", ""),
                                            body.get("image", ""))
    return jsonify(signed)


@bp.post("/sign/<token>/refusal")
def remote_refusal(token: str) -> Response:
    body = _json_body()
    with unit_of_work():
        refused = signing_links.refuse_by_link(token, body.get("signer_name", ""),
                                               body.get("reason", ""))
    return jsonify(refused)


@bp.errorhandler(DispatchError)
def _error(error: DispatchError) -> Any:
    # The tablet's JSON calls get problem+json; the pages get the friendly error page.
    if request.method != "GET":
        return from_dispatch_error(error)
    return render_template("error.html", status=error.status, detail=error.detail), error.status
