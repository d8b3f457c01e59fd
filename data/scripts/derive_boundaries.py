"""Derive kab/kota boundaries, population, area and a tile layout from the ``wilayah`` SQL dumps.

Reads the upstream files of Cahya DSN's ``wilayah_boundaries`` and ``wilayah`` repositories (MIT)
kept unchanged in ``shared/sources/wilayah`` and writes small tables into ``data/raw``:

``regency_boundaries.geojson``
    One GeoJSON Feature per kabupaten/kota (properties ``area_code``, ``name``,
    ``province_code``, ``lat``, ``lng``), a Polygon or MultiPolygon in ``[lng, lat]`` order that
    follows the right-hand rule of RFC 7946 (exterior rings counter-clockwise, holes clockwise),
    simplified further with Douglas-Peucker and rounded. Rings listed upstream as holes but lying
    outside their exterior become polygons of their own; a ring that would cross itself after
    simplification is simplified again at a finer tolerance; degenerate rings are dropped.
``population_kemendagri.csv``
    Population (total, male, female) and area in km2 for Indonesia, its provinces and every
    kab/kota, all flagged ``UNCONFIRMED``.
``tile_grid_all.csv``
    A tile layout for every province: kab/kota centroids snapped to a square grid, collisions
    resolved by greedy nearest-free-cell assignment.

Each output gets a sidecar ``<name>.meta.yml`` with its sha256. The upstream sources are added to
``sources_reference.csv`` (ids ``ref-...``, as for the other reference tables) and that file's
sidecar checksum is updated. Codes and names are checked against ``regencies.csv``; every
regency missing, extra or with a different name is printed and recorded in the sidecars.

Run from the repository root with any Python 3.11+ (standard library only; PyYAML, if installed,
is used to check that the sidecars written are valid YAML)::

    python data/scripts/derive_boundaries.py
    python data/scripts/derive_boundaries.py --source-dir /path/to/wilayah --tolerance 0.005

Reruns on the same input give the same bytes (sorted rows, ``\\n`` line ends, fixed rounding).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import re
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

try:  # optional: only used to check the sidecars written
    import yaml
except ImportError:  # pragma: no cover - the script runs without PyYAML
    yaml = None

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
DEFAULT_SOURCE_DIR = (ROOT / ".." / "shared" / "sources" / "wilayah").resolve()

GEOJSON = "regency_boundaries.geojson"
POPULATION = "population_kemendagri.csv"
TILE_GRID = "tile_grid_all.csv"
REGENCIES = "regencies.csv"
SOURCES = "sources_reference.csv"

# Douglas-Peucker tolerance in degrees (0.005 deg is about 550 m at the equator) and the number of
# decimals kept (4 decimals is about 11 m). The whole-country file is then about 1.4 MB (0.002 deg:
# 1.6 MB; 0.01 deg: 0.8 MB, but Kepulauan Seribu needs a finer tolerance to keep any island).
DEFAULT_TOLERANCE = 0.005
DEFAULT_DECIMALS = 4

# Date the upstream copies in shared/sources/wilayah were read (date_accessed); pinned so reruns
# give the same bytes.
ACCESSED = "2026-11-29"

# Generous bounding box of Indonesia (lng west, lat south, lng east, lat north).
INDONESIA_BBOX = (94.0, -11.5, 141.5, 6.5)

SOURCE_BOUNDARIES = "ref-github-cahyadsn-wilayah-boundaries"
SOURCE_WILAYAH = "ref-github-cahyadsn-wilayah"
SOURCE_KEPMENDAGRI_2138 = "ref-kepmendagri-300.2.2-2138-2025"
SOURCE_KEPMENDAGRI_2430 = "ref-kepmendagri-300.2.2-2430-2025"

UPSTREAM = {
    "wilayah_boundaries": {
        "repository": "https://github.com/cahyadsn/wilayah_boundaries",
        "folder": "db/kab/",
        "last_change": "2026-08-20",
    },
    "wilayah": {
        "repository": "https://github.com/cahyadsn/wilayah",
        "files": ["db/wilayah_penduduk.sql", "db/wilayah_luas.sql"],
        "last_change": "2026-08-08",
    },
}

ATTRIBUTION = (
    "Derived from wilayah_boundaries (https://github.com/cahyadsn/wilayah_boundaries, "
    "Copyright (c) 2024 Cahya DSN) and wilayah (https://github.com/cahyadsn/wilayah, "
    "Copyright (c) 2017-2025 Cahya DSN), both under the MIT License; see data/raw/LICENSES.md."
)

POPULATION_COLUMNS = [
    "area_code",
    "name",
    "level",
    "population_total",
    "male",
    "female",
    "area_km2",
    "date",
    "date_precision",
    "reference",
    "source_id",
    "flag",
    "note",
]
TILE_COLUMNS = ["province_code", "regency_code", "row", "col"]

# The population file gives no reference date; its header cites Kepmendagri 300.2.2-2138/2025.
POPULATION_DATE = "2025-01-01"
POPULATION_PRECISION = "year"
POPULATION_REFERENCE = "Kepmendagri 300.2.2-2138/2025"
NATIONAL_CODE = "ID"

# Tile layout: grid cells per tile over the bounding box of a province's centroids.
TILE_CELLS_PER_TILE = 1.5


# --- SQL ------------------------------------------------------------------------------------------


_INSERT = re.compile(r"INSERT\s+INTO\s+`?(\w+)`?\s*\(([^)]*)\)\s*VALUES", re.IGNORECASE)


def _parse_value(text: str, start: int) -> tuple[str | None, int]:
    """Parse one SQL literal at ``start``; return its text (None for NULL) and the next index."""
    if text[start] == "'":
        parts = []
        i = start + 1
        while True:
            j = text.find("'", i)
            k = text.find("\\", i, j if j >= 0 else len(text))
            if j < 0:
                raise ValueError(f"unterminated string at offset {start}")
            if k >= 0:  # backslash escape before the next quote
                parts.append(text[i:k] + text[k + 1])
                i = k + 2
                continue
            parts.append(text[i:j])
            if text.startswith("''", j):  # doubled quote
                parts.append("'")
                i = j + 2
                continue
            return "".join(parts), j + 1
    match = re.compile(r"[^,)\s]+").match(text, start)
    if not match:
        raise ValueError(f"no SQL value at offset {start}")
    token = match.group(0)
    return (None if token.upper() == "NULL" else token), match.end()


def iter_insert_rows(text: str, table: str) -> list[dict[str, str | None]]:
    """Rows of every ``INSERT INTO table(cols) VALUES (...), (...);`` statement in a SQL dump.

    Parameters
    ----------
    text : str
        The SQL text.
    table : str
        Table name; statements for other tables are skipped.

    Returns
    -------
    list of dict
        One mapping column -> literal text per row (numbers stay text; NULL becomes None).

    Raises
    ------
    ValueError
        If a statement cannot be parsed or a row has the wrong number of values.
    """
    rows = []
    for match in _INSERT.finditer(text):
        if match.group(1) != table:
            continue
        columns = [c.strip().strip('`"') for c in match.group(2).split(",")]
        i = match.end()
        while True:
            while text[i] in " \t\r\n,":
                i += 1
            if text[i] == ";":
                break
            if text[i] != "(":
                raise ValueError(f"{table}: expected '(' at offset {i}, found {text[i]!r}")
            i += 1
            values = []
            while True:
                while text[i] in " \t\r\n":
                    i += 1
                value, i = _parse_value(text, i)
                values.append(value)
                while text[i] in " \t\r\n":
                    i += 1
                if text[i] == ",":
                    i += 1
                    continue
                if text[i] == ")":
                    i += 1
                    break
                raise ValueError(f"{table}: unexpected {text[i]!r} at offset {i}")
            if len(values) != len(columns):
                raise ValueError(
                    f"{table}: row with {len(values)} values for {len(columns)} columns"
                )
            rows.append(dict(zip(columns, values, strict=True)))
    return rows


def read_sql_rows(paths: list[Path], table: str) -> list[dict[str, str | None]]:
    """Rows of ``table`` from several SQL files, in file order."""
    rows = []
    for path in paths:
        rows += iter_insert_rows(path.read_text(encoding="utf-8"), table)
    return rows


# --- Geometry -------------------------------------------------------------------------------------

Ring = list[tuple[float, float]]  # [(lng, lat), ...], closed
Polygon = list[Ring]  # exterior first, then holes


def signed_area(ring: Ring) -> float:
    """Planar signed area (shoelace) of a closed ring in degrees^2; positive = counter-clockwise."""
    total = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        total += x0 * y1 - x1 * y0
    return total / 2.0


def _depth(value: object) -> int:
    depth = 0
    while isinstance(value, list) and value:
        value = value[0]
        depth += 1
    return depth


def upstream_polygons(path_json: str) -> list[Polygon]:
    """Polygons of an upstream ``path`` (nested ``[lat, lng]`` lists), rings closed, ``(lng, lat)``.

    Parameters
    ----------
    path_json : str
        JSON text: a polygon (list of rings) or a multipolygon (list of polygons).

    Returns
    -------
    list of Polygon
        Each polygon a list of closed rings (exterior first), coordinates swapped to ``(lng, lat)``.
    """
    data = json.loads(path_json)
    depth = _depth(data)
    if depth == 3:
        data = [data]
    elif depth != 4:
        raise ValueError(f"path nested {depth} levels deep; expected 3 (polygon) or 4 (multi)")
    polygons = []
    for poly in data:
        rings = []
        for ring in poly:
            pts = [(float(lng), float(lat)) for lat, lng in ring]
            if pts and pts[0] != pts[-1]:
                pts.append(pts[0])
            rings.append(pts)
        polygons.append(rings)
    return polygons


def point_in_ring(point: tuple[float, float], ring: Ring) -> bool:
    """Even-odd test: is ``point`` inside the closed ``ring``?"""
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def ring_inside(inner: Ring, outer: Ring) -> bool:
    """True when most vertices of ``inner`` lie inside ``outer`` (rings may touch)."""
    points = inner[:-1]
    return sum(point_in_ring(p, outer) for p in points) * 2 > len(points)


def renest(polygon: Polygon) -> list[Polygon]:
    """Split a polygon whose "holes" lie outside its exterior into separate polygons.

    Upstream sometimes lists the rings of several islands as one polygon (exterior plus
    "holes" that are not inside it). When every hole is inside the exterior the polygon is
    returned unchanged. Otherwise the rings are re-nested by containment: largest first, each
    ring goes into the smallest ring already placed that contains it; a ring inside an exterior
    is a hole, any other ring (or a ring inside a hole) starts a polygon of its own.

    Parameters
    ----------
    polygon : Polygon
        Closed rings, the first taken upstream as the exterior.

    Returns
    -------
    list of Polygon
        One or more polygons, exterior first in each.
    """
    exterior, holes = polygon[0], polygon[1:]
    if all(ring_inside(h, exterior) for h in holes):
        return [polygon]
    order = sorted(range(len(polygon)), key=lambda i: -abs(signed_area(polygon[i])))
    placed: list[tuple[int, bool, int]] = []  # (ring index, is exterior, polygon number)
    polygons: list[Polygon] = []
    for i in order:
        ring = polygon[i]
        container = None
        for j, is_exterior, number in reversed(placed):  # smallest placed rings first
            if ring_inside(ring, polygon[j]):
                container = (is_exterior, number)
                break
        if container is not None and container[0]:
            polygons[container[1]].append(ring)
            placed.append((i, False, container[1]))
        else:
            polygons.append([ring])
            placed.append((i, True, len(polygons) - 1))
    return polygons


def _segment_distance(
    p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> float:
    """Distance from point ``p`` to the segment ``a``-``b`` (planar, degrees)."""
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    px, py = p[0] - ax, p[1] - ay
    length2 = dx * dx + dy * dy
    if length2 == 0.0:
        return math.hypot(px, py)
    t = max(0.0, min(1.0, (px * dx + py * dy) / length2))
    return math.hypot(px - t * dx, py - t * dy)


def douglas_peucker(points: Ring, tolerance: float) -> Ring:
    """Simplify a polyline (or a closed ring, first point = last) with Douglas-Peucker.

    Parameters
    ----------
    points : list of (float, float)
        Positions; for a closed ring the first and last are equal and both are kept.
    tolerance : float
        Largest distance (degrees) a dropped point may lie from the simplified line; 0 keeps all.

    Returns
    -------
    list of (float, float)
        The kept points, in order.
    """
    n = len(points)
    if n < 3 or tolerance <= 0:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        best, index = -1.0, -1
        a, b = points[first], points[last]
        for i in range(first + 1, last):
            d = _segment_distance(points[i], a, b)
            if d > best:
                best, index = d, i
        if index >= 0 and best > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _round_ring(points: Ring, decimals: int) -> Ring | None:
    """Round, drop repeated positions and close; None if the ring became degenerate.

    A ring is degenerate when fewer than three distinct positions remain or its area is zero.
    """
    out: Ring = []
    for lng, lat in points:
        q = (round(lng, decimals), round(lat, decimals))
        if not out or q != out[-1]:
            out.append(q)
    if out and out[0] != out[-1]:
        out.append(out[0])
    if len(out) < 4 or len(set(out[:-1])) < 3 or signed_area(out) == 0.0:
        return None
    return out


def _side(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> int:
    v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (v > 0) - (v < 0)


def self_intersects(ring: Ring) -> bool:
    """True if two non-adjacent edges of a closed ring cross (proper crossings only).

    Edges are swept in order of their west end, so only edges whose longitude ranges overlap
    are compared.
    """
    edges = sorted(
        (min(a[0], b[0]), max(a[0], b[0]), i, a, b)
        for i, (a, b) in enumerate(zip(ring, ring[1:], strict=False))
    )
    n = len(edges)
    for i, (_, east, ei, a, b) in enumerate(edges):
        for west2, _, ej, c, d in edges[i + 1 :]:
            if west2 > east:
                break
            if abs(ei - ej) <= 1 or abs(ei - ej) == n - 1:
                continue
            if _side(c, d, a) * _side(c, d, b) < 0 and _side(a, b, c) * _side(a, b, d) < 0:
                return True
    return False


def clean_ring(
    ring: Ring, tolerance: float, decimals: int, stats: GeometryStats | None = None
) -> Ring | None:
    """Simplify, round and de-duplicate one closed ring; None if it became degenerate.

    If simplification makes a ring cross itself while the rounded upstream ring does not, the
    tolerance is halved for that ring (at most 8 times, then no simplification) until it does
    not. A ring that already crosses itself upstream is simplified as usual and counted.
    """
    out = _round_ring(douglas_peucker(ring, tolerance), decimals)
    if out is None or tolerance <= 0 or not self_intersects(out):
        return out
    upstream = _round_ring(ring, decimals)
    if upstream is None or self_intersects(upstream):
        if stats is not None:
            stats.crossing_upstream += 1
        return out
    tol = tolerance
    for _ in range(8):
        tol /= 2
        out = _round_ring(douglas_peucker(ring, tol), decimals)
        if out is not None and not self_intersects(out):
            break
    else:
        out = upstream
    if stats is not None:
        stats.finer_rings += 1
    return out


def orient(ring: Ring, counter_clockwise: bool) -> Ring:
    """The ring in the wanted winding order (reversed if needed)."""
    return ring if (signed_area(ring) > 0) == counter_clockwise else ring[::-1]


@dataclass
class GeometryStats:
    """Counts kept while simplifying, for the sidecar."""

    rings_in: int = 0
    rings_out: int = 0
    points_in: int = 0
    points_out: int = 0
    rings_dropped: int = 0
    exteriors_reversed: int = 0
    holes_reversed: int = 0
    rings_closed: int = 0
    fallback: list[str] = field(default_factory=list)
    renested: list[str] = field(default_factory=list)
    finer_rings: int = 0
    crossing_upstream: int = 0


def simplify_polygons(
    polygons: list[Polygon], tolerance: float, decimals: int, stats: GeometryStats
) -> list[Polygon]:
    """Simplify every ring, drop degenerate ones and enforce the right-hand rule.

    A polygon whose exterior becomes degenerate is dropped with its holes. Exteriors are made
    counter-clockwise and holes clockwise (RFC 7946, section 3.1.6).
    """
    out = []
    for poly in polygons:
        exterior = clean_ring(poly[0], tolerance, decimals, stats)
        if exterior is None:
            stats.rings_dropped += len(poly)
            continue
        if signed_area(exterior) < 0:
            stats.exteriors_reversed += 1
        rings = [orient(exterior, counter_clockwise=True)]
        for hole in poly[1:]:
            cleaned = clean_ring(hole, tolerance, decimals, stats)
            if cleaned is None:
                stats.rings_dropped += 1
                continue
            if signed_area(cleaned) > 0:
                stats.holes_reversed += 1
            rings.append(orient(cleaned, counter_clockwise=False))
        out.append(rings)
    return out


def centroid(polygons: list[Polygon]) -> tuple[float, float] | None:
    """Area-weighted planar centroid ``(lng, lat)`` of polygons (holes subtract); None if none."""
    a_sum = cx = cy = 0.0
    for poly in polygons:
        for ring in poly:
            for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
                cross = x0 * y1 - x1 * y0
                a_sum += cross
                cx += (x0 + x1) * cross
                cy += (y0 + y1) * cross
    if a_sum == 0:
        return None
    return cx / (3 * a_sum), cy / (3 * a_sum)


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two ``(lng, lat)`` points."""
    lng1, lat1, lng2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


