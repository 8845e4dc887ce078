"""Administrators' pages for personal-information requests (rules.md §8 開示等) and
anti-social-forces termination."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import or_, select

from dispatch.extensions import db
from dispatch.models import Customer
from dispatch.services.trust import privacy, termination
from dispatch.services.trust.privacy_subject import load_subject, subject_data
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.access import current_actor, role_required
from dispatch.views.admin import privacy_labels
from dispatch.views.admin.pages import ADMIN

bp = Blueprint("admin_privacy", __name__, url_prefix="/admin/customers")


@bp.get("")
@role_required(*ADMIN)
def customers() -> str:
    q = request.args.get("q", "").strip()
    query = select(Customer).order_by(Customer.id).limit(100)
    if q:
        like = f"%{q}%"
        query = query.where(or_(Customer.name.like(like), Customer.email.like(like)))
    return render_template("admin/customers.html", customers=db.session.scalars(query).all(), q=q)


@bp.get("/<int:customer_id>")
@role_required(*ADMIN)
def customer(customer_id: int) -> str:
    # Viewing is part of the administrator's work; the logged export is the JSON download.
    data = subject_data(load_subject(customer_id))
    return render_template("admin/customer.html", data=data,
                           requests=privacy.requests_of(customer_id),
                           column_label=privacy_labels.column_label, cell=privacy_labels.cell)


@bp.get("/<int:customer_id>/export.json")
@role_required(*ADMIN)
def export(customer_id: int) -> Response:
    with unit_of_work():
        exported = privacy.export_customer(customer_id, current_actor())
    body = json.dumps(exported, ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename=customer-{customer_id}.json"})


SITE_FIELD = re.compile(r"site-(?P<id>[1-9][0-9]{0,8})-(?P<field>manager_name|manager_email)")


def _correction_form() -> dict[str, Any]:
    form = request.form
    data: dict[str, Any] = {k: form[k].strip() for k in ("name", "email", "phone") if k in form}
    sites = []
    for key in form:
        if not key.startswith("site-"):
            continue
        match = SITE_FIELD.fullmatch(key)
        if match is None:  # the form only ever sends site-<id>-manager_name / _email
            abort(400)
        if match["field"] == "manager_name":
            site_id = int(match["id"])
            sites.append({"id": site_id, "manager_name": form[key].strip(),
                          "manager_email": form.get(f"site-{site_id}-manager_email", "").strip()})
    if sites:
        data["sites"] = sites
    return data


@bp.post("/<int:customer_id>/correction")
@role_required(*ADMIN)
def correction(customer_id: int) -> Any:
    with unit_of_work():
        privacy.correct_customer(customer_id, _correction_form(), current_actor())
    flash("privacy.done")
    return redirect(url_for("admin_privacy.customer", customer_id=customer_id))


def _confirmed(customer_id: int) -> bool:
    """Stop-use, erasure and termination cannot be undone: the administrator types the
    customer's name as shown (width and spaces normalised) to confirm which one."""
    customer = db.session.get(Customer, customer_id)
    typed = request.form.get("confirm_name", "")
    if customer is None or _normalised(typed) != _normalised(customer.name):
        flash("privacy.confirm_mismatch", "error")
        return False
    return True


def _normalised(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


def _back(customer_id: int) -> Any:
    return redirect(url_for("admin_privacy.customer", customer_id=customer_id))


@bp.post("/<int:customer_id>/stop-use")
@role_required(*ADMIN)
def stop_use(customer_id: int) -> Any:
    if not _confirmed(customer_id):
        return _back(customer_id)
    with unit_of_work():
        privacy.stop_use(customer_id, current_actor())
    flash("privacy.done")
    return redirect(url_for("admin_privacy.customer", customer_id=customer_id))


@bp.post("/<int:customer_id>/erasure")
@role_required(*ADMIN)
def erasure(customer_id: int) -> Any:
    if not _confirmed(customer_id):
        return _back(customer_id)
    with unit_of_work():
        privacy.erase_customer(customer_id, current_actor())
    flash("privacy.done")
    return redirect(url_for("admin_privacy.customer", customer_id=customer_id))


@bp.post("/<int:customer_id>/termination")
@role_required(*ADMIN)
def terminate(customer_id: int) -> Any:
    if not _confirmed(customer_id):
        return _back(customer_id)
    with unit_of_work():
        termination.terminate_customer(customer_id, request.form.get("reason", ""),
                                       current_actor())
    flash("privacy.done")
    return redirect(url_for("admin_privacy.customer", customer_id=customer_id))
