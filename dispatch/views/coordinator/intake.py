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
from dispatch.errors import RuleViolation
from dispatch.i18n import translate
from dispatch.services.intake import call_handling
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



def _fresh_form() -> CallForm:
    form = CallForm(formdata=None)
    form.received_at.data = clock.to_tokyo(clock.now()).replace(tzinfo=None, microsecond=0)
    # A new key per screen: pressing Enter twice or reloading stores the call once.
    form.idempotency_key.data = uuid.uuid4().hex
    return form


def _page(form: CallForm, call: Any = None, status: int = 200) -> tuple[str, int]:
    now = clock.now()
    today = clock.to_tokyo(now).date()
    calls = intake.calls_received_on(today)
    board = {s: [c for c in calls if c.status == s] for s in BOARD_ORDER}
    return render_template(
        "intake/screen.html", form=form, call=call, board=board, today=today, now=now,
        today_cutoff=cutoff_on(STANDARD, today), hours_label=STANDARD.label_ja(),
        has_calls=bool(calls),
    ), status


@bp.get("/")
@role_required(*STAFF)
def screen() -> Any:
    shown = request.args.get("call", type=int)
    return _page(_fresh_form(), intake.call_by_id(shown) if shown else None)


@bp.post("/calls")
@role_required(*STAFF)
def take_call() -> Any:
    form = CallForm()
    if not form.validate():
        return _page(form, status=422)
    local: datetime | None = form.received_at.data
    # DataRequired: validate() has refused the form without them.
    assert local is not None and form.serial.data and form.support_pack_id.data
    assert form.symptom.data
    data = {
        "serial": form.serial.data.strip(), "support_pack_id": form.support_pack_id.data.strip(),
        "received_at": local.replace(tzinfo=clock.TOKYO), "symptom": form.symptom.data.strip(),
        "print_count": form.print_count.data, "parts_required": bool(form.parts_required.data),
    }
    try:
        with unit_of_work():
            call = intake.take_repair_call(data, form.idempotency_key.data or None,
                                           current_actor())
    except RuleViolation as exc:
        if RuleCode.SUPPORT_PACK_ID_INVALID not in exc.codes:
            raise
        # A typo in the ID: nothing was stored; the form stays filled in so the coordinator
        # corrects the ID with the caller still on the line (rules.md §5).
        form.support_pack_id.errors = [translate(f"code.{RuleCode.SUPPORT_PACK_ID_INVALID}")]
        return _page(form, status=422)
    return _page(_fresh_form(), call, status=201)


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
