"""The packaged remote-island registry: every island found, every strait's mainland side not."""

from __future__ import annotations

import itertools
import json
import math

import pytest
import shapely

from dispatch.domain.island_registry import packaged_registry, read_packaged_document
from dispatch.domain.islands import CircleShape, IslandRegistry, PolygonShape

REGISTRY = packaged_registry()

# A town or port on each listed island → the area it must fall in. (lat, lon), WGS84.
ON_ISLAND = [
    (34.750, 139.355, "izu-oshima"),  # Izu Ōshima, Motomachi port
    (34.522, 139.282, "toshima"),  # Toshima village
    (34.375, 139.262, "niijima"),  # Niijima village
    (34.326, 139.214, "shikinejima"),  # Shikinejima
    (34.213, 139.135, "kozushima"),  # Kōzushima village
    (34.088, 139.530, "miyakejima"),  # Miyakejima, Mt Oyama
    (33.875, 139.600, "mikurajima"),  # Mikurajima
    (33.105, 139.795, "hachijojima"),  # Hachijōjima, Mitsune
    (33.125, 139.690, "hachijojima"),  # Hachijō-kojima (uninhabited, same area)
    (32.460, 139.765, "aogashima"),  # Aogashima
    (27.094, 142.192, "chichijima"),  # Chichijima, Futami port
    (26.640, 142.160, "hahajima"),  # Hahajima, Oki village
    (38.083, 138.437, "sado"),  # Sado, Ryōtsu port
    (37.815, 138.283, "sado"),  # Sado, Ogi port (south-west tip)
    (38.030, 138.240, "sado"),  # Sado, Aikawa (west coast)
    (38.465, 139.245, "awashima"),  # Awashima
    (39.195, 139.550, "tobishima"),  # Tobishima
    (37.850, 136.920, "hegurajima"),  # Hegurajima
    (36.205, 133.328, "oki"),  # Oki Dōgo, Saigō
    (36.090, 133.050, "oki"),  # Oki Dōzen, Nishinoshima
    (34.203, 129.289, "tsushima"),  # Tsushima, Izuhara
    (34.655, 129.480, "tsushima"),  # Tsushima, Hitakatsu (north)
    (33.749, 129.690, "iki"),  # Iki, Gōnoura
    (32.697, 128.841, "goto"),  # Gotō, Fukue
    (32.988, 129.117, "goto"),  # Gotō, Nakadōri (Arikawa)
    (33.180, 129.050, "goto"),  # Ojika
    (33.265, 129.125, "goto"),  # Ukujima
    (28.377, 129.494, "amami-oshima"),  # Amami Ōshima, Naze
    (28.110, 129.270, "amami-oshima"),  # Kakeromajima (unbridged; Amami area)
    (28.321, 129.939, "kikaijima"),  # Kikaijima, Wan
    (27.730, 129.020, "tokunoshima"),  # Tokunoshima port
    (27.390, 128.650, "okinoerabujima"),  # Okinoerabu, Wadomari
    (27.045, 128.420, "yoronjima"),  # Yoronjima
    (29.840, 129.860, "tokara"),  # Tokara, Nakanoshima
    (29.150, 129.210, "tokara"),  # Tokara, Takarajima
    (30.430, 130.570, "yakushima"),  # Yakushima, Miyanoura
    (30.455, 130.215, "kuchinoerabujima"),  # Kuchinoerabujima
    (30.732, 130.997, "tanegashima"),  # Tanegashima, Nishinoomote
    (30.400, 130.960, "tanegashima"),  # Tanegashima, Minamitane
    (30.790, 130.290, "mishima-kagoshima"),  # Iōjima
    (31.830, 129.880, "koshikijima"),  # Kamikoshikijima
    (26.340, 126.770, "kumejima"),  # Kumejima
    (26.200, 127.360, "kerama"),  # Tokashikijima
    (26.585, 127.230, "aguni"),  # Agunijima
    (26.370, 127.140, "tonaki"),  # Tonakijima
    (27.040, 127.970, "iheya-izena"),  # Iheyajima
    (26.930, 127.940, "iheya-izena"),  # Izenajima
    (26.715, 127.775, "iejima"),  # Iejima
    (24.805, 125.281, "miyako"),  # Miyakojima, Hirara
    (24.830, 125.190, "miyako"),  # Irabujima (bridged to Miyako)
    (24.660, 124.700, "tarama"),  # Taramajima
    (24.755, 124.695, "minnajima-tarama"),  # Minnajima, 8 km north of Tarama
    (24.340, 124.156, "ishigaki"),  # Ishigaki city
    (24.330, 123.820, "taketomi"),  # Iriomotejima
    (24.327, 124.088, "taketomi"),  # Taketomijima
    (24.058, 123.780, "hateruma"),  # Haterumajima
    (24.467, 123.005, "yonaguni"),  # Yonagunijima, Sonai
    (25.845, 131.245, "minamidaito"),  # Minamidaitōjima
    (25.945, 131.300, "kitadaito"),  # Kitadaitōjima
    (45.243, 141.236, "rishiri"),  # Rishiri, Oshidomari
    (45.303, 141.048, "rebun"),  # Rebun, Kafuka
    (45.450, 141.010, "rebun"),  # Rebun, Cape Sukoton (north)
    (42.172, 139.514, "okushiri"),  # Okushiri town
    (42.050, 139.450, "okushiri"),  # Okushiri, Aonae (south)
    (44.418, 141.312, "teuri-yagishiri"),  # Teuri
    (44.432, 141.418, "teuri-yagishiri"),  # Yagishiri
    (34.487, 134.185, "shodoshima"),  # Shōdoshima, Tonoshō
    (34.488, 134.075, "teshima"),  # Teshima
    (34.458, 133.975, "naoshima"),  # Naoshima, Miyanoura port
    (34.392, 134.060, "megijima-ogijima"),  # Megijima
    (34.430, 134.060, "megijima-ogijima"),  # Ogijima
    (34.127, 133.533, "ibukijima"),  # Ibukijima
    (34.675, 134.535, "ieshima"),  # Ieshima
    (33.897, 130.430, "munakata-oshima"),  # Ōshima off Munakata
    (38.3375, 141.1115, "urato"),  # Urato Islands, 宮城県
    (38.298, 141.417, "tashirojima"),  # Tashirojima, 宮城県
    (38.266, 141.479, "ajishima"),  # Ajishima, 宮城県
    (38.296, 141.567, "kinkasan"),  # Kinkasan, 宮城県
    (38.400, 141.595, "enoshima-onagawa"),  # Enoshima (Onagawa), 宮城県
    (35.039, 139.169, "hatsushima"),  # Hatsushima, 静岡県
    (34.705, 137.005, "himakajima"),  # Himakajima, 愛知県
    (34.675, 137.004, "shinojima"),  # Shinojima, 愛知県
    (34.728, 137.055, "sakushima"),  # Sakushima, 愛知県
    (34.521, 136.878, "toshijima"),  # Tōshijima, 三重県
    (34.499, 136.9005, "sugashima"),  # Sugashima, 三重県
    (34.487, 136.859, "sakatejima"),  # Sakatejima, 三重県
    (34.535, 136.985, "kamishima-toba"),  # Kamishima (Toba), 三重県
    (34.362, 136.853, "watakanojima"),  # Watakanojima, 三重県
    (35.198, 136.059, "okishima"),  # Okishima, 滋賀県
    (34.168, 134.826, "nushima"),  # Nushima, 兵庫県
    (34.447, 133.503, "takashima-kasaoka"),  # Takashima (Kasaoka), 岡山県
    (34.402, 133.517, "shiraishijima"),  # Shiraishijima, 岡山県
    (34.382, 133.537, "kitagishima"),  # Kitagishima, 岡山県
    (34.353, 133.580, "manabeshima"),  # Manabeshima, 岡山県
    (34.347, 133.522, "hishima-kasaoka"),  # Ōbishima and Kobishima, 岡山県
    (34.304, 133.532, "mushima"),  # Mushima, 岡山県
    (34.565, 134.102, "inujima"),  # Inujima, 岡山県
    (34.250, 132.905, "osakikamijima"),  # Ōsakikamijima, 広島県
    (34.345, 133.050, "sagishima"),  # Sagishima, 広島県
    (34.343, 133.440, "hashirijima"),  # Hashirijima, 広島県
    (34.267, 132.310, "miyajima"),  # Miyajima (Itsukushima), 広島県
    (34.300, 132.435, "ninoshima"),  # Ninoshima, 広島県
    (34.192, 132.308, "atatajima"),  # Atatajima, 5 km south of Miyajima
    (33.796, 132.222, "heigunto"),  # Heigunto, 山口県
    (33.784, 131.990, "iwaishima"),  # Iwaishima, 山口県
    (34.021, 131.707, "ozushima"),  # Ōzushima, 山口県
    (34.770, 131.150, "mishima-hagi"),  # Mishima (Hagi), 山口県
    (34.475, 131.365, "oshima-hagi"),  # Ōshima (Hagi), 山口県
    (33.975, 130.870, "mutsurejima"),  # Mutsurejima, 山口県
    (33.850, 134.815, "ishima-anan"),  # Ishima, 徳島県
    (33.632, 134.424, "tebajima"),  # Tebajima, 徳島県
    (34.384, 133.769, "honjima"),  # Honjima (Shiwaku), 香川県
    (34.335, 133.700, "hiroshima-marugame"),  # Hiroshima (Marugame), 香川県
    (34.270, 133.620, "awashima-mitoyo"),  # Awashima (Mitoyo), 香川県
    (33.981, 132.590, "kutsuna"),  # Kutsuna Islands, 愛媛県
    (33.900, 132.669, "gogoshima"),  # Gogoshima, 愛媛県
    (34.269, 133.217, "yuge"),  # Yugeshima and Sashima, 愛媛県
    (34.261, 133.149, "iwagijima"),  # Iwagijima, 愛媛県
    (34.177, 133.318, "uoshima"),  # Uoshima, 愛媛県
    (33.171, 132.293, "hiburijima"),  # Hiburijima, 愛媛県
    (33.735, 132.485, "aoshima-ozu"),  # Aoshima (Ōzu), 愛媛県
    (32.728, 132.555, "okinoshima-kochi"),  # Okinoshima, 高知県
    (32.802, 132.490, "ugurushima"),  # Ugurushima, 高知県
    (33.762, 130.362, "ainoshima"),  # Ainoshima, 福岡県
    (33.905, 130.528, "jinoshima"),  # Jinoshima, 福岡県
    (33.690, 130.233, "genkaijima"),  # Genkaijima, 福岡県
    (33.865, 130.035, "oronoshima"),  # Oronoshima, 福岡県
    (33.621, 130.303, "nokonoshima"),  # Nokonoshima, 福岡県
    (33.990, 130.818, "aishima"),  # Aishima, 福岡県
    (33.580, 129.860, "kakarashima"),  # Kakarashima, 佐賀県
    (33.573, 129.759, "madarashima"),  # Madarashima, 佐賀県
    (33.600, 129.900, "ogawashima"),  # Ogawashima, 佐賀県
    (33.967, 130.854, "umashima"),  # Umashima, 福岡県 (300 m from 六連島)
    (33.571, 130.049, "himeshima-itoshima"),  # Himeshima (Itoshima), 福岡県
    (34.071, 132.707, "aijima"),  # Aijima, 愛媛県
    (33.998, 133.363, "oshima-niihama"),  # Ōshima (Niihama), 愛媛県
    (33.386, 132.340, "oshima-yawatahama"),  # Ōshima (Yawatahama), 愛媛県
    (34.104, 130.787, "futaoijima"),  # Futaoijima, 山口県
    (34.020, 132.412, "hashirajima"),  # Hashirajima, 山口県
    (33.723, 132.141, "yashima-kaminoseki"),  # Yashima (Kaminoseki), 山口県
    (34.317, 133.671, "takamijima"),  # Takamijima, 香川県 (3.4 km from 広島)
    (34.378, 133.649, "kotejima"),  # Kotejima, 香川県
    (33.198, 132.359, "tojima-uwajima"),  # Tojima, 愛媛県
    (33.533, 129.972, "kashiwajima-karatsu"),  # Kashiwajima, 佐賀県
    (33.474, 129.991, "takashima-karatsu"),  # Takashima (Karatsu), 佐賀県
    (34.290, 136.816, "masakijima"),  # Masakijima, 三重県
    (33.480, 129.555, "azuchi-oshima"),  # Azuchi-Ōshima, 長崎県
    (33.439, 129.524, "takushima"),  # Takushima, 長崎県
    (33.142, 129.534, "kuroshima-sasebo"),  # Kuroshima (Sasebo), 長崎県
    (32.935, 129.595, "ikeshima"),  # Ikeshima, 長崎県
    (32.655, 129.760, "takashima-nagasaki"),  # Takashima (Nagasaki), 長崎県
    (32.600, 130.335, "yushima"),  # Yushima, 熊本県
    (32.335, 130.330, "goshouraujima"),  # Goshouraujima, 熊本県
    (33.725, 131.651, "himeshima"),  # Himeshima, 大分県
    (33.135, 131.990, "hotojima"),  # Hotojima, 大分県
    (32.664, 131.822, "shimaurajima"),  # Shimaurajima, 宮崎県
    (32.279, 130.240, "shishijima"),  # Shishijima, 鹿児島県
    (26.250, 127.942, "tsukenjima"),  # Tsukenjima, 沖縄県
    (26.153, 127.888, "kudakajima"),  # Kudakajima, 沖縄県
    (26.645, 127.815, "minnajima-motobu"),  # Minnajima (Motobu), 沖縄県
]

