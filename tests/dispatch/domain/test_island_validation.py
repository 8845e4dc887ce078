"""Building an IslandRegistry from administrator-edited dicts refuses bad data clearly."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from dispatch.domain.islands import IslandRegistry

SQUARE = [[139.0, 34.0], [139.1, 34.0], [139.1, 34.1], [139.0, 34.1], [139.0, 34.0]]
TRIANGLE_UNCLOSED = [[139.0, 34.0], [139.1, 34.0], [139.1, 34.1], [139.0, 34.1]]
TWO_DISTINCT = [[139.0, 34.0], [139.1, 34.0], [139.0, 34.0], [139.0, 34.0]]
BOW_TIE = [[139.0, 34.0], [139.1, 34.1], [139.1, 34.0], [139.0, 34.1], [139.0, 34.0]]
SWAPPED = [[34.0, 139.0], [34.1, 139.0], [34.1, 139.1], [34.0, 139.1], [34.0, 139.0]]


def _area(area_id: str = "test-island", **shape: Any) -> dict[str, Any]:
    return {
        "id": area_id,
        "name_ja": "試験島",
        "name_en": "Test Island",
        "prefecture": "東京都",
        "shapes": [shape or {"type": "polygon", "ring": copy.deepcopy(SQUARE)}],
    }


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (_area(type="polygon", ring=SQUARE[:-1]), "not closed"),  # last point missing
        (_area(type="polygon", ring=TRIANGLE_UNCLOSED), "not closed"),  # 4 points, open
        (_area(type="polygon", ring=SQUARE[:2] + SQUARE[:1]), "at least 4"),  # 3 points
        (_area(type="polygon", ring=TWO_DISTINCT), "3 distinct"),  # closed but a line
        (_area(type="polygon", ring=BOW_TIE), "invalid"),  # self-intersecting
        (_area(type="polygon", ring=SWAPPED), "lat"),  # [lat, lon] instead of [lon, lat]
        (_area(type="polygon", ring=[[139.0, 34.0, 0.0]] * 5), "must be \\[lon, lat\\]"),  # 3-D
        (_area(type="circle", lat=34.0, lon=139.0, radius_km=0), "radius_km must be > 0"),
        (_area(type="circle", lat=34.0, lon=139.0, radius_km=-2), "radius_km must be > 0"),
        (_area(type="circle", lat=34.0, lon=139.0, radius_km="5"), "radius_km must be a number"),
        (_area(type="circle", lat=95.0, lon=139.0, radius_km=5), "lat 95.0 is outside"),
        (_area(type="circle", lat=34.0, lon=181.0, radius_km=5), "lon 181.0 is outside"),
        (_area(type="circle", lat=34.0, lon=float("nan"), radius_km=5), "lon nan"),
        (_area(type="circle", lon=139.0, radius_km=5), "lat must be a number"),  # lat missing
        (_area(type="square", lat=34.0, lon=139.0), "type must be 'circle' or 'polygon'"),
        ({**_area(), "shapes": []}, "non-empty list"),
        ({**_area(), "name_en": ""}, "'name_en' must be a non-empty string"),
        ({**_area(), "id": None}, "'id' must be a non-empty string"),
    ],
)
def test_bad_record_is_refused_with_a_clear_message(record: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        IslandRegistry.from_dicts([record])


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate island area ids: twin"):
        IslandRegistry.from_dicts([_area("twin"), _area("twin")])


def test_document_without_areas_list_is_refused() -> None:
    with pytest.raises(ValueError, match="'areas' list"):
        IslandRegistry.from_document({"_about": {}})


def test_error_names_the_area_and_shape() -> None:
    bad = _area("hachijo-typo", type="circle", lat=33.1, lon=139.8, radius_km=0)
    with pytest.raises(ValueError, match="island area 'hachijo-typo' shape 1"):
        IslandRegistry.from_dicts([bad])


@pytest.mark.parametrize(
    ("lat", "lon", "found"),
    [
        (34.05, 139.05, True),  # inside the square
        (34.0, 139.05, True),  # exactly on the south edge: counts as on the island
        (34.0, 139.0, True),  # exactly on a corner
        (33.9999, 139.05, False),  # ~10 m south of the edge
    ],
)
def test_polygon_boundary_counts_as_inside(lat: float, lon: float, found: bool) -> None:
    registry = IslandRegistry.from_dicts([_area()])
    assert (registry.find_island(lat, lon) is not None) is found


@pytest.mark.parametrize(
    ("lat", "found"),
    [
        (34.0 + 4.999 / 111.195, True),  # 4.999 km north of the centre, radius 5 km
        (34.0 + 5.001 / 111.195, False),  # 5.001 km north
    ],
)
def test_circle_is_measured_in_km(lat: float, found: bool) -> None:
    registry = IslandRegistry.from_dicts([_area(type="circle", lat=34.0, lon=139.0, radius_km=5)])
    assert (registry.find_island(lat, 139.0) is not None) is found


def test_overlapping_areas_resolve_to_the_first_in_order() -> None:
    # An administrator's mistake: a circle drawn inside the square of an earlier area.
    second = _area("second", type="circle", lat=34.05, lon=139.05, radius_km=3)
    registry = IslandRegistry.from_dicts([_area("first"), second])
    area = registry.find_island(34.05, 139.05)
    assert area is not None and area.id == "first"


@pytest.mark.parametrize(("lat", "lon"), [(91.0, 139.0), (34.0, -181.0)])  # out of range
def test_lookup_with_impossible_coordinates_is_refused(lat: float, lon: float) -> None:
    with pytest.raises(ValueError, match="outside"):
        IslandRegistry.from_dicts([_area()]).find_island(lat, lon)


def test_empty_registry_finds_nothing() -> None:
    assert IslandRegistry.from_dicts([]).find_island(34.05, 139.05) is None
