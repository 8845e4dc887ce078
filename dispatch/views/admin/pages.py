"""Administrators' pages: the audit viewer, users, API tokens and the island registry."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from dispatch.domain.roles import Role
from dispatch.errors import Conflict, DispatchError, InvalidInput
from dispatch.extensions import db
from dispatch.i18n import translate
from dispatch.models import User
from dispatch.models.account import ROLES
from dispatch.services.accounts import admin
from dispatch.services.accounts import users as accounts
from dispatch.services.trust import audit_chain, audit_query
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.access import current_actor, role_required
from dispatch.views.admin import (
    audit_labels,
    i18n,  # noqa: F401  (registers the messages)
)

bp = Blueprint("admin", __name__, url_prefix="/admin")
ADMIN = (Role.ADMIN,)



def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _filter() -> audit_query.AuditFilter:
    args = request.args
    return audit_query.AuditFilter(
        entity_type=args.get("entity_type") or None, entity_id=args.get("entity_id") or None,
        actor=args.get("actor") or None, action=args.get("action") or None,
        date_from=_date("date_from"), date_to=_date("date_to"))


@bp.get("/audit")
@role_required(*ADMIN)
def audit() -> str:
    number = request.args.get("page", 1, type=int) or 1
    flt = _filter()
    reversed_range = bool(flt.date_from and flt.date_to and flt.date_from > flt.date_to)
    # A reversed range matches nothing; say so instead of showing an empty log.
    events, total = ([], 0) if reversed_range else audit_query.page(flt, number)
    params = {k: v for k, v in request.args.items() if k != "page" and v}
    last = max((total + audit_query.PAGE_SIZE - 1) // audit_query.PAGE_SIZE, 1)
    # The whole chain is re-checked on every view: an edit made in the database shows at once.
    broken = audit_chain.verify(db.session()).first_break
    entity_types, actions = audit_query.choices()
    return render_template("admin/audit.html", events=events, total=total, number=number,
                           last=last, params=params, reversed_range=reversed_range,
                           entity_types=entity_types, actions=actions,
                           entity_label=audit_labels.entity_label,
                           action_label=audit_labels.action_label, broken=broken)


@bp.get("/audit.csv")
@role_required(*ADMIN)
def audit_csv() -> Response:
    body = audit_query.to_csv(audit_query.rows(_filter()))
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=audit.csv"})


@bp.get("/audit.json")
@role_required(*ADMIN)
def audit_json() -> Response:
    body = json.dumps(audit_query.rows(_filter()), ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=audit.json"})


def _users_page(errors: dict[str, str] | None = None, status: int = 200,
                confirm: User | None = None, alert: str | None = None) -> Any:
    rows = db.session.scalars(select(User).order_by(User.id)).all()
    return render_template("admin/users.html", users=rows, roles=ROLES, errors=errors or {},
                           form=request.form if errors else {}, confirm=confirm,
                           alert=alert), status


@bp.get("/users")
@role_required(*ADMIN)
def users() -> Any:
    return _users_page()


@bp.post("/users")
@role_required(*ADMIN)
def add_user() -> Any:
    form = request.form
    try:
        with unit_of_work():
            accounts.add_user(form.get("email", ""), form.get("role", ""),
                              form.get("password", ""), current_actor(),
                              name=form.get("name") or None)
    except DispatchError as error:
        # The form stays filled in, with the message next to its field (a duplicate e-mail
        # is a 409, not a page of English).
        return _users_page({field: translate(f"admin.user_error.{field}.{kinds[0]}")
                            for field, kinds in error.errors.items()}, error.status)
    flash("admin.user_added")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/enabled")
@role_required(*ADMIN)
def set_enabled(user_id: int) -> Any:
    enabled = request.form.get("enabled") == "1"
    if not enabled and request.form.get("confirmed") != "1":
        # Disabling locks someone out at once: ask first, on a page of its own.
        return _users_page(confirm=db.session.get(User, user_id))
    try:
        with unit_of_work():
            admin.set_enabled(user_id, enabled, current_actor())
    except Conflict:
        return _users_page(alert="admin.cannot_disable_self", status=409)
    flash("admin.user_enabled" if enabled else "admin.user_disabled")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/role")
@role_required(*ADMIN)
def set_role(user_id: int) -> Any:
    try:
        with unit_of_work():
            admin.set_role(user_id, request.form.get("role", ""), current_actor())
    except Conflict:
        return _users_page(alert="admin.cannot_demote_self", status=409)
    flash("admin.role_changed")
    return redirect(url_for("admin.users"))


@bp.get("/tokens")
@role_required(*ADMIN)
def tokens() -> str:
    users_ = db.session.scalars(select(User).where(User.is_enabled).order_by(User.email)).all()
    return render_template("admin/tokens.html", tokens=admin.tokens(), users=users_,
                           new_token=None)


@bp.post("/tokens")
@role_required(*ADMIN)
def create_token() -> Any:
    with unit_of_work():
        plain = accounts.create_token(request.form.get("email", ""), current_actor())
    users_ = db.session.scalars(select(User).where(User.is_enabled).order_by(User.email)).all()
    # The plain token is on this one answer only (only its hash is stored).
    return render_template("admin/tokens.html", tokens=admin.tokens(), users=users_,
                           new_token=plain, new_token_user=request.form.get("email", ""))


@bp.post("/tokens/<int:token_id>/revoke")
@role_required(*ADMIN)
def revoke_token(token_id: int) -> Any:
    with unit_of_work():
        accounts.revoke_token(token_id, current_actor())
    return redirect(url_for("admin.tokens"))


@bp.get("/islands")
@role_required(*ADMIN)
def islands() -> str:
    return render_template("admin/islands.html", areas=admin.island_areas())


@bp.post("/islands/import")
@role_required(*ADMIN)
def import_islands() -> Any:
    with unit_of_work():
        admin.import_packaged_islands(current_actor())
    flash("admin.islands_imported")
    return redirect(url_for("admin.islands"))


@bp.route("/islands/<int:area_id>", methods=["GET", "POST"])
@role_required(*ADMIN)
def edit_island(area_id: int) -> Any:
    area = next((a for a in admin.island_areas() if a.id == area_id), None)
    if area is None:
        return render_template("error.html", status=404), 404
    text = json.dumps(area.geometry, ensure_ascii=False, indent=2)
    error = None
    if request.method == "POST":
        text = request.form.get("geometry", "")
        try:
            with unit_of_work():
                admin.edit_island_geometry(area_id, admin.parse_geometry(text), current_actor())
            flash("admin.island_saved")
            return redirect(url_for("admin.islands"))
        except InvalidInput as exc:  # rolled back by its unit of work
            # A Japanese sentence first; the validator's technical detail after it.
            detail = exc.errors.get("geometry", [exc.detail])[0]
            error = f"{translate('admin.geometry_invalid')}（{detail}）"
    status = 422 if error else 200
    return render_template("admin/island_edit.html", area=area, text=text, error=error), status


@bp.post("/islands/<int:area_id>/deactivate")
@role_required(*ADMIN)
def deactivate_island(area_id: int) -> Any:
    with unit_of_work():
        admin.deactivate_island(area_id, current_actor())
    flash("admin.island_deactivated")
    return redirect(url_for("admin.islands"))
