"""Coordinator pages for registration: device coverage picture, pack/application forms, queue."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse  # what redirect() returns

from dispatch import clock, messages_codes  # noqa: F401 - registers the code.* messages
from dispatch.domain.roles import STAFF
from dispatch.domain.timeline import timeline
from dispatch.errors import DispatchError, InvalidInput
from dispatch.i18n import add_messages, translate
from dispatch.services.catalog.records import device_by_serial
from dispatch.services.registration import applications, device_coverage
from dispatch.services.registration import packs as registration
from dispatch.services.registration.coverage_facts import (
    device_facts,
    model_terms,
    pack_record,
    packs_of,
)
from dispatch.services.registration.notices import registration_notice, sticker_pdf_bytes
from dispatch.services.registration.queue import queue
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.access import current_actor, role_required
from dispatch.views.coordinator import timeline_svg
from dispatch.views.coordinator.registration_messages import MESSAGES

add_messages(MESSAGES)
bp = Blueprint("registration", __name__, url_prefix="/registration")


def _date_arg(name: str, default: date) -> date:
    raw = request.values.get(name) or ""
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _yen_arg(name: str) -> int | None:
    # Optional whole yen; anything else is refused (inside _attempt, so it becomes a flash).
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        raise InvalidInput("パック価格は0以上の整数（円）で入力してください。",
                           errors={name: ["whole yen, 0 or more"]})
    return int(raw)


@bp.get("/devices/<serial>")
@role_required(*STAFF)
def device_page(serial: str) -> str:
    device = device_by_serial(serial)
    today = _date_arg("on", clock.today_tokyo())
    packs = packs_of(device)
    entries = timeline(model_terms(device.model), device_facts(device),
                       [pack_record(p) for p in packs])
    return render_template(
        "registration/device.html", device=device, packs=packs, today=today,
        picture=timeline_svg.build(entries, today),
        coverage=device_coverage.coverage(device, today), hours=registration_defaults(),
        refusable=registration.REFUSABLE,
    )


def registration_defaults() -> dict[str, Any]:
    """The support hours the pack form starts with (the usual certificate)."""
    return {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:30"}


@bp.get("/devices/<serial>/check")
@role_required(*STAFF)
def check(serial: str) -> Response:
    """Live advice for the pack form: eligible or not, with the reasons in the user's language."""
    device = device_by_serial(serial)
    try:
        result = device_coverage.advice(device, request.args.get("product", ""),
                                        _date_arg("on", clock.today_tokyo()))
    except DispatchError as exc:
        return jsonify({"eligible": False, "codes": [], "messages": [exc.detail]})
    result["messages"] = [translate(f"code.{c}") for c in result["codes"]]
    # Dates as YYYY-MM-DD like the API (jsonify would write HTTP dates).
    return jsonify({k: v.isoformat() if isinstance(v, date) else v for k, v in result.items()})


@bp.post("/devices/<serial>/packs")
@role_required(*STAFF)
def record_pack(serial: str) -> BaseResponse:
    form = request.form
    data = {"target_serial": serial, "product": form.get("product", ""),
            "purchased_on": _date_arg("purchased_on", clock.today_tokyo()),
            "received_on": _date_arg("received_on", clock.today_tokyo()),
            "support_hours": {"days": form.getlist("days"), "start": form.get("start", ""),
                              "end": form.get("end", ""),
                              "closed_on_holidays": bool(form.get("closed_on_holidays")),
                              "closed_dates": ["12-30", "12-31", "01-01", "01-02", "01-03"]
                              if form.get("closed_year_end") else []}}
    _attempt(lambda: registration.record_pack({**data, "price_yen": _yen_arg("price_yen")},
                                              current_actor()), "reg.pack_recorded")
    return redirect(url_for("registration.device_page", serial=serial))


@bp.post("/packs/<int:pack_id>/apply")
@role_required(*STAFF)
def apply(pack_id: int) -> BaseResponse:
    form = request.form
    data = {"channel": form.get("channel", "web"),
            "applied_on": _date_arg("applied_on", clock.today_tokyo()),
            "consents": {k: bool(form.get(k))
                         for k in ("service_spec", "privacy", "antisocial_declaration")},
            "current_support_pack_id": form.get("current_support_pack_id") or None}
    _attempt(lambda: applications.apply(pack_id, data, current_actor()), "reg.applied")
    return redirect(url_for("registration.device_page",
                            serial=registration.pack_by_id(pack_id).device.serial))


@bp.post("/applications/<int:application_id>/complete")
@role_required(*STAFF)
def complete(application_id: int) -> BaseResponse:
    on = _date_arg("completed_on", clock.today_tokyo())
    _attempt(lambda: applications.complete(application_id, on, current_actor()), "reg.completed")
    return redirect(request.referrer or url_for("registration.queue_page"))


def _back_to_device(application_id: int) -> BaseResponse:
    serial = applications.application_by_id(application_id).pack.device.serial
    return redirect(url_for("registration.device_page", serial=serial))


@bp.post("/applications/<int:application_id>/inquiries")
@role_required(*STAFF)
def send_inquiry(application_id: int) -> BaseResponse:
    data = {"sent_on": _date_arg("sent_on", clock.today_tokyo()),
            "question": (request.form.get("question") or "").strip() or "-"}
    _attempt(lambda: applications.send_inquiry(application_id, data, current_actor()),
             "reg.inquiry_sent")
    return _back_to_device(application_id)


@bp.post("/applications/<int:application_id>/inquiries/<int:inquiry_id>/answer")
@role_required(*STAFF)
def answer(application_id: int, inquiry_id: int) -> BaseResponse:
    on = _date_arg("answered_on", clock.today_tokyo())
    _attempt(lambda: applications.answer_inquiry(application_id, inquiry_id, on, current_actor()),
             "reg.answered")
    return _back_to_device(application_id)


@bp.post("/packs/<int:pack_id>/refusal")
@role_required(*STAFF)
def refuse(pack_id: int) -> BaseResponse:
    on = _date_arg("refused_on", clock.today_tokyo())
    note = request.form.get("note") or ""
    _attempt(lambda: registration.refuse_pack(pack_id, note, None, on, current_actor()),
             "reg.refused")
    return redirect(url_for("registration.device_page",
                            serial=registration.pack_by_id(pack_id).device.serial))


def _attempt(action, success_key: str) -> None:
    # A refused action is rolled back by its unit of work, then told in a flash message.
    try:
        with unit_of_work():
            action()
        flash(translate(success_key), "ok")
    except DispatchError as exc:
        reasons = [translate(f"code.{c}") for c in exc.codes] or [exc.detail]
        flash(" / ".join(reasons), "error")


@bp.get("/queue")
@role_required(*STAFF)
def queue_page() -> str:
    today = _date_arg("on", clock.today_tokyo())
    return render_template("registration/queue.html", today=today, q=queue(today))


@bp.get("/packs/<int:pack_id>/notice")
@role_required(*STAFF)
def notice_page(pack_id: int) -> str:
    pack = registration.pack_by_id(pack_id)
    return render_template("registration/notice.html", pack=pack,
                           n=registration_notice(pack),
                           cap=registration.liability_cap_of(pack))


@bp.get("/packs/<int:pack_id>/sticker.pdf")
@role_required(*STAFF)
def sticker(pack_id: int) -> Response:
    pack = registration.pack_by_id(pack_id)
    return Response(sticker_pdf_bytes(pack), mimetype="application/pdf")
