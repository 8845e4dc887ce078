"""Administrators' use cases: users and roles, API tokens, the remote-island registry."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from dispatch.domain.island_registry import read_packaged_document
from dispatch.domain.islands import area_from_dict
from dispatch.domain.roles import Role
from dispatch.errors import Conflict, InvalidInput, NotFound
from dispatch.extensions import db
from dispatch.models import ApiToken, IslandArea, User
from dispatch.models.account import ROLES
from dispatch.services.accounts.users import end_sessions
from dispatch.services.catalog.areas import island_record
from dispatch.services.trust.audit import Actor, record


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def set_enabled(user_id: int, enabled: bool, actor: Actor) -> User:
    """Disable (or re-enable) a user; a disabled user can neither log in nor use tokens."""
    user = _user(user_id)
    if not enabled and user.id == actor.user_id:
        raise Conflict("administrators cannot disable themselves")
    if user.is_enabled != enabled:
        user.is_enabled = enabled
        record(actor, "user.enable" if enabled else "user.disable", "user", user.id,
               before={"is_enabled": not enabled}, after={"is_enabled": enabled})
        if not enabled:  # a re-enabled user must log in again, not revive an old cookie
            end_sessions(user, actor)
    db.session.flush()
    return user


def set_role(user_id: int, role: str, actor: Actor) -> User:
    """Change a user's role (rules.md §1 roles)."""
    if role not in ROLES:
        raise InvalidInput(f"unknown role '{role}'", errors={"role": ["unknown role"]})
    user = _user(user_id)
    if user.id == actor.user_id and role != Role.ADMIN:
        raise Conflict("administrators cannot remove their own admin role")
    if user.role != role:
        record(actor, "user.role", "user", user.id, before={"role": user.role},
               after={"role": role})
        user.role = Role(role)
    db.session.flush()
    return user


def tokens() -> list[ApiToken]:
    """Every API token, newest first (only prefixes are shown, never the token)."""
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).all())


def island_areas() -> list[IslandArea]:
    """The registry rows, by code."""
    return list(db.session.scalars(select(IslandArea).order_by(IslandArea.code)).all())


def import_packaged_islands(actor: Actor) -> int:
    """Copy the packaged registry into the database (existing codes are left as they are)."""
    existing = set(db.session.scalars(select(IslandArea.code)))
    added = 0
    for item in read_packaged_document()["areas"]:
        if item["id"] in existing:
            continue
        area_from_dict(item)
        db.session.add(IslandArea(
            code=item["id"], name_ja=item["name_ja"], name_en=item["name_en"],
            prefecture=item["prefecture"],
            geometry={"shapes": item["shapes"], "group": item.get("group", "")}))
        added += 1
    record(actor, "island.import", "island_area", "*", after={"added": added})
    db.session.flush()
    return added


def _area(area_id: int) -> IslandArea:
    area = db.session.get(IslandArea, area_id)
    if area is None:
        raise NotFound(f"no island area {area_id}")
    return area


def parse_geometry(text: str) -> dict[str, Any]:
    """The geometry JSON an administrator typed, or InvalidInput saying what is wrong."""
    try:
        geometry = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput("not JSON", errors={"geometry": [f"not JSON: {exc.msg}"]}) from exc
    except RecursionError:
        raise InvalidInput("not JSON", errors={
            "geometry": ["not JSON this service reads: nested too deeply"]}) from None
    if not isinstance(geometry, dict):
        raise InvalidInput("not an object", errors={"geometry": ["must be a JSON object"]})
    return geometry


def edit_island_geometry(area_id: int, geometry: dict[str, Any], actor: Actor) -> IslandArea:
    """Replace one area's shapes after validating them like the packaged registry."""
    area = _area(area_id)
    candidate = island_record(area) | {"shapes": geometry.get("shapes"),
                                       "group": geometry.get("group", "")}
    try:
        area_from_dict(candidate)
    except ValueError as exc:
        raise InvalidInput(str(exc), errors={"geometry": [str(exc)]}) from exc
    before = {"geometry": area.geometry, "version": area.version}
    area.geometry = {"shapes": candidate["shapes"], "group": candidate["group"]}
    area.version += 1
    record(actor, "island.edit", "island_area", area.code, before=before,
           after={"geometry": area.geometry, "version": area.version})
    db.session.flush()
    return area


def deactivate_island(area_id: int, actor: Actor) -> IslandArea:
    """Take an area out of the registry (kept for the record)."""
    area = _area(area_id)
    if area.is_active:
        area.is_active = False
        area.version += 1
        record(actor, "island.deactivate", "island_area", area.code,
               after={"is_active": False, "version": area.version})
    db.session.flush()
    return area
