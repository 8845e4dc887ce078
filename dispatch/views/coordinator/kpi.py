"""The KPI dashboard (rules.md §10): charts, a table and a CSV download under each chart.

Each chart is drawn from the table printed under it (one source for the chart, the table
and the CSV); the figures are those of `GET /api/v1/kpis`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from sqlalchemy import select

from dispatch import clock
from dispatch.domain.call_decision import Decision
from dispatch.domain.roles import Role
from dispatch.errors import DispatchError
from dispatch.extensions import db
from dispatch.i18n import add_messages, translate
from dispatch.models import ServiceBase
from dispatch.services.kpi.figures import kpis
from dispatch.views.access import role_required

bp = Blueprint("kpi", __name__, url_prefix="/kpis")

add_messages({
    "kpi.title": ("サービス指標", "Service figures"),
    "kpi.from": ("開始日", "From"),
    "kpi.to": ("終了日", "To"),
    "kpi.base": ("拠点", "Base"),
    "kpi.all_bases": ("全拠点", "All bases"),
    "kpi.no_base": ("拠点なし（未訪問）", "No base (not visited)"),
    "kpi.show": ("表示", "Show"),
    "kpi.csv": ("CSV ダウンロード", "Download CSV"),
    "kpi.bad_range": ("期間が正しくありません", "The date range is not valid"),
    "kpi.summary": ("期間の集計", "Over the range"),
    "kpi.chart.weekly": ("週別：当日対応の約束履行率・初回解決率・フォロー率・再修理率",
                         "Per week: same-day promises kept, first-time fix, follow-up, rework"),
    "kpi.chart.monthly": ("月別：作業報告票の署名・拒否と登録SLA超過",
                          "Per month: reports signed and refused, registration SLA breaches"),
    "kpi.chart.bases": ("拠点別：受付から到着までの時間・1訪問あたり走行距離",
                        "Per base: call to arrival time, km per visit"),
    "kpi.chart.decisions": ("判断別の受付件数", "Calls by decision"),
    "kpi.chart.codes": ("ルールコード別の受付件数", "Calls by rule code"),
    "kpi.col.week": ("週（月曜日）", "Week (Monday)"),
    "kpi.col.month": ("月", "Month"),
    "kpi.col.base": ("拠点", "Base"),
    "kpi.col.decision": ("判断", "Decision"),
    "kpi.col.code": ("ルールコード", "Rule code"),
    "kpi.col.calls": ("受付件数", "Calls"),
    "kpi.col.same_day_promised": ("当日対応の約束", "Same-day promises"),
    "kpi.col.same_day_kept": ("うち当日訪問", "Kept"),
    "kpi.col.same_day_kept_rate": ("約束履行率", "Same-day kept rate"),
    "kpi.col.calls_visited": ("訪問した受付", "Calls visited"),
    "kpi.col.fixed_first_visit": ("初回で解決", "Fixed at first visit"),
    "kpi.col.first_time_fix_rate": ("初回解決率", "First-time fix rate"),
    "kpi.col.follow_up_rate": ("フォロー訪問率", "Follow-up rate"),
    "kpi.col.rework_rate": ("再修理率（30日内再依頼・不適合）",
                           "Rework rate (repeat in 30 days or claim)"),
    "kpi.col.reports_signed": ("署名済み報告", "Reports signed"),
    "kpi.col.reports_refused": ("署名拒否", "Signature refused"),
    "kpi.col.sla_breaches": ("登録SLA超過", "Registration SLA breaches"),
    "kpi.col.call_to_arrival_minutes": ("受付→到着（分）", "Call to arrival (min)"),
    "kpi.col.km_per_visit": ("1訪問あたり km", "km per visit"),
    "kpi.col.km_total": ("走行距離 km", "Distance km"),
})

RATES = ("same_day_kept_rate", "first_time_fix_rate", "follow_up_rate", "rework_rate")
RATES_SHOWN = frozenset(RATES)


@dataclass
class Table:
    """One chart's data: `columns[0]` labels the rows, the others are series."""

    id: str
    kind: str  # the Chart.js chart type
    columns: list[str]  # figure keys; labels come from kpi.col.<key>
    rows: list[list[Any]]
    series: list[str]  # the columns the chart draws

    @property
    def title(self) -> str:
        return translate(f"kpi.chart.{self.id}")

    def headers(self) -> list[str]:
        return [translate(f"kpi.col.{c}") for c in self.columns]

    def cells(self, row: list[Any]) -> list[str]:
        """A row as printed: rates in per cent, codes with their label, no figure as a dash."""
        return [_cell(c, v) for c, v in zip(self.columns, row, strict=True)]

    def chart(self) -> dict[str, Any]:
        idx = [self.columns.index(s) for s in self.series]
        return {"type": self.kind, "labels": [str(r[0]) for r in self.rows],
                "datasets": [{"label": translate(f"kpi.col.{self.columns[i]}"),
                              "data": [r[i] for r in self.rows]} for i in idx],
                "rates": self.series[0] in RATES}


