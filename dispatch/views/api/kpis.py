"""`GET /api/v1/kpis?from=&to=&base=`: the service's figures over a range (rules.md §10)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from dispatch.domain.roles import STAFF
from dispatch.services.kpi.figures import kpis
from dispatch.views.api.auth import roles

blp = Blueprint("kpis", __name__, url_prefix="/api/v1", description="Service figures")


class KpiQuery(Schema):
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")
    base = fields.String(load_default=None)


@blp.get("/kpis")
@roles(*STAFF)
@blp.arguments(KpiQuery, location="query")
@blp.response(200)
def get_kpis(args: dict[str, Any]) -> dict[str, Any]:
    return kpis(args["start"], args["end"], args["base"])