# Mainland (or bridged, or Okinawa Hontō) side of each strait: must not be remote.
NOT_REMOTE = [
    (45.415, 141.673),  # Wakkanai (vs Rebun, Rishiri)
    (45.450, 141.640),  # Cape Noshappu, Wakkanai
    (41.869, 140.127),  # Esashi, Hokkaido (vs Okushiri)
    (42.448, 139.851),  # Setana (vs Okushiri)
    (44.362, 141.701),  # Haboro (vs Teuri, Yagishiri)
    (37.916, 139.036),  # Niigata city (vs Sado)
    (37.640, 138.760),  # Teradomari (vs Sado)
    (38.224, 139.480),  # Murakami (vs Awashima)
    (38.914, 139.836),  # Sakata (vs Tobishima)
    (37.390, 136.900),  # Wajima (vs Hegurajima)
    (35.544, 133.232),  # Sakaiminato (vs Oki)
    (35.468, 133.048),  # Matsue (vs Oki)
    (33.957, 130.941),  # Shimonoseki (vs Tsushima, Iki)
    (33.590, 130.420),  # Fukuoka (vs Iki)
    (33.450, 129.968),  # Karatsu (vs Iki)
    (33.545, 129.895),  # Yobuko, Karatsu (nearest port to Iki)
    (32.750, 129.878),  # Nagasaki (vs Gotō)
    (33.180, 129.715),  # Sasebo (vs Gotō)
    (33.368, 129.554),  # Hirado (bridged, not remote)
    (33.380, 129.420),  # Ikitsukishima (bridged via Hirado)
    (31.597, 130.557),  # Kagoshima city (vs Tanegashima, Yakushima)
    (31.253, 130.633),  # Ibusuki (vs Iōjima, Yakushima)
    (30.994, 130.662),  # Cape Sata (vs Tanegashima)
    (31.830, 130.300),  # Satsumasendai (vs Koshikijima)
    (32.460, 130.190),  # Amakusa, Hondo (bridged)
    (26.212, 127.679),  # Naha (Okinawa Hontō is not remote)
    (26.658, 127.898),  # Motobu (vs Iejima)
    (26.650, 127.860),  # Sesokojima (bridged to Motobu)
    (26.870, 128.260),  # Cape Hedo (vs Yoronjima)
    (34.966, 139.102),  # Itō (vs Izu Ōshima)
    (34.679, 138.945),  # Shimoda (vs Izu Ōshima, Toshima)
    (35.096, 139.072),  # Atami (vs Izu Ōshima)
    (34.342, 134.047),  # Takamatsu (vs Shōdoshima, Naoshima, Teshima)
    (34.351, 134.047),  # Takamatsu port (vs Megijima, 4 km)
    (34.127, 133.662),  # Kan'onji (vs Ibukijima)
    (34.815, 134.685),  # Himeji (vs Ieshima)
    (33.806, 130.540),  # Munakata (vs Ōshima)
    (34.662, 133.935),  # Okayama city (vs Shōdoshima)
    (34.492, 133.953),  # Uno port, Tamano (vs Naoshima, 3 km away)
    (34.615, 134.160),  # Ushimado (vs Shōdoshima)
    (34.343, 134.895),  # Sumoto, Awaji (bridged, not remote)
    (34.330, 133.170),  # Innoshima (Shimanami, bridged)
    (35.681, 139.767),  # Tokyo station
    (34.702, 135.495),  # Osaka, Umeda
    (34.248, 133.005),  # Ōmishima (Shimanami, bridged)
    (33.930, 132.250),  # Suō-Ōshima (bridged)
    (34.190, 132.830),  # Ōsakishimojima (Tobishima Kaidō, bridged)
    (32.770, 132.630),  # Kashiwajima (bridged, vs Okinoshima)
    (32.580, 129.750),  # Nomozaki (vs Takashima, Nagasaki)
    (26.300, 127.900),  # Katsuren peninsula (vs Tsukenjima)
    (34.383, 133.382),  # Tomonoura, Fukuyama (vs Hashirijima)
    (34.350, 132.465),  # Ujina, Hiroshima port (vs Ninoshima, 3 km)
    (38.350, 141.170),  # Miyatojima, Ōtakamori (bridged; vs Sabusawajima)
    (32.700, 131.810),  # Kitaura coast, Nobeoka (vs Shimaurajima)
]


