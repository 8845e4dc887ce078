"""Catalogue and record values of rules.md §3–§4: models, devices, pack products and pack records.

The app maps its database rows onto these frozen dataclasses before asking the coverage engine.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Series(StrEnum):
    """Printer series of rules.md §3 (the free warranty and 7-year lifetimes depend on it)."""

    COREFIDO = "COREFIDO"
    VINCI = "VINCI"
    OTHER = "other"


class DeviceKind(StrEnum):
    """A printer ("device") or option hardware attached to one (rules.md §3)."""

    PRINTER = "printer"
    OPTION = "option"


class PackProduct(StrEnum):
    """The eight pack products of rules.md §3 (seed: はじめに「ご注意！」(1)(2))."""

    STD1 = "std1"
    STD3 = "std3"
    STD4 = "std4"
    STD5 = "std5"
    STD6 = "std6"
    STD7 = "std7"
    EXT1 = "ext1"
    EXT2 = "ext2"

    @property
    def years(self) -> int:
        """Length of the pack in years."""
        return _PACK_YEARS[self]

    @property
    def is_standard(self) -> bool:
        """True for standard packs (std*), counted from the device purchase date."""
        return self in STANDARD_PRODUCTS


_PACK_YEARS = {
    PackProduct.STD1: 1,
    PackProduct.STD3: 3,
    PackProduct.STD4: 4,
    PackProduct.STD5: 5,
    PackProduct.STD6: 6,
    PackProduct.STD7: 7,
    PackProduct.EXT1: 1,
    PackProduct.EXT2: 2,
}

STANDARD_PRODUCTS = frozenset(p for p in PackProduct if p.value.startswith("std"))


def liability_cap_yen(price_yen: int | None, product: PackProduct) -> int | None:
    """The damages cap: one year's equivalent of the pack fee, rounded down to a yen.

    Seed §16 損害賠償(1): 「対象ハードウェア製品に対する1年分相当のパック料金を上限」; the fee
    of a pack of n years is spread evenly, so the cap is price ÷ n. None when the price is
    not recorded. (The cap does not apply to intent or gross negligence: §16(1) 後段.)
    """
    if price_yen is None:
        return None
    return price_yen // product.years
EXTENSION_PRODUCTS = frozenset(PackProduct) - STANDARD_PRODUCTS


class PackStatus(StrEnum):
    """Pack / application states of rules.md §9.1."""

    PURCHASED = "purchased"
    APPLIED = "applied"
    INQUIRY = "inquiry"
    REGISTERED = "registered"
    CANCELLED = "cancelled"
    VOID = "void"
    REFUSED = "refused"


# Packs the customer still holds. A cancelled application can be re-applied by web (seed
# 3-1 "再申請はwebによる登録申請をお願いします"), but the spec gives `cancelled` as the
# pack's status until then; void packs are lost (seed: サービス仕様書 §9(2)) and refused
# packs are refunded and "not stored as valid" (rules.md §4.6). So only these four extend
# or block coverage.
HELD_STATUSES = frozenset(
    {PackStatus.PURCHASED, PackStatus.APPLIED, PackStatus.INQUIRY, PackStatus.REGISTERED}
)


class PurchaseDateSource(StrEnum):
    """Where the device purchase date came from (rules.md §4.8, shown to the user)."""

    RECEIPT = "receipt"
    FACTORY_SHIP = "factory_ship"


class PurchaseProof(StrEnum):
    """The document that gave a device's purchase date (seed: 製品保証書・領収書・納品書).

    A device with none of them takes OKI's factory ship date instead (rules.md §4.8).
    """

    WARRANTY_CARD = "warranty_card"  # 製品保証書
    RECEIPT = "receipt"  # 領収書
    DELIVERY_NOTE = "delivery_note"  # 納品書


@dataclass(frozen=True, slots=True)
class ModelTerms:
    """What a model's catalogue entry says about coverage (rules.md §3, §9.1 model payload)."""

    code: str
    series: Series
    kind: DeviceKind
    lifetime_years: int
    warranty_months: int
    print_limit: int | None
    packs_offered: frozenset[PackProduct]


@dataclass(frozen=True, slots=True)
class DeviceFacts:
    """Facts about one device or option (rules.md §9.1 device payload)."""

    purchase_date: date | None = None
    factory_ship_date: date | None = None
    in_japan: bool = True
    print_count: int | None = None
    print_count_on: date | None = None

    @property
    def effective_purchase_date(self) -> date:
        """Receipt date, else OKI's factory ship date (seed: 工場出荷日を購入日とさせて頂く)."""
        if self.purchase_date is not None:
            return self.purchase_date
        if self.factory_ship_date is not None:
            return self.factory_ship_date
        raise ValueError("a device needs a purchase date or a factory ship date")

    @property
    def purchase_date_source(self) -> PurchaseDateSource:
        """Which date `effective_purchase_date` is (rules.md §4.8: "and this is shown")."""
        if self.purchase_date is not None:
            return PurchaseDateSource.RECEIPT
        return PurchaseDateSource.FACTORY_SHIP


@dataclass(frozen=True, slots=True)
class PackPeriod:
    """The coverage period a pack gives: nominal `start`..`end`, capped at the lifetime end."""

    start: date
    end: date
    uncapped_end: date
    continuous: bool

    @property
    def is_capped(self) -> bool:
        """True when the lifetime end cut the pack short (CAPPED_AT_LIFETIME)."""
        return self.end < self.uncapped_end

    def service_start(self, completed_on: date) -> date:
        """First day of actual service: the completion-notice day, never before `start`."""
        # Seed §4(1): service is provided from the day the completion notice arrives; a
        # continuous extension registered early still waits for the previous pack to end.
        return completed_on if completed_on > self.start else self.start


@dataclass(frozen=True, slots=True)
class PackRecord:
    """One pack as stored (rules.md §9.1 pack payload plus registration facts)."""

    id: Hashable
    product: PackProduct
    purchased_on: date
    status: PackStatus = PackStatus.PURCHASED
    completed_on: date | None = None
    support_hours: Hashable = None
    period: PackPeriod | None = None

    @property
    def is_held(self) -> bool:
        """True while the pack counts for coverage (see HELD_STATUSES)."""
        return self.status in HELD_STATUSES