# --- Boundaries -----------------------------------------------------------------------------------


@dataclass
class Regency:
    """One kab/kota of the upstream boundaries."""

    code: str
    name: str
    lat: float
    lng: float
    polygons: list[Polygon]


def read_boundaries(source_dir: Path) -> tuple[list[Regency], list[str], GeometryStats]:
    """Parse the 38 ``boundaries_kab/wilayah_boundaries_kab_PP.sql`` files.

    Returns
    -------
    regencies : list of Regency
        Sorted by code, coordinates swapped to ``(lng, lat)`` and rings closed (not simplified).
    files : list of str
        The file names read.
    stats : GeometryStats
        Counts of rings and points in the upstream files.
    """
    paths = sorted((source_dir / "boundaries_kab").glob("wilayah_boundaries_kab_*.sql"))
    if not paths:
        raise SystemExit(f"{source_dir / 'boundaries_kab'}: no wilayah_boundaries_kab_*.sql files")
    stats = GeometryStats()
    regencies = []
    for row in read_sql_rows(paths, "wilayah_boundaries"):
        raw = json.loads(row["path"] or "[]")
        flat = raw if _depth(raw) == 4 else [raw]
        for poly in flat:
            for ring in poly:
                stats.rings_in += 1
                stats.points_in += len(ring)
                if ring and ring[0] != ring[-1]:
                    stats.rings_closed += 1
        polygons = []
        for poly in upstream_polygons(row["path"] or "[]"):
            parts = renest(poly)
            if len(parts) > 1:
                moved = len(poly) - 1 - sum(len(p) - 1 for p in parts)
                stats.renested.append(
                    f"{row['kode']} {row['nama']}: {moved} rings listed as holes "
                    f"outside their exterior made separate polygons"
                )
            polygons += parts
        regencies.append(
            Regency(row["kode"], row["nama"], float(row["lat"]), float(row["lng"]), polygons)
        )
    codes = Counter(r.code for r in regencies)
    duplicates = sorted(c for c, n in codes.items() if n > 1)
    if duplicates:
        raise SystemExit(f"boundaries: codes with more than one row: {', '.join(duplicates)}")
    return sorted(regencies, key=lambda r: r.code), [p.name for p in paths], stats


