"""Coverage maps: a choropleth of the real boundaries (default) or a tile grid.

Input: the table of ``analysis.model.coverage.coverage_table``. The boundaries are the shipped
GeoJSON of every kab/kota (``analysis.data.boundaries.shipped_features``) or a user's own file
(read and matched to kab/kota by ``analysis.data.boundaries``); polygons are drawn as matplotlib
patches, so no GIS library is needed. The tile grid (one equal square per kab/kota) uses the
province's layout (``analysis.data.boundaries.tile_layout``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon, Rectangle

from analysis.core import i18n, numbers
from analysis.data.boundaries import match_features, read_geojson, shipped_features, tile_layout
from analysis.views.figures.style import (
    NO_DATA_STYLE,
    NO_TARGET_STYLE,
    _footnote,
    _names,
    percent_formatter,
)


def _rate_colours(rates: pd.Series, cmap_name: str = "cividis") -> tuple[list, object, object]:
    """Colours for rates 0–1 (above 1 shown as 1) on a colour-blind-safe sequential map."""
    cmap = plt.get_cmap(cmap_name)
    norm = Normalize(vmin=0.0, vmax=1.0)
    colours = [cmap(norm(min(r, 1.0))) if np.isfinite(r) else None for r in rates.astype(float)]
    return colours, cmap, norm


def _wrap(name: str, width: int = 10) -> str:
    """Break a long short-name onto two lines at a space (or hyphenate one long word)."""
    if len(name) <= width:
        return name
    if " " not in name:
        return name if len(name) <= width + 2 else name[:8] + "-\n" + name[8:]
    words, lines, line = name.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines[:2]) if len(lines) <= 2 else lines[0] + "\n" + " ".join(lines[1:])


def _text_colour(rgba: tuple) -> str:
    r, g, b = rgba[:3]
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.5 else "black"


def _map_legend(fig: Figure, ax, cmap, norm, lang: str, no_target: bool) -> None:
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6, pad=0.02,
                       format=percent_formatter(lang), extend="max")
    bar.set_label(i18n.t("figures.coverage_rate", lang))
    handles = [Patch(label=i18n.t("figures.no_current_data", lang), **NO_DATA_STYLE)]
    if no_target:
        handles.append(Patch(label=i18n.t("figures.no_target", lang), **NO_TARGET_STYLE))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0))


def _missing_style(status: object) -> dict[str, object]:
    """Grey hatch for no current data (none, or programmes ended); plain pale grey where current
    data exist but no rate can be computed."""
    return NO_TARGET_STYLE if status == "ok" else NO_DATA_STYLE


def tile_map(
    table: pd.DataFrame,
    grid: pd.DataFrame,
    lang: str = "id",
    value: str = "rate",
    title: str | None = None,
) -> Figure:
    """Tile-grid map: one square per kab/kota, coloured by coverage rate.

    The layout (``data/raw/tile_grid.csv``) is the authors' own, placing each tile roughly where
    the kab/kota lies; it is not to scale. Kab/kota with no value are grey and hatched.

    Parameters
    ----------
    table : DataFrame
        From ``coverage.coverage_table`` (``regency_code``, ``value`` column, names).
    grid : DataFrame
        ``regency_code, row, col``.
    lang : {"id", "en"}
        Report language.
    value : str
        Column with a share 0–1 to colour by (default ``rate``).
    title : str, optional
        Defaults to the translated map title.

    Returns
    -------
    Figure
    """
    i18n.check_lang(lang)
    tiles = grid.merge(table, on="regency_code", how="inner")
    if tiles.empty:
        raise ValueError("no tile of the layout matches a kab/kota of the table; "
                         "use analysis.data.boundaries.tile_layout(province)")
    tiles = tiles.assign(row=tiles["row"].astype(int), col=tiles["col"].astype(int))
    colours, cmap, norm = _rate_colours(tiles[value])
    n_rows, n_cols = tiles["row"].max() + 1, tiles["col"].max() + 1
    fig, ax = plt.subplots(figsize=(1.05 * n_cols + 1.6, 0.95 * n_rows + 1.0))
    names = _names(tiles)
    for (_, tile), colour, name in zip(tiles.iterrows(), colours, names, strict=True):
        x, y = tile["col"], -tile["row"]
        style = {"facecolor": colour, "edgecolor": "white", "linewidth": 1.5}
        if colour is None:
            style = {**_missing_style(tile.get("status")), "edgecolor": "white", "linewidth": 1.5}
        ax.add_patch(Rectangle((x - 0.48, y - 0.48), 0.96, 0.96, **style))
        ink = "black" if colour is None else _text_colour(colour)
        rate = tile[value]
        shown = numbers.format_percent(rate, lang, 0) if np.isfinite(rate) else "–"
        ax.text(x, y + 0.12, _wrap(str(name).replace("Kota ", "")), ha="center", va="center",
                fontsize=6.2, color=ink, linespacing=0.95)
        ax.text(x, y - 0.3, shown, ha="center", va="center", fontsize=6.5, color=ink,
                fontweight="bold")
        if tile.get("type") == "kota":
            ax.text(x + 0.44, y + 0.42, "•", ha="right", va="top", fontsize=7, color=ink)
    ax.set_xlim(-0.6, n_cols - 0.4)
    ax.set_ylim(-(n_rows - 0.4), 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title or i18n.t("figures.map_title", lang), loc="left")
    no_target = bool(((tiles["status"] == "ok") & tiles[value].isna()).any())
    _map_legend(fig, ax, cmap, norm, lang, no_target)
    _footnote(fig, i18n.t("figures.tile_note", lang))
    return fig


def _rings(geometry: dict) -> list[list[list[float]]]:
    """Outer rings of a Polygon/MultiPolygon (holes are drawn over by neighbours)."""
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


def _label_point(feature: dict) -> tuple[float, float] | None:
    """Where a feature's label goes: its centroid property when it falls on land, else the
    middle of its largest ring (an island regency's centroid can lie in the sea)."""
    from matplotlib.path import Path as MplPath

    rings = [np.asarray(r, dtype=float)[:, :2] for r in _rings(feature.get("geometry") or {})]
    if not rings:
        return None
    props = feature.get("properties") or {}
    if props.get("lng") is not None and props.get("lat") is not None:
        point = (float(props["lng"]), float(props["lat"]))
        if any(MplPath(r).contains_point(point) for r in rings):
            return point
    largest = max(rings, key=lambda r: np.ptp(r[:, 0]) * np.ptp(r[:, 1]))
    return float(largest[:, 0].mean()), float(largest[:, 1].mean())


def _map_size(features: list[dict], width: float = 8.0) -> tuple[tuple[float, float], float]:
    """Figure size for the features' extent and the y/x aspect that keeps shapes true.

    A degree of longitude is cos(latitude) times a degree of latitude, so the axes get the
    aspect 1 / cos(mean latitude); the height follows the extent, within 3 to 9.5 inches.
    """
    points = [np.asarray(r, dtype=float)[:, :2]
              for f in features for r in _rings(f.get("geometry") or {})]
    if not points:
        return (width, 6.0), 1.0
    xy = np.vstack(points)
    (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    aspect = 1.0 / max(np.cos(np.radians((y0 + y1) / 2)), 0.2)
    dx, dy = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
    # The colour bar takes about a quarter of the width; the map fills the rest.
    height = float(np.clip(0.62 * width * dy * aspect / dx + 1.0, 3.0, 9.5))
    return (width, height), aspect


def choropleth(
    table: pd.DataFrame,
    boundary_file: str | Path | None = None,
    lang: str = "id",
    value: str = "rate",
    key: str | None = None,
    province: str | None = "12",
    title: str | None = None,
    resolve=None,
    features: list[dict] | None = None,
    labels: bool | None = None,
) -> Figure:
    """Choropleth of coverage rate: one polygon per kab/kota, coloured by its rate.

    Polygons are drawn as matplotlib patches (no GIS library needed), in longitude and latitude
    with the aspect of the map's mean latitude. Kab/kota with no value, and features that
    match none, are grey and hatched; those with data but no rate are pale grey.

    Parameters
    ----------
    table : DataFrame
        From ``coverage.coverage_table``.
    boundary_file : str or Path, optional
        A user's GeoJSON with Polygon/MultiPolygon features (longitude, latitude); features
        are matched to kab/kota with ``match_features``.
    lang : {"id", "en"}
        Report language.
    value : str
        Column with a share 0–1 to colour by.
    key : str, optional
        Feature property with the code or name (see ``match_features``).
    province : str, optional
        Restrict name matching to one province.
    title : str, optional
        Defaults to the translated map title.
    resolve : callable, optional
        Name → code resolver (tests); defaults to ``analysis.data.resolve_regency``.
    features : list of dict, optional
        Features already read, each with ``properties.area_code`` (the shipped boundaries,
        ``analysis.data.boundaries.shipped_features``); used instead of ``boundary_file``.
    labels : bool, optional
        Write each kab/kota's short name on the map; by default when there are at most 45.

    Returns
    -------
    Figure
    """
    i18n.check_lang(lang)
    if features is None:
        if boundary_file is None:
            raise ValueError("choropleth needs a boundary_file or features")
        features = read_geojson(boundary_file)
        codes = match_features(features, province, key, resolve)
    else:
        codes = [str((f.get("properties") or {}).get("area_code") or "") or None
                 for f in features]
    indexed = table.set_index("regency_code")
    values = indexed[value].astype(float)
    status = indexed["status"]
    _, cmap, norm = _rate_colours(pd.Series(dtype=float))
    size, aspect = _map_size(features)
    fig, ax = plt.subplots(figsize=size)
    many = len(features) > 120  # the whole country: thin edges, no names
    for feature, code in zip(features, codes, strict=True):
        rate = values.get(code, np.nan) if code else np.nan
        if np.isfinite(rate):
            style = {"facecolor": cmap(norm(min(rate, 1.0)))}
        else:
            style = dict(_missing_style(status.get(code, "no data")))
            if many:
                style.pop("hatch", None)
                style.pop("hatchcolor", None)
        style.update(edgecolor="white", linewidth=0.15 if many else 0.6)
        for ring in _rings(feature.get("geometry") or {}):
            ax.add_patch(Polygon(np.asarray(ring, dtype=float)[:, :2], closed=True, **style))
    ax.autoscale_view()
    ax.set_aspect(aspect)
    ax.axis("off")
    ax.set_title(title or i18n.t("figures.map_title", lang), loc="left")
    shown = table[table["regency_code"].isin(set(codes))]
    _map_legend(fig, ax, cmap, norm, lang,
                bool(((shown["status"] == "ok") & shown[value].isna()).any()))
    if labels is None:
        labels = len(features) <= 45
    if labels:  # last: overlaps are judged on the final layout
        _write_labels(ax, features, codes, indexed)
    if features and "area_code" in (features[0].get("properties") or {}):
        _footnote(fig, i18n.t("figures.boundary_note", lang))
    return fig


def _write_labels(ax, features: list[dict], codes: list[str | None],
                  indexed: pd.DataFrame) -> None:
    """Short names at the centroids, dark on a white halo so they read on any colour.

    Kabupaten are named first, then kota (in italics); a name that would overlap one already
    written is moved just above or below its point, or left out (the league table names every
    kab/kota).
    """
    from matplotlib import patheffects
    from matplotlib.transforms import offset_copy

    halo = [patheffects.withStroke(linewidth=1.6, foreground="white")]
    renderer = ax.figure.canvas.get_renderer()
    ax.apply_aspect()
    placed = []
    items = []
    for feature, code in zip(features, codes, strict=True):
        point = _label_point(feature)
        if point is None or code is None or code not in indexed.index:
            continue
        row = indexed.loc[code]
        items.append((row.get("type") == "kota", point,
                      str(row.get("short_name") or row.get("name") or code)))
    items.sort(key=lambda item: item[0])  # kabupaten first
    size = 8.0 if len(items) <= 10 else 6.8 if len(items) <= 20 else 5.6  # few names: larger
    for kota, point, name in items:
        text = ax.text(*point, _wrap(name, 12), ha="center", va="center",
                       fontsize=size - 0.8 if kota else size, style="italic" if kota else "normal",
                       color="black", linespacing=0.9, path_effects=halo, zorder=5)
        for dy in (0, 9, -9):
            text.set_transform(offset_copy(ax.transData, fig=ax.figure, y=dy, units="points"))
            box = text.get_window_extent(renderer).expanded(1.05, 1.1)
            if not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
        else:
            text.remove()


def _province_of(table: pd.DataFrame) -> str | None:
    """The province the table covers (``attrs["province"]``, else the codes' common prefix)."""
    province = table.attrs.get("province")
    if province:
        return str(province)
    prefixes = {str(c).split(".")[0] for c in table["regency_code"]}
    return prefixes.pop() if len(prefixes) == 1 else None


def coverage_map(
    table: pd.DataFrame,
    lang: str = "id",
    boundary_file: str | Path | None = None,
    grid: pd.DataFrame | None = None,
    style: str = "choropleth",
    **kwargs: object,
) -> Figure:
    """The coverage map of a province (or of the country, when the table holds every kab/kota).

    Parameters
    ----------
    table : DataFrame
        From ``coverage.coverage_table`` (one province) or several such tables concatenated.
    lang : {"id", "en"}
        Report language.
    boundary_file : str or Path, optional
        A user's GeoJSON of kab/kota boundaries; drawn instead of the shipped boundaries.
    grid : DataFrame, optional
        Tile layout for ``style="tiles"``; defaults to the province's
        (``analysis.data.boundaries.tile_layout``).
    style : {"choropleth", "tiles"}
        A map of the real boundaries (``data/raw/regency_boundaries.geojson``, default) or
        the tile grid (one equal square per kab/kota).
    **kwargs
        Passed to ``choropleth`` or ``tile_map``.

    Returns
    -------
    Figure
    """
    if style not in ("choropleth", "tiles"):
        raise ValueError(f"style must be 'choropleth' or 'tiles', got {style!r}")
    province = _province_of(table)
    if boundary_file:
        kwargs.setdefault("province", province)
        return choropleth(table, boundary_file, lang=lang, **kwargs)
    if style == "tiles":
        if grid is None:
            if province is None:
                raise ValueError("a tile map shows one province; pass grid= for several")
            grid = tile_layout(province)
        return tile_map(table, grid, lang=lang, **kwargs)
    features = shipped_features(province)
    wanted = set(table["regency_code"])
    features = [f for f in features if f["properties"].get("area_code") in wanted]
    return choropleth(table, lang=lang, features=features, **kwargs)
