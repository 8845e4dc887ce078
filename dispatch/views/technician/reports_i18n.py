"""Messages of the work report pages (Japanese first, English available)."""

from dispatch.i18n import add_messages

# The report validator (reports/document.py) answers in English for the API; the tablet
# shows each of its messages in the screen's language (rules.md §7).
VALIDATION_MESSAGES: dict[str, tuple[str, str]] = {
    "is required": ("入力してください。", "is required."),
    "must be a list of non-empty texts": ("空でない文字で入力してください。",
                                          "must be non-empty lines."),
    "must be a list": ("一覧の形式が正しくありません。", "must be a list."),
    "must be a non-negative integer": ("0以上の整数で入力してください。",
                                       "must be a whole number, 0 or more."),
    "must be after arrived_at": ("到着日時より後にしてください。", "must be after the arrival."),
    "must be an ISO 8601 datetime with a UTC offset": ("日時を入力してください。",
                                                       "must be a date and time."),
    "must be an integer of at least 1": ("1以上の整数で入力してください。",
                                         "must be a whole number, 1 or more."),
    "must be an object": ("形式が正しくありません。", "has the wrong form."),
    "must be true or false": ("はい・いいえで選んでください。", "must be yes or no."),
    "must be on the visit's day": ("訪問日の日時にしてください。", "must be on the visit's day."),
    "must not be after the signature": ("署名の時刻より後にはできません。",
                                        "cannot be after the signature."),
    # Photos (reports/photos.py, dispatch/services/reporting/photos.py)
    "must list at most 6 photos": ("写真は6枚までです。", "at most 6 photos."),
    "the photo is empty or larger than 4 MB": ("写真が空か、4MBを超えています。",
                                               "the photo is empty or over 4 MB."),
    "the photo is more than 4096 pixels a side": ("写真の一辺が4096ピクセルを超えています。",
                                                  "the photo is over 4096 pixels a side."),
    "the photo is not a readable JPEG, PNG or WebP image": (
        "写真を読み取れません（JPEG・PNG・WebPのみ）。",
        "the photo cannot be read (JPEG, PNG or WebP only)."),
    "must be data:image/jpeg;base64,… (or png, webp)": (
        "写真を読み取れません（JPEG・PNG・WebPのみ）。",
        "the photo cannot be read (JPEG, PNG or WebP only)."),
    "is not valid base64": ("写真のデータが壊れています。", "the photo's data is damaged."),
    "must be one of: before, after, error_panel": ("撮影区分を選んでください。",
                                                   "choose what the photo shows."),
    "is not a photo of this report": ("この報告票の写真ではありません。"
                                      "画面を再読み込みしてください。",
                                      "is not a photo of this report; reload the page."),
    "must give either image or sha256": ("形式が正しくありません。", "has the wrong form."),
}


def validation_messages(locale: str) -> dict[str, str]:
    """The validator's messages in `locale`, for the tablet's script."""
    return {k: v[0] if locale == "ja" else v[1] for k, v in VALIDATION_MESSAGES.items()}

