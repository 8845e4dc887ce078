"""The JSON API under /api/v1 (rules.md §9): bearer auth, problem+json errors, OpenAPI."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_smorest import Api
from flask_smorest.spec.plugins import integerconverter2paramschema
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from dispatch.errors import BadInput, DispatchError, InvalidInput
from dispatch.extensions import csrf, db
from dispatch.views.api import calls, catalog, kpis, plans, privacy, registration, reports
from dispatch.views.api.auth import load_api_user
from dispatch.views.api.problems import from_dispatch_error, from_http_exception

BLUEPRINTS = (
    catalog.blp, registration.blp, calls.blp, plans.blp, reports.blp, privacy.blp, kpis.blp
)

TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded")
# Ids are INTEGER columns (int4 on PostgreSQL): a larger number in a URL is no such row.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` bounded to the id range, so an oversized id is a 404, not a driver error."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def refuse_nul() -> None:
    """PostgreSQL text cannot hold NUL; refuse it up front as a 422, not a driver error.

    Only text bodies (JSON, form fields) are checked: binary uploads may contain NUL bytes.
    """
    textual = request.mimetype in TEXT_BODIES or request.mimetype.endswith("+json")
    body = request.get_data(cache=True) if textual else b""
    if request.mimetype == "application/x-www-form-urlencoded":
        body = body.lower().replace(b"%00", b"\x00")
    if (b"\x00" in body or b"\\u0000" in body or "\x00" in request.path
            or b"\x00" in request.query_string or b"%00" in request.query_string.lower()):
        raise InvalidInput("text must not contain NUL characters")


def init_api(app: Flask, api: Api) -> None:
    """Register the API blueprints, bearer auth and the problem+json error handlers."""
    # Before any rule is added (API and pages alike), and documented as integer + maximum.
    app.url_map.converters["int"] = IdConverter
    api.register_converter(IdConverter, integerconverter2paramschema)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    app.before_request(refuse_nul)
    for blp in BLUEPRINTS:
        # Blueprints are module-level: set them up once, even when a process builds several
        # apps (the demo command, tests, benchmarks).
        if not getattr(blp, "dispatch_ready", False):
            blp.before_request(load_api_user)
            # Bearer tokens are not sent by browsers on their own, so CSRF does not apply.
            csrf.exempt(blp)
            blp.dispatch_ready = True
        api.register_blueprint(blp)

    @app.errorhandler(DispatchError)
    def dispatch_error(error: DispatchError):
        if request.path.startswith("/api/"):
            return from_dispatch_error(error)
        return render_template("error.html", status=error.status, detail=error.detail), (
            error.status
        )

    # Defence in depth: a value the database cannot store (a number beyond its integer
    # range, found by fuzzing) is the client's error, not a 500. Schemas should bound it.
    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def out_of_range(error: Exception):
        db.session.rollback()
        current_app.logger.warning("value out of the database's range: %s", type(error).__name__)
        return dispatch_error(InvalidInput("a value is out of the range the service can store"))

    # Input that cannot be processed at all (rules.md §9 "never a 500"): JSON nested deeper
    # than Python recurses (a body of '[' * 20000, an island geometry), text that is no
    # Unicode (a lone surrogate, "\ud800", which neither database can store). One handler
    # for these classes wherever they surface: parser, service or driver.
    @app.errorhandler(RecursionError)
    @app.errorhandler(UnicodeError)
    def unprocessable_input(error: Exception):
        db.session.rollback()
        current_app.logger.warning("malformed input refused: %s", type(error).__name__)
        if isinstance(error, RecursionError):
            return dispatch_error(BadInput("the input is nested too deeply"))
        return dispatch_error(InvalidInput("text must be valid Unicode (no lone surrogates)"))

    # flask-smorest answers HTTP errors with its own JSON; the API speaks problem+json,
    # and pages get a page in the user's language.
    def http_error(error: HTTPException):
        if request.path.startswith("/api/"):
            return from_http_exception(error)
        if error.code in (400, 403, 404, 413):
            return render_template("error.html", status=error.code), error.code
        return error

    app.register_error_handler(HTTPException, http_error)
