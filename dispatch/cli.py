"""The `dispatch` command (rules.md §9): db, user, token, serve, demo, jobs, worker."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import click
from flask.cli import FlaskGroup, with_appcontext

from dispatch import cli_trust, create_app
from dispatch.cli_errors import fail_on_service_error
from dispatch.config import ConfigError
from dispatch.domain.roles import Role
from dispatch.services.accounts import users as accounts
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work

CLI_ACTOR = Actor(label="cli")


def _app_factory():
    return create_app()


@click.group(cls=FlaskGroup, create_app=_app_factory, add_version_option=False)
def cli() -> None:
    """Onsite-service dispatch for OKI printer support packs."""



@cli.group()
def user() -> None:
    """Manage users."""


@user.command("add")
@click.option("--role", required=True, type=click.Choice(
    [role.value for role in Role]))
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", default=None)
@with_appcontext
@fail_on_service_error
def user_add(role: str, email: str, password: str, name: str | None) -> None:
    """Add a user with a role."""
    with unit_of_work():
        created = accounts.add_user(email, role, password, CLI_ACTOR, name=name)
    click.echo(f"user {created.email} ({created.role}) created")


@user.command("password")
@click.option("--email", required=True)
@click.option("--password", required=True)
@with_appcontext
@fail_on_service_error
def user_password(email: str, password: str) -> None:
    """Set a user's password; every session of the user ends."""
    with unit_of_work():
        changed = accounts.change_password(email, password, CLI_ACTOR)
    click.echo(f"password of {changed.email} changed; its sessions have ended")


@cli.group()
def token() -> None:
    """Manage API bearer tokens."""


@token.command("create")
@click.argument("email")
@with_appcontext
@fail_on_service_error
def token_create(email: str) -> None:
    """Print a new bearer token for EMAIL (shown once)."""
    with unit_of_work():
        plain = accounts.create_token(email, CLI_ACTOR)
    click.echo(plain)  # shown once the token is stored


@token.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
@fail_on_service_error
def token_revoke(token_id: int) -> None:
    """Revoke token TOKEN_ID."""
    with unit_of_work():
        accounts.revoke_token(token_id, CLI_ACTOR)
    click.echo(f"token {token_id} revoked")


def _port_option(port: int | None) -> int:
    if port is not None:
        return port
    raw = os.environ.get("PORT", "5000")
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise click.ClickException(f"PORT must be a port number, got '{raw}'")
    return int(raw)


def _exec_gunicorn(host: str, port: int, workers: int, database_url: str | None) -> None:
    env = dict(os.environ)
    if database_url:
        env["DATABASE_URL"] = database_url
    # No queue server configured: each web worker runs an embedded consumer thread
    # (dispatch.tasks.queue), so `serve` alone does the background work.
    if not env.get("DISPATCH_QUEUE_URL", "").strip():
        env["DISPATCH_EMBEDDED_CONSUMER"] = "1"
    args = [
        sys.executable, "-m", "gunicorn", "dispatch:create_app()",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", "4",
        "--timeout", "120", "--access-logfile", "-",
        # Signing-link tokens never reach the access log (dispatch/access_log.py).
        "--logger-class", "dispatch.access_log.RedactingLogger",
        # gunicorn 27 opens a control socket in ~/.gunicorn by default; we do not use it.
        "--no-control-socket",
    ]
    os.execve(sys.executable, args, env)


@cli.command("serve", with_appcontext=False)
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port (default: $PORT, else 5000).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True)
def serve(port: int | None, host: str, workers: int) -> None:
    """Serve the app with gunicorn, a production WSGI server."""
    _exec_gunicorn(host, _port_option(port), workers, None)


@cli.command("demo", with_appcontext=False)
@click.option("--port", type=click.IntRange(1, 65535), default=None)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--no-serve", is_flag=True, help="Load the demo data and stop.")
@click.option("--db-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite file (default: dispatch.sqlite3 in the instance folder).")
@fail_on_service_error
def demo(port: int | None, host: str, no_serve: bool, db_file: Path | None) -> None:
    """Create the embedded SQLite database with demo data, then serve it."""
    from dispatch.config import instance_folder, sqlite_url
    from dispatch.demo import load_demo

    # The demo always runs on the embedded database, whatever DATABASE_URL says.
    url = f"sqlite:///{db_file.resolve()}" if db_file else sqlite_url(instance_folder())
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        for line in load_demo():
            click.echo(line)
    if not no_serve:
        _exec_gunicorn(host, _port_option(port), 1, app.config["SQLALCHEMY_DATABASE_URI"])


def _db_group() -> click.Group:
    # Flask-Migrate owns the `db` group; backup and restore join it.
    from flask_migrate.cli import db as db_group

    return db_group


