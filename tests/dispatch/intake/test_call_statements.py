"""POST /calls runs a fixed number of SQL statements (issue 18: intake latency).

The coordinator is on the phone while it runs, and every statement is a round trip to the
database, taken by 20 coordinators at once. The count is pinned so that a new lazy load or
look-up cannot slip into the call path unseen, and it must not grow with a device's packs or
the number of bases.
"""

from __future__ import annotations

from datetime import date

from conftest import TEST_ACTOR
from factories import base_payload, call_payload
from read_counting import statements

from dispatch.extensions import db
from dispatch.services.catalog import records
from dispatch.services.unit_of_work import unit_of_work

# 1 the token with its user; 2 the device with its model, site, customer and packs;
# 3 the bases with the island registry's key; 4-6 the call, its audit row, its visit;
# 7 the audit chain's lock (PostgreSQL only: SQLite has one writer anyway); 8 the chain's
# head; 9 the audit row linked into the chain.
STATEMENTS = {"postgresql": 9, "sqlite": 8}


def _one_call(coordinator, serial: str, key: str) -> list[str]:
    db.session.expire_all()  # nothing served from the session: a request starts empty
    with statements() as seen:
        answer = coordinator.post("/calls", json=call_payload(serial),
                                  headers={"Idempotency-Key": key})
    assert answer.status_code == 201
    assert answer.get_json()["decision"] == "same_day"
    return seen


def test_a_same_day_call_takes_nine_statements_on_postgresql_eight_on_sqlite(
        world, coordinator):
    world.covered("AK10000001")
    world.covered("AK10000002")
    _one_call(coordinator, "AK10000001", "warm-up")  # the token's first use is recorded
    seen = _one_call(coordinator, "AK10000002", "counted")
    assert len(seen) == STATEMENTS[db.engine.dialect.name], "\n".join(seen)


def test_more_packs_and_more_bases_add_no_statement(world, coordinator):
    world.covered("AK10000001")
    _one_call(coordinator, "AK10000001", "warm-up")
    small = len(_one_call(coordinator, "AK10000001", "one-pack"))
    device = world.covered("AK10000002")
    # Two older packs on the device (another product, then a lapsed one) and three more bases.
    world.pack(device, product="std1", years=1, support_pack_id="SP-22222222",
               start=date(2026, 4, 10))
    world.pack(device, status="void")
    with unit_of_work():
        for code in ("OSK", "NGY", "FUK"):
            records.create_base(base_payload(code), TEST_ACTOR)
    assert len(_one_call(coordinator, "AK10000002", "three-packs")) == small
