"""Payload builders with sensible defaults (rules.md §9.1), overridable per test."""

from __future__ import annotations

import hashlib
from typing import Any

from dispatch.domain.support_pack_id import ALPHABET, PREFIX, check_character

BASES = {
    # code: (name, lat, lon) — real coordinates of OXT-like service bases
    "TKY": ("東京サービスセンター", 35.6812, 139.7671),
    "OSA": ("大阪サービスセンター", 34.7025, 135.4959),
}


def model_payload(**over: Any) -> dict[str, Any]:
    payload = {
        "code": "C844dnw", "name": "COREFIDO C844dnw", "series": "COREFIDO", "kind": "printer",
        "lifetime_years": 7, "warranty_months": 60, "print_limit": 600_000,
        "packs_offered": ["std1", "std3", "std4", "std5", "std6", "std7", "ext1", "ext2"],
    }
    payload.update(over)
    return payload


def base_payload(code: str = "TKY", **over: Any) -> dict[str, Any]:
    name, lat, lon = BASES.get(code, ("拠点", 35.0, 135.0))
    payload = {"code": code, "name": name, "lat": lat, "lon": lon,
               "service_radius_km": 150.0, "same_day_radius_km": 60.0}
    payload.update(over)
    return payload


def site_payload(customer_id: int, **over: Any) -> dict[str, Any]:
    payload = {
        "customer_id": customer_id, "name": "本社 3階 総務部",
        "address": "東京都千代田区丸の内1-1-1", "postal_code": "100-0005",
        "lat": 35.6840, "lon": 139.7640, "manager_name": "佐藤 花子",
        "manager_email": "sato@example.co.jp",
    }
    payload.update(over)
    return payload


def device_payload(site_id: int, **over: Any) -> dict[str, Any]:
    payload = {"serial": "AK12345678", "model_code": "C844dnw", "site_id": site_id,
               "purchase_date": "2026-04-10"}
    payload.update(over)
    return payload


def technician_payload(**over: Any) -> dict[str, Any]:
    payload = {"name": "鈴木 一郎", "email": "suzuki@oxt.example.jp", "base_code": "TKY",
               "shift_start": "08:30", "shift_end": "17:30", "skills": ["COREFIDO", "other"]}
    payload.update(over)
    return payload


def installed_device(api, **device_over: Any) -> dict[str, Any]:
    """Create model, customer, site and device through the API; returns their ids."""
    api.post("/models", json=model_payload())
    customer = api.post("/customers", json={"name": "株式会社テスト商事"}).get_json()
    site = api.post("/sites", json=site_payload(customer["id"])).get_json()
    device = api.post("/devices", json=device_payload(site["id"], **device_over)).get_json()
    return {"customer_id": customer["id"], "site_id": site["id"], "serial": device["serial"]}


def call_payload(serial: str = "AK10000001", received_at: str = "2026-11-26T10:00:00+09:00",
                 **over: Any) -> dict[str, Any]:
    """A call as the coordinator types it on the phone (rules.md §9.1)."""
    payload = {"serial": serial, "support_pack_id": pack_id_for(serial),
               "received_at": received_at,
               "symptom": "紙詰まりが解消しない"}
    payload.update(over)
    return payload


def pack_id_for(seed: str) -> str:
    """A well-formed support pack ID (valid check character) that is the same for each seed.

    Tests name a pack by its device's serial; since rules.md §5 refuses IDs failing their
    check character, the ID is derived from the serial instead of written as `SP-<serial>`.
    """
    digest = hashlib.sha256(seed.encode()).digest()
    body = "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:7])
    return PREFIX + body + check_character(body)
