"""Words for the administrator's view of what is held about a customer (rules.md §8).

The export (JSON) keeps the stored keys and values; the page shows section and column names
in Japanese and enum values, flags and dates as people read them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from dispatch import clock
from dispatch.domain.call_status import CallStatus
from dispatch.domain.visit_status import VisitStatus
from dispatch.i18n import add_messages, current_locale, human_date, translate

SECTIONS = {
    "sites": ("設置場所", "Sites"), "accounts": ("ログインアカウント", "Accounts"),
    "devices": ("製品", "Devices"), "packs": ("サポートパック", "Support packs"),
    "applications": ("登録申込", "Applications"), "calls": ("修理受付", "Repair calls"),
    "visits": ("訪問", "Visits"), "work_reports": ("作業報告票", "Work reports"),
}
COLUMNS = {
    "id": ("番号", "No."), "name": ("名称", "Name"), "address": ("所在地", "Address"),
    "postal_code": ("郵便番号", "Postal code"), "lat": ("緯度", "Latitude"),
    "lon": ("経度", "Longitude"), "manager_name": ("責任者", "Manager"),
    "manager_email": ("責任者メール", "Manager e-mail"), "remote_island": ("離島", "Island"),
    "island_area_code": ("離島地域", "Island area"), "email": ("メール", "E-mail"),
    "role": ("役割", "Role"), "display_name": ("表示名", "Display name"),
    "is_enabled": ("有効", "Enabled"), "created_at": ("作成日時", "Created"),
    "serial": ("シリアル番号", "Serial"), "model_code": ("機種", "Model"),
    "site_id": ("設置場所番号", "Site"), "parent_device_id": ("親製品", "Parent device"),
    "purchase_date": ("購入日", "Purchased on"), "factory_ship_date": ("出荷日", "Shipped on"),
    "print_count": ("印刷枚数", "Print count"), "print_count_on": ("枚数の記録日", "Counted on"),
    "product": ("商品", "Product"), "status": ("状態", "Status"),
    "support_pack_id": ("サポートパックID", "Support pack ID"),
    "purchased_on": ("購入日", "Purchased on"), "received_on": ("受付日", "Received on"),
    "coverage_start": ("提供開始", "Coverage from"), "coverage_end": ("提供終了", "Coverage to"),
    "status_changed_on": ("状態変更日", "Status changed"),
    "device_serial": ("シリアル番号", "Serial"),
    "pack_id": ("パック番号", "Pack"), "channel": ("申込方法", "Channel"),
    "applied_on": ("申込日", "Applied on"), "completed_on": ("完了日", "Completed on"),
    "cancelled_on": ("取消日", "Cancelled on"),
    "consent_service_spec": ("仕様書同意", "Spec consent"),
    "consent_privacy": ("個人情報同意", "Privacy consent"),
    "consent_antisocial_declaration": ("反社会的勢力でない旨の表明", "Anti-social declaration"),
    "received_at": ("受付日時", "Received"), "symptom": ("症状", "Symptom"),
    "decision": ("判定", "Decision"), "service_date": ("対応日", "Service date"),
    "codes": ("理由", "Reasons"), "call_id": ("受付番号", "Call"),
    "technician_id": ("技術者", "Technician"), "eta": ("到着予定", "ETA"),
    "visit_id": ("訪問番号", "Visit"), "signer_name": ("署名者", "Signed by"),
    "signed_at": ("署名日時", "Signed"), "refusal_reason": ("拒否理由", "Refusal reason"),
    "seal_hash": ("封印ハッシュ", "Seal hash"), "attendee_name": ("立会者", "Attendee"),
    "has_signature_image": ("署名画像", "Signature image"),
}
# Enum-valued columns and the catalogue prefix of their labels, per section.
ENUM_PREFIXES = {
    ("packs", "product"): "product.", ("packs", "status"): "pack.status.",
    ("applications", "status"): "pack.status.", ("accounts", "role"): "role.",
    ("calls", "decision"): "decision.", ("calls", "status"): "call.status.",
    ("visits", "status"): "visit.status.", ("work_reports", "status"): "reports.status.",
}
CALL_STATUS = {
    CallStatus.OPEN: ("受付中", "Open"), CallStatus.SCHEDULED: ("手配済", "Scheduled"),
    CallStatus.RESOLVED_BY_PHONE: ("電話で解決", "Resolved by phone"),
    CallStatus.DONE: ("完了", "Done"), CallStatus.CANCELLED: ("取消", "Cancelled"),
}
VISIT_STATUS = {
    VisitStatus.UNASSIGNED: ("未割当", "Unassigned"), VisitStatus.PLANNED: ("予定", "Planned"),
    VisitStatus.EN_ROUTE: ("移動中", "En route"), VisitStatus.ARRIVED: ("作業中", "On site"),
    VisitStatus.DONE: ("完了", "Done"), VisitStatus.CANCELLED: ("取消", "Cancelled"),
}

add_messages({f"call.status.{k.value}": v for k, v in CALL_STATUS.items()})
add_messages({f"visit.status.{k.value}": v for k, v in VISIT_STATUS.items()})
add_messages({f"privacy.section.{k}": v for k, v in SECTIONS.items()})
add_messages({f"privacy.col.{k}": v for k, v in COLUMNS.items()})
add_messages({"privacy.yes": ("はい", "Yes"), "privacy.no": ("いいえ", "No"),
              "privacy.kind.export": ("開示（JSON出力）", "Disclosure (JSON export)"),
              "privacy.kind.correction": ("訂正", "Correction"),
              "privacy.kind.stop_use": ("利用停止", "Stop of use"),
              "privacy.kind.erasure": ("消去", "Erasure")})


def column_label(column: str) -> str:
    """A column's name in words (the key itself when it has none)."""
    return translate(f"privacy.col.{column}") if column in COLUMNS else column


def cell(section: str, column: str, value: Any) -> str:
    """One value as people read it: labels for enum values, はい/いいえ, dates with weekday."""
    if value is None or value == "":
        return ""
    prefix = ENUM_PREFIXES.get((section, column))
    if prefix:
        label = translate(prefix + str(value))
        return str(value) if label == prefix + str(value) else label
    if column == "codes" and isinstance(value, list):
        return " / ".join(translate(f"code.{code}") for code in value)
    if isinstance(value, bool):
        return translate("privacy.yes" if value else "privacy.no")
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        return _date_text(value)
    return str(value)


def _date_text(value: str) -> str:
    try:
        if len(value) == 10:
            return human_date(date.fromisoformat(value), current_locale())
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    local = clock.to_tokyo(moment) if moment.tzinfo else moment
    return f"{human_date(local.date(), current_locale())} {local:%H:%M}"
