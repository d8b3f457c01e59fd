"""User boundary files (GeoJSON) read and matched to kab/kota codes, for the choropleth maps.

A boundary file comes from whoever drew it (BIG, GADM, a regency's own GIS office), so its
features name their kab/kota in many ways: a code ``12.14`` or ``1214``, or a name in a property
such as ``NAME_2``, ``WADMKK`` or ``kabkot``. :func:`read_geojson` reads the features and
:func:`match_features` gives each one its Kemendagri code through the regency name resolver.
Drawing the map is the job of ``analysis.views.figures.maps``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from analysis.core.errors import UserError
from analysis.data.names import resolve_regency

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
