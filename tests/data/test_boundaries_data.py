"""Kab/kota boundaries, population and tile layout derived by data/scripts/derive_boundaries.py.

Standalone: reads the files in data/raw with the standard library (and PyYAML for the sidecars);
it does not import the ``analysis`` package. The repository root is found from this file's path.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "data" / "raw").is_dir())
RAW = ROOT / "data" / "raw"
GEOJSON = RAW / "regency_boundaries.geojson"
POPULATION = RAW / "population_kemendagri.csv"
TILES = RAW / "tile_grid_all.csv"

# Generous bounding box of Indonesia: longitudes 94..141.5 E, latitudes 11.5 S..6.5 N. The two
# ranges do not overlap, so a [lat, lng] position can never pass as [lng, lat].
LNG_RANGE = (94.0, 141.5)
LAT_RANGE = (-11.5, 6.5)
MAX_GEOJSON_BYTES = 3_000_000


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _sidecar(path: Path) -> dict:
    return yaml.safe_load(path.with_name(path.name + ".meta.yml").read_text(encoding="utf-8"))


def _signed_area(ring: list[list[float]]) -> float:
    """Shoelace area in [lng, lat]; positive means counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def _polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiPolygon", geometry["type"]
    return geometry["coordinates"]


@pytest.fixture(scope="module")
def regencies() -> dict[str, dict[str, str]]:
    return {r["regency_code"]: r for r in _rows(RAW / "regencies.csv")}


@pytest.fixture(scope="module")
def features() -> list[dict]:
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    return data["features"]


@pytest.fixture(scope="module")
def population() -> list[dict[str, str]]:
    return _rows(POPULATION)


# --- Checksums and size ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [GEOJSON, POPULATION, TILES], ids=lambda p: p.name)
def test_sidecar_sha256_matches(path):
    meta = _sidecar(path)
    assert meta["file"] == path.name
    assert meta["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    for key in (
        "title",
        "publisher",
        "source_urls",
        "date_published",
        "date_accessed",
        "licence",
        "units",
        "manual_steps",
    ):
        assert key in meta, f"{path.name}.meta.yml: no {key}"


def test_geojson_is_small():
    assert GEOJSON.stat().st_size < MAX_GEOJSON_BYTES


def test_sources_are_registered():
    known = {r["source_id"] for r in _rows(RAW / "sources_reference.csv")}
    for path in (GEOJSON, POPULATION, TILES):
        assert set(_sidecar(path)["source_ids"]) <= known, path.name
    assert {r["source_id"] for r in _rows(POPULATION)} <= known
    assert "Cahya DSN" in (RAW / "LICENSES.md").read_text(encoding="utf-8")


# --- Boundaries -----------------------------------------------------------------------------------


def test_every_regency_has_exactly_one_feature(features, regencies):
    checks = _sidecar(GEOJSON)["checks"]
    missing, extra = set(checks["missing_codes"]), set(checks["extra_codes"])
    counts = Counter(f["properties"]["area_code"] for f in features)
    assert [c for c, n in counts.items() if n > 1] == []
    # Any exception must be documented in the sidecar, and the documentation must be true.
    assert set(counts) == (set(regencies) - missing) | extra
    assert missing <= set(regencies) and not (extra & set(regencies))
    assert len(features) == len(regencies) - len(missing) + len(extra)


def test_feature_properties(features, regencies):
    for f in features:
        props = f["properties"]
        code = props["area_code"]
        assert props["province_code"] == code.split(".")[0]
        if code in regencies:
            assert props["province_code"] == regencies[code]["province_code"]
        assert props["name"]
        assert LNG_RANGE[0] <= props["lng"] <= LNG_RANGE[1], code
        assert LAT_RANGE[0] <= props["lat"] <= LAT_RANGE[1], code


def test_coordinates_are_lng_lat_inside_indonesia(features):
    for f in features:
        code = f["properties"]["area_code"]
        for polygon in _polygons(f["geometry"]):
            for ring in polygon:
                for position in ring:
                    assert len(position) == 2, code
                    lng, lat = position
                    assert LNG_RANGE[0] <= lng <= LNG_RANGE[1], (code, position)
                    assert LAT_RANGE[0] <= lat <= LAT_RANGE[1], (code, position)


def test_rings_are_closed_and_follow_the_right_hand_rule(features):
    for f in features:
        code = f["properties"]["area_code"]
        polygons = _polygons(f["geometry"])
        assert polygons, code
        for polygon in polygons:
            exterior, holes = polygon[0], polygon[1:]
            for ring in polygon:
                assert len(ring) >= 4 and ring[0] == ring[-1], code
            assert _signed_area(exterior) > 0, f"{code}: exterior ring is not counter-clockwise"
            for hole in holes:
                assert _signed_area(hole) < 0, f"{code}: hole is not clockwise"