@pytest.mark.parametrize(("lat", "lon", "area_id"), ON_ISLAND)
def test_point_on_a_listed_island_is_in_its_area(lat: float, lon: float, area_id: str) -> None:
    area = REGISTRY.find_island(lat, lon)
    assert area is not None and area.id == area_id


@pytest.mark.parametrize(("lat", "lon"), NOT_REMOTE)
def test_mainland_bridged_and_okinawa_honto_points_are_not_remote(lat: float, lon: float) -> None:
    assert REGISTRY.find_island(lat, lon) is None


def test_every_area_of_the_registry_is_exercised_by_a_point() -> None:
    tested = {area_id for _, _, area_id in ON_ISLAND}
    assert {area.id for area in REGISTRY.areas} - tested == set()


def test_packaged_document_records_its_source_basis() -> None:
    about = read_packaged_document()["_about"]
    assert "public geographic facts" in about["source"]
    assert "Okinawa Hontō" in about["not_remote"]


def _as_geometry(shape: CircleShape | PolygonShape) -> shapely.Geometry:
    if isinstance(shape, PolygonShape):
        return shape.to_geometry()
    # A 72-gon ellipse in degrees is close enough to check the circles don't touch.
    km_per_lat = 111.2
    km_per_lon = km_per_lat * math.cos(math.radians(shape.lat))
    return shapely.Polygon(
        (
            shape.lon + shape.radius_km / km_per_lon * math.cos(2 * math.pi * k / 72),
            shape.lat + shape.radius_km / km_per_lat * math.sin(2 * math.pi * k / 72),
        )
        for k in range(72)
    )


