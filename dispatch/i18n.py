"""Japanese first, English available: a small message catalogue picked per request.

A catalogue in code keeps the two languages side by side for reviewers and needs no
compile step, which matters for the two-command setup.
"""

from __future__ import annotations

from datetime import date

from flask import Flask, g, request, session

LOCALES = ("ja", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (日本語, English)
    "app.title": ("サポートパック オンサイト手配", "Support-pack onsite dispatch"),
    "nav.home": ("ホーム", "Home"),
    "nav.login": ("ログイン", "Log in"),
    "nav.logout": ("ログアウト", "Log out"),
    "nav.language": ("English", "日本語"),
    "login.heading": ("ログイン", "Log in"),
    "login.email": ("メールアドレス", "E-mail"),
    "login.password": ("パスワード", "Password"),
    "login.submit": ("ログイン", "Log in"),
    "login.failed": ("メールアドレスまたはパスワードが違います。",
                     "Wrong e-mail or password."),
    "login.throttled": ("ログインの失敗が続いたため、しばらくお待ちください。",
                        "Too many failed logins; please wait a while."),
    "role.admin": ("管理者", "Administrator"),
    "role.coordinator": ("受付・手配担当", "Dispatch coordinator"),
    "role.technician": ("技術者", "Technician"),
    "role.site_manager": ("設置場所の責任者", "Site manager"),
    "home.coordinator": ("受付・手配", "Dispatch desk"),
    "home.today": ("本日", "Today"),
    "home.calls_today": ("本日の修理受付", "Today's repair calls"),
    "home.no_calls": ("本日の修理受付はまだありません。", "No repair calls yet today."),
    "home.registration_queue": ("登録処理待ち", "Registration queue"),
    "home.no_applications": ("処理待ちの登録申請はありません。", "No applications waiting."),
    "home.visits_today": ("本日の訪問予定", "Today's visits"),
    "home.no_visits": ("本日の訪問予定はありません。", "No visits planned for today."),
    "home.my_sites": ("設置場所と対象製品", "Your sites and devices"),
    "home.no_sites": ("登録された設置場所はありません。", "No sites registered for you."),
    "home.users": ("利用者", "Users"),
    "home.audit": ("最近の変更履歴", "Recent changes"),
    "home.no_audit": ("変更履歴はまだありません。", "No changes recorded yet."),
    "col.serial": ("シリアル番号", "Serial"),
    "col.model": ("機種", "Model"),
    "col.site": ("設置場所", "Site"),
    "col.address": ("住所", "Address"),
    "col.status": ("状態", "Status"),
    "col.received": ("受付日時", "Received"),
    "col.decision": ("判定", "Decision"),
    "col.service_date": ("訪問日", "Service date"),
    "col.codes": ("理由", "Reasons"),
    "col.eta": ("到着予定", "ETA"),
    "col.email": ("メール", "E-mail"),
    "col.role": ("役割", "Role"),
    "col.when": ("日時", "When"),
    "col.who": ("実施者", "Who"),
    "col.what": ("内容", "What"),
    "col.pack": ("パック", "Pack"),
    "col.applied_on": ("申請日", "Applied on"),
    "decision.same_day": ("当日オンサイト", "Same-day onsite"),
    "decision.next_business_day": ("翌営業日オンサイト", "Next business day"),
    "decision.phone_only": ("電話対応のみ", "Phone only"),
    "decision.not_covered": ("対象外", "Not covered"),
    "error.not_found": ("ページが見つかりません。", "Page not found."),
    "error.forbidden": ("このページを表示する権限がありません。",
                        "You may not open this page."),
}


def add_messages(messages: dict[str, tuple[str, str]]) -> None:
    """Let each area keep its own messages next to its views (keys must not collide)."""
    clash = set(messages) & set(MESSAGES)
    if clash:
        raise ValueError(f"message keys defined twice: {sorted(clash)}")
    MESSAGES.update(messages)


def current_locale() -> str:
    """The request's language: the session's choice, else the browser's, else Japanese."""
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    best = request.accept_languages.best_match(LOCALES) if request else None
    return best or "ja"


def translate(key: str) -> str:
    """The message for `key` in the current language (the key itself if unknown)."""
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    locale = g.get("locale") or current_locale()
    return pair[0] if locale == "ja" else pair[1]


WEEKDAYS_JA = "月火水木金土日"


def human_date(day: date, locale: str) -> str:
    """A date as people read it: 2026年11月26日（木） in Japanese, Thu 26 Nov 2026 in English."""
    if locale == "ja":
        return f"{day.year}年{day.month}月{day.day}日（{WEEKDAYS_JA[day.weekday()]}）"
    return day.strftime("%a %d %b %Y")


def init_i18n(app: Flask) -> None:
    """Expose `t()` and the locale to templates."""

    @app.before_request
    def _pick_locale() -> None:
        g.locale = current_locale()

    @app.context_processor
    def _inject() -> dict[str, object]:
        return {"t": translate, "locale": g.get("locale", "ja")}
