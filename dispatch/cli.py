"""The `dispatch` command (rules.md §9): db, user, token, serve, demo, jobs, worker."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import click
from flask.cli import FlaskGroup, with_appcontext

from dispatch import create_app
from dispatch.config import ConfigError
from dispatch.domain.roles import Role
from dispatch.errors import DispatchError
from dispatch.services.accounts import users as accounts
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work

CLI_ACTOR = Actor(label="cli")


def _app_factory():
    return create_app()


@click.group(cls=FlaskGroup, create_app=_app_factory, add_version_option=False)
def cli() -> None:
    """Onsite-service dispatch for OKI printer support packs."""


def _fail_on_service_error(func):
    # One clear line and a non-zero exit instead of a traceback (brief: CLI errors).
    from functools import wraps

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DispatchError as exc:
            raise click.ClickException(exc.detail) from None

    return wrapper


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
@_fail_on_service_error
def user_add(role: str, email: str, password: str, name: str | None) -> None:
    """Add a user with a role."""
    with unit_of_work():
        created = accounts.add_user(email, role, password, CLI_ACTOR, name=name)
    click.echo(f"user {created.email} ({created.role}) created")


@user.command("password")
@click.option("--email", required=True)
@click.option("--password", required=True)
@with_appcontext
@_fail_on_service_error
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
@_fail_on_service_error
def token_create(email: str) -> None:
    """Print a new bearer token for EMAIL (shown once)."""
    with unit_of_work():
        plain = accounts.create_token(email, CLI_ACTOR)
    click.echo(plain)  # shown once the token is stored


@token.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
@_fail_on_service_error
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
@_fail_on_service_error
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
@_fail_on_service_error
def db_backup(target: Path) -> None:
    """Write a consistent backup of the database to TARGET."""
    from flask import current_app

    from dispatch.backup import backup

    click.echo(backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target))


@_db_group().command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
@_fail_on_service_error
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
@_fail_on_service_error
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


# --- Report sealing keys (work reports, rules.md §7/§8) -------------------------------------


@cli.group()
def keys() -> None:
    """Ed25519 keys that seal signed work reports."""


@keys.command("rotate")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None,
              help="Where to write the new private key (PEM) when DISPATCH_SIGNING_KEY is set.")
@with_appcontext
@_fail_on_service_error
def keys_rotate(out: str | None) -> None:
    """Make a new sealing key; old public keys stay, so old reports still verify."""
    from flask import current_app

    from dispatch import clock
    from dispatch.services.reporting import signing_keys
    from reports.keys import format_trusted_key, private_key_to_pem

    if current_app.config.get("DISPATCH_SIGNING_KEY") and not out:
        raise click.ClickException("DISPATCH_SIGNING_KEY is set: pass --out FILE for the new key")
    old = signing_keys.current_key()
    now = clock.now()
    with unit_of_work():
        new, written = signing_keys.rotate(now)
    # Verification trusts configuration only (rules.md §7): the operator adds both entries.
    click.echo("add to DISPATCH_TRUSTED_KEYS:\n" + format_trusted_key(old.public_key, now)
               + format_trusted_key(new.public_key))
    if not written and out:
        path = Path(out)
        path.write_bytes(private_key_to_pem(new))
        path.chmod(0o600)
        click.echo(f"new key {new.key_id} written to {out}; put it in DISPATCH_SIGNING_KEY")
    else:
        click.echo(f"new key {new.key_id} in the instance folder")


@keys.command("list")
@with_appcontext
def keys_list() -> None:
    """Show every sealing key id with its creation and retirement dates."""
    from sqlalchemy import select

    from dispatch.extensions import db
    from dispatch.models import SigningKey

    for row in db.session.scalars(select(SigningKey).order_by(SigningKey.created_at)):
        retired = row.retired_at.isoformat() if row.retired_at else "current"
        click.echo(f"{row.key_id}  {row.created_at.isoformat()}  {retired}")

# --- end of report sealing keys ----------------------------------------------------------


# --- Tamper evidence: the audit chain and report checkpoints (rules.md §8) ----------------


@cli.group()
def audit() -> None:
    """The hash-chained audit log."""


@audit.command("verify")
@click.option("--checkpoints", "path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Checkpoint file (default: the configured one, if present).")
@with_appcontext
def audit_verify(path: Path | None) -> None:
    """Re-check every audit row; exit 1 naming the first altered or removed row."""
    from dispatch.extensions import db
    from dispatch.services.reporting.checkpoints import checkpoint_path, verify_chain
    from dispatch.services.trust import audit_chain

    check = audit_chain.verify(db.session())
    if check.first_break is not None:
        raise click.ClickException(check.first_break)
    # Rows removed from the end leave a consistent chain: only a checkpoint shows them.
    path = path or checkpoint_path()
    against = verify_chain(path, reports=False).problems if path.exists() else ()
    if against:
        raise click.ClickException(against[0])
    click.echo(f"audit log intact: {check.rows} rows, head {check.head_hash}")



@cli.group("reports")
def reports_group() -> None:
    """Sealed work reports: checkpoints outside the database and chain verification."""


@reports_group.command("checkpoint")
@with_appcontext
def reports_checkpoint() -> None:
    """Append a signed checkpoint of the report and audit chain heads (DISPATCH_CHECKPOINT_DIR)."""
    from dispatch.scheduler import write_checkpoint_now
    from dispatch.services.reporting.checkpoints import checkpoint_path

    body = write_checkpoint_now()
    click.echo(f"checkpoint {body['checkpoint_hash']}: {body['reports']['count']} reports, "
               f"{body['audit']['count']} audit rows → {checkpoint_path()}")


@reports_group.command("verify-chain")
@click.option("--checkpoints", "path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Checkpoint file (default: the configured one).")
@with_appcontext
def reports_verify_chain(path: Path | None) -> None:
    """Re-verify every seal and both chains against the checkpoints; exit 1 on any break."""
    from dispatch.services.reporting.checkpoints import verify_chain

    check = verify_chain(path)
    for problem in check.problems[1:20]:
        click.echo(problem, err=True)
    if check.problems:
        raise click.ClickException(check.problems[0])
    click.echo(f"chain intact: {check.reports} sealed reports, {check.checkpoints} checkpoints")

# --- end of tamper evidence ------------------------------------------------------------


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
