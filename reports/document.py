"""The work report (作業報告票) as a plain value, its Japanese labels and its domain checks.

rules.md §7 lists what a technician records after an onsite visit; §9.1 fixes the payload
field names, which this module keeps. Nothing here knows Flask, the database or the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeGuard

from reports.photos import SealedPhoto


class Result(StrEnum):
    """Outcome of the visit (rules.md §7: resolved / follow-up / unresolved)."""

    RESOLVED = "resolved"
    FOLLOW_UP = "follow_up"
    UNRESOLVED = "unresolved"

    @property
    def label(self) -> str:
        """Japanese label printed on the report."""
        return RESULT_LABELS[self]


class PartCondition(StrEnum):
    """Replacement parts are new or recycled (seed §5: 新品またはリサイクル品)."""

    NEW = "new"
    RECYCLED = "recycled"

    @property
    def label(self) -> str:
        """Japanese label printed on the report."""
        return CONDITION_LABELS[self]


class ExclusionCause(StrEnum):
    """Out-of-scope causes (seed: サービス仕様書 §10, items 1-7): each makes the work chargeable."""

    UNAUTHORIZED_WORK = "unauthorized_work"
    CUSTOMER_FAULT_OR_ENVIRONMENT = "customer_fault_or_environment"
    NATURAL_DISASTER = "natural_disaster"
    WEAR_AND_CONSUMABLES = "wear_and_consumables"
    NETWORK = "network"
    NON_COVERED_HW_OR_SW = "non_covered_hw_or_sw"
    NON_OKI_SUPPLIES = "non_oki_supplies"

    @property
    def label(self) -> str:
        """Japanese label printed on the report."""
        return EXCLUSION_CAUSE_LABELS[self]


class ChecklistItem(StrEnum):
    """The customer's obligations checked before work (seed §13 お客様へのお願い)."""

    ATTENDANT_PRESENT = "attendant_present"
    ENVIRONMENT_OK = "environment_ok"
    BACKUP_KEPT = "backup_kept"
    SOFTWARE_LICENSED = "software_licensed"

    @property
    def label(self) -> str:
        """Japanese label printed on the report."""
        return CHECKLIST_LABELS[self]


# Worded after seed §13: each line is a condition the customer keeps, as the technician sees it.
CHECKLIST_LABELS: Mapping[ChecklistItem, str] = {
    ChecklistItem.ATTENDANT_PRESENT: "お客様のご担当者が作業に立ち会っている",
    ChecklistItem.ENVIRONMENT_OK: "設置場所の環境がOKIの推奨値を満たしている",
    ChecklistItem.BACKUP_KEPT: "ソフトウェアとデータのバックアップをお客様が作成・保管している",
    ChecklistItem.SOFTWARE_LICENSED: "使用されているソフトウェアが適切にライセンスされている",
}

RESULT_LABELS: Mapping[Result, str] = {
    Result.RESOLVED: "解決",
    Result.FOLLOW_UP: "要再訪",
    Result.UNRESOLVED: "未解決",
}

CONDITION_LABELS: Mapping[PartCondition, str] = {
    PartCondition.NEW: "新品",
    PartCondition.RECYCLED: "リサイクル品",
}

# Worded after the seed's list of causes the service does not cover.
EXCLUSION_CAUSE_LABELS: Mapping[ExclusionCause, str] = {
    ExclusionCause.UNAUTHORIZED_WORK: "OXT技術者以外による修理・保守・改造",
    ExclusionCause.CUSTOMER_FAULT_OR_ENVIRONMENT: "お客様の過失・誤操作・動作環境に起因する障害",
    ExclusionCause.NATURAL_DISASTER: "天災等の外部要因による障害",
    ExclusionCause.WEAR_AND_CONSUMABLES: "消耗品・メンテナンス品の自然消耗・劣化",
    ExclusionCause.NETWORK: "ネットワークおよびその設定に起因する障害",
    ExclusionCause.NON_COVERED_HW_OR_SW: "対象外のハードウェア・ソフトウェアの障害",
    ExclusionCause.NON_OKI_SUPPLIES: "OKI指定以外の消耗品・メンテナンス品・用紙の使用",
}

YES_NO_LABELS: Mapping[bool, str] = {True: "あり", False: "なし"}
RETURNED_LABELS: Mapping[bool, str] = {True: "回収済み", False: "未回収"}
ERASED_LABEL = "消去済み"


@dataclass(frozen=True)
class Part:
    """One replaced part; the removed part becomes OXT's property (seed §5)."""

    part_no: str
    qty: int
    condition: PartCondition
    removed_returned: bool


