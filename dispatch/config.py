"""Configuration from the environment (rules.md §9): DATABASE_URL, SECRET_KEY, then DISPATCH_*."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DEVELOPMENT_SECRET = "dev-only-secret-not-for-production"  # noqa: S105 - marked as such
MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The environment does not describe a runnable configuration."""


def instance_folder() -> str:
    """The folder the app writes to: DISPATCH_INSTANCE_PATH, else ./instance (never the package)."""
    # An installed package may be read-only and is shared by every site that runs it; the
    # default SQLite database and the development signing key belong to where it is run.
    return str(Path(os.environ.get("DISPATCH_INSTANCE_PATH") or "instance").resolve())


def sqlite_url(instance_path: str) -> str:
    """The default embedded database: an SQLite file in the instance folder."""
    return "sqlite:///" + str(Path(instance_path) / "dispatch.sqlite3")


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from the environment and explicit overrides."""
    env = os.environ.get("DISPATCH_ENV", "development")
    config: dict[str, Any] = {
        "DISPATCH_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or sqlite_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "JSON_AS_ASCII": False,
        "DISPATCH_DEFAULT_LOCALE": "ja",
        "DISPATCH_GEOCODER_URL": os.environ.get("DISPATCH_GEOCODER_URL"),
        "DISPATCH_TILE_URL": os.environ.get(
            "DISPATCH_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
        ),
        "DISPATCH_REPAIR_LINE": os.environ.get("DISPATCH_REPAIR_LINE", "0120-000-000"),
        # The service company named on reports whose technician is not a subcontractor's.
        "DISPATCH_COMPANY_NAME": os.environ.get("DISPATCH_COMPANY_NAME", "OXT"),
        # flask-smorest builds the OpenAPI document from the schemas that validate requests.
        "API_TITLE": "OKI support-pack onsite dispatch",
        "API_VERSION": "1.0.0",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_WINDOW_MINUTES": 15,
    }
    config.update(_prefixed_env())
    if overrides:
        config.update(overrides)
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = DEVELOPMENT_SECRET
    explicit_db = bool(os.environ.get("DATABASE_URL")) or "SQLALCHEMY_DATABASE_URI" in (
        overrides or {}
    )
    _refuse_weak_production(config, explicit_db)
    return config


def _prefixed_env() -> dict[str, Any]:
    # DISPATCH_FOO=bar → config["DISPATCH_FOO"]; values stay strings on purpose.
    return {
        k: v for k, v in os.environ.items() if k.startswith("DISPATCH_") and k != "DISPATCH_ENV"
    }


def _refuse_weak_production(config: dict[str, Any], explicit_db: bool) -> None:
    if config["DISPATCH_ENV"] in ("development", "test") or config.get("TESTING"):
        return
    secret = config["SECRET_KEY"]
    if secret == DEVELOPMENT_SECRET or len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"SECRET_KEY is missing or weak: set at least {MIN_SECRET_LENGTH} random characters"
        )
    if not explicit_db:
        raise ConfigError("DATABASE_URL is required outside development")