def test_no_two_areas_overlap() -> None:
    # Overlaps would make "which island?" depend on registry order.
    shapes = [(area.id, _as_geometry(s)) for area in REGISTRY.areas for s in area.shapes]
    overlapping = [
        (a, b) for (a, g), (b, h) in itertools.combinations(shapes, 2) if a != b and g.intersects(h)
    ]
    assert overlapping == []


def test_polygons_have_a_few_to_a_dozen_vertices() -> None:
    sizes = [
        len(shape.ring) - 1
        for area in REGISTRY.areas
        for shape in area.shapes
        if isinstance(shape, PolygonShape)
    ]
    assert sizes, "no polygon in the registry"
    assert all(3 <= size <= 12 for size in sizes)


def test_registry_holds_every_island_group_of_the_brief() -> None:
    groups = {area.group for area in REGISTRY.areas}
    for group in ("伊豆諸島", "小笠原諸島", "奄美群島", "大隅諸島", "八重山列島", "宮古列島"):
        assert group in groups
    assert len(REGISTRY) >= 45


def test_registry_built_again_from_the_same_document_finds_the_same_island() -> None:
    rebuilt = IslandRegistry.from_document(json.loads(json.dumps(read_packaged_document())))
    assert rebuilt.find_island(38.083, 138.437) == REGISTRY.find_island(38.083, 138.437)


