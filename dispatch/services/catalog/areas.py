"""Where a site stands: coordinates (given or geocoded), remote islands and base areas."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import func, select, true

from dispatch.domain.island_registry import packaged_registry
from dispatch.domain.islands import IslandRegistry
from dispatch.domain.service_area import AreaDecision, ServiceBase, evaluate_area
from dispatch.errors import DispatchError, InvalidInput
from dispatch.extensions import db
from dispatch.geocoding import GeocodingUnavailable, geocoder_from_config
from dispatch.models import IslandArea
from dispatch.models import ServiceBase as BaseRow

_registry_cache: dict[str, Any] = {"key": None, "registry": None}


class GeocoderDown(DispatchError):
    status = 503
    title = "Geocoder unavailable"


def _island_key_columns() -> Any:
    # What identifies the active registry: an edit bumps its row's version and a
    # deactivation drops the row, so (count, sum, max) changes with every edit; max alone
    # missed an edit of any row but the newest.
    active = IslandArea.is_active.is_(True)
    return select(func.count(IslandArea.id).label("islands"),
                  func.coalesce(func.sum(IslandArea.version), 0).label("versions"),
                  func.max(IslandArea.version).label("newest")).where(active)


def island_registry() -> IslandRegistry:
    """The administrators' registry from the database, or the packaged one while it is empty.

    Rebuilt only when the rows change, so the spatial index is not rebuilt per call.
    """
    return _registry_for(tuple(db.session.execute(_island_key_columns()).one()))


def _registry_for(key: tuple[Any, ...]) -> IslandRegistry:
    if key[0] == 0:
        return packaged_registry()
    if _registry_cache["key"] != key:
        rows = db.session.scalars(
            select(IslandArea).where(IslandArea.is_active.is_(True)).order_by(IslandArea.id)
        )
        _registry_cache["registry"] = IslandRegistry.from_dicts(
            [island_record(row) for row in rows]
        )
        _registry_cache["key"] = key
    return _registry_cache["registry"]


def island_record(row: IslandArea) -> dict[str, Any]:
    """The registry's dict form of a stored island area."""
    return {"id": row.code, "name_ja": row.name_ja, "name_en": row.name_en,
            "prefecture": row.prefecture, "shapes": row.geometry.get("shapes", []),
            "group": row.geometry.get("group", "")}


def service_bases() -> list[ServiceBase]:
    """Every base as the area rule sees it."""
    rows = db.session.scalars(select(BaseRow).order_by(BaseRow.code))
    return [ServiceBase(r.code, r.lat, r.lon, r.service_radius_km, r.same_day_radius_km)
            for r in rows]


def evaluate(lat: float, lon: float) -> AreaDecision:
    """The area verdict for a point, against the bases and islands as stored now."""
    bases, registry = _bases_and_registry()
    return evaluate_area(lat, lon, bases, registry)


def _bases_and_registry() -> tuple[list[ServiceBase], IslandRegistry]:
    """The bases and the registry's key in one statement (intake asks on every call): the
    one-row key outer-joined to every base, so no base still gives the key."""
    key = _island_key_columns().subquery()
    rows = db.session.execute(
        select(key.c.islands, key.c.versions, key.c.newest, BaseRow.code, BaseRow.lat,
               BaseRow.lon, BaseRow.service_radius_km, BaseRow.same_day_radius_km)
        .select_from(key).outerjoin(BaseRow, true()).order_by(BaseRow.code)
    ).all()
    bases = [ServiceBase(r.code, r.lat, r.lon, r.service_radius_km, r.same_day_radius_km)
             for r in rows if r.code is not None]
    return bases, _registry_for((rows[0].islands, rows[0].versions, rows[0].newest))


def locate(address: str) -> tuple[float, float]:
    """Coordinates of an address from the configured geocoder, or a clear 422/503."""
    geocoder = geocoder_from_config(current_app.config.get("DISPATCH_GEOCODER_URL"))
    if geocoder is None:
        raise InvalidInput(
            "no geocoder is configured: give the site's lat and lon",
            errors={"lat": ["required when no geocoder is configured"],
                    "lon": ["required when no geocoder is configured"]},
        )
    try:
        found = geocoder.locate(address)
    except GeocodingUnavailable as exc:
        raise GeocoderDown(f"the geocoder did not answer: {exc}") from exc
    if found is None:
        raise InvalidInput(f"the geocoder does not know the address '{address}'",
                           errors={"address": ["not found by the geocoder; give lat and lon"]})
    return found