def _side(a, b, c) -> int:
    v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (v > 0) - (v < 0)


def _crosses_itself(ring: list[list[float]]) -> bool:
    edges = sorted(
        (min(a[0], b[0]), max(a[0], b[0]), i, a, b)
        for i, (a, b) in enumerate(zip(ring, ring[1:], strict=False))
    )
    n = len(edges)
    for i, (_, east, ei, a, b) in enumerate(edges):
        for west, _, ej, c, d in edges[i + 1 :]:
            if west > east:
                break
            if abs(ei - ej) in (0, 1, n - 1):
                continue
            if _side(c, d, a) * _side(c, d, b) < 0 and _side(a, b, c) * _side(a, b, d) < 0:
                return True
    return False


def test_only_documented_rings_cross_themselves(features):
    # Simplification must not create self-crossing rings; the few crossing upstream are listed.
    documented = set(_sidecar(GEOJSON)["geometry"]["self_crossing_features"])
    crossing = {
        f["properties"]["area_code"]
        for f in features
        if any(_crosses_itself(r) for poly in _polygons(f["geometry"]) for r in poly)
    }
    assert crossing == documented


def test_centroid_lies_near_its_geometry(features):
    # The centroid of an island group may fall in the sea, but inside the feature's bounding box.
    for f in features:
        positions = [p for poly in _polygons(f["geometry"]) for ring in poly for p in ring]
        lngs, lats = [p[0] for p in positions], [p[1] for p in positions]
        props = f["properties"]
        assert min(lngs) - 0.1 <= props["lng"] <= max(lngs) + 0.1, props["area_code"]
        assert min(lats) - 0.1 <= props["lat"] <= max(lats) + 0.1, props["area_code"]


# --- Population -----------------------------------------------------------------------------------


def test_population_has_each_regency_with_a_positive_total(population, regencies):
    by_code = Counter(r["area_code"] for r in population)
    assert [c for c, n in by_code.items() if n > 1] == []
    missing = set(_sidecar(POPULATION)["checks"]["missing_codes"])
    regency_rows = {r["area_code"]: r for r in population if r["level"] == "regency"}
    assert set(regency_rows) >= set(regencies) - missing
    for row in population:
        assert int(row["population_total"]) > 0, row["area_code"]
        assert int(row["male"]) + int(row["female"]) == int(row["population_total"]), row[
            "area_code"
        ]
        assert row["flag"] == "UNCONFIRMED"
        assert row["date"] and row["date_precision"] and row["reference"]


@pytest.mark.parametrize(
    ("code", "name", "total"),
    [("12.14", "Nias Selatan", 369817), ("12.15", "Pakpak Bharat", 57280)],
)
def test_population_hand_checked_values(population, code, name, total):
    row = next(r for r in population if r["area_code"] == code)
    assert name in row["name"]
    assert int(row["population_total"]) == total


def test_population_levels_add_up(population):
    national = [r for r in population if r["level"] == "national"]
    provinces = [r for r in population if r["level"] == "province"]
    assert len(national) == 1 and national[0]["area_code"] == "ID"
    assert len(provinces) == 38
    assert sum(int(r["population_total"]) for r in provinces) == int(
        national[0]["population_total"]
    )
    for prov in provinces:
        parts = [
            r
            for r in population
            if r["level"] == "regency" and r["area_code"][:2] == prov["area_code"]
        ]
        assert sum(int(r["population_total"]) for r in parts) == int(prov["population_total"])


def test_area_is_positive_where_given(population):
    for row in population:
        if row["level"] == "national":
            continue
        assert float(row["area_km2"]) > 0, row["area_code"]


# --- Tile layout ----------------------------------------------------------------------------------


def test_tile_grid_all_has_one_free_cell_per_regency(regencies):
    rows = _rows(TILES)
    assert sorted(r["regency_code"] for r in rows) == sorted(regencies)
    cells = Counter((r["province_code"], int(r["row"]), int(r["col"])) for r in rows)
    assert max(cells.values()) == 1
    for r in rows:
        assert r["province_code"] == regencies[r["regency_code"]]["province_code"]
        assert int(r["row"]) >= 0 and int(r["col"]) >= 0
    for prov in {r["province_code"] for r in rows}:
        mine = [r for r in rows if r["province_code"] == prov]
        assert min(int(r["row"]) for r in mine) == 0 and min(int(r["col"]) for r in mine) == 0
