"""Names of audit entity types and actions on the administrator's screens (Japanese first).

The stored values (`work_report`, `report.signed`) stay as they are in the database, the
CSV and the JSON export; the screen shows these labels, and the raw value when one is new.
"""

from __future__ import annotations

from dispatch.i18n import add_messages, current_locale

ENTITY_LABELS: dict[str, tuple[str, str]] = {
    "api_token": ("APIトークン", "API token"),
    "application": ("パック申込", "Pack application"),
    "customer": ("顧客", "Customer"),
    "device": ("製品", "Device"),
    "island_area": ("離島地域", "Island area"),
    "job": ("定期処理", "Scheduled job"),
    "pack": ("サポートパック", "Support pack"),
    "plan": ("配車計画", "Dispatch plan"),
    "printer_model": ("機種", "Printer model"),
    "repair_call": ("修理受付", "Repair call"),
    "retention": ("保存期間", "Retention"),
    "service_base": ("サービス拠点", "Service base"),
    "site": ("設置場所", "Site"),
    "technician": ("技術者", "Technician"),
    "user": ("ユーザー", "User"),
    "visit": ("訪問", "Visit"),
    "work_report": ("作業報告票", "Work report"),
}

ACTION_LABELS: dict[str, tuple[str, str]] = {
    "application.complete": ("申込の登録完了", "Application completed"),
    "application.create": ("申込の受付", "Application received"),
    "base.create": ("拠点の作成", "Base created"),
    "call.override_phone_only": ("電話対応のみの解除", "Phone-only overridden"),
    "call.resolve_by_phone": ("電話で解決", "Resolved by phone"),
    "call.take": ("修理受付", "Call taken"),
    "customer.create": ("顧客の作成", "Customer created"),
    "customer.terminate": ("契約解除", "Service terminated"),
    "device.create": ("製品の登録", "Device created"),
    "device.relocate": ("製品の移設", "Device relocated"),
    "inquiry.answer": ("照会への回答", "Inquiry answered"),
    "inquiry.send": ("照会の送付", "Inquiry sent"),
    "island.deactivate": ("離島地域の無効化", "Island area deactivated"),
    "island.edit": ("離島地域の編集", "Island area edited"),
    "island.import": ("離島レジストリの取込", "Island registry imported"),
    "model.create": ("機種の作成", "Model created"),
    "pack.record": ("パックの記録", "Pack recorded"),
    "pack.refuse": ("パックの受付拒否", "Pack refused"),
    "plan.create": ("配車計画の作成", "Plan created"),
    "plan.insert": ("計画への追加", "Inserted into the plan"),
    "privacy.correction": ("個人情報の訂正", "Personal data corrected"),
    "privacy.erasure": ("個人情報の消去", "Personal data erased"),
    "privacy.export": ("個人情報の開示", "Personal data exported"),
    "privacy.stop_use": ("利用停止", "Use stopped"),
    "report.link_created": ("署名リンクの発行", "Signing link created"),
    "report.refused": ("署名拒否", "Signature refused"),
    "report.saved": ("作業報告票の保存", "Report saved"),
    "report.signed": ("作業報告票の署名", "Report signed"),
    "retention.flag": ("保存期間の通知", "Retention flagged"),
    "site.create": ("設置場所の作成", "Site created"),
    "technician.create": ("技術者の作成", "Technician created"),
    "token.create": ("APIトークンの発行", "Token created"),
    "token.revoke": ("APIトークンの失効", "Token revoked"),
    "user.create": ("ユーザーの作成", "User created"),
    "user.disable": ("ユーザーの無効化", "User disabled"),
    "user.enable": ("ユーザーの有効化", "User enabled"),
    "user.role": ("役割の変更", "Role changed"),
    "visit.arrived": ("到着", "Arrived"),
    "visit.assign": ("訪問の割当", "Visit assigned"),
    "visit.done": ("訪問の完了", "Visit done"),
    "visit.en_route": ("移動開始", "En route"),
    "visit.moved": ("訪問日の移動", "Visit moved"),
}

add_messages({
    "audit.details": ("変更内容", "Changes"),
    "audit.all": ("すべて", "All"),
    "audit.reversed_range": ("開始日が終了日より後になっています。日付を入れ替えてください。",
                             "The start date is after the end date: swap them."),
    "audit.time_zone": ("日時は日本時間（JST）です。", "Times are in Japan time (JST)."),
})


def _label(table: dict[str, tuple[str, str]], value: str) -> str:
    pair = table.get(value)
    if pair is None:
        return value
    return pair[0] if current_locale() == "ja" else pair[1]


def entity_label(value: str) -> str:
    """The entity type as people say it (the raw value if it has no label yet)."""
    return _label(ENTITY_LABELS, value)


def action_label(value: str) -> str:
    """The action as people say it; jobs read `lifecycle.<job>`."""
    if value.startswith("lifecycle."):
        return f"{_label(ENTITY_LABELS, 'job')}: {value.split('.', 1)[1]}"
    return _label(ACTION_LABELS, value)
