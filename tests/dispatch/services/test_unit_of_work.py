"""One place commits: the unit of work around a use case (dispatch/services/unit_of_work.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from dispatch import clock, create_app
from dispatch.extensions import db
from dispatch.models import AuditEvent, Customer
from dispatch.services.catalog import records
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work

DISPATCH = Path(__file__).resolve().parents[3] / "dispatch"
UNIT_OF_WORK = DISPATCH / "services" / "unit_of_work.py"
# Services flush; views and models never commit; the demo data runs in units of work.
CHECKED = ("services", "views", "models", "demo_data")
ACTOR = Actor(label="test")


def commit_calls(source: str) -> list[int]:
    """Line numbers of every `<anything>.commit(...)` call in a module's source."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "commit"]


def modules_that_commit() -> dict[str, list[int]]:
    found = {}
    for folder in CHECKED:
        for path in sorted((DISPATCH / folder).rglob("*.py")):
            lines = commit_calls(path.read_text(encoding="utf-8"))
            if lines and path != UNIT_OF_WORK:
                found[str(path.relative_to(DISPATCH.parent))] = lines
    return found


def test_only_the_unit_of_work_commits():
    assert modules_that_commit() == {}


def test_the_commit_check_sees_any_spelling_of_a_commit():
    assert commit_calls("def f():\n    db.session.commit()\n") == [2]
    assert commit_calls("session.commit()\nconn.commit()\n") == [1, 2]
    assert commit_calls("db.session.flush()\nx = 'db.session.commit()'\n") == []


def _customer(name: str) -> Customer | None:
    return db.session.scalar(select(Customer).where(Customer.name == name))


def _audited_creations() -> int:
    return len(db.session.scalars(select(AuditEvent.id).where(
        AuditEvent.action == "customer.create")).all())


def test_a_use_case_failing_inside_its_unit_leaves_nothing_stored(app):
    audited = _audited_creations()
    with pytest.raises(RuntimeError), unit_of_work():
        records.create_customer({"name": "途中で失敗", "email": None, "phone": None}, ACTOR)
        raise RuntimeError("the use case fails after its first writes were flushed")
    assert _customer("途中で失敗") is None
    assert _audited_creations() == audited  # nor its audit event


def test_a_unit_that_ends_normally_commits(app):
    with unit_of_work():
        records.create_customer({"name": "保存される", "email": None, "phone": None}, ACTOR)
    db.session.rollback()  # only what was not committed goes
    assert _customer("保存される") is not None


def test_an_inner_unit_joins_the_outer_one_and_fails_with_it(app):
    with pytest.raises(RuntimeError), unit_of_work():
        with unit_of_work():
            records.create_customer({"name": "内側", "email": None, "phone": None}, ACTOR)
        raise RuntimeError("the outer unit fails after the inner one ended")
    assert _customer("内側") is None


def _app_with_writing_views(tmp_path: Path) -> Flask:
    """A fresh app (routes cannot be added to the shared one) with two writing views."""
    app = create_app({
        "TESTING": True, "DISPATCH_ENV": "test", "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "guard.sqlite3"),
        "SECRET_KEY": "test-secret-key-that-is-long-enough-123",
    })

    def add_customer(name: str) -> None:
        db.session.add(Customer(name=name, created_at=clock.now()))
        db.session.flush()

    @app.post("/_without_unit")
    def without_unit() -> str:
        add_customer("lost")
        return "ok"

    @app.post("/_with_unit")
    def with_unit() -> str:
        with unit_of_work():
            add_customer("kept")
        return "ok"

    with app.app_context():
        db.create_all()
    return app


def test_a_request_writing_outside_a_unit_of_work_fails_instead_of_losing_the_write(tmp_path):
    app = _app_with_writing_views(tmp_path)
    client = app.test_client()
    with pytest.raises(RuntimeError, match="wrote outside a unit of work"):
        client.post("/_without_unit")
    assert client.post("/_with_unit").status_code == 200
    with app.app_context():
        assert db.session.scalars(select(Customer.name)).all() == ["kept"]
