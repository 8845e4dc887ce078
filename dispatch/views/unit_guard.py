"""A request that changed rows outside every unit of work fails loudly instead of losing them.

Services only flush; a view that calls a writing use case without `with unit_of_work()`
would answer success while its changes are rolled back at teardown. This guard turns that
into a 500 under test (so the test of that view fails) and an error in the log elsewhere.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, request

from dispatch.services.unit_of_work import reset_stray_writes, wrote_outside_unit

log = logging.getLogger(__name__)


def init_unit_guard(app: Flask) -> None:
    """Check every request for writes left outside a unit of work."""

    @app.before_request
    def _clean_slate() -> None:
        reset_stray_writes()

    @app.after_request
    def _check(response: Response) -> Response:
        if wrote_outside_unit():
            message = f"{request.method} {request.path} wrote outside a unit of work"
            if current_app.testing:
                raise RuntimeError(message)
            log.error("%s: its changes are discarded", message)
        return response
