"""One pagination scheme for every list endpoint of the API (rules.md §9).

`?page=` (from 1) and `?page_size=` (1–200, default 50) are flask-smorest's own parameters,
documented in the OpenAPI description; every page answers with the `X-Pagination` header
(total, pages, neighbours), `X-Total-Count`, and an RFC 8288 `Link` header (first, prev,
next, last) so a client can walk the list without building URLs.
"""

from __future__ import annotations

from typing import Any, TypeVar, TypeVarTuple
from urllib.parse import urlencode

import flask_smorest
from flask import request
from flask_smorest.pagination import PaginationParameters
from sqlalchemy import Select, func, select

from dispatch.extensions import db

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

LINK_RELATIONS = (("first", "first_page"), ("prev", "previous_page"),
                  ("next", "next_page"), ("last", "last_page"))


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with the API's page sizes and Link/total headers."""

    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 50, "max_page_size": 200}

    def _set_pagination_metadata(self, page_params: Any, result: Any, headers: Any) -> Any:
        result, headers = super()._set_pagination_metadata(page_params, result, headers)
        meta = self._make_pagination_metadata(
            page_params.page, page_params.page_size, page_params.item_count)
        headers["X-Total-Count"] = str(page_params.item_count)
        links = [f'<{page_url(meta[key])}>; rel="{rel}"'
                 for rel, key in LINK_RELATIONS if key in meta]
        if links:
            headers["Link"] = ", ".join(links)
        return result, headers


def page_url(page: int) -> str:
    """This request's URL with `page` replaced, other query arguments kept."""
    args = request.args.to_dict(flat=True)
    args["page"] = str(page)
    return f"{request.path}?{urlencode(args)}"


def page_of(statement: Select[T], params: PaginationParameters) -> list[T]:
    """One page of the entities `statement` selects (see `page_rows`)."""
    return [row[0] for row in page_rows(statement, params)]


def page_rows(statement: Select[*Ts], params: PaginationParameters) -> list[Any]:
    """One page of the rows `statement` selects; sets the total for the headers.

    The statement must be ordered (a stable order makes pages disjoint).
    """
    params.item_count = db.session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery()))
    return list(db.session.execute(
        statement.offset(params.first_item).limit(params.page_size)))
