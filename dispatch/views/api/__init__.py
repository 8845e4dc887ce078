"""The JSON API under /api/v1 (SPEC §9): bearer auth, problem+json errors, OpenAPI."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from dispatch.errors import DispatchError
from dispatch.views.api import catalog, plans
from dispatch.views.api.auth import load_api_user
from dispatch.views.api.problems import from_dispatch_error, from_http_exception

BLUEPRINTS = (catalog.blp, plans.blp)


def init_api(app: Flask, api: Api) -> None:
    """Register the API blueprints, bearer auth and the problem+json error handlers."""
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    for blp in BLUEPRINTS:
        blp.before_request(load_api_user)
        api.register_blueprint(blp)

    @app.errorhandler(DispatchError)
    def dispatch_error(error: DispatchError):
        if request.path.startswith("/api/"):
            return from_dispatch_error(error)
        return render_template("error.html", status=error.status, detail=error.detail), (
            error.status
        )

    # flask-smorest answers HTTP errors with its own JSON; the API speaks problem+json,
    # and pages get a page in the user's language.
    def http_error(error: HTTPException):
        if request.path.startswith("/api/"):
            return from_http_exception(error)
        if error.code in (403, 404):
            return render_template("error.html", status=error.code), error.code
        return error

    app.register_error_handler(HTTPException, http_error)
