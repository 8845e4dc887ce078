"""Demo data of the trust area: the island registry in the database (so administrators
can edit it) and a retention run for the demo day."""

from __future__ import annotations

from datetime import date

from dispatch.services.accounts import admin
from dispatch.services.trust import retention
from dispatch.services.trust.audit import SYSTEM
from dispatch.services.unit_of_work import unit_of_work


def load(today: date) -> None:
    """Import the packaged remote-island registry and flag expired records as of today."""
    with unit_of_work():
        admin.import_packaged_islands(SYSTEM)
    with unit_of_work():
        retention.run(today)
