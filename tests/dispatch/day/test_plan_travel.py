"""Planning travel: the configured source, recorded so a stored plan re-solves identically."""

from __future__ import annotations

import numpy as np
import pytest

from dispatch.services.day.travel import RecordedTravel, TravelBlock, travel_from_config
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


OSAKA, KOBE, KYOTO = (34.6937, 135.5023), (34.6901, 135.1955), (35.0116, 135.7681)
GEODESIC = GeodesicTravel(detour_factor=1.3, speed_kmh=30.0, spherical=True)


def test_a_fresh_matrix_is_kept_as_one_block_with_the_sources_integers():
    travel = RecordedTravel(GEODESIC)
    table = travel.matrix([TOKYO, YOKOHAMA, OSAKA, TOKYO])
    assert len(travel.blocks) == 1 and travel.pairs == {}
    assert travel.pair_count() == 6  # 3 distinct locations, ordered pairs
    for i, a in enumerate([TOKYO, YOKOHAMA, OSAKA, TOKYO]):
        for j, b in enumerate([TOKYO, YOKOHAMA, OSAKA, TOKYO]):
            expected = (0, 0) if a == b else GEODESIC.seconds_and_metres(a, b)
            assert (table.durations[i][j], table.distances[i][j]) == expected


def test_blocks_replay_exactly_and_a_strict_replay_never_invents_a_pair():
    travel = RecordedTravel(GEODESIC)
    first = travel.matrix([TOKYO, YOKOHAMA, OSAKA])
    replayed = RecordedTravel.from_json(travel.to_json())
    assert replayed.matrix([OSAKA, TOKYO]) == travel.matrix([OSAKA, TOKYO])
    assert replayed.matrix([TOKYO, YOKOHAMA, OSAKA]) == first
    with pytest.raises(KeyError):
        replayed.matrix([TOKYO, KOBE])


def test_a_new_location_beside_a_block_asks_only_its_own_pairs():
    # A re-plan with one new call: the stored block answers the old pairs, the source only
    # the new location's row and column, which are kept as single pairs.
    travel = RecordedTravel(GEODESIC)
    travel.matrix([TOKYO, YOKOHAMA, OSAKA])
    table = travel.matrix([TOKYO, YOKOHAMA, OSAKA, KOBE])
    assert len(travel.blocks) == 1
    assert len(travel.pairs) == 6  # KOBE to and from each of the three
    assert (table.durations[3][2], table.distances[3][2]) == GEODESIC.seconds_and_metres(
        KOBE, OSAKA)
    again = RecordedTravel.from_json(travel.to_json())
    assert again.matrix([TOKYO, YOKOHAMA, OSAKA, KOBE]) == table


def test_absorbed_regions_answer_pairs_of_each_and_across_only_from_the_source():
    east, west = RecordedTravel(GEODESIC), RecordedTravel(GEODESIC)
    east_table = east.matrix([TOKYO, YOKOHAMA])
    west_table = west.matrix([OSAKA, KOBE, KYOTO])
    day = RecordedTravel(None)
    day.absorb(RecordedTravel.from_json(east.to_json()))
    day.absorb(RecordedTravel.from_json(west.to_json()))
    assert day.matrix([TOKYO, YOKOHAMA]) == east_table
    assert day.matrix([OSAKA, KOBE, KYOTO]) == west_table
    with pytest.raises(KeyError):  # a pair across the regions was never recorded
        day.matrix([TOKYO, OSAKA])
    day.inner = GEODESIC
    across = day.matrix([TOKYO, OSAKA])
    assert across.durations[0][1] == GEODESIC.seconds_and_metres(TOKYO, OSAKA)[0]


def test_a_plan_stored_before_blocks_existed_still_replays():
    # Rows of [from, to, seconds, metres] without a "blocks" key: the older plan rows.
    stored = {"source": {"kind": "recorded"}, "locations": [list(TOKYO), list(YOKOHAMA)],
              "pairs": [[0, 1, 2100, 35000], [1, 0, 2200, 36000]]}
    travel = RecordedTravel.from_json(stored)
    assert travel.matrix([YOKOHAMA, TOKYO]) == TravelMatrix(((0, 2200), (2100, 0)),
                                                            ((0, 36000), (35000, 0)))


def test_an_unreachable_pair_survives_storage():
    # OSRM's "no route" value (10,000 km) must fit the stored integers.
    travel = RecordedTravel(FakeOsrm("http://osrm"))
    travel.add_block(TravelBlock((TOKYO, KOBE), np.array([[0, 864_000], [864_000, 0]]),
                                 np.array([[0, 10_000_000], [10_000_000, 0]])))
    again = RecordedTravel.from_json(travel.to_json())
    assert again.matrix([TOKYO, KOBE]).distances == ((0, 10_000_000), (10_000_000, 0))


def test_a_value_too_large_to_store_is_refused_rather_than_wrapped():
    travel = RecordedTravel(None)
    travel.add_block(TravelBlock((TOKYO, KOBE), np.array([[0, 2**31], [1, 0]]),
                                 np.array([[0, 1], [1, 0]])))
    with pytest.raises(ValueError, match="out of range"):
        travel.to_json()
