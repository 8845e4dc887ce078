"""The service-area rule of rules.md §5 against four bases and the packaged island registry."""

from __future__ import annotations

import random

import pytest
from geopy.distance import geodesic

from dispatch.domain.codes import RuleCode
from dispatch.domain.island_registry import packaged_registry
from dispatch.domain.islands import IslandRegistry
from dispatch.domain.service_area import AreaVerdict, ServiceBase, evaluate_area

REGISTRY = packaged_registry()
NO_ISLANDS = IslandRegistry([])

# Service radius 150 km, same-day radius 60 km at every base.
BASES = (
    ServiceBase("TYO", 35.681, 139.767, service_radius_km=150, same_day_radius_km=60),
    ServiceBase("OSA", 34.702, 135.495, service_radius_km=150, same_day_radius_km=60),
    ServiceBase("FUK", 33.590, 130.420, service_radius_km=150, same_day_radius_km=60),
    ServiceBase("SPK", 43.069, 141.351, service_radius_km=150, same_day_radius_km=60),
)
NAHA_BASE = ServiceBase("OKA", 26.212, 127.679, service_radius_km=150, same_day_radius_km=60)

SAME_DAY = None
OUT_SAME_DAY = RuleCode.OUTSIDE_SAME_DAY_AREA
OUT_SERVICE = RuleCode.OUTSIDE_SERVICE_AREA
ISLAND = RuleCode.REMOTE_ISLAND


@pytest.mark.parametrize(
    ("lat", "lon", "code", "nearest"),
    [
        (35.681, 139.767, SAME_DAY, "TYO"),  # Tokyo station, at the base
        (35.466, 139.622, SAME_DAY, "TYO"),  # Yokohama, ~27 km
        (36.555, 139.883, OUT_SAME_DAY, "TYO"),  # Utsunomiya, ~98 km
        (38.268, 140.870, OUT_SERVICE, "TYO"),  # Sendai, ~300 km from Tokyo
        (35.011, 135.768, SAME_DAY, "OSA"),  # Kyoto, ~43 km
        (35.170, 136.882, OUT_SAME_DAY, "OSA"),  # Nagoya, ~137 km from Osaka
        (33.886, 130.883, SAME_DAY, "FUK"),  # Kitakyushu (Kokura), ~55 km
        (32.803, 130.708, OUT_SAME_DAY, "FUK"),  # Kumamoto, ~92 km
        (43.771, 142.365, OUT_SAME_DAY, "SPK"),  # Asahikawa, ~114 km
        (42.985, 144.381, OUT_SERVICE, "SPK"),  # Kushiro, ~246 km
        (34.750, 139.355, ISLAND, "TYO"),  # Izu Ōshima: island wins inside TYO's service area
        (33.749, 129.690, ISLAND, "FUK"),  # Iki: island wins, ~70 km from Fukuoka
        (45.243, 141.236, ISLAND, "SPK"),  # Rishiri: island wins over "outside service area"
        (26.212, 127.679, OUT_SERVICE, "FUK"),  # Naha: far from every base, not an island
        (24.340, 124.156, ISLAND, "FUK"),  # Ishigaki
    ],
)
def test_area_verdict_with_the_four_bases(
    lat: float, lon: float, code: RuleCode | None, nearest: str
) -> None:
    decision = evaluate_area(lat, lon, BASES, REGISTRY)
    assert decision.code is code
    assert decision.nearest_base_code == nearest


def test_remote_island_wins_even_inside_a_same_day_radius() -> None:
    # A base at Takamatsu: Naoshima (~14 km) is inside its same-day radius, still an island.
    takamatsu = ServiceBase("TKM", 34.342, 134.047, service_radius_km=150, same_day_radius_km=60)
    decision = evaluate_area(34.458, 133.975, [takamatsu], REGISTRY)
    assert decision.code is RuleCode.REMOTE_ISLAND
    assert decision.island is not None and decision.island.id == "naoshima"
    # The base facts are still reported, for a coordinator who overrides with a reason.
    assert decision.same_day_base_codes == ("TKM",)
    assert decision.distance_km == pytest.approx(14.4, abs=1.0)


def test_okinawa_honto_is_ordinary_land_served_from_a_naha_base() -> None:
    decision = evaluate_area(26.334, 127.805, [*BASES, NAHA_BASE], REGISTRY)  # Okinawa city
    assert decision.code is None
    assert decision.same_day_base_codes == ("OKA",)


@pytest.mark.parametrize(
    ("lat", "lon", "area_id"),
    [
        (26.340, 126.770, "kumejima"),  # Kumejima, ~90 km from Naha: in service area, remote
        (24.805, 125.281, "miyako"),  # Miyakojima
        (26.200, 127.360, "kerama"),  # Tokashiki, ~32 km: inside the same-day radius, remote
    ],
)
def test_outer_islands_of_okinawa_stay_remote_with_a_naha_base(
    lat: float, lon: float, area_id: str
) -> None:
    decision = evaluate_area(lat, lon, [NAHA_BASE], REGISTRY)
    assert decision.verdict is AreaVerdict.REMOTE_ISLAND
    assert decision.island is not None and decision.island.id == area_id


