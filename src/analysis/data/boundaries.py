"""Boundary files (GeoJSON) read and matched to kab/kota codes, and tile layouts, for the maps.

The shipped boundaries (``data/raw/regency_boundaries.geojson``, every kab/kota of Indonesia,
property ``area_code``) are read once per process by :func:`shipped_features`; a tile layout
for any province comes from :func:`tile_layout`.

A boundary file comes from whoever drew it (BIG, GADM, a regency's own GIS office), so its
features name their kab/kota in many ways: a code ``12.14`` or ``1214``, or a name in a property
such as ``NAME_2``, ``WADMKK`` or ``kabkot``. :func:`read_geojson` reads the features and
:func:`match_features` gives each one its Kemendagri code through the regency name resolver.
Drawing the map is the job of ``analysis.views.figures.maps``.
"""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.core import config
from analysis.core.errors import UserError
from analysis.core.files import file_stamp
from analysis.data.names import resolve_regency
from analysis.data.tables import load_table

BOUNDARY_FILE = "regency_boundaries.geojson"  # in config.RAW

# A kab/kota code as written in boundary files: "12.14" or "1214".
CODE = re.compile(r"\d{2}\.?\d{2}")


def read_geojson(path: str | Path) -> list[dict]:
    """Features of a GeoJSON file (a FeatureCollection, a Feature or a bare geometry).

    Parameters
    ----------
    path : str or Path
        The boundary file.

    Returns
    -------
    list of dict
        Features with ``properties`` and ``geometry``.

    Raises
    ------
    UserError
        The file is missing or not GeoJSON.
    """
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{file}: boundary file not found") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"{file}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "FeatureCollection":
        return list(data.get("features") or [])
    if kind == "Feature":
        return [data]
    if kind in ("Polygon", "MultiPolygon"):
        return [{"type": "Feature", "properties": {}, "geometry": data}]
    raise UserError(f"{file}: not a GeoJSON FeatureCollection (type {kind!r})")


def match_features(
    features: list[dict],
    province: str | None = "12",
    key: str | None = None,
    resolve=None,
) -> list[str | None]:
    """The kab/kota code of each GeoJSON feature.

    Each feature is matched through ``analysis.data.resolve_regency`` on, in turn, the property
    ``key`` if given, else any property whose value looks like a code (``12.14``/``1214``), else
    the usual name properties (``name``, ``NAME_2``, ``WADMKK``, ``kabkot``, …).

    Parameters
    ----------
    features : list of dict
        From ``read_geojson``.
    province : str, optional
        Restrict names to one province.
    key : str, optional
        Property holding the code or name.
    resolve : callable, optional
        ``name -> code``; defaults to ``analysis.data.resolve_regency``.

    Returns
    -------
    list of (str or None)
        One code per feature; None where nothing matched.
    """
    if resolve is None:

        def resolve(name: str) -> str:
            return resolve_regency(name, province)

    names = ("kode", "code", "kode_kab", "kdkab", "name", "nama", "NAME_2", "WADMKK", "kabkot",
             "kab_kota", "regency", "KABKOT", "NAMOBJ")
    codes: list[str | None] = []
    for feature in features:
        props = feature.get("properties") or {}
        candidates = [props.get(key)] if key else [
            *(v for v in props.values() if isinstance(v, str) and CODE.fullmatch(v.strip())),
            *(props.get(k) for k in names),
        ]
        code = None
        for candidate in candidates:
            if candidate in (None, ""):
                continue
            try:
                code = resolve(str(candidate))
                break
            except UserError:
                continue
        codes.append(code)
    return codes


def boundary_path() -> Path:
    """The shipped GeoJSON of every kab/kota (``config.RAW / BOUNDARY_FILE``)."""
    return Path(config.RAW) / BOUNDARY_FILE


@lru_cache(maxsize=2)
def _shipped(stamp: tuple[str, int, int]) -> tuple[dict, ...]:
    return tuple(read_geojson(stamp[0]))


def shipped_features(province: str | None = None) -> list[dict]:
    """Features of the shipped boundaries, of one province or of the whole country.

    Parameters
    ----------
    province : str, optional
        Province code (``"65"``); None or ``"ID"`` for every kab/kota.

    Returns
    -------
    list of dict
        GeoJSON features with ``properties.area_code`` (``"65.01"``), ``name``,
        ``province_code``, centroid ``lat``/``lng``; coordinates ``[lng, lat]``. Copies:
        free to modify.

    Raises
    ------
    UserError
        When the file is missing or not GeoJSON.
    """
    features = _shipped(file_stamp(boundary_path()))
    if province is not None and str(province).upper() != "ID":
        features = tuple(f for f in features
                         if str(f["properties"].get("province_code")) == str(province))
    return copy.deepcopy(list(features))


def tile_layout(province: str) -> pd.DataFrame:
    """Tile-grid layout of a province: one (row, column) per kab/kota.

    North Sumatra keeps its hand-placed layout (``tile_grid``); every other province uses the
    layout derived from the kab/kota centroids (``tile_grid_all``).

    Parameters
    ----------
    province : str
        Province code.

    Returns
    -------
    DataFrame
        ``regency_code, row, col``; empty for an unknown province.
    """
    province = str(province)
    if province == "12":
        grid = load_table("tile_grid", include_user=False)
        grid = grid[grid["regency_code"].str.startswith("12.")]
        if len(grid):
            return grid[["regency_code", "row", "col"]].reset_index(drop=True)
    grid = load_table("tile_grid_all", include_user=False)
    grid = grid[grid["province_code"] == province]
    return grid[["regency_code", "row", "col"]].reset_index(drop=True)
