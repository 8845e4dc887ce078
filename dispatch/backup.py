"""Database backup and restore: SQLite through its online backup API, PostgreSQL through
pg_dump / pg_restore (custom format), so sealed reports round-trip byte for byte."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from dispatch.errors import InvalidInput


def backup(database_url: str, target: Path) -> str:
    """Write a consistent copy of the database to `target`; returns a one-line summary."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        source = _sqlite_path(url.database)
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)  # consistent even while the app is writing
        return f"SQLite database {source} backed up to {target}"
    if url.get_backend_name() == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}",
              _libpq_url(database_url)])
        return f"PostgreSQL database {url.database} dumped to {target}"
    raise InvalidInput(f"backup does not support {url.get_backend_name()}")


def restore(database_url: str, source: Path) -> str:
    """Replace the database's content with the backup at `source`."""
    if not source.is_file():
        raise InvalidInput(f"no backup file at {source}")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        target = _sqlite_path(url.database)
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return f"SQLite database {target} restored from {source}"
    if url.get_backend_name() == "postgresql":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner",
              f"--dbname={_libpq_url(database_url)}", str(source)])
        return f"PostgreSQL database {url.database} restored from {source}"
    raise InvalidInput(f"restore does not support {url.get_backend_name()}")


def _sqlite_path(database: str | None) -> str:
    if not database or database == ":memory:":
        raise InvalidInput("an in-memory SQLite database cannot be backed up")
    return database


def _libpq_url(database_url: str) -> str:
    # pg_dump speaks libpq URLs, without SQLAlchemy's "+psycopg" driver suffix.
    return make_url(database_url).set(drivername="postgresql").render_as_string(
        hide_password=False
    )


def _run(args: list[str]) -> None:
    if shutil.which(args[0]) is None:
        raise InvalidInput(f"{args[0]} is not installed (apt-get install postgresql-client)")
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise InvalidInput(f"{args[0]} failed: {done.stderr.strip().splitlines()[-1:]}")
