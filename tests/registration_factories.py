"""Registration payload builders and an API driver for packs (rules.md §9.1)."""

from __future__ import annotations

from typing import Any

HOURS = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:30",
         "closed_on_holidays": True, "closed_dates": ["12-30", "12-31", "01-01", "01-02",
                                                      "01-03"]}
ALL_CONSENTS = {"service_spec": True, "privacy": True, "antisocial_declaration": True}


def pack_payload(**over: Any) -> dict[str, Any]:
    payload = {"target_serial": "AK12345678", "product": "std5", "purchased_on": "2026-05-01",
               "support_hours": HOURS}
    payload.update(over)
    return payload


class Flow:
    """Drive a pack through the API as a coordinator."""

    def __init__(self, api) -> None:
        self.api = api
        # The ID of the last pack registered through this flow: an extension's application
        # quotes it, as the customer does (rules.md §4, current_support_pack_id).
        self.current_support_pack_id: str | None = None

    def pack(self, **over: Any) -> dict[str, Any]:
        resp = self.api.post("/packs", json=pack_payload(**over))
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    def apply(self, pack_id: int, applied_on: str = "2026-05-10", channel: str = "web") -> int:
        resp = self.api.post(f"/packs/{pack_id}/applications", json={
            "channel": channel, "applied_on": applied_on, "consents": ALL_CONSENTS,
            "current_support_pack_id": self.current_support_pack_id})
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["id"]

    def complete(self, application_id: int, on: str = "2026-05-19") -> dict[str, Any]:
        resp = self.api.post(f"/applications/{application_id}/complete",
                             json={"completed_on": on})
        assert resp.status_code == 200, resp.get_json()
        self.current_support_pack_id = resp.get_json()["support_pack_id"]
        return resp.get_json()

    def registered(self, applied_on: str = "2026-05-10", completed_on: str = "2026-05-19",
                   **over: Any) -> dict[str, Any]:
        pack = self.pack(**over)
        return self.complete(self.apply(pack["id"], applied_on), completed_on)
