"""Login, language switch and one landing page per role."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from dispatch import clock
from dispatch.domain.call_decision import Decision
from dispatch.domain.call_status import CallStatus
from dispatch.domain.products import PackStatus
from dispatch.domain.report_status import ReportStatus
from dispatch.domain.roles import Role
from dispatch.domain.visit_status import VisitStatus
from dispatch.errors import TooManyRequests
from dispatch.extensions import db, login_manager
from dispatch.forms import LoginForm
from dispatch.i18n import LOCALES, current_locale, human_date
from dispatch.models import (
    Application,
    AuditEvent,
    RepairCall,
    User,
)
from dispatch.services.accounts.users import (
    LoginLimits,
    begin_login,
    check_password,
    end_sessions,
    finish_login,
)
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.access import role_required
from dispatch.views.admin import outbox as admin_outbox
from dispatch.views.admin import pages as admin_pages
from dispatch.views.admin import privacy
from dispatch.views.coordinator import board, intake, kpi, registration
from dispatch.views.customer import portal, verify
from dispatch.views.navigation import init_navigation
from dispatch.views.technician import offline, reports, tablet
from reports.document import Result

bp = Blueprint("pages", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        cfg = current_app.config
        email = form.email.data or ""
        limits = LoginLimits(int(cfg["LOGIN_MAX_FAILURES"]),
                             int(cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
                             int(cfg["LOGIN_WINDOW_MINUTES"]))
        try:
            with unit_of_work():  # the attempt counts as failed until the password matches
                attempt_id = begin_login(email, request.remote_addr, limits)
        except TooManyRequests:
            error = "login.throttled"
        else:
            user = check_password(email, form.password.data or "")
            if user is not None:
                with unit_of_work():
                    finish_login(attempt_id)
                session.clear()  # a new session id on login defeats session fixation
                login_user(user)
                return redirect(url_for("pages.home"))
            error = "login.failed"
        status = 429 if error == "login.throttled" else 401
        return render_template("login.html", form=form, error=error), status
    return render_template("login.html", form=form, error=error)


@bp.post("/logout")
def logout() -> Any:
    if current_user.is_authenticated:
        with unit_of_work():  # ends this and every other session of the user (rules.md §8)
            end_sessions(current_user, Actor(label=current_user.email,
                                             user_id=current_user.id, role=current_user.role),
                         "user.logout")
    logout_user()
    return redirect(url_for("pages.login"))


@bp.get("/lang/<code>")
def set_language(code: str) -> Any:
    if code in LOCALES:
        session["locale"] = code
    target = request.referrer or url_for("pages.home")
    return redirect(target if target.startswith(request.host_url) else url_for("pages.home"))


@bp.get("/")
@login_required
def home() -> Any:
    today = clock.today_tokyo()
    role = current_user.role
    if role == Role.COORDINATOR:
        return _coordinator_home(today)
    if role == Role.TECHNICIAN:
        return _technician_home(today)
    if role == Role.SITE_MANAGER:
        return _site_manager_home()
    return _admin_home()


def _coordinator_home(today: Any) -> str:
    calls = db.session.scalars(
        select(RepairCall).where(RepairCall.service_date == today).order_by(RepairCall.received_at)
    ).all()
    queue = db.session.scalars(
        select(Application).where(Application.status.in_((PackStatus.APPLIED, PackStatus.INQUIRY)))
        .order_by(Application.applied_on).limit(50)
    ).all()
    return render_template("coordinator/home.html", today=today, calls=calls, queue=queue)


def _technician_home(today: Any) -> Any:
    # The tablet page (dispatch/views/technician/tablet.py) is the technician's day.
    return redirect(url_for("tablet.today"))


def _site_manager_home() -> Any:
    # The portal (dispatch/views/customer/portal.py) is everything a site manager has.
    return redirect(url_for("customer.portal"))


@bp.get("/admin")
@role_required(Role.ADMIN)
def admin_home() -> str:
    return _admin_home()


def _admin_home() -> str:
    users = db.session.scalars(select(User).order_by(User.id)).all()
    events = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.id.desc()).limit(20)
    ).all()
    return render_template("admin/home.html", users=users, events=events)


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    # "<id>.<session_version>" (User.get_id): a cookie from before the last logout, password
    # change or disabling carries an older version and no longer logs anyone in.
    user_id, _, version = session_id.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def init_pages(app: Flask) -> None:
    """Register the page blueprint, the login view and friendly error pages."""
    app.register_blueprint(bp)
    for area in (intake, registration, board, kpi, tablet, offline, reports, portal, verify,
                 admin_pages, privacy, admin_outbox):
        app.register_blueprint(area.bp)
    login_manager.login_view = "pages.login"
    init_navigation(app)

    @app.template_filter("tokyo")
    def _tokyo(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return clock.to_tokyo(value).strftime(fmt) if value else ""

    @app.template_filter("jdate")
    def _jdate(value: Any) -> str:
        return human_date(value, current_locale()) if value else ""

    @app.template_filter("jdatetime")
    def _jdatetime(value: Any) -> str:
        if isinstance(value, str):  # ISO 8601 text, as stored in report content
            value = datetime.fromisoformat(value) if value else None
        if not value:
            return ""
        local = clock.to_tokyo(value)
        return f"{human_date(local.date(), current_locale())} {local:%H:%M}"

    # Templates compare statuses with these members, never with string literals.
    app.jinja_env.globals.update(
        CallStatus=CallStatus, Decision=Decision, PackStatus=PackStatus,
        ReportStatus=ReportStatus, Result=Result, Role=Role, VisitStatus=VisitStatus)
