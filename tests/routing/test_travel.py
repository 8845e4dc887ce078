"""Travel-time sources: geodesic estimate and the OSRM table adapter against a local stub."""

from __future__ import annotations

import json
import math
import random
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from geopy.distance import geodesic

from routing.travel import UNREACHABLE_SECONDS, GeodesicTravel, OsrmTravel

TOKYO = (35.681, 139.767)
OSAKA = (34.702, 135.495)


def test_geodesic_travel_time_is_distance_times_detour_over_speed_rounded_up():
    travel = GeodesicTravel(detour_factor=1.25, speed_kmh=40.0)
    metres = geodesic(TOKYO, OSAKA).meters * 1.25
    seconds, road_metres = travel.seconds_and_metres(TOKYO, OSAKA)
    assert seconds == math.ceil(metres / (40 / 3.6))
    assert road_metres == math.ceil(metres)


def test_geodesic_rounds_a_fraction_of_a_second_up_to_a_whole_second():
    # About 1.1 m apart: a fraction of a second at any speed, still 1 s, never 0.
    seconds, metres = GeodesicTravel().seconds_and_metres(TOKYO, (35.68101, 139.767))
    assert (seconds, metres) == (1, 2)


def test_geodesic_matrix_is_symmetric_with_zero_diagonal_and_handles_duplicates():
    matrix = GeodesicTravel().matrix([TOKYO, OSAKA, TOKYO])
    assert matrix.durations[0][0] == matrix.durations[0][2] == 0
    assert matrix.durations[0][1] == matrix.durations[1][0] == matrix.durations[2][1] > 0
    assert isinstance(matrix.distances[0][1], int)


class _Stub(BaseHTTPRequestHandler):
    """Answers /table/v1/driving/ like OSRM: 100 s and 1000.4 m per index step."""

    seen: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        _Stub.seen.append(self.path)
        if not self.path.startswith("/table/v1/driving/"):
            self.send_error(404)
            return
        coords = self.path.split("/")[-1].split("?")[0].split(";")
        n = len(coords)
        body = {
            "code": "Ok",
            "durations": [[abs(i - j) * 100.2 for j in range(n)] for i in range(n)],
            "distances": [[abs(i - j) * 1000.4 for j in range(n)] for i in range(n)],
        }
        if n == 3:
            body["durations"][0][2] = None  # unroutable pair
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def osrm_url():
    server = HTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_osrm_adapter_sends_lon_lat_and_rounds_durations_up(osrm_url):
    matrix = OsrmTravel(osrm_url).matrix([TOKYO, OSAKA])
    assert matrix.durations == ((0, 101), (101, 0))
    assert matrix.distances == ((0, 1001), (1001, 0))
    assert "/table/v1/driving/139.767000,35.681000;135.495000,34.702000?" in _Stub.seen[-1]


def test_osrm_adapter_asks_once_per_distinct_location(osrm_url):
    matrix = OsrmTravel(osrm_url).matrix([TOKYO, TOKYO, OSAKA])
    assert _Stub.seen[-1].count(";") == 1
    assert matrix.durations[1][2] == 101 and matrix.durations[0][1] == 0


def test_osrm_unroutable_pair_becomes_a_prohibitive_travel_time(osrm_url):
    matrix = OsrmTravel(osrm_url).matrix([TOKYO, OSAKA, (43.06, 141.35)])
    assert matrix.durations[0][2] == UNREACHABLE_SECONDS


def test_spherical_estimate_stays_within_half_a_percent_of_the_geodesic_one():
    exact, _ = GeodesicTravel().seconds_and_metres(TOKYO, OSAKA)
    sphere, _ = GeodesicTravel(spherical=True).seconds_and_metres(TOKYO, OSAKA)
    assert abs(sphere - exact) / exact < 0.005


@pytest.mark.parametrize("spherical", [True, False])
def test_many_pairs_give_the_very_integers_of_one_pair_at_a_time(spherical):
    # Sites across Japan, both directions of each pair, a repeated location, a zero pair.
    rng = random.Random(7)
    points = [(round(rng.uniform(24.0, 45.5), 5), round(rng.uniform(123.0, 146.0), 5))
              for _ in range(40)] + [(35.6812, 139.7671), (35.6812, 139.7671)]
    pairs = [(a, b) for a in points for b in points]
    travel = GeodesicTravel(1.3, 30.0, spherical=spherical)
    assert travel.many(pairs) == [travel.seconds_and_metres(a, b) for a, b in pairs]