@dataclass(frozen=True)
class WorkReport:
    """One onsite visit's work report.

    Ids are strings so the value does not care whether the app uses integers or UUIDs.
    The person names (`technician_name`, `attendee_name`) are None only after an erasure
    request (rules.md §8) on a signed report; a draft always has them.
    """

    report_id: str
    visit_id: str
    call_id: str
    device_serial: str
    device_model: str
    site_name: str
    site_address: str
    customer_name: str
    support_pack_id: str
    technician_name: str | None
    arrived_at: datetime
    departed_at: datetime
    work_done: str
    result: Result
    parts: tuple[Part, ...] = ()
    technical_changes: tuple[str, ...] = ()
    data_initialized: bool = False
    counter_reading: int | None = None
    attendee_name: str | None = None
    exclusion_cause: ExclusionCause | None = None
    # Absent on reports written before the checklist existed, so their seals stay as they were.
    checklist: Mapping[ChecklistItem, bool] | None = None
    # The company whose technician did the work: OXT or a subcontractor (seed §11).
    company_name: str | None = None
    # Photos (rules.md §7): kind and hash of each stored JPEG, in order; the bytes live beside.
    photos: tuple[SealedPhoto, ...] = ()

    @property
    def is_chargeable(self) -> bool:
        """True when an out-of-scope cause applies, so the work is billed (有償)."""
        return self.exclusion_cause is not None


def parse_datetime(value: Any) -> datetime | None:
    """Read an ISO 8601 string or datetime; None unless it carries a UTC offset."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime) or value.utcoffset() is None:
        return None
    return value


# Bounds of what a technician types (rules.md §7): a report is one visit's facts on an A4
# page, not a document store. Unbounded, a 350,000-character work_done took 96 s to render
# as PDF, longer than a worker may take.
MAX_WORK_DONE = 4000
MAX_NAME = 100  # attendee
MAX_PART_NO = 40
MAX_PARTS = 30
MAX_QTY = 999
MAX_CHANGES = 20
MAX_CHANGE = 200  # one technical change
MAX_COUNTER = 999_999_999  # nine digits: the largest page counter a printer shows
MAX_VISIT = timedelta(hours=24)


def _text_error(value: Any, limit: int) -> str | None:
    """Why a required text field is refused, or None."""
    if not _is_text(value):
        return "is required"
    if len(value) > limit:
        return f"must be at most {limit} characters"
    return None


def _is_int(value: Any) -> TypeGuard[int]:
    # bool is an int subclass; True must not count as a quantity of 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_text(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and value.strip() != ""


def _enum_error(value: Any, enum: type[StrEnum]) -> str | None:
    allowed = [member.value for member in enum]
    return None if value in allowed else f"must be one of: {', '.join(allowed)}"


def _validate_times(payload: Mapping[str, Any], errors: dict[str, str]) -> None:
    times = {}
    for key in ("arrived_at", "departed_at"):
        if key not in payload:
            errors[key] = "is required"
            continue
        times[key] = parse_datetime(payload[key])
        if times[key] is None:
            errors[key] = "must be an ISO 8601 datetime with a UTC offset"
    arrived, departed = times.get("arrived_at"), times.get("departed_at")
    if arrived is not None and departed is not None and departed <= arrived:
        errors["departed_at"] = "must be after arrived_at"
    elif arrived is not None and departed is not None and departed - arrived > MAX_VISIT:
        errors["departed_at"] = "must be within 24 hours of arrived_at"


def _validate_parts(parts: Any, errors: dict[str, str]) -> None:
    if not isinstance(parts, list | tuple):
        errors["parts"] = "must be a list"
        return
    if len(parts) > MAX_PARTS:
        errors["parts"] = f"must list at most {MAX_PARTS} parts"
        return
    for index, part in enumerate(parts):
        prefix = f"parts.{index}"
        if not isinstance(part, Mapping):
            errors[prefix] = "must be an object"
            continue
        if (problem := _text_error(part.get("part_no"), MAX_PART_NO)) is not None:
            errors[f"{prefix}.part_no"] = problem
        qty = part.get("qty")
        if not _is_int(qty) or not 1 <= qty <= MAX_QTY:
            errors[f"{prefix}.qty"] = f"must be an integer from 1 to {MAX_QTY}"
        if (problem := _enum_error(part.get("condition"), PartCondition)) is not None:
            errors[f"{prefix}.condition"] = problem
        if not isinstance(part.get("removed_returned"), bool):
            errors[f"{prefix}.removed_returned"] = "must be true or false"


def validate_report_payload(payload: Mapping[str, Any]) -> dict[str, str]:
    """Check a §9.1 report payload against the domain rules; return field → message."""
    errors: dict[str, str] = {}
    _validate_times(payload, errors)
    if (problem := _text_error(payload.get("work_done"), MAX_WORK_DONE)) is not None:
        errors["work_done"] = problem
    if (problem := _enum_error(payload.get("result"), Result)) is not None:
        errors["result"] = problem
    _validate_parts(payload.get("parts", []), errors)
    changes = payload.get("technical_changes", [])
    if not isinstance(changes, list | tuple) or not all(_is_text(c) for c in changes):
        errors["technical_changes"] = "must be a list of non-empty texts"
    elif len(changes) > MAX_CHANGES or any(len(c) > MAX_CHANGE for c in changes):
        errors["technical_changes"] = (f"must list at most {MAX_CHANGES} changes of at most "
                                       f"{MAX_CHANGE} characters each")
    if not isinstance(payload.get("data_initialized"), bool):
        errors["data_initialized"] = "must be true or false"
    counter = payload.get("counter_reading")
    if counter is not None and (not _is_int(counter) or not 0 <= counter <= MAX_COUNTER):
        errors["counter_reading"] = f"must be an integer from 0 to {MAX_COUNTER}"
    # The attending site manager is required: the seed makes attendance a customer duty.
    if (problem := _text_error(payload.get("attendee_name"), MAX_NAME)) is not None:
        errors["attendee_name"] = problem
    cause = payload.get("exclusion_cause")
    if cause is not None and (problem := _enum_error(cause, ExclusionCause)) is not None:
        errors["exclusion_cause"] = problem
    _validate_checklist(payload.get("checklist"), errors)
    return errors


def _validate_checklist(checklist: Any, errors: dict[str, str]) -> None:
    if checklist is None:  # optional in the §9.1 payload
        return
    if not isinstance(checklist, Mapping) or set(checklist) != set(ChecklistItem) or not all(
            isinstance(v, bool) for v in checklist.values()):
        errors["checklist"] = (
            "must give true or false for each of: " + ", ".join(ChecklistItem))
        return
    if not checklist[ChecklistItem.ATTENDANT_PRESENT]:
        # Seed §13: the customer's person attends the work; without one there is no work
        # to report: the visit is rescheduled instead (rules.md §7).
        errors["checklist.attendant_present"] = (
            "no attendant means no work: reschedule the visit instead")


class InvalidReport(ValueError):
    """A report payload that breaks the domain rules; `errors` maps field → message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


