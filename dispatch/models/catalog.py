"""Printer and option models, and the service bases."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.extensions import Model
from dispatch.models.types import JsonType, one_of

SERIES = ("COREFIDO", "VINCI", "other")
MODEL_KINDS = ("printer", "option")
PACK_PRODUCTS = ("std1", "std3", "std4", "std5", "std6", "std7", "ext1", "ext2")


class PrinterModel(Model):
    __tablename__ = "printer_models"
    __table_args__ = (
        one_of("series", SERIES, "series"),
        one_of("kind", MODEL_KINDS, "kind"),
        CheckConstraint("lifetime_years BETWEEN 1 AND 20", name="lifetime_years"),
        CheckConstraint("warranty_months BETWEEN 0 AND 240", name="warranty_months"),
        CheckConstraint("print_limit IS NULL OR print_limit > 0", name="print_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    series: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    lifetime_years: Mapped[int]
    warranty_months: Mapped[int]
    print_limit: Mapped[int | None]
    packs_offered: Mapped[list[str]] = mapped_column(JsonType)
    # Minutes a technician needs on site, used by routing (rules.md §6 service durations).
    service_minutes: Mapped[int] = mapped_column(default=60)


class ServiceBase(Model):
    __tablename__ = "service_bases"
    __table_args__ = (
        CheckConstraint("lat BETWEEN -90 AND 90", name="lat"),
        CheckConstraint("lon BETWEEN -180 AND 180", name="lon"),
        CheckConstraint("service_radius_km > 0", name="service_radius"),
        CheckConstraint(
            "same_day_radius_km >= 0 AND same_day_radius_km <= service_radius_km",
            name="same_day_radius",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    lat: Mapped[float]
    lon: Mapped[float]
    service_radius_km: Mapped[float]
    same_day_radius_km: Mapped[float]
