"""Japanese (and English) text for every rule code of dispatch/domain/codes.py.

Keys are "code.<CODE>"; every area shows codes through these, e.g. `t('code.' ~ code)`.
"""

from __future__ import annotations

from dispatch.i18n import add_messages

CODE_MESSAGES: dict[str, tuple[str, str]] = {
    # §4 purchase and registration eligibility
    "code.STANDARD_PACK_WINDOW_CLOSED": (
        "スタンダードパックは製品購入日から6か月以内にご購入いただく必要があります。",
        "A standard pack must be bought within 6 months of the device purchase."),
    "code.EXTENSION_AFTER_STD7": (
        "7年パックの後に延長パックはご購入いただけません。",
        "No extension pack can follow a 7-year pack."),
    "code.NOTHING_TO_EXTEND": (
        "現在のサービス期間が既に装置寿命まで達しているため、延長できません。",
        "Coverage already reaches the end of the device lifetime."),
    "code.EXCEEDS_LIFETIME": (
        "この延長パックは装置寿命を超えるため、ご購入をお勧めできません。",
        "This extension would run past the device lifetime."),
    "code.CAPPED_AT_LIFETIME": (
        "サービス期間は装置寿命の終了日までとなります（超過分の返金はありません）。",
        "Coverage is capped at the end of the device lifetime (no refund)."),
    "code.PACK_NOT_OFFERED": (
        "この機種ではこのパックを提供していません。",
        "This model does not offer this pack."),
    "code.LIFETIME_EXCEEDED": (
        "装置寿命を超えています。",
        "The device is past its lifetime."),
    "code.PRINT_LIMIT_EXCEEDED": (
        "印刷枚数が機種の上限を超えています。",
        "The print count is over the model's limit."),
    "code.PRINT_LIMIT_PROJECTED": (
        "パック期間中に印刷枚数が上限を超える見込みです。",
        "The print count is projected to pass the limit before the pack ends."),
    "code.REFUSED_OTHER": (
        "その他の正当な理由により、お引き受けできません。",
        "Refused by OXT for another justified reason."),
    "code.OPTION_PARENT_PACK_MISMATCH": (
        "オプション製品には、本体装置に同じ年数・同じ対応時間のパックが必要です。",
        "The parent device needs a pack of the same years and support hours."),
    "code.OUTSIDE_JAPAN": (
        "日本国内で購入・使用されている製品のみが対象です。",
        "Only devices bought and used in Japan are covered."),
    # §4 registration lifecycle
    "code.CONSENT_REQUIRED": (
        "サービス仕様・個人情報の取扱い・反社会的勢力の排除のすべてに同意が必要です。",
        "All three consents are required."),
    "code.NOT_REGISTERED_WITHIN_1_YEAR": (
        "パック購入日から1年以内に登録申請がなかったため、無効となりました。",
        "No application within 1 year of the pack purchase: the pack is void."),
    "code.INQUIRY_UNANSWERED": (
        "お問い合わせへのご回答が2週間ないため、申請を取り消しました。Webから再申請してください。",
        "The inquiry went unanswered for 2 weeks; please re-apply by web."),
    # §5 repair calls
    "code.SUPPORT_PACK_ID_MISMATCH": (
        "サポートパックIDが製造番号と一致しません。",
        "The support pack ID does not match the serial."),
    "code.UNKNOWN_SERIAL": (
        "製造番号が登録されていません。", "Unknown serial number."),
    "code.NOT_REGISTERED": (
        "サポートパックの登録が完了していません。", "The support pack is not registered."),
    "code.NOT_STARTED": (
        "サービス提供期間がまだ始まっていません。", "Coverage has not started yet."),
    "code.EXPIRED": (
        "サービス提供期間が終了しています。", "Coverage has ended."),
    "code.AFTER_CUTOFF": (
        "当日対応の受付時間を過ぎています。", "Received after the same-day cutoff."),
    "code.CANNOT_ARRIVE_IN_HOURS": (
        "対応時間内に到着できません。", "Cannot arrive within the support hours."),
    "code.PARTS_REQUIRED": (
        "部品の手配が必要です。", "Parts must be ordered."),
    "code.REMOTE_ISLAND": (
        "離島のため当日対応の対象外です。", "Remote island: no same-day service."),
    "code.OUTSIDE_SERVICE_AREA": (
        "サービス対応エリア外です。", "Outside the service area."),
    "code.OUTSIDE_SAME_DAY_AREA": (
        "当日対応エリア外です。", "Outside the same-day area."),
    # §6 routing
    "code.NO_SKILLED_TECHNICIAN": (
        "対応可能な技術者がいません。", "No technician with the needed skill."),
    "code.NO_CAPACITY": (
        "本日の対応枠がありません。", "No capacity left today."),
    # §8
    "code.SERVICE_TERMINATED": (
        "サービスの提供を終了しています。", "Service has been terminated."),
}

add_messages(CODE_MESSAGES)
