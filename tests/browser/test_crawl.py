"""From each role's landing page, follow every same-origin link (issue 16): no 4xx or 5xx,
no JavaScript error, every page names itself in its title and carries the role's menu."""

from __future__ import annotations

from urllib.parse import urljoin, urlparse

from conftest import PASSWORD, TEST_ACTOR
from day_rows import Day
from intake_world import World
from sqlalchemy import select

from dispatch.extensions import db
from dispatch.models import ServiceBase
from dispatch.services.accounts import users
from dispatch.services.day import planning
from dispatch.services.trust.audit import SYSTEM
from dispatch.services.unit_of_work import unit_of_work

MAX_PAGES = 40  # per role: enough for every menu page and a few record pages
DOWNLOADS = (".pdf", ".csv", ".json")  # fetched, not opened: a browser saves them
APP_NAMES = ("サポートパック オンサイト手配", "Support-pack onsite dispatch")

ROLES = {
    # role: (e-mail, the menu links every page of the role must carry)
    "coordinator": ("crawl-desk@oxt.example.jp",
                    ["/", "/intake/", "/board", "/registration/queue"]),
    "admin": ("crawl-admin@oxt.example.jp",
              ["/admin", "/admin/users", "/admin/audit", "/admin/tokens", "/admin/islands",
               "/admin/customers", "/intake/", "/board", "/registration/queue"]),
    "technician": ("tech1@oxt.example.jp", ["/tablet"]),
    "site_manager": ("sato@example.co.jp", ["/customer/"]),
}


def _crawl(browser, live_server: str, email: str, menu: list[str]) -> dict[str, list[str]]:
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo",
                                  base_url=live_server, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: dict[str, list[str]] = {"http": [], "js": [], "title": [], "menu": []}
    page.on("pageerror", lambda e: problems["js"].append(f"{page.url}: {e}"))
    page.on("console", lambda m: m.type == "error" and problems["js"].append(
        f"{page.url}: {m.text}"))
    page.on("response", lambda r: r.status >= 400 and r.url.startswith(live_server)
            and problems["http"].append(f"{r.status} {r.url}"))
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    seen, queue = set(), [urlparse(page.url).path]
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        if path.split("?", 1)[0].endswith(DOWNLOADS):
            status = page.request.get(path).status
            if status >= 400:
                problems["http"].append(f"{status} {path}")
            continue
        page.goto(path)
        page.wait_for_load_state("networkidle")
        title = page.title()
        if not title or title in APP_NAMES:  # the page's own name, not only the app's
            problems["title"].append(f"{path}: {title!r}")
        links = set(page.eval_on_selector_all("nav.role-nav a", "as => as.map(a => a.href)"))
        missing = [m for m in menu if urljoin(live_server, m) not in links]
        if missing:
            problems["menu"].append(f"{path}: {missing}")
        for href in page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"):
            url = urlparse(href)
            if f"{url.scheme}://{url.netloc}" == live_server and url.path not in seen:
                queue.append(url.path + (f"?{url.query}" if url.query else ""))
    context.close()
    return problems


def test_every_link_from_each_roles_landing_page_answers_without_errors(
        app, browser, live_server, today):
    with app.app_context():
        world = World()
        world.covered("AK30000001")
        with unit_of_work():
            base = db.session.scalar(select(ServiceBase))
            Day().tech(base)  # tech1@oxt.example.jp
            for role, (email, _) in ROLES.items():
                users.add_user(email, role, PASSWORD, TEST_ACTOR)
            planning.plan_day(today, SYSTEM)
    for role, (email, menu) in ROLES.items():
        problems = _crawl(browser, live_server, email, menu)
        assert problems == {"http": [], "js": [], "title": [], "menu": []}, role