def _cell(column: str, value: Any) -> str:
    if value is None:
        return "—"
    if column in RATES_SHOWN:
        return f"{value * 100:.1f} %"
    if column == "code":
        return f"{value} {translate(f'code.{value}')}"
    return str(value)


def _base_label(code: str | None) -> str:
    return code or translate("kpi.no_base")


def tables(figures: dict[str, Any]) -> list[Table]:
    """The dashboard's charts and tables from the figures of `kpis()`."""
    weekly = ["week", "same_day_promised", "same_day_kept", *RATES[:1], "calls_visited",
              "fixed_first_visit", *RATES[1:]]
    monthly = ["month", "reports_signed", "reports_refused", "sla_breaches"]
    bases = ["base", "calls", "call_to_arrival_minutes", "km_per_visit", "km_total",
             "same_day_kept_rate", "first_time_fix_rate"]
    return [
        Table("weekly", "line", weekly, [[r[c] for c in weekly] for r in figures["by_week"]],
              list(RATES)),
        Table("monthly", "bar", monthly,
              [[r[c] for c in monthly] for r in figures["by_month"]], monthly[1:]),
        Table("bases", "bar", bases,
              [[_base_label(r["base"]), *(r[c] for c in bases[1:])] for r in figures["by_base"]],
              ["call_to_arrival_minutes", "km_per_visit"]),
        Table("decisions", "bar", ["decision", "calls"],
              [[translate(f"decision.{d.value}"), figures["calls_by_decision"][d.value]]
               for d in Decision], ["calls"]),
        Table("codes", "bar", ["code", "calls"],
              [[c, n] for c, n in figures["calls_by_code"].items()],
              ["calls"]),
    ]


def _query() -> tuple[date, date, str | None]:
    today = clock.today_tokyo()
    try:
        end = date.fromisoformat(request.args.get("to") or today.isoformat())
        start = date.fromisoformat(request.args.get("from")
                                   or (end - timedelta(days=89)).isoformat())
    except ValueError:
        abort(400, translate("kpi.bad_range"))
    return start, end, request.args.get("base") or None


@bp.get("")
@role_required(Role.COORDINATOR, Role.ADMIN)
def dashboard() -> Any:
    start, end, base = _query()
    bases = db.session.scalars(select(ServiceBase).order_by(ServiceBase.code)).all()
    try:
        figures = kpis(start, end, base)
    except DispatchError:
        return render_template("kpi/dashboard.html", start=start, end=end, base=base,
                               bases=bases, error=translate("kpi.bad_range"), figures=None,
                               tables=[]), 400
    return render_template("kpi/dashboard.html", start=start, end=end, base=base, bases=bases,
                           figures=figures, tables=tables(figures), error=None)


@bp.get("/<name>.csv")
@role_required(Role.COORDINATOR, Role.ADMIN)
def table_csv(name: str) -> Any:
    start, end, base = _query()
    try:
        figures = kpis(start, end, base)
    except DispatchError:
        abort(400, translate("kpi.bad_range"))
    table = next((t for t in tables(figures) if t.id == name), None)
    if table is None:
        abort(404)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers())
    writer.writerows([["" if v is None else v for v in row] for row in table.rows])
    # A BOM so that Excel in Japan opens the UTF-8 file with the right encoding.
    body = "\ufeff" + out.getvalue()
    filename = f"kpi-{name}-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
