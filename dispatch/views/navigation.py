"""The navigation bar of every page, one set of links per role, and the page titles.

One table here instead of a link list in each template: a coordinator reaches today's calls,
the call screen, the board and the registration queue in one click from anywhere, and a
page whose template sets no title is still named after what it shows.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import Flask, request, url_for
from flask_login import current_user

from dispatch.domain.roles import Role
from dispatch.i18n import add_messages, translate

add_messages({
    "nav.main": ("メインメニュー", "Main menu"),
    "nav.calls_today": ("本日の受付", "Today's calls"),
    "nav.intake": ("修理受付", "Call screen"),
    "nav.board": ("配車ボード", "Dispatch board"),
    "nav.tablet": ("本日の訪問", "Today's visits"),
    "nav.sites": ("設置場所", "Sites and devices"),
    "nav.portal": ("お客様ポータル", "Customer portal"),
    "nav.admin_home": ("管理ホーム", "Administration"),
    "title.login": ("ログイン", "Log in"),
    "title.report_form": ("作業報告票", "Work report"),
    "title.report_done": ("作業完了", "Job completed"),
    "title.remote_sign": ("リモート署名", "Remote signature"),
    "title.island_edit": ("離島の編集", "Edit a remote island"),
    "title.customer": ("お客様の個人情報", "Customer's personal information"),
    "title.error": ("エラー", "Error"),
})


class NavItem(NamedTuple):
    endpoint: str
    label: str  # message key
    # Other endpoints that count as "this page" for aria-current (a device page is the queue's).
    also: tuple[str, ...] = ()


COORDINATOR_NAV = (
    NavItem("pages.home", "nav.calls_today"),
    NavItem("intake.screen", "nav.intake"),
    NavItem("board.board", "nav.board"),
    NavItem("registration.queue_page", "reg.queue_title", ("registration.device_page",)),
    # The figures close the desk's loop: how the day went, after the board that ran it.
    NavItem("kpi.dashboard", "kpi.title"),
)
NAV: dict[Role, tuple[NavItem, ...]] = {
    Role.COORDINATOR: COORDINATOR_NAV,
    Role.ADMIN: (
        NavItem("pages.admin_home", "nav.admin_home", ("pages.home",)),
        NavItem("admin.users", "admin.users"),
        NavItem("admin.audit", "admin.audit"),
        NavItem("admin.tokens", "admin.tokens"),
        NavItem("admin.islands", "admin.islands", ("admin.edit_island",)),
        NavItem("admin_privacy.customers", "admin.customers", ("admin_privacy.customer",)),
        *COORDINATOR_NAV[1:],  # administrators are staff: they may run the desk too
    ),
    Role.TECHNICIAN: (NavItem("tablet.today", "nav.tablet", ("report_pages.report_form",)),),
    # "/" leads a site manager straight to the portal: one entry, not two to one page.
    Role.SITE_MANAGER: (
        NavItem("customer.portal", "nav.portal"),
    ),
}

# The name of each page whose template does not set its own title.
TITLES: dict[str, str] = {
    "pages.login": "title.login",
    "pages.admin_home": "nav.admin_home",
    "admin.users": "admin.users",
    "admin.audit": "admin.audit",
    "admin.tokens": "admin.tokens",
    "admin.islands": "admin.islands",
    "admin.edit_island": "title.island_edit",
    "admin_privacy.customers": "admin.customers",
    "admin_privacy.customer": "title.customer",
    "customer.portal": "nav.portal",
    "report_pages.report_form": "title.report_form",
    "report_pages.done": "title.report_done",
    "report_pages.remote_sign": "title.remote_sign",
}
HOME_TITLES: dict[Role, str] = {
    Role.COORDINATOR: "nav.calls_today", Role.ADMIN: "nav.admin_home",
    Role.TECHNICIAN: "nav.tablet", Role.SITE_MANAGER: "nav.sites",
}


def nav_links() -> list[dict[str, object]]:
    """The links of the signed-in user's role, the current page marked."""
    if not current_user.is_authenticated:
        return []
    here = request.endpoint
    return [{"href": url_for(item.endpoint), "label": translate(item.label),
             "current": here == item.endpoint or here in item.also}
            for item in NAV.get(Role(current_user.role), ())]


def page_title() -> str:
    """What this page shows, in the current language (the app's name when nothing fits)."""
    endpoint = request.endpoint or ""
    key = TITLES.get(endpoint)
    if endpoint == "pages.home" and current_user.is_authenticated:
        key = HOME_TITLES.get(Role(current_user.role))
    return translate(key) if key else ""


def init_navigation(app: Flask) -> None:
    """Give every template the role's links and the page's default title."""

    @app.context_processor
    def _inject() -> dict[str, object]:
        return {"nav_links": nav_links, "page_title": page_title}
