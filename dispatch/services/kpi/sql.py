"""Date arithmetic the KPI queries need, written once per dialect (SQLite and PostgreSQL).

Every day comes out as ISO text (YYYY-MM-DD) on both dialects, so grouping keys compare and
serialise the same way whatever the database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from dispatch.domain.kpi import REWORK_WINDOW_DAYS


def _args(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


class tokyo_day(FunctionElement[str]):  # noqa: N801  (SQL function style)
    """The Tokyo calendar day of a UTC instant (calls are counted on the day they came in)."""

    type = String()
    name = "tokyo_day"
    inherit_cache = True


@compiles(tokyo_day, "sqlite")
def _tokyo_day_sqlite(element: tokyo_day, compiler: SQLCompiler, **kw: Any) -> str:
    (value,) = _args(element, compiler, **kw)
    # Stored naive in UTC; Japan has no daylight saving time, so +9 h is exact.
    return f"date({value}, '+9 hours')"


@compiles(tokyo_day, "postgresql")
def _tokyo_day_pg(element: tokyo_day, compiler: SQLCompiler, **kw: Any) -> str:
    (value,) = _args(element, compiler, **kw)
    return f"to_char(({value} AT TIME ZONE 'Asia/Tokyo'), 'YYYY-MM-DD')"


class day_text(FunctionElement[str]):  # noqa: N801
    """A DATE column as ISO text."""

    type = String()
    name = "day_text"
    inherit_cache = True


@compiles(day_text, "sqlite")
def _day_text_sqlite(element: day_text, compiler: SQLCompiler, **kw: Any) -> str:
    (value,) = _args(element, compiler, **kw)
    return f"date({value})"


@compiles(day_text, "postgresql")
def _day_text_pg(element: day_text, compiler: SQLCompiler, **kw: Any) -> str:
    (value,) = _args(element, compiler, **kw)
    return f"to_char({value}, 'YYYY-MM-DD')"


class minutes_between(FunctionElement[float]):  # noqa: N801
    """Minutes from a stored UTC instant to an ISO 8601 text with offset (a report's time)."""

    type = Float()
    name = "minutes_between"
    inherit_cache = True


@compiles(minutes_between, "sqlite")
def _minutes_sqlite(element: minutes_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    # julianday() reads the "+09:00" suffix and converts to UTC.
    return f"((julianday({end}) - julianday({start})) * 1440.0)"


@compiles(minutes_between, "postgresql")
def _minutes_pg(element: minutes_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"(EXTRACT(EPOCH FROM (CAST({end} AS timestamptz) - {start})) / 60.0)"


class within_rework_window(FunctionElement[bool]):  # noqa: N801
    """True when the second instant is after the first, at most REWORK_WINDOW_DAYS later."""

    type = Boolean()
    name = "within_rework_window"
    inherit_cache = True


@compiles(within_rework_window, "sqlite")
def _within_sqlite(element: within_rework_window, compiler: SQLCompiler, **kw: Any) -> str:
    start, later = _args(element, compiler, **kw)
    return (f"(julianday({later}) > julianday({start}) "
            f"AND julianday({later}) <= julianday({start}) + {REWORK_WINDOW_DAYS})")


@compiles(within_rework_window, "postgresql")
def _within_pg(element: within_rework_window, compiler: SQLCompiler, **kw: Any) -> str:
    start, later = _args(element, compiler, **kw)
    return f"({later} > {start} AND {later} <= {start} + interval '{REWORK_WINDOW_DAYS} days')"