# One strait per prefecture with an inhabited island without a road link (rules.md §5; the
# checklist is the islands designated under 離島振興法 and the Amami, Ogasawara and Okinawa
# special laws): a point on the island → its area, the facing mainland port → not remote.
STRAITS = [
    # prefecture, (island lat, lon, area), (mainland or bridged lat, lon) — the strait
    ("北海道", (45.243, 141.236, "rishiri"), (45.415, 141.673)),  # Rishiri ↔ Wakkanai
    ("宮城県", (38.266, 141.479, "ajishima"), (38.297, 141.512)),  # Ajishima ↔ Ayukawa port
    ("宮城県", (38.3375, 141.1115, "urato"), (38.318, 141.030)),  # Urato ↔ Shiogama port
    ("宮城県", (38.296, 141.567, "kinkasan"), (38.445, 141.447)),  # Kinkasan ↔ Onagawa
    ("山形県", (39.195, 139.550, "tobishima"), (38.914, 139.836)),  # Tobishima ↔ Sakata
    ("新潟県", (38.083, 138.437, "sado"), (37.916, 139.036)),  # Sado, Ryōtsu ↔ Niigata
    ("東京都", (34.750, 139.355, "izu-oshima"), (34.966, 139.102)),  # Izu Ōshima ↔ Itō
    ("静岡県", (35.039, 139.169, "hatsushima"), (35.096, 139.072)),  # Hatsushima ↔ Atami
    ("石川県", (37.850, 136.920, "hegurajima"), (37.390, 136.900)),  # Hegurajima ↔ Wajima
    ("滋賀県", (35.198, 136.059, "okishima"), (35.180, 136.075)),  # Okishima ↔ Horikiri port
    ("愛知県", (34.705, 137.005, "himakajima"), (34.697, 136.970)),  # Himakajima ↔ Morozaki
    ("愛知県", (34.728, 137.055, "sakushima"), (34.800, 137.020)),  # Sakushima ↔ Isshiki
    ("三重県", (34.520, 136.878, "toshijima"), (34.487, 136.843)),  # Tōshijima ↔ Toba port
    ("三重県", (34.535, 136.985, "kamishima-toba"), (34.578, 137.015)),  # Kamishima ↔ Irago
    ("兵庫県", (34.675, 134.535, "ieshima"), (34.815, 134.685)),  # Ieshima ↔ Himeji
    ("兵庫県", (34.168, 134.826, "nushima"), (34.256, 134.714)),  # Nushima ↔ Fukura (Awaji)
    ("岡山県", (34.402, 133.517, "shiraishijima"), (34.503, 133.507)),  # Shiraishi ↔ Kasaoka
    ("岡山県", (34.565, 134.102, "inujima"), (34.662, 133.935)),  # Inujima ↔ Okayama city
    ("広島県", (34.250, 132.905, "osakikamijima"), (34.335, 132.917)),  # Ōsakikamijima ↔ Takehara
    ("広島県", (34.280, 132.310, "miyajima"), (34.312, 132.303)),  # Miyajima ↔ Miyajimaguchi
    ("山口県", (34.021, 131.707, "ozushima"), (34.050, 131.805)),  # Ōzushima ↔ Tokuyama
    ("山口県", (33.796, 132.222, "heigunto"), (33.964, 132.103)),  # Heigunto ↔ Yanai
    ("徳島県", (33.850, 134.815, "ishima-anan"), (33.920, 134.660)),  # Ishima ↔ Anan
    ("香川県", (34.487, 134.185, "shodoshima"), (34.342, 134.047)),  # Shōdoshima ↔ Takamatsu
    ("香川県", (34.384, 133.769, "honjima"), (34.295, 133.797)),  # Honjima ↔ Marugame port
    ("愛媛県", (33.960, 132.640, "kutsuna"), (33.975, 132.775)),  # Nakajima ↔ Hōjō
    ("愛媛県", (33.900, 132.669, "gogoshima"), (33.872, 132.707)),  # Gogoshima ↔ Takahama
    ("愛媛県", (34.269, 133.217, "yuge"), (34.287, 133.187)),  # Yuge ↔ Innoshima (bridged)
    ("高知県", (32.728, 132.555, "okinoshima-kochi"), (32.915, 132.700)),  # Okinoshima ↔ Sukumo
    ("福岡県", (33.762, 130.362, "ainoshima"), (33.717, 130.431)),  # Ainoshima ↔ Shingū port
    ("福岡県", (33.621, 130.303, "nokonoshima"), (33.583, 130.325)),  # Nokonoshima ↔ Meinohama
    ("佐賀県", (33.580, 129.860, "kakarashima"), (33.545, 129.895)),  # Kakarashima ↔ Yobuko
    ("長崎県", (33.749, 129.690, "iki"), (33.545, 129.895)),  # Iki ↔ Yobuko
    ("長崎県", (33.439, 129.524, "takushima"), (33.368, 129.554)),  # Takushima ↔ Hirado (bridged)
    ("熊本県", (32.335, 130.330, "goshouraujima"), (32.460, 130.190)),  # Goshoura ↔ Amakusa
    ("大分県", (33.725, 131.650, "himeshima"), (33.660, 131.600)),  # Himeshima ↔ Imi
    ("宮崎県", (32.664, 131.822, "shimaurajima"), (32.582, 131.665)),  # Shimaura ↔ Nobeoka
    ("鹿児島県", (30.732, 130.997, "tanegashima"), (30.994, 130.662)),  # Tanegashima ↔ Sata
    ("鹿児島県", (32.279, 130.240, "shishijima"), (32.180, 130.145)),  # Shishijima ↔ Nagashima
    ("島根県", (36.205, 133.328, "oki"), (35.544, 133.232)),  # Oki ↔ Sakaiminato
    ("沖縄県", (26.715, 127.775, "iejima"), (26.658, 127.898)),  # Iejima ↔ Motobu
    ("沖縄県", (26.153, 127.888, "kudakajima"), (26.160, 127.815)),  # Kudaka ↔ Azama port
]