def simplify_regencies(
    regencies: list[Regency], tolerance: float, decimals: int, stats: GeometryStats
) -> dict[str, list[Polygon]]:
    """Simplified polygons per code; a regency that would vanish is retried at a finer tolerance."""
    result = {}
    for reg in regencies:
        tol = tolerance
        while True:
            polygons = simplify_polygons(reg.polygons, tol, decimals, GeometryStats())
            if polygons or tol == 0:
                break
            tol = tol / 4 if tol > tolerance / 64 else 0.0
        if tol != tolerance:
            stats.fallback.append(f"{reg.code} {reg.name} (tolerance {tol:g})")
        final = simplify_polygons(reg.polygons, tol, decimals, stats)
        if not final:
            raise SystemExit(f"{reg.code} {reg.name}: no polygon left even without simplification")
        stats.rings_out += sum(len(p) for p in final)
        stats.points_out += sum(len(r) for p in final for r in p)
        result[reg.code] = final
    return result


def feature(reg: Regency, polygons: list[Polygon], decimals: int) -> dict:
    """GeoJSON Feature of one regency (Polygon if it has one part, else MultiPolygon)."""
    coords = [[[list(pt) for pt in ring] for ring in poly] for poly in polygons]
    geometry = (
        {"type": "Polygon", "coordinates": coords[0]}
        if len(coords) == 1
        else {"type": "MultiPolygon", "coordinates": coords}
    )
    return {
        "type": "Feature",
        "properties": {
            "area_code": reg.code,
            "name": reg.name,
            "province_code": reg.code.split(".")[0],
            "lat": round(reg.lat, decimals + 1),
            "lng": round(reg.lng, decimals + 1),
        },
        "geometry": geometry,
    }


def geojson_bytes(features: list[dict]) -> bytes:
    """Compact GeoJSON text with one feature per line (small, and diffs stay readable)."""
    head = json.dumps(
        {"type": "FeatureCollection", "attribution": ATTRIBUTION}, ensure_ascii=False
    )[:-1]
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    body = ",\n".join(lines)
    return f'{head}, "features": [\n{body}\n]}}\n'.encode()


