"""Demo data for the dispatch day: plan today if any onsite visits exist."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from dispatch.extensions import db
from dispatch.models import Technician, Visit
from dispatch.services.day import planning
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work

DEMO = Actor(label="demo")


def load(today: date) -> None:
    """Plan `today` (short solver budget) when it has visits and technicians."""
    has_visit = db.session.scalar(select(Visit.id).where(Visit.service_date == today).limit(1))
    has_tech = db.session.scalar(select(Technician.id).limit(1))
    if has_visit is None or has_tech is None:
        return
    with unit_of_work():
        planning.plan_day(today, DEMO, time_limit_s=3)
