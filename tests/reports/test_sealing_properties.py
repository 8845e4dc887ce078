"""Property checks: any text seals and verifies, and any change to it is caught."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from reports.document import Result, WorkReport
from reports.keys import Keyring, generate_signing_key
from reports.sealing import GENESIS_HASH, seal_report, verify_seal


def _tiny_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 16)).save(buffer, format="PNG")
    return buffer.getvalue()


KEY = generate_signing_key()
KEYRING = Keyring([KEY.public_key])
PNG = _tiny_png()
AT = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
names = st.text(min_size=1, max_size=30).filter(lambda s: s.strip() != "")
texts = st.text(max_size=300)


def _report(work_done: str, technician: str, attendee: str) -> WorkReport:
    return WorkReport(
        report_id="R-1", visit_id="V-1", call_id="C-1", device_serial="AK1",
        device_model="C844dnw", site_name="本社", site_address="東京都", customer_name="山田商事",
        support_pack_id="SP-1", technician_name=technician, arrived_at=AT,
        departed_at=AT.replace(hour=2), work_done=work_done, result=Result.RESOLVED,
        attendee_name=attendee,
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(work_done=texts, technician=names, attendee=names, signer=names, other=texts)
def test_any_text_seals_and_any_change_is_detected(
    work_done: str, technician: str, attendee: str, signer: str, other: str
) -> None:
    report = _report(work_done, technician, attendee)
    content, seal = seal_report(report, signer, PNG, KEY, GENESIS_HASH, AT)
    assert verify_seal(content, PNG, seal, KEYRING, GENESIS_HASH).valid
    changed = replace(content, report=replace(report, work_done=other))
    assert verify_seal(changed, PNG, seal, KEYRING, GENESIS_HASH).valid == (other == work_done)
