"""Two coordinators moving the same visit at the same moment (rules.md §6 "safely under
concurrent edits"): real threads, real sessions, real commits on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete

from dispatch.errors import Conflict
from dispatch.extensions import db
from dispatch.models import Visit
from dispatch.services.day import visits
from dispatch.services.trust.audit import SYSTEM
from dispatch.services.unit_of_work import unit_of_work


@pytest.mark.committing
def test_simultaneous_moves_of_one_visit_give_one_winner_and_one_409(app, day):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs PostgreSQL's concurrent sessions")
        base = day.base()
        techs = [day.tech(base).id, day.tech(base).id]
        visit = day.call()
        visit_id, version = visit.id, visit.version
        db.session.remove()
    barrier = threading.Barrier(2)
    results: dict[int, str] = {}

    def move(tech_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                with unit_of_work():
                    visits.assign(visit_id, {"technician_id": tech_id, "pinned": True,
                                             "version": version}, SYSTEM)
                results[tech_id] = "ok"
            except Conflict:
                results[tech_id] = "conflict"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=move, args=(t,)) for t in techs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert sorted(results.values()) == ["conflict", "ok"]
        winner = next(t for t, r in results.items() if r == "ok")
        with app.app_context():
            row = db.session.get(Visit, visit_id)
            assert row.technician_id == winner and row.version > version
    finally:
        with app.app_context():
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(delete(table))
            db.session.commit()