def _validated_datetime(value: Any) -> datetime:
    parsed = parse_datetime(value)
    if parsed is None:  # unreachable after validation; keeps the type exact
        raise InvalidReport({"datetime": "must carry a UTC offset"})
    return parsed


def report_from_payload(payload: Mapping[str, Any], company_name: str | None = None,
                        **context: str) -> WorkReport:
    """Build a WorkReport from a §9.1 payload plus the ids and names the app supplies.

    `context` holds the fields the technician does not type: report_id, visit_id,
    call_id, device_serial, device_model, site_name, site_address, customer_name,
    support_pack_id and technician_name. Raises InvalidReport when validation fails.
    """
    errors = validate_report_payload(payload)
    if errors:
        raise InvalidReport(errors)
    cause = payload.get("exclusion_cause")
    # Typed as Any for mypy: the context names only text fields, never `photos`.
    names: dict[str, Any] = dict(context)
    return WorkReport(
        **names,
        arrived_at=_validated_datetime(payload["arrived_at"]),
        departed_at=_validated_datetime(payload["departed_at"]),
        work_done=payload["work_done"].strip(),
        result=Result(payload["result"]),
        parts=tuple(
            Part(
                p["part_no"].strip(), p["qty"], PartCondition(p["condition"]), p["removed_returned"]
            )
            for p in payload.get("parts", [])
        ),
        technical_changes=tuple(c.strip() for c in payload.get("technical_changes", [])),
        data_initialized=payload["data_initialized"],
        counter_reading=payload.get("counter_reading"),
        attendee_name=payload["attendee_name"].strip(),
        exclusion_cause=ExclusionCause(cause) if cause is not None else None,
        checklist=_checklist(payload.get("checklist")),
        company_name=company_name,
    )


def _checklist(raw: Mapping[str, bool] | None) -> Mapping[ChecklistItem, bool] | None:
    if raw is None:
        return None
    return {item: raw[item] for item in ChecklistItem}
