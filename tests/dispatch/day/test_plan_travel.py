"""Planning travel: the configured source, recorded so a stored plan re-solves identically."""

from __future__ import annotations

import pytest

from dispatch.services.day.travel import RecordedTravel, travel_from_config
from routing import GeodesicTravel, OsrmTravel, TravelMatrix

TOKYO, YOKOHAMA = (35.6812, 139.7671), (35.4437, 139.6380)


@pytest.mark.parametrize(("config", "kind"), [
    ({}, GeodesicTravel),  # default: geodesic × detour ÷ speed
    ({"DISPATCH_OSRM_URL": "http://osrm:5000"}, OsrmTravel),  # a road server when configured
])
def test_travel_source_follows_the_configuration(config, kind):
    assert isinstance(travel_from_config(config).inner, kind)


def test_detour_factor_and_speed_come_from_the_configuration():
    travel = travel_from_config({"DISPATCH_DETOUR_FACTOR": "1.5", "DISPATCH_SPEED_KMH": "40"})
    assert (travel.inner.detour_factor, travel.inner.speed_kmh) == (1.5, 40.0)


class FakeOsrm(OsrmTravel):
    calls = 0

    def matrix(self, locations):
        FakeOsrm.calls += 1
        n = len(locations)
        table = tuple(tuple(0 if i == j else 600 for j in range(n)) for i in range(n))
        return TravelMatrix(table, tuple(tuple(v * 10 for v in row) for row in table))


def test_recorded_pairs_replay_without_asking_the_server_again():
    travel = RecordedTravel(FakeOsrm("http://osrm"))
    first = travel.matrix([TOKYO, YOKOHAMA])
    travel.matrix([YOKOHAMA, TOKYO])
    assert FakeOsrm.calls == 1
    replayed = RecordedTravel.from_json(travel.to_json())
    assert replayed.matrix([TOKYO, YOKOHAMA]) == first
    with pytest.raises(KeyError):  # a strict replay never invents a duration
        replayed.matrix([TOKYO, (34.69, 135.50)])