add_messages({
    "reports.form_title": ("作業報告票の入力", "Work report"),
    "reports.checklist": ("作業前の確認（お客様へのお願い）",
                          "Before work: the customer's duties"),
    "reports.checklist_hint": ("作業を始める前に、お客様と一緒に確認してください。",
                               "Check these with the customer before starting."),
    "reports.checklist.attendant_present": ("お客様のご担当者が作業に立ち会っている",
                                            "Someone from the customer attends the work"),
    "reports.checklist.environment_ok": ("設置場所の環境がOKIの推奨値を満たしている",
                                         "The site meets OKI's recommended environment"),
    "reports.checklist.backup_kept": (
        "ソフトウェアとデータのバックアップをお客様が作成・保管している",
        "The customer made and keeps backups of the software and data"),
    "reports.checklist.software_licensed": (
        "使用されているソフトウェアが適切にライセンスされている",
        "The software in use is properly licensed"),
    "reports.no_attendant_note": (
        "立会者がいない場合は作業できません。下の「日程を変更する」から訪問日を変更してください。",
        "Without an attendant there is no work: reschedule the visit below."),
    "reports.no_attendant_title": ("立会者不在のため日程を変更", "No attendant: reschedule"),
    "reports.no_attendant_reason": ("不在の理由", "Why nobody attended"),
    "reports.no_attendant_confirm": (
        "作業せずに、この訪問を次のサポート日へ変更します",
        "Do no work and move this visit to the next support day"),
    "reports.no_attendant_submit": ("日程を変更する", "Reschedule"),
    "reports.no_attendant_done": ("訪問 #{visit} を {date} に変更しました（立会者不在）。",
                                  "Visit #{visit} moved to {date} (no attendant)."),
    "reports.visit": ("訪問", "Visit"),
    "reports.arrived_at": ("到着日時", "Arrived at"),
    "reports.departed_at": ("退出日時", "Departed at"),
    "reports.work_done": ("作業内容", "Work done"),
    "reports.result": ("結果", "Result"),
    "reports.result.resolved": ("解決", "Resolved"),
    "reports.result.follow_up": ("要再訪", "Follow-up visit"),
    "reports.result.unresolved": ("未解決", "Unresolved"),
    "reports.parts": ("交換部品", "Replaced parts"),
    "reports.part_no": ("部品番号", "Part number"),
    "reports.qty": ("数量", "Quantity"),
    "reports.condition": ("区分", "Condition"),
    "reports.condition.new": ("新品", "New"),
    "reports.condition.recycled": ("リサイクル品", "Recycled"),
    "reports.removed_returned": ("取外し部品回収済み", "Removed part returned"),
    "reports.add_part": ("部品を追加", "Add a part"),
    "reports.photos": ("写真", "Photos"),
    "reports.photos_hint": ("作業前・作業後・エラー表示の写真を6枚まで添付できます。"
                            "報告票とともに封印されます。",
                            "Attach up to 6 photos (before, after, error panel); they are "
                            "sealed with the report."),
    "reports.photos_take": ("写真を撮る／選ぶ", "Take or pick photos"),
    "reports.photos_count": ("{n}／{max}枚", "{n} of {max} photos"),
    "reports.photos_full": ("写真は6枚までです。超えた分は追加していません。",
                            "At most 6 photos: the extra ones were not added."),
    "reports.photos_busy": ("写真を縮小しています。少し待ってから保存してください。",
                            "Photos are still being resized; save again in a moment."),
    "reports.photos_unreadable": ("読み取れない画像がありました。別の写真を選んでください。",
                                  "An image could not be read; choose another photo."),
    "reports.photo_kind": ("撮影区分", "Shows"),
    "reports.photo_kind.before": ("作業前", "Before the work"),
    "reports.photo_kind.after": ("作業後", "After the work"),
    "reports.photo_kind.error_panel": ("エラー表示", "Error panel"),
    "reports.remove_photo": ("写真を削除", "Remove photo"),
    "reports.storage_full": ("端末の保存容量が足りないため、保存できませんでした。"
                             "写真の枚数を減らしてください。",
                             "The tablet has no room to keep this report; remove some photos."),
    "reports.remove_part": ("削除", "Remove"),
    "reports.no_parts": ("交換部品はありません。", "No parts replaced."),
    "reports.technical_changes": ("技術変更（1行に1件）", "Technical changes (one per line)"),
    "reports.data_initialized": ("データ・ソフトウェアを工場出荷状態に初期化した",
                                 "Data or software reset to factory state"),
    "reports.counter_reading": ("カウンター値", "Counter reading"),
    "reports.attendee_name": ("立会者（設置場所の責任者）", "Attending site manager"),
    "reports.exclusion_cause": ("対象外の原因（該当時のみ・有償）",
                                "Out-of-scope cause (chargeable)"),
    "reports.exclusion_none": ("該当なし", "None"),
    "reports.save_and_sign": ("保存して署名へ", "Save and go to signature"),
    "reports.save_draft": ("下書き保存", "Save draft"),
    "reports.sign_title": ("内容確認と署名", "Check and sign"),
    "reports.sign_hint": ("内容をご確認のうえ、枠内にご署名ください。",
                          "Please check the report and sign inside the box."),
    "reports.signer_name": ("署名者氏名", "Signer's name"),
    "reports.signature": ("署名", "Signature"),
    "reports.clear": ("書き直す", "Clear"),
    "reports.sign": ("署名して完了", "Sign and complete"),
    "reports.refuse": ("署名を拒否", "Refuse to sign"),
    "reports.refusal_reason": ("拒否の理由", "Reason for refusal"),
    "reports.confirm_refusal": ("拒否を記録", "Record the refusal"),
    "reports.back_to_form": ("入力に戻る", "Back to the form"),
    "reports.signature_empty": ("署名が空です。", "The signature is empty."),
    "reports.pending": ("送信待ち", "Waiting to sync"),
    "reports.pending_none": ("送信待ちのデータはありません。", "Nothing waiting to sync."),
    "reports.offline": ("オフラインです。電波が戻ると自動で送信します。",
                        "Offline: sent automatically when the network returns."),
    "reports.synced": ("送信しました。", "Sent."),
    "reports.kind.report": ("作業報告票（下書き）", "Report draft"),
    "reports.kind.signature": ("署名", "Signature"),
    "reports.kind.refusal": ("署名拒否", "Refusal"),
    "reports.done_title": ("作業完了", "Job completed"),
    "reports.done_text": ("署名済みの作業報告票は改ざん検知の電子封印付きで保存されました。",
                          "The signed report is stored with a tamper-evident seal."),
    "reports.download_pdf": ("PDFをダウンロード", "Download PDF"),
    "reports.verified": ("封印の検証: 正常", "Seal check: valid"),
    "reports.not_verified": ("封印の検証: 異常", "Seal check: INVALID"),
    "reports.refused_title": ("署名拒否を記録しました", "Refusal recorded"),
    "reports.refused_text": ("作業は未完了のままです。", "The job stays open."),
    "reports.remote_link": ("リモート署名リンクを発行", "Create a remote signing link"),
    "reports.link_title": ("リモート署名リンク", "Remote signing link"),
    "reports.link_text": ("このリンクは72時間有効で、1回だけ使えます。",
                          "This link works once and expires in 72 hours."),
    "reports.remote_thanks": ("ご対応ありがとうございました。", "Thank you."),
    "reports.status.draft": ("下書き", "Draft"),
    "reports.status.signed": ("署名済み", "Signed"),
    "reports.status.refused": ("署名拒否", "Refused"),
    "reports.open_report": ("作業報告票", "Work report"),
    "reports.signed_by": ("署名者", "Signed by"),
    "reports.chargeable": ("有償", "Chargeable"),
    "reports.error": ("入力内容を確認してください。", "Please check the entries."),
    "reports.back_to_stops": ("本日の訪問一覧へ戻る", "Back to today's visits"),
    # Issue 17: the device on site checked against the visit's by the sticker's QR code.
    "reports.device_check": ("製品の確認", "Device check"),
    "reports.device_check_hint": (
        "製品に貼られたステッカーのQRコードをカメラで読み取り、この訪問の製品（シリアル番号 "
        "{serial}）であることを確認します。",
        "Read the QR code on the device's sticker with the camera to confirm it is this "
        "visit's device (serial {serial})."),
    "reports.scan_sticker": ("ステッカーを読み取る", "Scan the sticker"),
    "reports.device_confirmed": ("製品確認済み（シリアル番号 {serial}）",
                                 "Device confirmed (serial {serial})"),
    "reports.device_mismatch": (
        "別の製品です。ステッカーのシリアル番号は {scanned}、この訪問の製品は {expected} です。"
        "作業の前に製品を確認してください。",
        "This is another device: the sticker's serial is {scanned}, this visit's device is "
        "{expected}. Check the device before working on it."),
    "reports.device_other_pack": (
        "ステッカーのサポートパックID（{scanned}）は受付時のID（{expected}）と異なります。",
        "The sticker's support pack ID ({scanned}) differs from the call's ({expected})."),
    "reports.device_unreadable": (
        "シリアル番号を読み取れませんでした。もう一度読み取ってください。",
        "No serial could be read. Scan again."),
    "reports.times_hint": ("到着は「到着」ボタンの時刻、退出は現在時刻を入れています。"
                           "必要なら直してください。",
                           "Arrival comes from the Arrived tap and departure from the current "
                           "time; correct them if needed."),
    "reports.yes": ("あり", "Yes"),
    "reports.no": ("なし", "No"),
    "reports.part_removed": ("取外し部品", "Removed part"),
    "reports.returned_yes": ("回収済み", "returned"),
    "reports.returned_no": ("未回収", "not returned"),
    "reports.pre_work": ("作業前の確認", "Before work"),
    # The public signing link once it no longer opens the report (signing_links.LinkState).
    "link_state.signed.title": ("この作業報告票は署名済みです", "This report is already signed"),
    "link_state.signed.text": (
        "ご署名はすでに記録されています。もう一度ご署名いただく必要はありません。"
        "署名済みの作業報告票（PDF）はお客様ポータルでご覧いただけます。",
        "Your signature is already recorded; there is nothing more to do. The signed report "
        "(PDF) is in the customer portal."),
    "link_state.refused.title": ("署名拒否は記録済みです", "The refusal is already recorded"),
    "link_state.refused.text": (
        "このリンクで署名拒否が記録されました。内容を直した報告票をお送りする際は、"
        "担当者から新しいリンクをお送りします。",
        "A refusal was recorded through this link. When the report is corrected, the "
        "technician will send you a new link."),
    "link_state.expired.title": ("このリンクは有効期限切れです", "This link has expired"),
    "link_state.expired.text": (
        "署名用リンクの有効期限は発行から72時間です。担当技術者に新しいリンクの発行をご依頼ください。",
        "Signing links work for 72 hours. Please ask the technician for a new link."),
    "link_state.changed.title": ("このリンクは使えなくなりました",
                                 "This link is no longer valid"),
    "link_state.changed.text": (
        "リンクの送付後に作業報告票が修正されたため、修正後の内容で新しいリンクをお送りします。"
        "担当技術者にご確認ください。",
        "The report was corrected after this link was sent; a new link with the corrected "
        "report will follow. Please check with the technician."),
    "link_state.unknown.title": ("リンクが見つかりません", "Link not found"),
    "link_state.unknown.text": (
        "URLが途中で切れていないかご確認ください。メールのリンクをそのまま開いてください。",
        "Please check that the address is complete; open the link from the e-mail as it is."),
    "reports.link_copy": ("リンクをコピー", "Copy the link"),
    "reports.link_copied": ("コピーしました", "Copied"),
    "reports.link_mail": ("メールで送る", "Send by e-mail"),
    "reports.link_qr": ("署名用リンクのQRコード", "QR code of the signing link"),
    "reports.link_qr_hint": ("責任者のスマートフォンで読み取ると署名画面が開きます。",
                             "Scanned with the site manager's phone, it opens the signing page."),
    "reports.link_mail_subject": ("作業報告票へのご署名のお願い", "Please sign the work report"),
    "reports.link_mail_body": (
        "作業報告票の内容をご確認のうえ、次のリンクからご署名ください（72時間有効・1回限り）。\n{url}",
        "Please check the work report and sign it through this link (works once, for 72 "
        "hours):\n{url}"),
    "reports.back_to_report": ("作業報告票に戻る", "Back to the report"),
    "link_state.contact": ("ご不明な点は修理受付（{line}）までお電話ください。",
                           "Questions: call the repair line ({line})."),
})
