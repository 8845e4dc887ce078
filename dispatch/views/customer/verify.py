"""The public verification page printed on every signed report's PDF (rules.md §7).

Anyone holding the PDF can open it without an account: the URL carries the report's full
seal hash, which only the PDF shows, so the page can be found only by someone who has the
document. It shows what the PDF already shows about the seal (validity, when and by whom it
was signed, key and hashes) and nothing else of the report.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, current_app, render_template, url_for
from sqlalchemy import select

from dispatch.extensions import db
from dispatch.i18n import add_messages
from dispatch.models import WorkReport as ReportRow
from dispatch.services.reporting.verify import verify_report

bp = Blueprint("verify", __name__, url_prefix="/verify")

SEAL_HASH = re.compile(r"[0-9a-f]{64}")

add_messages({
    "verify.title": ("作業報告票の改ざん検証", "Work report verification"),
    "verify.valid": ("この作業報告票は署名後に改ざんされていません。",
                     "This work report has not been altered since it was signed."),
    "verify.invalid": ("この作業報告票は検証できませんでした（改ざんの可能性があります）。"
                       "OXTにお問い合わせください。",
                       "This work report does not verify (it may have been altered). "
                       "Please contact OXT."),
    "verify.not_found": ("この封印ハッシュの作業報告票はありません。URLをご確認ください。",
                         "No work report has this seal hash. Please check the address."),
    "verify.report_no": ("報告票番号", "Report number"),
    "verify.sealed_at": ("署名・封印日時", "Signed and sealed at"),
    "verify.signer": ("署名者", "Signed by"),
    "verify.erased": ("（消去請求により消去済み）", "(erased on request)"),
    "verify.key": ("署名鍵ID・方式", "Signing key and method"),
    "verify.seal_hash": ("封印ハッシュ", "Seal hash"),
    "verify.prev_hash": ("直前の封印ハッシュ", "Previous seal hash"),
    "verify.how": ("電子封印（Ed25519 署名・SHA-256 ハッシュチェーン）を、保存データから再計算して"
                   "確認しています。PDFの封印ハッシュと上の値が一致することをご確認ください。",
                   "The seal (Ed25519 signature over a SHA-256 hash chain) is recomputed from the "
                   "stored data. Check that the seal hash on the PDF matches the one above."),
})


def public_verify_url(row: ReportRow) -> str | None:
    """The URL printed (and QR-encoded) on the PDF; none before the report is sealed."""
    if not row.seal_hash:
        return None
    # Printed on paper for years: the configured public address, not this request's Host.
    base = (current_app.config.get("DISPATCH_EXTERNAL_URL") or "").strip().rstrip("/")
    if base:
        return base + url_for("verify.page", seal_hash=row.seal_hash)
    return url_for("verify.page", seal_hash=row.seal_hash, _external=True)


@bp.get("/<seal_hash>")
def page(seal_hash: str) -> Any:
    row = db.session.scalar(select(ReportRow).where(ReportRow.seal_hash == seal_hash)) \
        if SEAL_HASH.fullmatch(seal_hash) else None
    if row is None:
        return render_template("customer/verify.html", row=None, check=None), 404
    return render_template("customer/verify.html", row=row, check=verify_report(row),
                           seal=row.seal or {})
