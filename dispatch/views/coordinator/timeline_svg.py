"""Lay out domain/timeline.py entries as SVG shapes for a template, in the page's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dispatch.domain.timeline import TimelineEntry, TimelineKind
from dispatch.i18n import translate

WIDTH, LEFT, RIGHT, ROW = 900, 150, 20, 34


@dataclass(frozen=True)
class Bar:
    """One labelled bar (a period) of the picture."""

    y: float
    x: float
    width: float
    label: str
    period: str
    css: str


@dataclass(frozen=True)
class Marker:
    """A vertical line at a date (lifetime end, today, print-limit date)."""

    x: float
    label: str
    css: str

    @property
    def anchor(self) -> str:
        """Labels near the right edge end at their line so they stay inside the picture."""
        return "end" if self.x > WIDTH * 0.6 else "start"

    @property
    def text_x(self) -> float:
        """Where the label starts (or ends) next to the line."""
        return self.x - 3 if self.anchor == "end" else self.x + 3


@dataclass(frozen=True)
class Picture:
    """Everything the template needs to draw the coverage timeline."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    markers: tuple[Marker, ...]
    years: tuple[tuple[float, str], ...]


def build(entries: tuple[TimelineEntry, ...], today: date) -> Picture:
    """The coverage picture: one row per period, markers for lifetime end, limit and today."""
    days = [e.start for e in entries] + [e.end for e in entries] + [today]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)

    def x(d: date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (d - first).days / span

    bars: list[Bar] = []
    markers: list[Marker] = [Marker(x(today), f"本日 {today:%Y-%m-%d}", "today")]
    for e in entries:
        if e.kind is TimelineKind.LIFETIME_END:
            markers.append(Marker(x(e.start), f"装置寿命 {e.start:%Y-%m-%d}", "lifetime"))
        elif e.kind is TimelineKind.PRINT_LIMIT:
            markers.append(Marker(x(e.start), f"印刷上限見込 {e.start:%Y-%m-%d}", "limit"))
        else:
            bars.append(_bar(e, len(bars), x))
    years = tuple((x(date(y, 1, 1)), str(y)) for y in range(first.year + 1, last.year + 1))
    height = 60 + ROW * max(len(bars), 1) + 20 * len(markers)
    return Picture(WIDTH, height, tuple(bars), tuple(markers), years)


def _bar(e: TimelineEntry, row: int, x) -> Bar:
    start_x = x(e.start)
    if e.kind is TimelineKind.WARRANTY:
        label, css = translate("pack.warranty"), "warranty"
    else:
        status = e.status.value if e.status else ""
        assert e.product is not None  # pack entries carry their product
        status_label = translate(f"pack.status.{e.status.value}") if e.status else ""
        label = f"{translate(f'product.{e.product.value}')}（{status_label}）"
        css = f"pack {status}" + (" capped" if e.capped else "")
    return Bar(y=30 + row * ROW, x=start_x, width=max(x(e.end) - start_x, 2), label=label,
               period=f"{e.start:%Y-%m-%d}〜{e.end:%Y-%m-%d}", css=css)
