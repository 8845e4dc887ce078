"""Covered printers (対象ハードウェア製品), their options, and relocations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.domain.products import PurchaseProof
from dispatch.extensions import Model
from dispatch.models.catalog import PrinterModel
from dispatch.models.customer import Site
from dispatch.models.types import EnumText, UTCDateTime, one_of


class Device(Model):
    """A printer or an option; an option has a parent device it is attached to."""

    __tablename__ = "devices"
    __table_args__ = (
        CheckConstraint("print_count IS NULL OR print_count >= 0", name="print_count"),
        CheckConstraint(
            "purchase_date IS NOT NULL OR factory_ship_date IS NOT NULL", name="known_start"
        ),
        one_of("purchase_proof", tuple(PurchaseProof), "purchase_proof"),
        CheckConstraint("purchase_proof IS NULL OR purchase_date IS NOT NULL",
                        name="proof_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("printer_models.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    parent_device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), index=True)
    purchase_date: Mapped[date | None] = mapped_column(Date)
    # Which document gave purchase_date (製品保証書・領収書・納品書); None when not recorded.
    purchase_proof: Mapped[PurchaseProof | None] = mapped_column(EnumText(PurchaseProof, 16))
    factory_ship_date: Mapped[date | None] = mapped_column(Date)
    print_count: Mapped[int | None]
    print_count_on: Mapped[date | None] = mapped_column(Date)
    in_japan: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    model: Mapped[PrinterModel] = relationship()
    site: Mapped[Site] = relationship()
    parent: Mapped[Device | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def effective_purchase_date(self) -> date:
        # rules.md §4 rule 8: unknown purchase date → the factory ship date, shown as such.
        return self.purchase_date or self.factory_ship_date  # type: ignore[return-value]

    @property
    def purchase_date_source(self) -> str:
        return "receipt" if self.purchase_date else "factory_ship"


class Relocation(Model):
    __tablename__ = "relocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    from_site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    to_site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    notified_on: Mapped[date] = mapped_column(Date)
    moved_on: Mapped[date] = mapped_column(Date)
    # OXT's written consent when the new site belongs to another customer (seed §14).
    transfer_consented_on: Mapped[date | None] = mapped_column(Date)
    transfer_consent_ref: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
