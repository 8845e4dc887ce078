"""The intake demo data gives today's calls in every decision."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from dispatch.demo import load_demo
from dispatch.demo_data import intake as intake_demo
from dispatch.extensions import db
from dispatch.models import RepairCall

TODAY = date(2026, 11, 26)  # a Thursday


def test_demo_calls_cover_every_decision_and_load_twice_safely(app):
    list(load_demo(TODAY))
    intake_demo.load(TODAY)
    intake_demo.load(TODAY)
    calls = db.session.scalars(select(RepairCall).order_by(RepairCall.id)).all()
    assert len(calls) == 7
    assert {c.decision for c in calls} == {"same_day", "next_business_day", "phone_only",
                                           "not_covered"}
    assert [c.status for c in calls].count("resolved_by_phone") == 1
