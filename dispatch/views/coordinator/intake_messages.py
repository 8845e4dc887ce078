"""Japanese-first labels of the call screen (rule codes: dispatch/messages_codes.py)."""

from __future__ import annotations

from dispatch.i18n import add_messages

add_messages({
    "scan.button": ("シールのQRコードを読み取る", "Scan the sticker's QR code"),
    "scan.close": ("閉じる", "Close"),
    "scan.no_camera": ("カメラを使えません。閉じる", "No camera available. Close"),
    "intake.title": ("修理受付", "Repair-call intake"),
    "intake.nav": ("修理受付", "Intake"),
    "intake.form": ("受付入力", "New call"),
    "intake.serial": ("シリアル番号", "Serial number"),
    "intake.support_pack_id": ("サポートパックID", "Support pack ID"),
    "intake.received_at": ("受付日時", "Received at"),
    "intake.symptom": ("症状", "Symptom"),
    "intake.print_count": ("印刷枚数（電話で確認）", "Print count (from the caller)"),
    "intake.parts_required": ("部品の手配が必要", "Parts must be ordered"),
    "intake.submit": ("判定する", "Decide"),
    "intake.decision": ("判定", "Decision"),
    "intake.service_date": ("訪問日", "Service date"),
    "intake.cutoff": ("適用された締切", "Cutoff applied"),
    "intake.reasons": ("理由", "Reasons"),
    "intake.no_reasons": ("制約なし", "None"),
    "intake.today_cutoff": ("本日の当日受付締切（標準対応時間）",
                            "Today's same-day cutoff (standard hours)"),
    "intake.remaining": ("締切まで", "Time left"),
    "intake.cutoff_passed": ("締切を過ぎました（以降は翌営業日）",
                             "The cutoff has passed (next support day from now)"),
    "intake.closed_today": ("本日は標準対応時間の休業日です（受付は次の対応日扱い）",
                            "Standard support is closed today (calls count from the next "
                            "opening)"),
    "intake.board": ("本日の受付一覧", "Today's calls"),
    "intake.board_empty": ("本日の修理受付はまだありません。", "No repair calls yet today."),
    "intake.actions": ("操作", "Actions"),
    "intake.resolve": ("電話で解決", "Resolved by phone"),
    "intake.override": ("訪問に切替", "Send onsite"),
    "intake.after_hours": ("対応時間外の作業", "Work past the support hours"),
    "intake.after_hours_agreed": ("了承済み（{name} 様、{at}）", "Agreed ({name}, {at})"),
    "intake.after_hours_record": ("対応時間外の作業の了承を記録",
                                  "Record consent to work past the hours"),
    "intake.after_hours_hint": (
        "お客様が対応時間を越えての作業を了承された場合に記録します。訪問は技術者の勤務時間内で、"
        "対応時間の終了後にも計画できるようになります。判定と締切は変わりません。",
        "Record it when the customer agrees to work past the support hours: the visit may then "
        "be planned after the hours end, within the technician's shift. The decision and "
        "cutoff stay as they are."),
    "intake.after_hours_by": ("了承されたお客様のお名前", "Name of the customer who agreed"),
    "intake.after_hours_submit": ("了承を記録", "Record consent"),
    "intake.override_reason": ("切替の理由", "Reason for the override"),
    "intake.override_note": ("切替理由", "Override reason"),
    "intake.shortcuts": ("キーボード操作", "Keyboard"),
    "intake.shortcuts_help": (
        "Enter で判定。Alt+S（Mac は Ctrl+Option+S）シリアル番号、Alt+P サポートパックID、"
        "Alt+B 受付一覧、Alt+N 新しい受付。",
        "Enter decides. Alt+S (Mac: Ctrl+Option+S) serial, Alt+P support pack ID, "
        "Alt+B board, Alt+N new call."),
    "intake.new_call": ("新しい受付", "New call"),
    "intake.canonical": ("入力を正規化しました（全角・小文字・空白・ハイフン）：",
                         "Read as (full-width, lower case, spaces, hyphens folded):"),
    "intake.not_stored": ("受付は登録されていません。入力を確認してください：",
                          "Nothing was stored. Please check:"),
    "intake.open_call": ("この製品には対応中の受付があります。"
                         "訪問を二重に手配せず、その受付に追記できます。",
                         "This device already has an open call. Add to it instead of "
                         "sending a second visit."),
    "intake.add_to_call": ("対応中の受付に追記する", "Add to the open call"),
    "intake.take_separately": ("別の受付として登録する", "Take it as a separate call"),
    "intake.added": ("対応中の受付に追記しました（新しい訪問は作成していません）。",
                     "Added to the open call (no new visit)."),
    "intake.canonical_preview": ("読み取り", "Reads as"),
    "intake.same_day_on_opening": ("対応開始日にオンサイト（受付は対応時間外）",
                                   "Onsite on the day support opens (taken outside hours)"),
    "intake.invalid": ("入力を確認してください。", "Please check the input."),
    "intake.status.open": ("対応待ち", "Open"),
    "intake.status.scheduled": ("訪問手配済み", "Scheduled"),
    "intake.status.resolved_by_phone": ("電話で解決", "Resolved by phone"),
    "intake.status.done": ("完了", "Done"),
    "intake.status.cancelled": ("受付終了（対象外）", "Closed (not covered)"),
})
