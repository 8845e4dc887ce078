"""NominatimGeocoder against a local stub speaking Nominatim's /search JSON."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from dispatch.geocoding import (
    GeocodingUnavailable,
    NominatimGeocoder,
    geocoder_from_config,
    split_server_url,
)

# What the stub knows: address → (lat, lon). Anything else gets an empty result list.
KNOWN_PLACES = {"東京駅": (35.6812, 139.7671), "大阪駅": (34.7025, 135.4959)}


class StubNominatim(BaseHTTPRequestHandler):
    """Answers GET /search like Nominatim with format=json; "boom" gives a 500."""

    seen_queries: list[dict[str, list[str]]] = []

    def do_GET(self) -> None:  # noqa: N802 - name fixed by http.server
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        StubNominatim.seen_queries.append({"path": [parts.path], **query})
        address = query.get("q", [""])[0]
        if address == "boom":
            self._reply(500, {"error": "internal"})
            return
        place = KNOWN_PLACES.get(address)
        body = [] if place is None else [_nominatim_hit(address, *place)]
        self._reply(200, body)

    def _reply(self, status: int, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass  # keep pytest output clean


def _nominatim_hit(name: str, lat: float, lon: float) -> dict[str, object]:
    # Nominatim sends coordinates as strings.
    return {"place_id": 1, "lat": str(lat), "lon": str(lon), "display_name": name}


@pytest.fixture
def stub_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubNominatim)
    # A short poll interval keeps shutdown (and so each test) fast.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    StubNominatim.seen_queries.clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_known_address_returns_its_coordinates(stub_url: str) -> None:
    geocoder = NominatimGeocoder(stub_url)
    assert geocoder.locate("東京駅") == pytest.approx((35.6812, 139.7671))


def test_search_is_restricted_to_japan_in_japanese(stub_url: str) -> None:
    NominatimGeocoder(stub_url).locate("大阪駅")
    query = StubNominatim.seen_queries[-1]
    assert query["path"] == ["/search"]
    assert query["countrycodes"] == ["jp"]
    assert query["accept-language"] == ["ja"]


def test_unknown_address_returns_none(stub_url: str) -> None:
    assert NominatimGeocoder(stub_url).locate("存在しない町") is None


def test_blank_address_returns_none_without_asking_the_server(stub_url: str) -> None:
    assert NominatimGeocoder(stub_url).locate("   ") is None
    assert StubNominatim.seen_queries == []


def test_server_error_raises_geocoding_unavailable(stub_url: str) -> None:
    with pytest.raises(GeocodingUnavailable):
        NominatimGeocoder(stub_url).locate("boom")


def test_unreachable_server_raises_geocoding_unavailable() -> None:
    # Port 9 (discard) on loopback is closed in the test environment: connection refused.
    geocoder = NominatimGeocoder("http://127.0.0.1:9", timeout_s=1)
    with pytest.raises(GeocodingUnavailable):
        geocoder.locate("東京駅")


def test_path_prefix_of_the_server_url_is_kept(stub_url: str) -> None:
    NominatimGeocoder(stub_url + "/nominatim/").locate("東京駅")
    assert StubNominatim.seen_queries[-1]["path"] == ["/nominatim/search"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://geo.example.jp", ("https", "geo.example.jp")),  # plain host
        ("http://127.0.0.1:8080/", ("http", "127.0.0.1:8080")),  # port, trailing slash
        ("https://maps.example.jp/nominatim", ("https", "maps.example.jp/nominatim")),  # prefix
    ],
)
def test_server_url_is_split_for_geopy(url: str, expected: tuple[str, str]) -> None:
    assert split_server_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "geo.example.jp",  # no scheme
        "ftp://geo.example.jp",  # not http(s)
        "https://",  # no host
    ],
)
def test_bad_server_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="geocoder URL"):
        split_server_url(url)


@pytest.mark.parametrize("url", [None, "", "  "])  # unset, empty, blank environment value
def test_no_configured_server_means_no_geocoder(url: str | None) -> None:
    assert geocoder_from_config(url) is None


def test_configured_server_gives_a_working_geocoder(stub_url: str) -> None:
    geocoder = geocoder_from_config(stub_url)
    assert geocoder is not None
    assert geocoder.locate("大阪駅") == pytest.approx((34.7025, 135.4959))
