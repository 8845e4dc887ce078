"""The coordinator's call screen: take a call on the phone, see the decision at once, and
work the day's board (resolve by phone, override phone-only) — rules.md §5."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from dispatch import clock
from dispatch.domain.call_status import CallStatus
from dispatch.domain.codes import RuleCode
from dispatch.domain.cutoff import cutoff_on
from dispatch.domain.roles import STAFF
from dispatch.domain.support_hours import STANDARD
from dispatch.domain.support_pack_id import normalise, normalise_serial
from dispatch.errors import DispatchError
from dispatch.i18n import current_locale, translate
from dispatch.services.intake import additions, call_handling
from dispatch.services.intake import calls as intake
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.access import current_actor, role_required
from dispatch.views.coordinator import intake_messages  # noqa: F401  (registers the labels)

bp = Blueprint("intake", __name__, url_prefix="/intake")
BOARD_ORDER = tuple(CallStatus)


class CallForm(FlaskForm):
    serial = StringField(validators=[DataRequired(), Length(max=40)])
    support_pack_id = StringField(validators=[DataRequired(), Length(max=20)])
    received_at = DateTimeLocalField(format=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"],
                                     validators=[DataRequired()])
    symptom = StringField(validators=[DataRequired(), Length(max=2000)])
    print_count = IntegerField(validators=[Optional(), NumberRange(min=0)])
    parts_required = BooleanField()
    idempotency_key = HiddenField()
    # Set by "take it as a separate call" after the open-call warning.
    separate = HiddenField()


def _fresh_form() -> CallForm:
    form = CallForm(formdata=None)
    form.received_at.data = clock.to_tokyo(clock.now()).replace(tzinfo=None, microsecond=0)
    # A new key per screen: pressing Enter twice or reloading stores the call once.
    form.idempotency_key.data = uuid.uuid4().hex
    return form


def _page(form: CallForm, call: Any = None, status: int = 200, *, open_calls: Any = (),
          typed: dict[str, tuple[str, str]] | None = None,
          problem: list[str] | None = None) -> tuple[str, int]:
    now = clock.now()
    today = clock.to_tokyo(now).date()
    calls = intake.calls_received_on(today)
    board = {s: [c for c in calls if c.status == s] for s in BOARD_ORDER}
    return render_template(
        "intake/screen.html", form=form, call=call, board=board, today=today, now=now,
        today_cutoff=cutoff_on(STANDARD, today), hours_label=STANDARD.label(current_locale()),
        has_calls=bool(calls), open_calls=open_calls, typed=typed or {}, problem=problem,
    ), status


def _canonical(form: CallForm) -> dict[str, tuple[str, str]]:
    """Put the canonical serial and pack ID into the form; return what was typed where it
    differs, so the screen shows the coordinator what the system read (SPEC §5)."""
    typed = {}
    for field, fold in ((form.serial, normalise_serial), (form.support_pack_id, normalise)):
        raw = (field.data or "").strip()
        canonical = fold(raw) if raw else raw
        if canonical != raw:
            typed[field.name] = (raw, canonical)
        field.data = canonical
    return typed


@bp.get("/")
@role_required(*STAFF)
def screen() -> Any:
    shown = request.args.get("call", type=int)
    return _page(_fresh_form(), intake.call_by_id(shown) if shown else None)


@bp.post("/calls")
@role_required(*STAFF)
def take_call() -> Any:
    form = CallForm()
    typed = _canonical(form)
    if not form.validate():
        return _page(form, status=422, typed=typed)
    local: datetime | None = form.received_at.data
    # DataRequired: validate() has refused the form without them.
    assert local is not None and form.serial.data and form.support_pack_id.data
    assert form.symptom.data
    data = {
        "serial": form.serial.data.strip(), "support_pack_id": form.support_pack_id.data.strip(),
        "received_at": local.replace(tzinfo=clock.TOKYO), "symptom": form.symptom.data.strip(),
        "print_count": form.print_count.data, "parts_required": bool(form.parts_required.data),
    }
    open_calls = additions.open_calls_for(form.serial.data.strip())
    if open_calls and not form.separate.data:
        # The device already waits for a visit: show that call and offer to add to it.
        return _page(form, status=409, open_calls=open_calls, typed=typed)
    try:
        with unit_of_work():
            call = intake.take_repair_call(data, form.idempotency_key.data or None,
                                           current_actor())
    except DispatchError as error:
        # A typo (a pack ID whose check character fails, …): nothing was stored; say so and
        # keep what was typed, so the coordinator corrects it with the caller on the line.
        if RuleCode.SUPPORT_PACK_ID_INVALID in error.codes:
            form.support_pack_id.errors = [translate(f"code.{RuleCode.SUPPORT_PACK_ID_INVALID}")]
        return _page(form, status=error.status, typed=typed,
                     problem=error.codes or [error.detail])
    return _page(_fresh_form(), call, status=201, typed=typed)


@bp.post("/calls/<int:call_id>/additions")
@role_required(*STAFF)
def add_to_call(call_id: int) -> Any:
    """The new report goes onto the open call: no second call, no second visit."""
    with unit_of_work():
        additions.add_to_call(call_id, request.form.get("symptom", ""), clock.now(),
                              current_actor())
    return redirect(url_for("intake.screen", call=call_id, added=1) + "#decision")


@bp.post("/calls/<int:call_id>/resolve-by-phone")
@role_required(*STAFF)
def resolve(call_id: int) -> Any:
    with unit_of_work():
        call_handling.resolve_by_phone(call_id, current_actor())
    return redirect(url_for("intake.screen", call=call_id) + "#decision")


@bp.post("/calls/<int:call_id>/override")
@role_required(*STAFF)
def override(call_id: int) -> Any:
    reason = request.form.get("reason", "")
    with unit_of_work():
        call_handling.override_phone_only(call_id, reason, current_actor())
    return redirect(url_for("intake.screen", call=call_id) + "#decision")


@bp.post("/calls/<int:call_id>/after-hours-consent")
@role_required(*STAFF)
def after_hours_consent(call_id: int) -> Any:
    """The customer agreed to work past the support hours (seed §7(1))."""
    with unit_of_work():
        call_handling.record_after_hours_consent(
            call_id, request.form.get("consented_by", ""), current_actor(), clock.now())
    return redirect(url_for("intake.screen", call=call_id) + "#decision")
