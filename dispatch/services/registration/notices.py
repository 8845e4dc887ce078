"""The completion notice and failure-call sticker of a registered pack (rules.md §4)."""

from __future__ import annotations

from flask import current_app

from dispatch.domain.products import PackStatus
from dispatch.errors import Conflict
from dispatch.models import Pack
from dispatch.services.registration.coverage_facts import support_hours_of
from reports.sticker import RegistrationNotice, render_notice_pdf

PRODUCT_LABELS = {
    "std1": "スタンダードパック 1年", "std3": "スタンダードパック 3年",
    "std4": "スタンダードパック 4年", "std5": "スタンダードパック 5年",
    "std6": "スタンダードパック 6年", "std7": "スタンダードパック 7年",
    "ext1": "延長パック 1年", "ext2": "延長パック 2年",
}


def registration_notice(pack: Pack) -> RegistrationNotice:
    """The plain values the notice prints; only a registered pack has them."""
    if pack.status != PackStatus.REGISTERED or pack.support_pack_id is None:
        raise Conflict(f"pack {pack.id} is {pack.status}; the notice exists once registered")
    # Registration sets the coverage dates (rules.md §4).
    assert pack.coverage_start is not None and pack.coverage_end is not None
    device = pack.device
    return RegistrationNotice(
        customer_name=device.site.customer.name,
        site_name=device.site.name,
        serial=device.serial,
        model_name=device.model.name,
        product_label=PRODUCT_LABELS[pack.product],
        support_pack_id=pack.support_pack_id,
        coverage_start=pack.coverage_start,
        coverage_end=pack.coverage_end,
        support_hours_label=support_hours_of(pack).label_ja(),
        repair_line=current_app.config["DISPATCH_REPAIR_LINE"],
        issued_on=pack.status_changed_on or pack.coverage_start,
    )


def sticker_pdf_bytes(pack: Pack) -> bytes:
    """The notice with the sticker as a PDF."""
    return render_notice_pdf(registration_notice(pack))
