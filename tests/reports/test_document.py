"""Domain checks and Japanese labels of the work report."""

from __future__ import annotations

from typing import Any

import pytest

from reports.document import (
    CONDITION_LABELS,
    EXCLUSION_CAUSE_LABELS,
    MAX_CHANGE,
    MAX_CHANGES,
    MAX_COUNTER,
    MAX_NAME,
    MAX_PART_NO,
    MAX_PARTS,
    MAX_QTY,
    MAX_WORK_DONE,
    RESULT_LABELS,
    ExclusionCause,
    InvalidReport,
    PartCondition,
    Result,
    report_from_payload,
    validate_report_payload,
)

VALID: dict[str, Any] = {
    "arrived_at": "2026-11-26T10:05:00+09:00",
    "departed_at": "2026-11-26T11:40:00+09:00",
    "work_done": "定着器ユニット交換",
    "result": "resolved",
    "parts": [{"part_no": "44472603", "qty": 1, "condition": "new", "removed_returned": True}],
    "technical_changes": ["ファームウェア A1.23 適用"],
    "data_initialized": False,
    "counter_reading": 182340,
    "attendee_name": "鈴木 花子",
    "exclusion_cause": None,
}


def test_valid_payload_has_no_errors() -> None:
    assert validate_report_payload(VALID) == {}


def test_every_field_at_its_bound_is_still_valid() -> None:
    at_bounds = {**VALID, "work_done": "紙" * MAX_WORK_DONE, "attendee_name": "花" * MAX_NAME,
                 "parts": _part(part_no="4" * MAX_PART_NO, qty=MAX_QTY) * MAX_PARTS,
                 "technical_changes": ["x" * MAX_CHANGE] * MAX_CHANGES,
                 "counter_reading": MAX_COUNTER,
                 "departed_at": "2026-11-27T10:05:00+09:00"}
    assert validate_report_payload(at_bounds) == {}


def test_optional_fields_may_be_left_out() -> None:
    payload = {k: v for k, v in VALID.items() if k not in ("counter_reading", "exclusion_cause")}
    assert validate_report_payload(payload) == {}


def _part(**changes: Any) -> list[dict[str, Any]]:
    return [{**VALID["parts"][0], **changes}]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        # departure before arrival
        ({"departed_at": "2026-11-26T09:00:00+09:00"}, "departed_at"),
        # departure equal to arrival: no work can take zero time
        ({"departed_at": "2026-11-26T10:05:00+09:00"}, "departed_at"),
        # same instant written in UTC is still not after arrival
        ({"departed_at": "2026-11-26T01:05:00+00:00"}, "departed_at"),
        # naive datetime: the instant is ambiguous
        ({"arrived_at": "2026-11-26T10:05:00"}, "arrived_at"),
        # not a datetime at all
        ({"arrived_at": "yesterday"}, "arrived_at"),
        # empty work description
        ({"work_done": "  "}, "work_done"),
        # result outside the three allowed values
        ({"result": "fixed"}, "result"),
        # zero quantity
        ({"parts": _part(qty=0)}, "parts.0.qty"),
        # a boolean is not a quantity
        ({"parts": _part(qty=True)}, "parts.0.qty"),
        # part without number
        ({"parts": _part(part_no="")}, "parts.0.part_no"),
        # condition must be new or recycled
        ({"parts": _part(condition="used")}, "parts.0.condition"),
        # removed_returned must be a real boolean
        ({"parts": _part(removed_returned="yes")}, "parts.0.removed_returned"),
        # parts not a list
        ({"parts": "44472603"}, "parts"),
        # technical change entries must be text
        ({"technical_changes": [""]}, "technical_changes"),
        # data_initialized is required and boolean
        ({"data_initialized": None}, "data_initialized"),
        # negative counter
        ({"counter_reading": -1}, "counter_reading"),
        # the attending site manager is required
        ({"attendee_name": ""}, "attendee_name"),
        # unknown out-of-scope cause
        ({"exclusion_cause": "bad_luck"}, "exclusion_cause"),
        # bounds (rules.md §7): a 350,000-character description once took 96 s as PDF
        ({"work_done": "紙" * (MAX_WORK_DONE + 1)}, "work_done"),
        # an attendee's name, not an essay
        ({"attendee_name": "花" * (MAX_NAME + 1)}, "attendee_name"),
        # a part number of a catalogue, not free text
        ({"parts": _part(part_no="4" * (MAX_PART_NO + 1))}, "parts.0.part_no"),
        # a quantity beyond what one visit fits
        ({"parts": _part(qty=MAX_QTY + 1)}, "parts.0.qty"),
        # too many part lines for one visit
        ({"parts": _part() * (MAX_PARTS + 1)}, "parts"),
        # one technical change too long
        ({"technical_changes": ["x" * (MAX_CHANGE + 1)]}, "technical_changes"),
        # too many technical changes
        ({"technical_changes": ["更新"] * (MAX_CHANGES + 1)}, "technical_changes"),
        # a counter beyond the nine digits printers show
        ({"counter_reading": MAX_COUNTER + 1}, "counter_reading"),
        # a counter sent as text is not coerced
        ({"counter_reading": "182340"}, "counter_reading"),
        # a fractional counter is not rounded
        ({"counter_reading": 1.5}, "counter_reading"),
        # a visit lasting more than a day
        ({"departed_at": "2026-11-27T10:06:00+09:00"}, "departed_at"),
    ],
)
def test_invalid_payload_reports_the_field(changes: dict[str, Any], field: str) -> None:
    errors = validate_report_payload({**VALID, **changes})
    assert field in errors, errors
    assert len(errors) == 1, errors


