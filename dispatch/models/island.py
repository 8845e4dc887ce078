"""The remote-island registry, editable by administrators (rules.md §5)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.extensions import Model
from dispatch.models.types import JsonType


class IslandArea(Model):
    __tablename__ = "island_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_ja: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    prefecture: Mapped[str] = mapped_column(String(20))
    geometry: Mapped[dict[str, Any]] = mapped_column(JsonType)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Bumped on every edit so the in-process spatial index knows to rebuild.
    version: Mapped[int] = mapped_column(default=1)
