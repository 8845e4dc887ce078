"""Every page carries its role's menu (dispatch/views/navigation.py, issue 16): a coordinator
reaches today's calls, the call screen, the board and the registration queue in one click;
administrators their pages, `/admin` included; each page's title names the page."""

from __future__ import annotations

import re

import pytest
from conftest import PASSWORD


def _login(client, make_user, role):
    email, _ = make_user(role)
    client.post("/login", data={"email": email, "password": PASSWORD})


def _menu(html: str) -> list[str]:
    nav = re.search(r'<nav class="role-nav".*?</nav>', html, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(0)) if nav else []


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


COORDINATOR = ["/", "/intake/", "/board", "/registration/queue", "/kpis"]


@pytest.mark.parametrize(("role", "page", "menu", "title"), [
    ("coordinator", "/", COORDINATOR, "本日の受付 — サポートパック オンサイト手配"),
    ("coordinator", "/registration/queue", COORDINATOR, "登録キュー"),
    ("coordinator", "/board", COORDINATOR, "配車ボード"),
    # the KPI dashboard is one click away from every desk page, itself included
    ("coordinator", "/kpis", COORDINATOR, "サービス指標"),
    ("admin", "/admin", ["/admin", "/admin/users", "/admin/audit", "/admin/tokens",
                         "/admin/islands", "/admin/customers", *COORDINATOR[1:]],
     "管理ホーム — サポートパック オンサイト手配"),
    ("admin", "/admin/audit", None, "監査ログ — サポートパック オンサイト手配"),
    # "/" redirects a site manager to the portal (issue 17), the one page of the menu
    ("site_manager", "/customer/", ["/customer/"], "お客様ポータル"),
])
def test_each_role_sees_its_menu_and_a_page_title(app, client, make_user, role, page, menu,
                                                 title):
    _login(client, make_user, role)
    res = client.get(page)
    html = res.get_data(as_text=True)
    assert res.status_code == 200
    if menu is not None:
        assert _menu(html) == menu
    assert _title(html).startswith(title)
    assert 'aria-current="page"' in html
    assert 'rel="icon"' in html


def test_the_technicians_menu_leads_to_the_tablet(app, client, make_user):
    _login(client, make_user, "technician")
    html = client.get("/tablet").get_data(as_text=True)
    assert _menu(html) == ["/tablet"]


def test_admin_answers_for_administrators_only(app, client, make_user):
    _login(client, make_user, "coordinator")
    assert client.get("/admin").status_code == 403


def test_a_signed_out_visitor_sees_no_role_menu(app, client):
    html = client.get("/login").get_data(as_text=True)
    assert _menu(html) == [] and _title(html) == "ログイン — サポートパック オンサイト手配"


def test_the_menu_speaks_english_when_english_is_chosen(app, client, make_user):
    _login(client, make_user, "coordinator")
    client.get("/lang/en")
    html = client.get("/board").get_data(as_text=True)
    assert "Today&#39;s calls" in html and "Call screen" in html
    assert "Dispatch board" in html and "Registration queue" in html
