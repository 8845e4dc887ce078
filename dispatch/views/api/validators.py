"""Field validators every API schema module shares (no schema imports: no cycles)."""

from __future__ import annotations

from marshmallow import validate

from dispatch.domain.calendar import FIRST_SYSTEM_DAY, LAST_SYSTEM_DAY

# Every date a client sends lies in the system's years (rules.md §2, domain/calendar.py).
SYSTEM_DATE = validate.Range(FIRST_SYSTEM_DAY, LAST_SYSTEM_DAY,
                             error="must be between {min} and {max}")
