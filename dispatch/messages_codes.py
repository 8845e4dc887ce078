"""The one label table of the rule codes of dispatch/domain/codes.py: Japanese, then English.

Every page shows a code through the "code.<CODE>" key, e.g. `t('code.' ~ code)` in a
template or `translate(f"code.{code}")` in a view; no other module labels rule codes
(tests/dispatch/test_vocabulary.py checks both).
"""

from __future__ import annotations

from dispatch.domain.codes import RuleCode
from dispatch.i18n import add_messages

CODE_LABELS: dict[RuleCode, tuple[str, str]] = {
    # §4 purchase and registration eligibility
    RuleCode.STANDARD_PACK_WINDOW_CLOSED: (
        "スタンダードパックは製品購入日から6か月以内にご購入いただく必要があります。",
        "A standard pack must be bought within 6 months of the device purchase."),
    RuleCode.EXTENSION_AFTER_STD7: (
        "7年パックの後に延長パックはご購入いただけません。",
        "No extension pack can follow a 7-year pack."),
    RuleCode.NOTHING_TO_EXTEND: (
        "現在のサービス提供期間が既に装置寿命まで達しているため、延長できません。",
        "Coverage already reaches the end of the device lifetime."),
    RuleCode.EXCEEDS_LIFETIME: (
        "この延長パックは装置寿命を超えるため、ご購入をお勧めできません。",
        "This extension would run past the device lifetime."),
    RuleCode.CAPPED_AT_LIFETIME: (
        "サービス提供期間は装置寿命の終了日までとなります（超過分の返金はありません）。",
        "Coverage is capped at the end of the device lifetime (no refund)."),
    RuleCode.PACK_NOT_OFFERED: (
        "この機種ではこのパックを提供していません。",
        "This model does not offer this pack."),
    RuleCode.LIFETIME_EXCEEDED: (
        "装置寿命を超えています。",
        "The device is past its lifetime."),
    RuleCode.PRINT_LIMIT_EXCEEDED: (
        "印刷枚数が機種の上限を超えています。",
        "The print count is over the model's limit."),
    RuleCode.PRINT_LIMIT_PROJECTED: (
        "パック期間中に印刷枚数が上限を超える見込みです。",
        "The print count is projected to pass the limit before the pack ends."),
    RuleCode.REFUSED_OTHER: (
        "その他の正当な理由により、お引き受けできません。",
        "Refused by OXT for another justified reason."),
    RuleCode.OPTION_PARENT_PACK_MISMATCH: (
        "オプション製品には、本体装置に同じ年数・同じ対応時間のパックが必要です。",
        "The parent device needs a pack of the same years and support hours."),
    RuleCode.OUTSIDE_JAPAN: (
        "日本国内で購入・使用されている製品のみが対象です。",
        "Only devices bought and used in Japan are covered."),
    # §4 registration lifecycle
    RuleCode.CONSENT_REQUIRED: (
        "サービス仕様・個人情報の取扱い・反社会的勢力の排除のすべてに同意が必要です。",
        "All three consents are required."),
    RuleCode.NOT_REGISTERED_WITHIN_1_YEAR: (
        "パック購入日から1年以内に登録申請がなかったため、無効となりました。",
        "No application within 1 year of the pack purchase: the pack is void."),
    RuleCode.INQUIRY_UNANSWERED: (
        "お問い合わせへのご回答が2週間ないため、申請を取り消しました。Webから再申請してください。",
        "The inquiry went unanswered for 2 weeks; please re-apply by web."),
    RuleCode.TRANSFER_WITHOUT_CONSENT: (
        "他のお客様への譲渡には、OXTの書面による事前の承諾が必要です（承諾日と承諾書番号を記録してください）。",
        "Handing the device to another customer needs OXT's prior written consent "
        "(record its date and reference)."),
    # §5 repair calls
    RuleCode.SUPPORT_PACK_ID_MISMATCH: (
        "サポートパックIDがこの製品のシリアル番号と一致しません。",
        "The support pack ID does not belong to this device."),
    RuleCode.SUPPORT_PACK_ID_INVALID: (
        "サポートパックIDの入力に誤りがあります（チェック文字が一致しません）。もう一度ご確認ください。",
        "The support pack ID has a typo (its check character does not match); ask again."),
    RuleCode.UNKNOWN_SERIAL: (
        "シリアル番号が登録されていません。", "Unknown serial number."),
    RuleCode.NOT_REGISTERED: (
        "サポートパックの登録が完了していません。", "The support pack is not registered."),
    RuleCode.NOT_STARTED: (
        "サービス提供期間がまだ始まっていません。", "Coverage has not started yet."),
    RuleCode.EXPIRED: (
        "サービス提供期間が終了しています。", "Coverage has ended."),
    RuleCode.AFTER_CUTOFF: (
        "当日受付の締切（終了2時間30分前）を過ぎています。",
        "Received after the same-day cutoff (2 h 30 min before closing)."),
    RuleCode.PARTS_REQUIRED: (
        "部品の手配が必要です。", "Parts must be ordered."),
    RuleCode.REMOTE_ISLAND: (
        "離島のため、原則として電話対応となります。",
        "Remote island: phone support in principle."),
    RuleCode.OUTSIDE_SERVICE_AREA: (
        "サービス対応エリア外のため、原則として電話対応となります。",
        "Outside every service area: phone support in principle."),
    RuleCode.OUTSIDE_SAME_DAY_AREA: (
        "当日対応エリア外のため、翌営業日の訪問となります。",
        "Outside the same-day area: visit on the next business day."),
    # §5/§6 moved by routing (shown on the call and on the coordinator board alike)
    RuleCode.CANNOT_ARRIVE_IN_HOURS: (
        "対応時間内に到着できないため翌営業日へ移動",
        "Cannot arrive within the support hours: moved to the next business day"),
    RuleCode.NO_SKILLED_TECHNICIAN: (
        "対応できる技術者（シリーズ）がいないため翌営業日へ移動",
        "No technician for this series: moved to the next business day"),
    RuleCode.NO_CAPACITY: (
        "当日の技術者の空きがないため翌営業日へ移動",
        "No technician free that day: moved to the next business day"),
    # §7
    RuleCode.REPORT_NOT_SIGNED: (
        "作業報告票が署名（または署名拒否の記録）されるまで、訪問を完了にできません。",
        "The visit can be closed only once its work report is signed or its refusal recorded."),
    RuleCode.NO_ATTENDANT: (
        "お客様の立会者が不在のため作業せず、日程を変更",
        "No attendant from the customer: no work, the visit was rescheduled"),
    RuleCode.OUT_OF_SCOPE_CAUSE: (
        "サービス対象外の原因（有償）のため、無償の再作業の対象外",
        "An out-of-scope (chargeable) cause applies: no free rework"),
    RuleCode.REPORT_PHOTO_LIMIT: (
        "写真は1件の作業報告票につき6枚までです。",
        "A work report holds at most 6 photos."),
    RuleCode.REPORT_PHOTO_UNREADABLE: (
        "写真を読み取れません（JPEG・PNG・WebP、4MB・一辺4096ピクセルまで）。",
        "The photo cannot be read (JPEG, PNG or WebP, up to 4 MB and 4096 pixels a side)."),
    # §8
    RuleCode.SERVICE_TERMINATED: (
        "サービスの提供を終了しています（契約解除）。", "Service has been terminated."),
}

# The catalogue's own keys: "code.<CODE>" → (日本語, English).
CODE_MESSAGES: dict[str, tuple[str, str]] = {
    f"code.{code.value}": labels for code, labels in CODE_LABELS.items()}

add_messages(CODE_MESSAGES)
