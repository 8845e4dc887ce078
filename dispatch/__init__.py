"""Onsite-service dispatch for OKI printer support packs: the Flask application factory."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

# The checkout's top level, where templates/ and migrations/ live in the repository. An
# installed wheel has them inside the package instead (setup.py): use package_folder().
ROOT = Path(__file__).resolve().parent.parent
# How long an SQLite writer waits for the write lock before "database is locked": twenty
# users' transactions queue behind each other, each a few ms to a few hundred ms.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def package_folder(name: str) -> Path:
    """templates/ or migrations/: inside the installed package, else at the checkout's top."""
    # Flask and Alembic need a real folder; pip installs wheels unzipped, so files() is a Path.
    packaged = resources.files(__name__).joinpath(name)
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return ROOT / name


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config → extensions → blueprints → CLI."""
    # The label catalogues register themselves with dispatch.i18n on import (one table each).
    from dispatch import (  # noqa: F401
        messages_codes,
        messages_terms,
        models,  # noqa: F401  (registers the tables with the metadata)
    )
    from dispatch.config import instance_folder, load_config
    from dispatch.extensions import api, csrf, db, login_manager, migrate
    from dispatch.i18n import init_i18n
    from dispatch.security import init_security
    from dispatch.views import pages
    from dispatch.views.api import init_api
    from dispatch.views.report_photos import init_body_limits
    from dispatch.views.unit_guard import init_unit_guard

    app = Flask(
        __name__,
        template_folder=str(package_folder("templates")),
        instance_path=instance_folder(),
        instance_relative_config=True,
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(app.instance_path, config))

    db.init_app(app)
    migrate.init_app(app, db, directory=str(package_folder("migrations")))
    csrf.init_app(app)
    login_manager.init_app(app)
    api.init_app(app)
    init_i18n(app)
    init_security(app)
    with app.app_context():
        _tune_engine(db.engine)

    init_body_limits(app)  # before init_api: its NUL check reads every JSON body
    init_api(app, api)
    pages.init_pages(app)
    init_unit_guard(app)
    from dispatch.tasks import registry  # noqa: F401  (registers every task by name)
    from dispatch.tasks.queue import configure_queue, start_embedded_consumer

    configure_queue(app)
    # `dispatch serve`/`demo` with no queue server: this web process runs the tasks too.
    if app.config.get("DISPATCH_EMBEDDED_CONSUMER") == "1" and not app.config.get("TESTING"):
        start_embedded_consumer()
    return app


def _tune_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    from dispatch.services.unit_of_work import BEGUN, DEFERRED, IMMEDIATE, writing

    # pysqlite's own transaction handling breaks SAVEPOINTs and defers BEGIN; SQLAlchemy's
    # documented recipe takes it over, and foreign keys must be switched on per connection.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - driver hook
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # The busy timeout first: switching to WAL itself may wait for another connection.
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - driver hook
        # A unit of work (the only writer, rules.md §9) takes the write lock up front and
        # waits up to the busy timeout for it; reads outside units stay deferred, so pages
        # and GETs never queue behind writers (WAL lets them read a snapshot meanwhile).
        immediate = writing()
        conn.info[BEGUN] = IMMEDIATE if immediate else DEFERRED
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
