"""The four roles of rules.md §8; the values are stored in users.role and sent by the API."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Who a login is: each page blueprint admits some of these."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    TECHNICIAN = "technician"
    SITE_MANAGER = "site_manager"


# OXT's own staff: they see every customer's records (rules.md §8).
STAFF: tuple[Role, ...] = (Role.ADMIN, Role.COORDINATOR)
