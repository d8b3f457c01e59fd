"""Coverage maps: a tile grid (the shipped layout) or a choropleth from the user's boundary file.

Input: the table of ``analysis.model.coverage.coverage_table``. The boundary file is read and
matched to kab/kota by ``analysis.data.boundaries``; polygons are drawn as matplotlib patches,
so no GIS library is needed.
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
from analysis.data.boundaries import match_features, read_geojson
from analysis.data.tables import load_table
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


def choropleth(
    table: pd.DataFrame,
    boundary_file: str | Path,
    lang: str = "id",
    value: str = "rate",
    key: str | None = None,
    province: str | None = "12",
    title: str | None = None,
    resolve=None,
) -> Figure:
    """Choropleth of coverage rate from a user-supplied GeoJSON of kab/kota boundaries.

    Polygons are drawn as matplotlib patches (no GIS library needed); features are matched to
    kab/kota with ``match_features``. Kab/kota with no value, and features that match none, are
    grey and hatched.

    Parameters
    ----------
    table : DataFrame
        From ``coverage.coverage_table``.
    boundary_file : str or Path
        GeoJSON with Polygon/MultiPolygon features (longitude, latitude).
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

    Returns
    -------
    Figure
    """
    i18n.check_lang(lang)
    features = read_geojson(boundary_file)
    codes = match_features(features, province, key, resolve)
    values = table.set_index("regency_code")[value].astype(float)
    status = table.set_index("regency_code")["status"]
    _, cmap, norm = _rate_colours(pd.Series(dtype=float))
    fig, ax = plt.subplots(figsize=(8.0, 7.0))
    for feature, code in zip(features, codes, strict=True):
        rate = values.get(code, np.nan) if code else np.nan
        if np.isfinite(rate):
            style = {"facecolor": cmap(norm(min(rate, 1.0)))}
        else:
            style = dict(_missing_style(status.get(code, "no data")))
        style.update(edgecolor="white", linewidth=0.6)
        for ring in _rings(feature.get("geometry") or {}):
            ax.add_patch(Polygon(np.asarray(ring, dtype=float)[:, :2], closed=True, **style))
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title or i18n.t("figures.map_title", lang), loc="left")
    shown = table[table["regency_code"].isin(set(codes))]
    _map_legend(fig, ax, cmap, norm, lang,
                bool(((shown["status"] == "ok") & shown[value].isna()).any()))
    return fig


def coverage_map(
    table: pd.DataFrame,
    lang: str = "id",
    boundary_file: str | Path | None = None,
    grid: pd.DataFrame | None = None,
    **kwargs: object,
) -> Figure:
    """The coverage map: a choropleth if a boundary file is given, else the tile grid.

    Parameters
    ----------
    table : DataFrame
        From ``coverage.coverage_table``.
    lang : {"id", "en"}
        Report language.
    boundary_file : str or Path, optional
        GeoJSON of kab/kota boundaries supplied by the user.
    grid : DataFrame, optional
        Tile layout; defaults to ``analysis.data.load_table("tile_grid")``.
    **kwargs
        Passed to ``choropleth`` or ``tile_map``.

    Returns
    -------
    Figure
    """
    if boundary_file:
        return choropleth(table, boundary_file, lang=lang, **kwargs)
    if grid is None:
        grid = load_table("tile_grid")
    return tile_map(table, grid, lang=lang, **kwargs)
