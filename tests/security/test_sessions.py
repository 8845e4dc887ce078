"""Sessions end on the server (rules.md §8): a replayed cookie no longer logs anyone in.

The session cookie is signed, not stored, so it cannot be recalled; it carries the user's
session version, and logout, disabling the user or a new password raise that version.
"""

from __future__ import annotations

from conftest import PASSWORD, TEST_ACTOR
from sqlalchemy import select

from dispatch.extensions import db
from dispatch.models import User
from dispatch.services.accounts import admin, users
from dispatch.services.unit_of_work import unit_of_work


def _logged_in(app, email: str):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code in (200, 302)
    return client


def _cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app, cookie: str):
    """A fresh browser that presents a stolen copy of the cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/")


def _is_logged_out(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_cookie_replayed_after_logout_is_logged_out(app, make_user):
    email, _ = make_user("coordinator")
    client = _logged_in(app, email)
    stolen = _cookie(client)
    assert not _is_logged_out(_replay(app, stolen))  # the copy works while the session lives
    client.post("/logout")
    assert _is_logged_out(_replay(app, stolen))


def test_logout_ends_every_session_of_the_user(app, make_user):
    email, _ = make_user("coordinator")
    tablet, desk = _logged_in(app, email), _logged_in(app, email)
    desk_cookie = _cookie(desk)
    tablet.post("/logout")
    assert _is_logged_out(_replay(app, desk_cookie))


def test_disabling_a_user_ends_their_sessions_even_when_re_enabled(app, make_user):
    email, _ = make_user("technician")
    stolen = _cookie(_logged_in(app, email))
    user = db.session.scalar(select(User).where(User.email == email))
    with unit_of_work():
        admin.set_enabled(user.id, False, TEST_ACTOR)
    with unit_of_work():
        admin.set_enabled(user.id, True, TEST_ACTOR)
    assert _is_logged_out(_replay(app, stolen))


def test_a_new_password_ends_every_session(app, make_user):
    email, _ = make_user("site_manager")
    stolen = _cookie(_logged_in(app, email))
    with unit_of_work():
        users.change_password(email, "another long passphrase 42", TEST_ACTOR)
    assert _is_logged_out(_replay(app, stolen))


def test_a_cookie_without_a_session_version_is_refused(app, make_user):
    # Cookies written before session versions existed named the bare user id.
    email, _ = make_user("admin")
    client = _logged_in(app, email)
    user = db.session.scalar(select(User).where(User.email == email))
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    assert _is_logged_out(client.get("/"))