def test_missing_times_are_required() -> None:
    payload = {k: v for k, v in VALID.items() if k not in ("arrived_at", "departed_at")}
    assert validate_report_payload(payload) == {
        "arrived_at": "is required",
        "departed_at": "is required",
    }


@pytest.mark.parametrize(
    ("enum", "labels"),
    [
        (Result, RESULT_LABELS),  # 解決 / 要再訪 / 未解決
        (PartCondition, CONDITION_LABELS),  # 新品 / リサイクル品
        (ExclusionCause, EXCLUSION_CAUSE_LABELS),  # the seed's seven out-of-scope causes
    ],
)
def test_every_enum_value_has_a_japanese_label(enum: Any, labels: Any) -> None:
    assert set(labels) == set(enum)
    assert all(member.label == labels[member] for member in enum)


def test_result_labels_are_the_usual_japanese_words() -> None:
    assert [r.label for r in Result] == ["解決", "要再訪", "未解決"]


def test_exclusion_cause_makes_the_work_chargeable(report: Any, chargeable_report: Any) -> None:
    assert not report.is_chargeable
    assert chargeable_report.is_chargeable


CONTEXT = {
    "report_id": "R-1",
    "visit_id": "V-1",
    "call_id": "C-1",
    "device_serial": "AK12345678",
    "device_model": "COREFIDO C844dnw",
    "site_name": "本社",
    "site_address": "東京都港区",
    "customer_name": "山田商事株式会社",
    "support_pack_id": "SP-1",
    "technician_name": "佐藤 健一",
}


def test_valid_payload_becomes_a_work_report() -> None:
    payload = {**VALID, "exclusion_cause": "network", "attendee_name": " 鈴木 花子 "}
    report = report_from_payload(payload, **CONTEXT)
    assert report.result is Result.RESOLVED
    assert report.parts[0].condition is PartCondition.NEW and report.parts[0].qty == 1
    assert report.exclusion_cause is ExclusionCause.NETWORK and report.is_chargeable
    assert report.arrived_at.utcoffset() is not None
    assert report.attendee_name == "鈴木 花子"  # stray spaces from the tablet dropped


def test_invalid_payload_raises_with_the_field_errors() -> None:
    with pytest.raises(InvalidReport) as caught:
        report_from_payload({**VALID, "result": "fixed"}, **CONTEXT)
    assert set(caught.value.errors) == {"result"}
