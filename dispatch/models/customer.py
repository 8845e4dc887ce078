"""Customers and their sites (設置場所), where devices stand and site managers sign."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.domain.ownership import email_key
from dispatch.extensions import Model
from dispatch.models.types import UTCDateTime


class Customer(Model):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # rules.md §8: use can be stopped and personal data erased on request (開示等).
    use_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # rules.md §8: an anti-social force is terminated at once.
    terminated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    termination_reason: Mapped[str | None] = mapped_column(Text)

    sites: Mapped[list[Site]] = relationship(back_populates="customer")


class Site(Model):
    __tablename__ = "sites"
    __table_args__ = (
        CheckConstraint("lat IS NULL OR lat BETWEEN -90 AND 90", name="lat"),
        CheckConstraint("lon IS NULL OR lon BETWEEN -180 AND 180", name="lon"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(400))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    manager_name: Mapped[str] = mapped_column(String(120))
    manager_email: Mapped[str | None] = mapped_column(String(254), index=True)
    remote_island: Mapped[bool] = mapped_column(default=False)
    island_area_code: Mapped[str | None] = mapped_column(String(40))

    customer: Mapped[Customer] = relationship(back_populates="sites")

    @classmethod
    def managed_by(cls, email: str) -> ColumnElement[bool]:
        """SQL condition: the site whose manager is `email` (case-insensitive, as manages_site)."""
        return func.lower(func.trim(cls.manager_email)) == email_key(email)
