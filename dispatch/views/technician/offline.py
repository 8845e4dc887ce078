"""The service worker of the technician's offline start, served from the site root so that
its scope covers /tablet and /visits/<id>/report (rules.md §7)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, send_from_directory

bp = Blueprint("offline", __name__)


@bp.get("/sw.js")
def service_worker() -> Response:
    # Public like any script: it holds no data, only the caching rules.
    response = send_from_directory(current_app.static_folder or "static", "sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"  # a new version is picked up at once
    return response