@pytest.mark.parametrize(
    ("prefecture", "island", "mainland"), STRAITS, ids=[f"{row[0]}-{row[1][2]}" for row in STRAITS]
)
def test_strait_island_side_is_remote_and_mainland_side_is_not(
    prefecture: str, island: tuple[float, float, str], mainland: tuple[float, float]
) -> None:
    lat, lon, area_id = island
    area = REGISTRY.find_island(lat, lon)
    assert area is not None and (area.id, area.prefecture) == (area_id, prefecture)
    assert REGISTRY.find_island(*mainland) is None


def test_every_prefecture_of_the_registry_has_a_strait_test() -> None:
    assert {area.prefecture for area in REGISTRY.areas} == {row[0] for row in STRAITS}


def test_every_prefecture_has_its_source_noted() -> None:
    sources = read_packaged_document()["_about"]["sources_by_prefecture"]
    assert {area.prefecture for area in REGISTRY.areas} == set(sources)


def test_islands_the_audit_found_treated_as_mainland_are_remote() -> None:
    # Issue 14: 相島 (Fukuoka), 答志島 (Mie), 大崎上島 (Hiroshima) were mainland.
    found = [REGISTRY.find_island(lat, lon) for lat, lon in
             ((33.762, 130.362), (34.520, 136.878), (34.250, 132.905))]
    assert [area.id if area else None for area in found] == [
        "ainoshima", "toshijima", "osakikamijima"]
