"""Site managers sign at the same instant: the chain never forks, nobody gets an error.

On PostgreSQL the chain head is read under pg_advisory_xact_lock; on SQLite the signing
transaction takes the write lock first. Either way the next signer waits and links to the
previous seal. Real threads, real commits.
"""

from __future__ import annotations

import threading

import pytest
from reporting_rows import data_url, make_visit, report_payload
from sqlalchemy import select

from dispatch.extensions import db
from dispatch.models import Technician
from dispatch.models import WorkReport as ReportRow
from dispatch.services.reporting import reports
from dispatch.services.reporting.verify import verify_report
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work

pytestmark = pytest.mark.committing


def test_concurrent_signatures_get_consecutive_chain_positions(app, clean):
    actor = Actor(label="desk@oxt.example.jp", role="coordinator")
    with app.app_context():
        report_ids = []
        for n in range(4):
            ids = make_visit(serial=f"AK2000000{n}", commit=True)
            with unit_of_work():
                saved = reports.save_report(ids.visit_id, report_payload(), actor)
            report_ids.append(saved["id"])
    barrier = threading.Barrier(len(report_ids))
    errors: list[BaseException] = []

    def sign(report_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                with unit_of_work():
                    reports.sign_report(report_id, "佐藤 花子", data_url(), actor)
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sign, args=(rid,)) for rid in report_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with app.app_context():
        rows = db.session.scalars(select(ReportRow).order_by(ReportRow.chain_index)).all()
        assert [r.chain_index for r in rows] == [1, 2, 3, 4]
        assert [r.seal["prev_hash"] for r in rows[1:]] == [r.seal_hash for r in rows[:-1]]
        assert all(verify_report(r)["valid"] for r in rows)
        assert db.session.scalar(select(Technician.id)) is not None
