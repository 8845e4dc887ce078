"""The `dispatch keys`, `dispatch audit` and `dispatch reports` commands: the sealing keys and
the tamper evidence of rules.md §7–§8 (registered on the `dispatch` group by dispatch.cli)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from dispatch.cli_errors import fail_on_service_error
from dispatch.services.unit_of_work import unit_of_work

# --- Report sealing keys (work reports, rules.md §7/§8) -------------------------------------


@click.group()
def keys() -> None:
    """Ed25519 keys that seal signed work reports."""


@keys.command("rotate")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None,
              help="Where to write the new private key (PEM) when DISPATCH_SIGNING_KEY is set.")
@with_appcontext
@fail_on_service_error
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


@click.group()
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



@click.group("reports")
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