@_db_group().command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
@fail_on_service_error
def db_backup(target: Path) -> None:
    """Write a consistent backup of the database to TARGET."""
    from flask import current_app

    from dispatch.backup import backup

    click.echo(backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target))


@_db_group().command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
@fail_on_service_error
def db_restore(source: Path) -> None:
    """Replace the database's content with the backup SOURCE."""
    from flask import current_app

    from dispatch.backup import restore

    click.echo(restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source))


@cli.group()
def jobs() -> None:
    """Scheduled lifecycle jobs."""


@jobs.command("run-daily")
@click.option("--date", "day", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@with_appcontext
@fail_on_service_error
def run_daily(day: datetime) -> None:
    """Run the daily lifecycle jobs for the given day (YYYY-MM-DD)."""
    from dispatch.scheduler import write_checkpoint_now
    from dispatch.services.registration.lifecycle import run_daily_jobs

    # click.DateTime always gives a datetime, and a datetime IS a date (subclass), so an
    # isinstance test let it through to the date comparisons of the jobs (issue 14).
    with unit_of_work():
        summary = run_daily_jobs(day.date())
    for name, count in summary.items():
        click.echo(f"{name}: {count}")
    write_checkpoint_now()  # the daily checkpoint of the chains, outside the database


# --- outbox (notifications, rules.md §11) ----------------------------------------------------
@cli.group()
def outbox() -> None:
    """E-mail notifications waiting in the outbox."""


@outbox.command("deliver")
@with_appcontext
def outbox_deliver() -> None:
    """Send what is due now (one pass; the task queue runs the same pass in the background)."""
    from dispatch.services.notify.delivery import deliver_due

    summary = deliver_due()
    if not summary["smtp"]:
        raise click.ClickException("DISPATCH_SMTP_URL is not set: messages stay in the outbox")
    click.echo(" ".join(f"{k}={v}" for k, v in summary.items() if k != "smtp"))
# --- end outbox ----------------------------------------------------------------------------------


# --- scheduler (registration area) ------------------------------------------------------------
@cli.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the daily lifecycle jobs on their schedule (foreground; DISPATCH_DAILY_JOBS_AT)."""
    from flask import current_app

    from dispatch.scheduler import build_scheduler, daily_time

    at = daily_time(current_app.config.get("DISPATCH_DAILY_JOBS_AT"))
    click.echo(f"daily lifecycle jobs at {at:%H:%M} Asia/Tokyo; Ctrl-C to stop")
    scheduler = build_scheduler(current_app, blocking=True)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
# --- end scheduler ------------------------------------------------------------------------------


# --- task queue worker (dispatch.tasks.queue) ------------------------------------------------
@cli.command("worker")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Tasks run at once by this process.")
@click.option("--worker-type", type=click.Choice(["process", "thread"]), default="process",
              show_default=True, help="Solving is CPU-bound: processes use every core.")
@with_appcontext
def worker_command(workers: int, worker_type: str) -> None:
    """Run queued tasks (plans, mail) until stopped; start one per machine as needed."""
    from dispatch.tasks.queue import build_consumer, huey

    if huey.immediate:
        raise click.ClickException("DISPATCH_QUEUE_IMMEDIATE is set: tasks run in the caller")
    click.echo(f"task worker: {workers} {worker_type}(s) on {type(huey.storage).__name__}; "
               "Ctrl-C to stop")
    # Each worker warms the solver's kernels in a background thread when it starts
    # (dispatch.tasks.plans); solves before that run OR-Tools alone, within their budget.
    if worker_type == "thread":
        from dispatch.services.day import solver_pool

        solver_pool.solve_in_threads(True)  # threads share the GIL: solve in processes
    build_consumer(workers=workers, worker_type=worker_type).run()
# --- end task queue worker ----------------------------------------------------------------------


# The sealing keys and the tamper evidence (rules.md §7–§8) live in dispatch/cli_trust.py.
for _group in (cli_trust.keys, cli_trust.audit, cli_trust.reports_group):
    cli.add_command(_group)


def main() -> None:
    """Console-script entry point: configuration and database errors become one line."""
    try:
        cli.main(prog_name="dispatch")
    except ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - last resort: one line, not a traceback
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            click.echo(f"Error: database: {_first_line(exc)}", err=True)
        else:
            # Any other failure is still one line and a non-zero exit (issue 14); the
            # exception's type says where to look, the traceback stays out of the user's way.
            click.echo(f"Error: {type(exc).__name__}: {_first_line(exc)}", err=True)
        sys.exit(1)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else "(no message)"


if __name__ == "__main__":
    main()