def test_no_bases_means_outside_service_area() -> None:
    decision = evaluate_area(35.681, 139.767, [], REGISTRY)
    assert decision.code is RuleCode.OUTSIDE_SERVICE_AREA
    assert (decision.nearest_base_code, decision.distance_km) == (None, None)


def test_distance_is_the_wgs84_geodesic() -> None:
    # Tokyo–Osaka: 403.908 km by geodesic (403.139 on a sphere).
    decision = evaluate_area(34.702, 135.495, BASES[:1], NO_ISLANDS)
    assert decision.distance_km == pytest.approx(403.908, abs=0.001)


def _point_at(base: ServiceBase, km: float, bearing: float = 45.0) -> tuple[float, float]:
    point = geodesic(kilometers=km).destination((base.lat, base.lon), bearing=bearing)
    return point.latitude, point.longitude


TOKYO = BASES[0]


@pytest.mark.parametrize(
    ("km", "code"),
    [
        (59.999, SAME_DAY),  # just inside the same-day radius
        (60.0, SAME_DAY),  # exactly on it: inclusive
        (60.001, OUT_SAME_DAY),  # 1 m beyond it
        (150.0, OUT_SAME_DAY),  # exactly on the service radius: still in the service area
        (150.001, OUT_SERVICE),  # 1 m beyond it
    ],
)
def test_radii_are_inclusive_to_the_metre(km: float, code: RuleCode | None) -> None:
    lat, lon = _point_at(TOKYO, km, bearing=0.0)  # due north, inland (Saitama/Gunma)
    decision = evaluate_area(lat, lon, [TOKYO], NO_ISLANDS)
    assert decision.code is code
    assert decision.distance_km == pytest.approx(km, abs=1e-6)


def test_base_with_radius_equal_to_the_distance_contains_the_site() -> None:
    distance = geodesic((35.0, 137.0), (TOKYO.lat, TOKYO.lon)).km
    base = ServiceBase("EXACT", TOKYO.lat, TOKYO.lon, distance, distance)
    assert evaluate_area(35.0, 137.0, [base], NO_ISLANDS).code is None


def test_same_day_bases_are_listed_nearest_first() -> None:
    wide = ServiceBase("WIDE", 35.0, 136.0, service_radius_km=300, same_day_radius_km=300)
    decision = evaluate_area(34.9, 135.6, [wide, BASES[1]], NO_ISLANDS)  # near Osaka
    assert decision.same_day_base_codes == ("OSA", "WIDE")
    assert decision.nearest_base_code == "OSA"


def test_prefilter_agrees_with_brute_force_geodesic() -> None:
    # The great-circle pre-filter must never change which bases contain a site.
    rng = random.Random(20261126)
    for _ in range(300):
        lat, lon = rng.uniform(30.0, 45.5), rng.uniform(128.0, 146.0)
        decision = evaluate_area(lat, lon, BASES, NO_ISLANDS)
        exact = {b.code: geodesic((lat, lon), (b.lat, b.lon)).km for b in BASES}
        assert decision.nearest_base_code == min(exact, key=exact.__getitem__)
        assert set(decision.service_base_codes) == {
            b.code for b in BASES if exact[b.code] <= b.service_radius_km
        }


@pytest.mark.parametrize(
    ("verdict", "code"),
    [
        (AreaVerdict.IN_SAME_DAY_AREA, None),  # no code: same-day area
        (AreaVerdict.OUTSIDE_SAME_DAY_AREA, RuleCode.OUTSIDE_SAME_DAY_AREA),  # next support day
        (AreaVerdict.OUTSIDE_SERVICE_AREA, RuleCode.OUTSIDE_SERVICE_AREA),  # phone only
        (AreaVerdict.REMOTE_ISLAND, RuleCode.REMOTE_ISLAND),  # phone only
    ],
)
def test_verdicts_carry_the_spec_rule_codes(verdict: AreaVerdict, code: RuleCode | None) -> None:
    assert verdict.code is code
    assert verdict.name == (code.value if code else "IN_SAME_DAY_AREA")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"service_radius_km": 50, "same_day_radius_km": 80}, "same_day_radius_km"),  # too big
        ({"service_radius_km": -1, "same_day_radius_km": 0}, "service_radius_km"),  # negative
        ({"lat": 135.5, "lon": 34.7}, "lat 135.5"),  # lat/lon swapped
    ],
)
def test_invalid_base_is_refused(kwargs: dict[str, float], message: str) -> None:
    fields = {"lat": 34.7, "lon": 135.5, "service_radius_km": 100, "same_day_radius_km": 50}
    with pytest.raises(ValueError, match=message):
        ServiceBase("BAD", **{**fields, **kwargs})


def test_site_with_impossible_coordinates_is_refused() -> None:
    with pytest.raises(ValueError, match="site: lat"):
        evaluate_area(139.7, 35.6, BASES, REGISTRY)
