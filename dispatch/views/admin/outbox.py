"""The outbox page (rules.md §11): what is undelivered, what failed, and a retry button."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from sqlalchemy import func, select

from dispatch import clock
from dispatch.domain.outbox import RETRYABLE, MessageStatus
from dispatch.domain.roles import Role
from dispatch.errors import DispatchError
from dispatch.extensions import db
from dispatch.i18n import add_messages
from dispatch.models import OutboxMessage
from dispatch.services.notify import delivery
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.access import current_actor, role_required

bp = Blueprint("admin_outbox", __name__, url_prefix="/admin/outbox")
SHOWN = 200

add_messages({
    "outbox.title": ("メール送信状況", "E-mail outbox"),
    "outbox.no_smtp": ("SMTP が設定されていません（DISPATCH_SMTP_URL）。メッセージは未送信のまま"
                       "保存されています。",
                       "SMTP is not configured (DISPATCH_SMTP_URL): messages are kept, "
                       "undelivered."),
    "outbox.attention": ("要対応（失敗・送信不明）", "Needs attention (failed, in doubt)"),
    "outbox.waiting": ("未送信", "Undelivered"),
    "outbox.recent": ("最近の送信", "Recently sent"),
    "outbox.none": ("該当するメッセージはありません", "No messages"),
    "outbox.retry": ("再送", "Retry"),
    "outbox.in_doubt_help": ("送信不明: 送信中に処理が停止しました。メールサーバーのログで "
                             "Message-ID を確認してから再送してください。",
                             "In doubt: the worker stopped while sending. Look the Message-ID up "
                             "in the mail server's log before retrying."),
    "outbox.col.kind": ("種類", "Kind"), "outbox.col.recipient": ("宛先", "Recipient"),
    "outbox.col.created": ("作成", "Created"), "outbox.col.status": ("状態", "Status"),
    "outbox.col.attempts": ("試行", "Attempts"), "outbox.col.error": ("エラー", "Error"),
    "outbox.col.next": ("次回", "Next try"), "outbox.col.sent": ("送信", "Sent"),
    "outbox.status.pending": ("未送信", "Pending"), "outbox.status.sending": ("送信中", "Sending"),
    "outbox.status.sent": ("送信済み", "Sent"), "outbox.status.failed": ("失敗", "Failed"),
    "outbox.status.in_doubt": ("送信不明", "In doubt"),
    "outbox.status.suppressed": ("送信停止（利用停止・消去）", "Suppressed (use stopped, erased)"),
    "outbox.kind.visit_scheduled": ("訪問日のお知らせ", "Visit scheduled"),
    "outbox.kind.technician_en_route": ("技術者移動開始", "Technician on the way"),
    "outbox.kind.report_signed": ("署名済み作業報告票", "Signed work report"),
    "outbox.kind.signing_link": ("署名用リンク", "Signing link"),
    "outbox.kind.rework_opened": ("再作業の受付", "Rework call opened"),
    "outbox.kind.registration_completed": ("登録完了通知", "Registration completed"),
    "outbox.kind.application_reminder": ("登録申請のお願い", "Application reminder"),
    "outbox.kind.morning_digest": ("朝の確認事項", "Morning digest"),
})


def _rows(*statuses: MessageStatus, newest_first: bool = False) -> list[OutboxMessage]:
    order = OutboxMessage.id.desc() if newest_first else OutboxMessage.id
    return list(db.session.scalars(select(OutboxMessage)
                                   .where(OutboxMessage.status.in_(statuses))
                                   .order_by(order).limit(SHOWN)))


@bp.get("")
@role_required(Role.ADMIN)
def page() -> Any:
    counts: dict[str, int] = {str(status): n for status, n in db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))}
    return render_template(
        "admin/outbox.html", counts={s.value: counts.get(s, 0) for s in MessageStatus},
        smtp=bool(current_app.config.get("DISPATCH_SMTP_URL")),
        attention=_rows(*sorted(RETRYABLE)),
        waiting=_rows(MessageStatus.PENDING, MessageStatus.SENDING),
        recent=_rows(MessageStatus.SENT, newest_first=True)[:50])


@bp.post("/<int:message_id>/retry")
@role_required(Role.ADMIN)
def retry(message_id: int) -> Any:
    try:
        with unit_of_work():
            delivery.retry(message_id, current_actor(), clock.now())
    except DispatchError:
        abort(409)
    return redirect(url_for("admin_outbox.page"))