# --- Population and area --------------------------------------------------------------------------


def level_of(code: str) -> str:
    """``national`` for ``ID``, ``province`` for ``PP``, ``regency`` for ``PP.RR``."""
    if code == NATIONAL_CODE:
        return "national"
    return "regency" if "." in code else "province"


def collapse_spaces(text: str) -> str:
    """Name with runs of whitespace collapsed and the ends stripped."""
    return " ".join(text.split())


def read_population(source_dir: Path) -> tuple[list[dict[str, str]], list[str]]:
    """Population and area rows keyed by Kemendagri code, with notes on repaired area codes.

    ``wilayah_luas.sql`` writes some codes as numbers that lost a trailing zero (``11.1`` for
    ``11.10``, ``31.0`` for ``31``). Such a code is repaired only when the repaired code exists in
    the population file with the same name; every repair is returned as a note.

    Returns
    -------
    rows : list of dict
        One row per code of ``wilayah_penduduk.sql`` (the national row as ``ID``), columns of
        ``POPULATION_COLUMNS``, sorted with the national row first.
    notes : list of str
        Repairs and problems found (for the sidecar).
    """
    people = read_sql_rows([source_dir / "wilayah_penduduk.sql"], "wilayah_penduduk")
    areas = read_sql_rows([source_dir / "wilayah_luas.sql"], "wilayah_luas")
    names = {r["kode"]: collapse_spaces(r["nama"] or "") for r in people}
    notes: list[str] = []
    area_of: dict[str, tuple[str, str]] = {}
    for row in areas:
        code, name = row["kode"], collapse_spaces(row["nama"] or "")
        note = ""
        if code not in names:
            candidates = []
            if re.fullmatch(r"\d{2}\.\d", code):  # "11.1" -> "11.10"
                candidates.append(code + "0")
            if re.fullmatch(r"\d{2}\.0", code):  # "31.0" -> "31"
                candidates.append(code[:2])
            fixed = next((c for c in candidates if names.get(c) == name), None)
            if fixed:
                note = f"area from wilayah_luas.sql row coded '{code}' (read as {fixed}, same name)"
                notes.append(f"wilayah_luas.sql: code '{code}' ({name}) read as {fixed}")
                code = fixed
            else:
                notes.append(f"wilayah_luas.sql: code '{code}' ({name}) not in the population file")
                continue
        if code in area_of:
            raise SystemExit(f"wilayah_luas.sql: two rows for {code}")
        area_of[code] = (row["luas"] or "", note)

    out = []
    for row in people:
        code = NATIONAL_CODE if row["kode"] == "0" else row["kode"]
        male, female, total = int(row["pria"]), int(row["wanita"]), int(row["total"])
        area, area_note = area_of.get(row["kode"], ("", ""))
        row_notes = []
        if male + female != total:
            row_notes.append(f"male + female = {male + female} differs from total {total}")
        if area_note:
            row_notes.append(area_note)
        if not area:
            row_notes.append("no area in wilayah_luas.sql")
        out.append(
            {
                "area_code": code,
                "name": names[row["kode"]],
                "level": level_of(code),
                "population_total": str(total),
                "male": str(male),
                "female": str(female),
                "area_km2": area,
                "date": POPULATION_DATE,
                "date_precision": POPULATION_PRECISION,
                "reference": POPULATION_REFERENCE,
                "source_id": SOURCE_WILAYAH,
                "flag": "UNCONFIRMED",
                "note": "; ".join(row_notes),
            }
        )
    missing_area = sorted(set(names) - set(area_of))
    if missing_area:
        shown = ["0 (INDONESIA, national row)" if c == "0" else c for c in missing_area]
        notes.append(
            "wilayah_penduduk.sql codes without an area in wilayah_luas.sql: " + ", ".join(shown)
        )
    order = {"national": 0, "province": 1, "regency": 1}
    return sorted(out, key=lambda r: (order[r["level"]], r["area_code"])), notes


def aggregate_checks(rows: list[dict[str, str]]) -> list[str]:
    """Compare sums: kab/kota to their province and provinces to the national row."""
    checks = []
    by_code = {r["area_code"]: r for r in rows}
    provinces = [r for r in rows if r["level"] == "province"]
    for column in ("population_total", "area_km2"):
        unequal = []
        for prov in provinces:
            parts = [
                r[column]
                for r in rows
                if r["level"] == "regency" and r["area_code"][:2] == prov["area_code"]
            ]
            if not prov[column] or not all(parts):
                continue
            total = sum(float(v) for v in parts)
            if abs(total - float(prov[column])) > (0.5 if column == "population_total" else 1.0):
                unequal.append(
                    f"{prov['area_code']} ({float(prov[column]):.0f} vs sum {total:.0f})"
                )
        checks.append(
            f"{column}: kab/kota sum to their province in {len(provinces) - len(unequal)} of "
            f"{len(provinces)} provinces" + (f"; differ: {', '.join(unequal)}" if unequal else "")
        )
    national = by_code.get(NATIONAL_CODE)
    if national:
        total = sum(int(p["population_total"]) for p in provinces)
        checks.append(
            f"population_total: provinces sum to {total}, "
            f"national row {national['population_total']}"
        )
    return checks


# --- Checks against regencies.csv -----------------------------------------------------------------


