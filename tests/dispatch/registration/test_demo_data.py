"""The registration demo data shows every lifecycle state."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from dispatch.demo import load_demo
from dispatch.demo_data.registration import load
from dispatch.extensions import db
from dispatch.models import Pack


def test_demo_has_packs_in_every_state(app):
    today = date(2026, 11, 26)
    list(load_demo(today))
    load(today)
    statuses = set(db.session.scalars(select(Pack.status)))
    assert statuses == {"purchased", "applied", "inquiry", "registered", "cancelled", "void",
                        "refused"}
