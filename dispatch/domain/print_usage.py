"""Print-count limits of rules.md §4.6 (seed ③④: 印字枚数を越えて使用されている／見込まれる).

The projection uses the device's average daily prints since its purchase:
avg = count / days(purchase → reading); projected(d) = count + avg × days(reading → d).
All comparisons are done in integers (multiplied through by the elapsed days) so a boundary
day never depends on float rounding.
"""

from __future__ import annotations

from datetime import date, timedelta

from dispatch.domain.periods import days_between


def is_over_print_limit(count: int | None, limit: int | None) -> bool:
    """True when a reported count is over the model's limit (equal to it is still within)."""
    return count is not None and limit is not None and count > limit


def is_projected_over_limit(
    count: int, count_on: date, purchase: date, until: date, limit: int
) -> bool:
    """True when the average-rate projection passes `limit` on or before `until`."""
    elapsed = days_between(purchase, count_on)
    remaining = days_between(count_on, until)
    if elapsed <= 0 or remaining <= 0:
        # No usage history yet (no average) or nothing left to project over.
        return False
    # count + count/elapsed × remaining > limit  ⇔  count × (elapsed + remaining) > limit × elapsed
    return count * (elapsed + remaining) > limit * elapsed


def projected_limit_date(count: int, count_on: date, purchase: date, limit: int) -> date | None:
    """First day the projection passes `limit`; `count_on` if already over; None if unknown."""
    if count > limit:
        return count_on
    elapsed = days_between(purchase, count_on)
    if elapsed <= 0 or count <= 0:
        return None
    # Smallest r with count × (elapsed + r) > limit × elapsed.
    remaining = (limit * elapsed) // count + 1 - elapsed
    return count_on + timedelta(days=remaining)