def read_regencies(path: Path) -> dict[str, dict[str, str]]:
    """Rows of ``regencies.csv`` keyed by regency code."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["regency_code"]: r for r in csv.DictReader(handle)}


def compare_codes(names: dict[str, str], regencies: dict[str, dict[str, str]], what: str) -> dict:
    """Codes missing from ``names``, extra in it, and names that differ from ``regencies.csv``.

    Parameters
    ----------
    names : dict
        Regency code -> name in the derived table (province codes are ignored).
    regencies : dict
        Rows of ``regencies.csv`` by code.
    what : str
        Label used in the printed lines.

    Returns
    -------
    dict
        ``expected`` (number of codes in regencies.csv), ``missing``, ``extra`` (lists of
        codes) and ``name_differs`` (list of ``{code, regencies_csv, upstream}``).
    """
    codes = {c for c in names if "." in c}
    result = {
        "expected": len(regencies),
        "missing": sorted(set(regencies) - codes),
        "extra": sorted(codes - set(regencies)),
        "name_differs": [
            {"code": c, "regencies_csv": regencies[c]["name"], "upstream": names[c]}
            for c in sorted(codes & set(regencies))
            if regencies[c]["name"] != names[c]
        ],
    }
    print(
        f"{what}: {len(codes)} kab/kota; missing {result['missing'] or 'none'}; "
        f"extra {result['extra'] or 'none'}; {len(result['name_differs'])} names differ",
        file=sys.stderr,
    )
    for d in result["name_differs"]:
        print(
            f"  {d['code']}: regencies.csv {d['regencies_csv']!r}, upstream {d['upstream']!r}",
            file=sys.stderr,
        )
    return result


def compare_provinces(
    rows: list[dict[str, str]], regencies: dict[str, dict[str, str]]
) -> list[dict]:
    """Province names of the population file that differ from ``regencies.csv``."""
    known = {r["province_code"]: r["province_name"] for r in regencies.values()}
    out = []
    for row in rows:
        if row["level"] == "province" and known.get(row["area_code"]) != row["name"]:
            out.append(
                {
                    "code": row["area_code"],
                    "regencies_csv": known.get(row["area_code"]),
                    "upstream": row["name"],
                }
            )
            print(
                f"  province {row['area_code']}: regencies.csv {known.get(row['area_code'])!r}, "
                f"upstream {row['name']!r}",
                file=sys.stderr,
            )
    return out


# --- Tile grid ------------------------------------------------------------------------------------


def tile_layout(
    points: dict[str, tuple[float, float]], cells_per_tile: float = TILE_CELLS_PER_TILE
) -> dict[str, tuple[int, int]]:
    """Snap ``(lng, lat)`` centroids of one province to a square grid, one tile per kab/kota.

    The cell size is chosen so that the bounding box of the centroids holds about twice as many
    cells as there are tiles, capped so the grid is at most ``ceil(2 * sqrt(n)) + 1`` cells
    along its longer side. Longitudes are scaled by the cosine of the mean latitude. Collisions
    are resolved greedily: repeatedly, the unplaced kab/kota nearest to a free cell takes it
    (ties by distance, then code), so each tile lands as close to its centroid as the others
    allow. Rows count from the north, columns from the west; both start at 0.

    Parameters
    ----------
    points : dict
        Regency code -> ``(lng, lat)``.

    Returns
    -------
    dict
        Regency code -> ``(row, col)``.
    """
    n = len(points)
    if n == 1:
        return {next(iter(points)): (0, 0)}
    lat0 = sum(lat for _, lat in points.values()) / n
    scale = math.cos(math.radians(lat0))
    xy = {c: (lng * scale, lat) for c, (lng, lat) in points.items()}
    xs = [p[0] for p in xy.values()]
    ys = [p[1] for p in xy.values()]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    longest = max(width, height, 1e-9)
    max_cells = math.ceil(2 * math.sqrt(n)) + 1
    cell = max(
        math.sqrt(max(width * height, 1e-12) / (cells_per_tile * n)), longest / (max_cells - 1)
    )
    ideal = {c: ((max(ys) - y) / cell, (x - min(xs)) / cell) for c, (x, y) in xy.items()}
    rows = int(math.floor(max(r for r, _ in ideal.values()))) + 2
    cols = int(math.floor(max(k for _, k in ideal.values()))) + 2
    free = {(r, k) for r in range(-1, rows + 1) for k in range(-1, cols + 1)}
    placed: dict[str, tuple[int, int]] = {}
    todo = set(points)
    while todo:
        best = None
        for code in todo:
            r0, k0 = ideal[code]
            for cell_rc in free:
                d = (cell_rc[0] + 0.5 - r0) ** 2 + (cell_rc[1] + 0.5 - k0) ** 2
                key = (round(d, 9), code, cell_rc)
                if best is None or key < best:
                    best = key
        _, code, cell_rc = best
        placed[code] = cell_rc
        free.discard(cell_rc)
        todo.discard(code)
    # Drop empty rows and columns (keeps every north-south and west-east order).
    row_index = {r: i for i, r in enumerate(sorted({r for r, _ in placed.values()}))}
    col_index = {k: i for i, k in enumerate(sorted({k for _, k in placed.values()}))}
    return {c: (row_index[r], col_index[k]) for c, (r, k) in placed.items()}


def tile_rows(
    centroids: dict[str, tuple[float, float]], cells_per_tile: float = TILE_CELLS_PER_TILE
) -> list[dict[str, str]]:
    """Tile layout rows for every province, sorted by province, row, col."""
    by_province: dict[str, dict[str, tuple[float, float]]] = {}
    for code, point in centroids.items():
        by_province.setdefault(code.split(".")[0], {})[code] = point
    rows = []
    for prov in sorted(by_province):
        for code, (r, k) in tile_layout(by_province[prov], cells_per_tile).items():
            rows.append({"province_code": prov, "regency_code": code, "row": str(r), "col": str(k)})
    return sorted(rows, key=lambda x: (x["province_code"], int(x["row"]), int(x["col"])))


def compare_with_hand_grid(rows: list[dict[str, str]], path: Path) -> str:
    """How often the derived grid keeps the north/south and west/east order of the hand layout."""
    if not path.exists():
        return "no hand-made tile_grid.csv to compare with"
    with path.open(encoding="utf-8", newline="") as handle:
        hand = {r["regency_code"]: (int(r["row"]), int(r["col"])) for r in csv.DictReader(handle)}
    mine = {
        r["regency_code"]: (int(r["row"]), int(r["col"])) for r in rows if r["regency_code"] in hand
    }
    agree = total = 0
    codes = sorted(mine)
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            for axis in (0, 1):
                h = hand[a][axis] - hand[b][axis]
                m = mine[a][axis] - mine[b][axis]
                if h and m:
                    total += 1
                    agree += (h > 0) == (m > 0)
    return (
        f"Against the hand-made tile_grid.csv ({len(mine)} kab/kota of province 12), the derived "
        f"layout keeps the north-south and west-east order of {agree} of {total} pairs "
        f"({100 * agree / max(total, 1):.0f}%) where both layouts order them"
    )


# --- Writing --------------------------------------------------------------------------------------


def csv_bytes(rows: list[dict[str, str]], columns: list[str]) -> bytes:
    """Serialise rows deterministically (UTF-8, ``\\n`` line ends, minimal quoting)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def sha256(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.,/()+-]*$")


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if (
        _PLAIN.match(text)
        and not text.endswith(" ")
        and text.lower() not in {"yes", "no", "on", "off", "null", "true", "false"}
        and not re.fullmatch(r"[\d.eE+-]+", text)
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def to_yaml(data: dict, indent: int = 0, width: int = 100) -> str:
    """A small YAML emitter for the sidecars (mappings, lists, strings, numbers).

    Long strings become folded block scalars (``>-``) wrapped at ``width``; other strings are
    plain when safe, else double-quoted (JSON escapes are valid YAML).
    """
    pad = " " * indent
    lines = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines.append(to_yaml(value, indent + 2, width).rstrip("\n"))
        elif isinstance(value, list):
            if not value:
                lines.append(f"{pad}{key}: []")
                continue
            lines.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    body = to_yaml(item, indent + 4, width).rstrip("\n").split("\n")
                    lines.append(f"{pad}  - {body[0].strip()}")
                    lines += body[1:]
                else:
                    lines.append(f"{pad}  - {_scalar(item)}")
        elif (
            isinstance(value, str)
            and (len(value) + len(pad) + len(key) > width - 4)
            and "\n" not in value
            and value == value.strip()
            and "  " not in value
        ):
            lines.append(f"{pad}{key}: >-")
            for line in textwrap.wrap(
                value, width - indent - 2, break_long_words=False, break_on_hyphens=False
            ):
                lines.append(f"{pad}  {line}")
        else:
            lines.append(f"{pad}{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def write_sidecar(path: Path, meta: dict) -> None:
    """Write a sidecar; with PyYAML installed, check it loads back to the same data."""
    text = to_yaml(meta)
    if yaml is not None:
        loaded = yaml.safe_load(text)
        if json.loads(json.dumps(loaded, default=str)) != json.loads(json.dumps(meta, default=str)):
            raise SystemExit(f"{path.name}: the YAML written does not load back to the same data")
    path.write_text(text, encoding="utf-8")


def upsert_sources(path: Path, new_rows: list[dict[str, str]]) -> bytes:
    """Add or replace rows of a source register by ``source_id``, sorted; return the bytes."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        rows = {r["source_id"]: r for r in reader}
    for row in new_rows:
        rows[row["source_id"]] = {c: row.get(c, "") for c in columns}
    return csv_bytes([rows[k] for k in sorted(rows)], columns)


def update_sidecar_sha(path: Path, digest: str) -> None:
    """Write the new checksum into a sidecar's ``sha256:`` line."""
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(r"(?m)^sha256:.*$", f"sha256: {digest}", text)
    if count != 1:
        raise SystemExit(f"{path}: expected exactly one 'sha256:' line")
    path.write_text(new, encoding="utf-8")


def source_rows(accessed: str) -> list[dict[str, str]]:
    """The rows this script adds to the source register."""
    return [
        {
            "source_id": SOURCE_WILAYAH,
            "publisher": "Cahya DSN (cahyadsn), wilayah",
            "title": "wilayah: kode dan data wilayah administrasi pemerintahan Indonesia "
            "(db/wilayah_penduduk.sql population, db/wilayah_luas.sql area)",
            "url": "https://github.com/cahyadsn/wilayah",
            "date_published": UPSTREAM["wilayah"]["last_change"],
            "date_accessed": accessed,
            "grade": "3P",
            "licence": "MIT",
            "note": "Population (pria, wanita, total) per Kepmendagri 300.2.2-2138 Tahun 2025 "
            "codes; "
            "the upstream README credits Dukcapil (Kemendagri); no reference date given. Area "
            "(luas, km2) per the file header from BIG letter B-16.10/DIGD-BIG/IGD.04.04/12/2024 "
            "(16 Dec 2024). date_published is the repository's last change; the copies used are "
            "in shared/sources/wilayah.",
        },
        {
            "source_id": SOURCE_BOUNDARIES,
            "publisher": "Cahya DSN (cahyadsn), wilayah_boundaries",
            "title": "wilayah_boundaries: batas wilayah administrasi pemerintahan Indonesia, "
            "kabupaten/kota (db/kab)",
            "url": "https://github.com/cahyadsn/wilayah_boundaries",
            "date_published": UPSTREAM["wilayah_boundaries"]["last_change"],
            "date_accessed": accessed,
            "grade": "3P",
            "licence": "MIT",
            "note": "Simplified kab/kota polygons ([lat, lng]) and centroids, codes per "
            "Kepmendagri "
            "300.2.2-2430 Tahun 2025. date_published is the repository's last change; the copies "
            "used are in shared/sources/wilayah/boundaries_kab.",
        },
        {
            "source_id": SOURCE_KEPMENDAGRI_2138,
            "publisher": "Kementerian Dalam Negeri",
            "title": "Keputusan Menteri Dalam Negeri Nomor 300.2.2-2138 Tahun 2025 tentang "
            "Pemberian dan Pemutakhiran Kode, Data Wilayah Administrasi Pemerintahan, dan Pulau",
            "url": "",
            "date_published": "2025-01-01",
            "date_accessed": "",
            "grade": "REG",
            "licence": "public regulation",
            "note": "Cited as basis of codes and population by cahyadsn/wilayah; date_published is "
            "the year only; text not checked here",
        },
        {
            "source_id": SOURCE_KEPMENDAGRI_2430,
            "publisher": "Kementerian Dalam Negeri",
            "title": "Keputusan Menteri Dalam Negeri Nomor 300.2.2-2430 Tahun 2025 "
            "(kode dan data wilayah administrasi pemerintahan)",
            "url": "",
            "date_published": "2025-01-01",
            "date_accessed": "",
            "grade": "REG",
            "licence": "public regulation",
            "note": "Cited as basis of the codes by cahyadsn/wilayah_boundaries; title as given "
            "upstream; date_published is the year only; text not checked here",
        },
    ]


# --- Main -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Command line entry point.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success.
    """
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Outputs go to data/raw (or --output-dir); see the module docstring.",
    )
    parser.add_argument(
        "--source-dir",
        type=Path,
        default=DEFAULT_SOURCE_DIR,
        help=f"folder with boundaries_kab/, wilayah_penduduk.sql, wilayah_luas.sql "
        f"(default {DEFAULT_SOURCE_DIR})",
    )
    parser.add_argument("--output-dir", type=Path, default=RAW, help=f"default {RAW}")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help=f"Douglas-Peucker tolerance in degrees (default {DEFAULT_TOLERANCE})",
    )
    parser.add_argument(
        "--decimals",
        type=int,
        default=DEFAULT_DECIMALS,
        help=f"decimals kept (default {DEFAULT_DECIMALS})",
    )
    parser.add_argument(
        "--accessed",
        default=ACCESSED,
        help=f"date_accessed for the sources and sidecars (YYYY-MM-DD; default {ACCESSED}, "
        "the date the upstream copies were read; change it when they are refreshed)",
    )
    parser.add_argument("--no-tiles", action="store_true", help="do not write tile_grid_all.csv")
    args = parser.parse_args(argv)

    accessed = args.accessed
    src: Path = args.source_dir
    out: Path = args.output_dir
    regencies = read_regencies(RAW / REGENCIES)

    # Boundaries
    upstream, files, stats = read_boundaries(src)
    polygons = simplify_regencies(upstream, args.tolerance, args.decimals, stats)
    features = [feature(r, polygons[r.code], args.decimals) for r in upstream]
    payload = geojson_bytes(features)
    (out / GEOJSON).write_bytes(payload)
    boundary_check = compare_codes({r.code: r.name for r in upstream}, regencies, GEOJSON)
    shifts = []
    for r in upstream:
        c = centroid(r.polygons)
        if c is not None:
            shifts.append((km_between(c, (r.lng, r.lat)), r.code, r.name))
    shifts.sort(reverse=True)
    far = [f"{code} {name} {km:.0f} km" for km, code, name in shifts if km > 25]
    bbox = [
        min(x for f in polygons.values() for p in f for r in p for x, _ in r),
        min(y for f in polygons.values() for p in f for r in p for _, y in r),
        max(x for f in polygons.values() for p in f for r in p for x, _ in r),
        max(y for f in polygons.values() for p in f for r in p for _, y in r),
    ]
    west, south, east, north = INDONESIA_BBOX
    if not (west <= bbox[0] and south <= bbox[1] and bbox[2] <= east and bbox[3] <= north):
        raise SystemExit(f"{GEOJSON}: bounding box {bbox} outside Indonesia {INDONESIA_BBOX}")
    multi = sum(1 for f in features if f["geometry"]["type"] == "MultiPolygon")
    crossing = [
        code
        for code, polys in polygons.items()
        if any(self_intersects(r) for p in polys for r in p)
    ]
    print(
        f"{GEOJSON}: {len(features)} features ({multi} MultiPolygon), {len(payload):,} bytes, "
        f"rings {stats.rings_in} -> {stats.rings_out}, points {stats.points_in} -> "
        f"{stats.points_out}, tolerance {args.tolerance:g} deg, {args.decimals} decimals",
        file=sys.stderr,
    )
    for line in stats.renested:
        print(f"  re-nested: {line}", file=sys.stderr)
    print(
        f"  self-crossing after simplification, redone finer: {stats.finer_rings} rings; "
        f"crossing already upstream: {stats.crossing_upstream} rings",
        file=sys.stderr,
    )
    if stats.fallback:
        print(f"  finer tolerance kept: {'; '.join(stats.fallback)}", file=sys.stderr)

    # Population and area
    pop_rows, pop_notes = read_population(src)
    pop_payload = csv_bytes(pop_rows, POPULATION_COLUMNS)
    (out / POPULATION).write_bytes(pop_payload)
    pop_names = {r["area_code"]: r["name"] for r in pop_rows if r["level"] == "regency"}
    pop_check = compare_codes(pop_names, regencies, POPULATION)
    province_names = compare_provinces(pop_rows, regencies)
    sums = aggregate_checks(pop_rows)
    for line in pop_notes + sums:
        print(f"  {line}", file=sys.stderr)
    print(f"{POPULATION}: {len(pop_rows)} rows, {len(pop_payload):,} bytes", file=sys.stderr)

    # Tile grid
    tiles_payload = None
    tile_note = ""
    if not args.no_tiles:
        centroids = {r.code: (r.lng, r.lat) for r in upstream if r.code in regencies}
        tiles = tile_rows(centroids)
        tiles_payload = csv_bytes(tiles, TILE_COLUMNS)
        (out / TILE_GRID).write_bytes(tiles_payload)
        tile_note = compare_with_hand_grid(tiles, RAW / "tile_grid.csv")
        print(f"{TILE_GRID}: {len(tiles)} tiles. {tile_note}", file=sys.stderr)

    # Sources
    sources_path = out / SOURCES
    if sources_path.exists():
        src_payload = upsert_sources(sources_path, source_rows(accessed))
        sources_path.write_bytes(src_payload)
        sidecar = sources_path.with_name(SOURCES + ".meta.yml")
        if sidecar.exists():
            update_sidecar_sha(sidecar, sha256(src_payload))
        print(f"{SOURCES}: {len(source_rows(accessed))} rows added or replaced", file=sys.stderr)

    # Sidecars
    write_sidecar(
        out / (GEOJSON + ".meta.yml"),
        boundaries_meta(
            args,
            accessed,
            files,
            stats,
            features,
            payload,
            boundary_check,
            far,
            bbox,
            multi,
            crossing,
        ),
    )
    write_sidecar(
        out / (POPULATION + ".meta.yml"),
        population_meta(
            accessed, pop_rows, pop_payload, pop_check, province_names, pop_notes, sums
        ),
    )
    if tiles_payload is not None:
        write_sidecar(
            out / (TILE_GRID + ".meta.yml"),
            tiles_meta(accessed, tiles_payload, len(regencies), tile_note),
        )
    return 0


def _differences(check: dict) -> list[str]:
    lines = [f"missing in upstream: {c}" for c in check["missing"]]
    lines += [f"not in regencies.csv: {c}" for c in check["extra"]]
    lines += [
        f"{d['code']}: regencies.csv '{d['regencies_csv']}', upstream '{d['upstream']}'"
        for d in check["name_differs"]
    ]
    return lines


def boundaries_meta(
    args, accessed, files, stats, features, payload, check, far, bbox, multi, crossing
) -> dict:
    """Sidecar of the GeoJSON."""
    return {
        "title": "Boundaries of the kabupaten/kota of Indonesia (simplified polygons, GeoJSON)",
        "file": GEOJSON,
        "publisher": "Cahya DSN (github.com/cahyadsn), wilayah_boundaries; codes per Kepmendagri "
        "No 300.2.2-2430 Tahun 2025",
        "source_ids": [SOURCE_BOUNDARIES, SOURCE_KEPMENDAGRI_2430],
        "source_urls": [
            "https://github.com/cahyadsn/wilayah_boundaries",
            "https://github.com/cahyadsn/wilayah_boundaries/tree/main/db/kab",
        ],
        "upstream": {
            "repository": UPSTREAM["wilayah_boundaries"]["repository"],
            "folder": UPSTREAM["wilayah_boundaries"]["folder"],
            "files_used": files,
            "local_copy": "shared/sources/wilayah/boundaries_kab (unchanged upstream files)",
        },
        "date_published": UPSTREAM["wilayah_boundaries"]["last_change"]
        + " (last upstream change; the files carry no release date)",
        "date_accessed": accessed,
        "licence": "MIT (upstream wilayah_boundaries, Copyright (c) 2024 Cahya DSN); keep the "
        "notice in LICENSES.md with any copy",
        "attribution": ATTRIBUTION,
        "features": len(features),
        "geometry": {
            "crs": "WGS 84 longitude/latitude (RFC 7946 default), positions [lng, lat]",
            "winding": "right-hand rule: exterior rings counter-clockwise, holes clockwise",
            "polygons": f"{len(features) - multi} Polygon, {multi} MultiPolygon features",
            "bbox": [round(v, 4) for v in bbox],
            "simplification": f"Douglas-Peucker per ring, tolerance {args.tolerance:g} degrees "
            f"(about {args.tolerance * 111.32:.2f} km), then coordinates rounded to "
            f"{args.decimals} decimals (about {111320 * 10**-args.decimals:.0f} m)",
            "rings": f"{stats.rings_in} upstream -> {stats.rings_out} kept "
            f"({stats.rings_dropped} degenerate rings dropped: fewer than 3 distinct positions "
            "or zero area after simplification; a dropped exterior drops its holes)",
            "positions": f"{stats.points_in} upstream -> {stats.points_out} kept",
            "reoriented": f"{stats.exteriors_reversed} exterior rings reversed to "
            "counter-clockwise, "
            f"{stats.holes_reversed} holes reversed to clockwise",
            "closed_by_script": stats.rings_closed,
            "re_nested": stats.renested or "none",
            "self_crossings": f"{stats.finer_rings} rings that crossed themselves after "
            "simplification were simplified again at half the tolerance (repeatedly) until they "
            f"did not; {stats.crossing_upstream} rings cross themselves already in the upstream "
            "data (after rounding) and were simplified as usual",
            "self_crossing_features": crossing,
            "finer_tolerance": stats.fallback
            or "none (every kab/kota kept at least one polygon at the default tolerance)",
            "topology": "rings are simplified one by one, so shared borders of neighbours are "
            "not identical: slivers and overlaps up to about the tolerance appear; fine for "
            "small-scale maps, not for area or adjacency computations",
        },
        "size_bytes": len(payload),
        "units": {
            "area_code": "Kemendagri code PP.RR (text), as in regencies.csv",
            "name": "name as written upstream",
            "province_code": "Kemendagri code PP (text)",
            "lat": "upstream centroid latitude, degrees (WGS 84), rounded to 5 decimals",
            "lng": "upstream centroid longitude, degrees (WGS 84), rounded to 5 decimals",
            "coordinates": "degrees, [longitude, latitude]",
        },
        "manual_steps": "None. Generated by data/scripts/derive_boundaries.py from the upstream "
        "SQL dumps: INSERT rows parsed, path JSON read as [lat, lng] and swapped to [lng, lat], "
        "rings closed, each ring simplified and rounded, degenerate rings dropped, winding set "
        "by the right-hand rule, one Feature per kab/kota sorted by code, one feature per line.",
        "checks": {
            "codes_against_regencies_csv": f"{len(features)} features; missing "
            f"{len(check['missing'])}, extra {len(check['extra'])}, "
            f"{len(check['name_differs'])} names differ (listed in notes)",
            "missing_codes": check["missing"],
            "extra_codes": check["extra"],
            "centroids": "upstream lat/lng compared with the area-weighted centroid of the "
            "upstream polygons; more than 25 km apart: " + (", ".join(far) if far else "none"),
            "test": "tests/data/test_boundaries_data.py",
        },
        "notes": [
            "Against regencies.csv (idn-area-data 3.1.2): every code has exactly one feature, "
            f"{len(check['missing'])} missing, {len(check['extra'])} extra; the names that differ "
            "are listed below (spelling only). Join on area_code, not on name.",
            *_differences(check),
        ],
        "sha256": sha256(payload),
    }


def population_meta(accessed, rows, payload, check, province_names, notes, sums) -> dict:
    """Sidecar of the population table."""
    levels = Counter(r["level"] for r in rows)
    return {
        "title": "Population (total, male, female) and area of Indonesia, its provinces and "
        "kab/kota, Kemendagri 2025 basis",
        "file": POPULATION,
        "publisher": "Cahya DSN (github.com/cahyadsn), wilayah; population credited upstream to "
        "Dukcapil (Kemendagri), area to Badan Informasi Geospasial",
        "source_ids": [SOURCE_WILAYAH, SOURCE_KEPMENDAGRI_2138],
        "source_urls": [
            "https://github.com/cahyadsn/wilayah/blob/master/db/wilayah_penduduk.sql",
            "https://github.com/cahyadsn/wilayah/blob/master/db/wilayah_luas.sql",
        ],
        "upstream": {
            "repository": UPSTREAM["wilayah"]["repository"],
            "files_used": UPSTREAM["wilayah"]["files"],
            "local_copy": "shared/sources/wilayah (unchanged upstream files)",
        },
        "date_published": UPSTREAM["wilayah"]["last_change"]
        + " (last upstream change); wilayah_penduduk.sql last edited 2025-07-04, "
        "wilayah_luas.sql 2025-07-06 (file headers)",
        "date_accessed": accessed,
        "reference_date": "Not given upstream. Rows carry date 2025-01-01 with date_precision "
        "year: the 2025 Kepmendagri basis named in the file header. The national total "
        "(284.973.643) is above Dukcapil's semester I 2024 figure (282.477.584, released "
        "7 Aug 2024), so it is a later semester; which one is not confirmed.",
        "licence": "MIT (upstream wilayah, Copyright (c) 2017-2025 Cahya DSN); keep the notice "
        "in LICENSES.md with any copy",
        "attribution": ATTRIBUTION,
        "rows": len(rows),
        "rows_by_level": dict(sorted(levels.items())),
        "units": {
            "area_code": "ID for Indonesia, PP province, PP.RR kab/kota (Kemendagri codes, text)",
            "name": "name as written upstream, runs of spaces collapsed",
            "level": "national | province | regency",
            "population_total": "people (whole number)",
            "male": "people (pria)",
            "female": "people (wanita)",
            "area_km2": "square kilometres as given upstream (luas); empty for the national row",
            "date": "ISO date; 2025-01-01 stands for the year 2025 (see reference_date)",
            "date_precision": "year",
            "reference": "the legal basis named in the header of wilayah_penduduk.sql (codes "
            "and population data per Kepmendagri No 300.2.2-2138 Tahun 2025); the upstream README "
            "credits Dukcapil (Kemendagri) for the population; the semester is not stated",
            "source_id": "key into sources_reference.csv",
            "flag": "UNCONFIRMED on every row until matched against a Dukcapil or BPS publication",
            "note": "repairs and per-row remarks",
        },
        "manual_steps": "None. Generated by data/scripts/derive_boundaries.py: INSERT rows of "
        "wilayah_penduduk.sql and wilayah_luas.sql parsed, code 0 (INDONESIA) written as ID, "
        "area joined by code, rows sorted by area_code with the national row first.",
        "checks": {
            "codes_against_regencies_csv": f"missing {len(check['missing'])}, extra "
            f"{len(check['extra'])}, {len(check['name_differs'])} kab/kota and "
            f"{len(province_names)} province names differ (listed in notes)",
            "missing_codes": check["missing"],
            "extra_codes": check["extra"],
            "area_file": notes or ["no repairs"],
            "sums": sums,
            "hand_checked": "12.14 Nias Selatan 369.817 (185.317 + 184.500), 12.15 Pakpak "
            "Bharat 57.280 (28.977 + 28.303), as in shared/sources/wilayah/README.md",
        },
        "notes": [
            "Against regencies.csv (idn-area-data 3.1.2): one row for each of its "
            f"{check['expected'] - len(check['missing'])} codes, {len(check['missing'])} missing, "
            f"{len(check['extra'])} extra; names that differ are listed below (kept as written "
            "upstream). Join on area_code, not on name.",
            *_differences(check),
            *[
                f"province {d['code']}: regencies.csv '{d['regencies_csv']}', "
                f"upstream '{d['upstream']}'"
                for d in province_names
            ],
        ],
        "use": "Population-based estimates use this table where the curated population_poverty "
        "table has no figure, carrying its UNCONFIRMED flag.",
        "sha256": sha256(payload),
    }


def tiles_meta(accessed, payload, n_regencies, comparison) -> dict:
    """Sidecar of the derived tile layout."""
    return {
        "title": "Tile-grid layout of the kabupaten/kota of every province, derived from centroids",
        "file": TILE_GRID,
        "publisher": "Project authors (derived layout)",
        "source_ids": [SOURCE_BOUNDARIES],
        "source_urls": ["https://github.com/cahyadsn/wilayah_boundaries"],
        "date_published": accessed,
        "date_accessed": accessed,
        "licence": "MIT, as the rest of the repository (positions derived from the MIT-licensed "
        "wilayah_boundaries centroids)",
        "nature": "A computed layout, not a statistic. Each province has its own grid; row 0 is "
        "its northernmost row, col 0 its westernmost column. Tiles sit near their centroid; "
        "enclave cities land next to the kabupaten around them. Not to scale. The hand-made "
        "tile_grid.csv (North Sumatra) is unchanged and remains the layout used for province 12.",
        "rows": n_regencies,
        "units": {
            "province_code": "Kemendagri code PP (text)",
            "regency_code": "Kemendagri code PP.RR (text), as in regencies.csv",
            "row": "grid row within the province, 0 = northernmost, integer",
            "col": "grid column within the province, 0 = westernmost, integer",
        },
        "manual_steps": "None. Generated by data/scripts/derive_boundaries.py (tile_layout): "
        "upstream centroids, longitude scaled by the cosine of the mean latitude, a cell size "
        f"giving about {TILE_CELLS_PER_TILE:g} cells per tile over the centroids' bounding box (at "
        "most ceil(2*sqrt(n))+1 cells along the longer side), then greedy assignment: the "
        "unplaced kab/kota nearest to a free cell centre takes it, until all are placed; empty "
        "rows and columns removed, numbering from 0.",
        "checks": "One row per code of regencies.csv; (province_code, row, col) unique. "
        + comparison
        + ".",
        "sha256": sha256(payload),
    }


if __name__ == "__main__":
    raise SystemExit(main())
