"""Shared chart style and the charts of the analysis, in the report language.

Every chart in notebooks and PDF reports goes through this module so that they look alike: one
colour-blind-safe palette (Okabe–Ito), axis numbers in Indonesian or English format (through
``analysis.numbers``), labels from ``locales/figures.yml`` (through ``analysis.i18n``) and one way
to save a PNG. Plotting functions return a matplotlib ``Figure`` and take ``lang``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import blended_transform_factory

from analysis.core import i18n, numbers

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision
# deficiencies. Named so that charts say what a colour means, not which colour it is.
PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
    "light_grey": "#DDDDDD",
}

# The order in which series take colours when a chart has several.
CYCLE: list[str] = [
    PALETTE[name] for name in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow")
]

DPI = 200

# A kab/kota code as written in boundary files: "12.14" or "1214".
CODE = re.compile(r"\d{2}\.?\d{2}")


def apply_style() -> None:
    """Set the shared matplotlib style (fonts, grid, colour cycle) for every later chart.

    Safe to call more than once; notebooks call it once at the top.
    """
    plt.rcParams.update(
        {
            "figure.figsize": (8.0, 5.0),
            "figure.dpi": 100,
            "savefig.dpi": DPI,
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.titlesize": 11,
            "axes.titleweight": "bold",
            "axes.labelsize": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "axes.grid.axis": "x",
            "grid.color": PALETTE["light_grey"],
            "grid.linewidth": 0.6,
            "axes.axisbelow": True,
            "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
            "legend.frameon": False,
            "legend.fontsize": 8,
            "xtick.labelsize": 8,
            "ytick.labelsize": 8,
        }
    )


def label(key: str, lang: str = "id", **values: object) -> str:
    """Chart text from ``locales/figures.yml``.

    Parameters
    ----------
    key : str
        Key inside ``figures.yml`` (without the ``figures.`` prefix).
    lang : {"id", "en"}
        Report language.
    **values
        Placeholder values, already formatted.

    Returns
    -------
    str
        The label in the report language.
    """
    return i18n.t(f"figures.{key}", lang, **values)


def rupiah_formatter(lang: str = "id", decimals: int = 2) -> FuncFormatter:
    """Axis formatter writing rupiah with a scale word ("Rp9,25 miliar" / "Rp9.25 billion").

    Parameters
    ----------
    lang : {"id", "en"}
        Report language.
    decimals : int
        Maximum decimals before the scale word (trailing zeros dropped).

    Returns
    -------
    matplotlib.ticker.FuncFormatter
        Use with ``ax.xaxis.set_major_formatter(...)``.
    """
    i18n.check_lang(lang)
    return FuncFormatter(lambda x, _pos: numbers.format_rupiah(x, lang, decimals=decimals))


def number_formatter(lang: str = "id", decimals: int = 0) -> FuncFormatter:
    """Axis formatter writing plain numbers with the language's separators ("45.900").

    Parameters
    ----------
    lang : {"id", "en"}
        Report language.
    decimals : int
        Digits after the decimal separator.

    Returns
    -------
    matplotlib.ticker.FuncFormatter
        Use with ``ax.yaxis.set_major_formatter(...)``.
    """
    i18n.check_lang(lang)
    return FuncFormatter(lambda x, _pos: numbers.format_number(x, lang, decimals))


def percent_formatter(lang: str = "id", decimals: int = 0) -> FuncFormatter:
    """Axis formatter for shares 0–1 written as percentages ("41,4%").

    Parameters
    ----------
    lang : {"id", "en"}
        Report language.
    decimals : int
        Digits after the decimal separator.

    Returns
    -------
    matplotlib.ticker.FuncFormatter
        Use with an axis whose data are shares (0.25 is shown as "25%").
    """
    i18n.check_lang(lang)
    return FuncFormatter(lambda x, _pos: numbers.format_percent(x, lang, decimals))


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Save a chart as PNG at the shared resolution, trimmed to its content.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The chart.
    path : str or Path
        Target file; missing folders are created. The suffix is forced to ``.png``.

    Returns
    -------
    Path
        The file written.
    """
    out = Path(path).with_suffix(".png")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=DPI, bbox_inches="tight", format="png")
    return out


# --------------------------------------------------------------------------------------------
# Coverage charts (input: the table of analysis.coverage.coverage_table)
# --------------------------------------------------------------------------------------------

# Colours of the coverage segments, in the order of analysis.coverage.SEGMENTS.
SEGMENT_COLOURS: dict[str, str] = {
    "pekerja_rentan": PALETTE["blue"],
    "perangkat_desa_bpd": PALETTE["orange"],
    "thl_non_asn": PALETTE["green"],
    "palm_workers": PALETTE["vermillion"],
    "other": PALETTE["purple"],
}
# Marker of each target basis on the coverage chart.
TARGET_STYLE: dict[str, dict[str, object]] = {
    "village": {"marker": "|", "color": PALETTE["black"], "markersize": 11, "mew": 2.0},
    "informal": {"marker": "|", "color": PALETTE["purple"], "markersize": 11, "mew": 2.0},
    "declared": {"marker": "D", "color": PALETTE["vermillion"], "markersize": 5, "mew": 0.8},
}
NO_DATA_STYLE: dict[str, object] = {
    "facecolor": PALETTE["light_grey"],
    "edgecolor": PALETTE["grey"],
    "hatch": "////",
    "hatchcolor": PALETTE["grey"],  # explicit: tiles have white edges, the hatch must stay grey
    "linewidth": 0.5,
}
# Data exist but no rate: no target on the basis (a kota without desa on the village basis) or
# data on village officials / contract staff only.
NO_TARGET_STYLE: dict[str, object] = {
    "facecolor": "#F2F2F2",
    "edgecolor": PALETTE["grey"],
    "linewidth": 0.5,
}


def _names(table: pd.DataFrame) -> pd.Series:
    """Short names for axis labels (``short_name``, else ``name``), "Kota " kept for cities."""
    short = table["short_name"] if "short_name" in table else table["name"]
    kota = table.get("type", pd.Series("", index=table.index)).eq("kota")
    return short.where(~kota, "Kota " + short.astype(str))


def _top_legend(ax, title: str, ncol: int = 2) -> None:
    """Title, then the legend in a band between title and plot, where it cannot hide a bar."""
    handles, _ = ax.get_legend_handles_labels()
    rows = -(-len(handles) // ncol)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=ncol, borderaxespad=0.2,
              handlelength=1.2, columnspacing=1.2)
    ax.set_title(title, loc="left", pad=8 + 13 * rows)


def _no_data_count(table: pd.DataFrame) -> int:
    return int((table["status"] == "no data").sum())


def _footnote(fig: Figure, text: str) -> None:
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=7, color=PALETTE["black"],
             wrap=True)


def coverage_by_regency(
    table: pd.DataFrame,
    bases: tuple[str, ...] = ("village", "declared"),
    lang: str = "id",
    title: str | None = None,
) -> Figure:
    """League-table chart: workers covered per kab/kota, with each target basis as a marker.

    Bars are ordered by ``rank`` (best first); kab/kota without coverage data are listed last
    with a grey hatched stub and the words "no data". The rate against the table's own basis
    (``target_basis``) is written at the end of each bar.

    Parameters
    ----------
    table : DataFrame
        From ``coverage.coverage_table`` (needs ``covered_total``, ``target_<basis>``, ``rate``,
        ``rank``, ``status``, ``short_name``/``name``).
    bases : tuple of str
        Target bases drawn as markers: ``village``, ``informal``, ``declared``.
    lang : {"id", "en"}
        Report language.
    title : str, optional
        Defaults to the translated chart title.

    Returns
    -------
    Figure
    """
    i18n.check_lang(lang)
    # Among the unranked, regencies with data (no target on this basis) come before "no data".
    rows = (
        table.assign(_missing=table["status"] == "no data")
        .sort_values(["rank", "_missing", "covered_total"], ascending=[True, True, False],
                     kind="stable")
        .reset_index(drop=True)
    )
    n = len(rows)
    fig, ax = plt.subplots(figsize=(8.0, 1.2 + 0.26 * n))
    y = np.arange(n)[::-1]
    covered = rows["covered_total"].astype(float)
    rentan = rows["covered_rentan"].astype(float).fillna(0)
    has_data = rows["status"] != "no data"
    ax.barh(y[has_data], rentan[has_data], height=0.65, color=PALETTE["blue"],
            label=label("workers_counted", lang))
    others = (covered - rentan).where(has_data, 0)
    if (others > 0).any():
        ax.barh(y[has_data], others[has_data], left=rentan[has_data], height=0.65,
                color=PALETTE["sky"], alpha=0.6, label=label("workers_not_counted", lang))
    targets = [rows[f"target_{b}"].astype(float) for b in bases]
    top = np.nanmax([covered.max(), *(t.max() for t in targets), 1.0])
    stub = top * 0.04
    ax.barh(y[~has_data], stub, height=0.65, **NO_DATA_STYLE)
    for basis, values in zip(bases, targets, strict=True):
        ok = values.notna()
        ax.plot(values[ok], y[ok], linestyle="none", label=label(f"target_{basis}", lang),
                **TARGET_STYLE[basis])
    # The rate sits in its own column right of the plot, so it never collides with a marker.
    basis = str(rows["target_basis"].iloc[0]) if "target_basis" in rows and n else bases[0]
    column = blended_transform_factory(ax.transAxes, ax.transData)
    ax.text(1.01, n - 0.45, label("rate_column", lang), transform=column, fontsize=7,
            fontweight="bold", va="bottom")
    for yy, rate, ok in zip(y, rows["rate"].astype(float), has_data, strict=True):
        if not ok:
            text, colour = i18n.t("common.no_data", lang), PALETTE["grey"]
        else:
            text, colour = numbers.format_percent(rate, lang), PALETTE["black"]
        ax.text(1.01, yy, text, transform=column, va="center", fontsize=7, color=colour)
    ax.set_yticks(y, _names(rows))
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(0, top * 1.12)
    ax.xaxis.set_major_formatter(number_formatter(lang))
    ax.set_xlabel(label("workers_axis", lang))
    _top_legend(ax, title or label("coverage_title", lang))
    _footnote(fig, label("coverage_note", lang, basis=label(f"basis_{basis}", lang)))
    fig.tight_layout(rect=(0, 0.025, 1, 1))
    return fig


def segment_breakdown(table: pd.DataFrame, lang: str = "id", title: str | None = None) -> Figure:
    """Stacked bars: workers covered per segment, for the kab/kota with coverage data.

    Parameters
    ----------
    table : DataFrame
        From ``coverage.coverage_table`` (needs ``covered_<segment>`` columns).
    lang : {"id", "en"}
        Report language.
    title : str, optional
        Defaults to the translated chart title.

    Returns
    -------
    Figure
    """
    i18n.check_lang(lang)
    rows = table[table["status"] != "no data"].sort_values(
        "covered_total", ascending=True, kind="stable"
    )
    n = max(len(rows), 1)
    fig, ax = plt.subplots(figsize=(8.0, 1.4 + 0.28 * n))
    y = np.arange(len(rows))
    left = np.zeros(len(rows))
    for seg, colour in SEGMENT_COLOURS.items():
        values = rows[f"covered_{seg}"].astype(float).fillna(0).to_numpy()
        if not values.any():
            continue
        ax.barh(y, values, left=left, height=0.65, color=colour, label=label(f"seg_{seg}", lang))
        left += values
    ax.set_yticks(y, _names(rows))
    ax.xaxis.set_major_formatter(number_formatter(lang))
    ax.set_xlabel(label("workers_axis", lang))
    _top_legend(ax, title or label("segments_title", lang), ncol=3)
    missing = _no_data_count(table)
    if missing:
        _footnote(fig, label("no_data_note", lang, count=numbers.format_number(missing, lang)))
    fig.tight_layout(rect=(0, 0.03 if missing else 0, 1, 1))
    return fig


def gap_cost(table: pd.DataFrame, lang: str = "id", title: str | None = None) -> Figure:
    """Bars: rupiah per year to cover each kab/kota's remaining gap at the JKK+JKM rate.

    Uses ``gap_rp_year`` of the table's own basis. Kab/kota without data or without a target
    on that basis are left out and counted in a footnote; a gap of zero is drawn as zero.

    Parameters
    ----------
    table : DataFrame
        From ``coverage.coverage_table`` (needs ``gap_rp_year``, ``gap_workers``).
    lang : {"id", "en"}
        Report language.
    title : str, optional
        Defaults to the translated chart title.

    Returns
    -------
    Figure
    """
    i18n.check_lang(lang)
    known = table[table["gap_rp_year"].notna()].sort_values(
        "gap_rp_year", ascending=True, kind="stable"
    )
    n = max(len(known), 1)
    fig, ax = plt.subplots(figsize=(8.0, 1.4 + 0.28 * n))
    y = np.arange(len(known))
    cost = known["gap_rp_year"].astype(float).to_numpy()
    ax.barh(y, cost, height=0.65, color=PALETTE["orange"])
    top = float(np.nanmax([*cost, 1.0]))
    for yy, value, workers in zip(y, cost, known["gap_workers"].astype(float), strict=True):
        text = f"{numbers.format_rupiah(value, lang)} ({numbers.format_number(workers, lang)})"
        ax.text(value + top * 0.01, yy, text, va="center", fontsize=7)
    ax.set_yticks(y, _names(known))
    ax.set_xlim(0, top * 1.35)
    ax.xaxis.set_major_formatter(rupiah_formatter(lang))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.set_xlabel(label("gap_axis", lang))
    basis = str(table["target_basis"].iloc[0]) if len(table) else "village"
    ax.set_title(title or label("gap_title", lang), loc="left")
    left_out = len(table) - len(known)
    _footnote(
        fig,
        label("gap_note", lang, basis=label(f"basis_{basis}", lang),
              count=numbers.format_number(left_out, lang)),
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


# --------------------------------------------------------------------------------------------
# Maps: tile grid (shipped layout) or choropleth (user's boundary file)
# --------------------------------------------------------------------------------------------


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
    bar.set_label(label("coverage_rate", lang))
    handles = [Patch(label=i18n.t("common.no_data", lang), **NO_DATA_STYLE)]
    if no_target:
        handles.append(Patch(label=label("no_target", lang), **NO_TARGET_STYLE))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0))


def _missing_style(status: object) -> dict[str, object]:
    """Grey hatch for "no data"; plain pale grey where data exist but no rate can be computed."""
    return NO_DATA_STYLE if status == "no data" else NO_TARGET_STYLE


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
    ax.set_title(title or label("map_title", lang), loc="left")
    no_target = bool(((tiles["status"] != "no data") & tiles[value].isna()).any())
    _map_legend(fig, ax, cmap, norm, lang, no_target)
    _footnote(fig, label("tile_note", lang))
    return fig


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
    from analysis.core.errors import UserError

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


def _rings(geometry: dict) -> list[list[list[float]]]:
    """Outer rings of a Polygon/MultiPolygon (holes are drawn over by neighbours)."""
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


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
        from analysis.data import resolve_regency

        def resolve(name: str) -> str:
            return resolve_regency(name, province)

    from analysis.core.errors import UserError

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
    ax.set_title(title or label("map_title", lang), loc="left")
    shown = table[table["regency_code"].isin(set(codes))]
    _map_legend(fig, ax, cmap, norm, lang,
                bool(((shown["status"] != "no data") & shown[value].isna()).any()))
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
        from analysis.data import load_table

        grid = load_table("tile_grid")
    return tile_map(table, grid, lang=lang, **kwargs)


# --- Funding scenarios ---
# Inputs come from analysis.scenarios (a projection table, a SimulationResult, the variants and
# sensitivity tables); labels from locales/scenarios.yml.

SOURCE_COLOURS: dict[str, str] = {
    "dbh": PALETTE["green"],
    "province": PALETTE["sky"],
    "dana_desa": PALETTE["yellow"],
    "csr": PALETTE["purple"],
    "apbd": PALETTE["blue"],
}
VARIANT_COLOURS: dict[str, str] = {
    "apbd_only": PALETTE["grey"],
    "apbd_csr": PALETTE["purple"],
    "apbd_dbh": PALETTE["green"],
    "mixed": PALETTE["blue"],
}


def _sc(key: str, lang: str, **values: object) -> str:
    return i18n.t(f"scenarios.{key}", lang, **values)


def _scenario_legend(ax, ncol: int = 4) -> None:
    """Legend in one band above the plot, below the title."""
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=ncol, borderaxespad=0.2,
              handlelength=1.2, columnspacing=1.2)


def _year_axis(ax, years) -> None:
    ax.set_xticks(list(years), [str(y) for y in years])
    ax.grid(axis="x", visible=False)
    ax.grid(axis="y", visible=True)


def scenario_fan(sim, lang: str = "id", i: int = 0, regency: str = "", metric: str = "coverage",
                 title: str | None = None) -> Figure:
    """Fan chart per year: P10–P90 band and median of a simulated metric.

    With ``metric="coverage"`` the target line (100%) is drawn and a lower panel gives the chance
    of reaching the target each year. With ``metric="apbd_rp"`` (scenarios without an APBD
    budget, where the APBD fills every gap) the band is the APBD needed.

    Parameters
    ----------
    sim : analysis.scenarios.SimulationResult
    lang : {"id", "en"}
    i : int
        Scenario index in ``sim``.
    regency : str
        Name for the title.
    metric : {"coverage", "apbd_rp"}
    title : str, optional

    Returns
    -------
    Figure
    """
    i18n.check_lang(lang)
    bands = sim.bands(metric, i)
    years = bands.index.to_numpy()
    coverage = metric == "coverage"
    if coverage:
        fig, (ax, axp) = plt.subplots(2, 1, figsize=(8.0, 5.2), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 1.1]})
    else:
        fig, ax = plt.subplots(figsize=(8.0, 4.4))
    ax.fill_between(years, bands["p10"], bands["p90"], color=PALETTE["sky"], alpha=0.45,
                    linewidth=0, label=_sc("fan_band", lang))
    ax.plot(years, bands["p50"], color=PALETTE["blue"], marker="o", linewidth=2,
            label=_sc("fan_median", lang))
    if coverage:
        ax.axhline(1.0, color=PALETTE["vermillion"], linestyle="--", linewidth=1.2,
                   label=_sc("fan_target", lang))
        ax.set_ylim(0, max(1.1, float(bands["p90"].max()) * 1.05))
        ax.yaxis.set_major_formatter(percent_formatter(lang))
        ax.set_ylabel(_sc("axis_coverage", lang))
    else:
        ax.set_ylim(0, max(float(bands["p90"].max()), 1.0) * 1.1)
        ax.yaxis.set_major_formatter(rupiah_formatter(lang))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.set_ylabel(_sc("fan_apbd_axis", lang))
    _year_axis(ax, years)
    _scenario_legend(ax)
    key = "fan_title" if coverage else "fan_apbd_title"
    ax.set_title(title or _sc(key, lang, regency=regency), loc="left", pad=22)
    if coverage:
        prob = sim.probability_of_target(i).to_numpy()
        axp.bar(years, prob, width=0.6, color=PALETTE["orange"])
        for x, p in zip(years, prob, strict=True):
            axp.text(x, p + 0.04, numbers.format_percent(p, lang, 0), ha="center",
                     va="bottom", fontsize=7)
        axp.set_ylim(0, 1.3)
        axp.set_yticks([0, 0.5, 1.0])
        axp.yaxis.set_major_formatter(percent_formatter(lang))
        axp.set_ylabel(_sc("fan_prob", lang), fontsize=7)
        _year_axis(axp, years)
    fig.tight_layout()
    return fig


def scenario_tornado(sens: pd.DataFrame, lang: str = "id", title: str | None = None) -> Figure:
    """Tornado chart: the measured value at each parameter's low and high end, around the base.

    Parameters
    ----------
    sens : DataFrame
        From ``analysis.scenarios.sensitivity`` (``attrs`` give the metric and year).
    lang : {"id", "en"}
    title : str, optional

    Returns
    -------
    Figure
    """
    i18n.check_lang(lang)
    metric, year = sens.attrs.get("metric", "coverage"), sens.attrs.get("year", "")
    data = sens.iloc[::-1]  # largest swing at the top
    base = float(sens["base"].iloc[0]) if len(sens) else 0.0
    fig, ax = plt.subplots(figsize=(8.0, 1.5 + 0.45 * max(len(data), 1)))
    y = np.arange(len(data))
    for name, colour, column in (("low", PALETTE["orange"], "value_low"),
                                 ("high", PALETTE["blue"], "value_high")):
        values = data[column].astype(float).to_numpy()
        ax.barh(y, values - base, left=base, height=0.6, color=colour, label=_sc(name, lang))
    ax.axvline(base, color=PALETTE["black"], linewidth=1)
    ax.set_yticks(y, [_sc(f"param_{p}", lang) for p in data["parameter"]])
    fmt = percent_formatter(lang) if metric == "coverage" else (
        number_formatter(lang) if metric == "gap_workers" else rupiah_formatter(lang))
    ax.xaxis.set_major_formatter(fmt)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.set_xlabel(_sc(f"metric_{metric}", lang, year=year))
    _scenario_legend(ax)
    ax.set_title(title or _sc("tornado_title", lang, metric=_sc(f"metric_{metric}", lang,
                                                                  year=year)), loc="left", pad=22)
    ax.annotate(f"{_sc('tornado_base', lang)}: {fmt(base, 0)}",
                xy=(base, len(data) - 0.5), xytext=(4, 2), textcoords="offset points",
                fontsize=7)
    fig.tight_layout()
    return fig


def scenario_variants(variants: pd.DataFrame, lang: str = "id", prob: float = 0.9,
                      regency: str = "", title: str | None = None) -> Figure:
    """Side by side: APBD only, APBD + CSR, APBD + DBH Sawit and the full mix.

    Top (only when some variant falls short of the target): coverage with the planned APBD.
    Bottom: the APBD needed each year for a ``prob`` chance of reaching the target.

    Parameters
    ----------
    variants : DataFrame
        From ``analysis.scenarios.compare_variants``.
    lang : {"id", "en"}
    prob : float
        The probability used for the APBD needed (for the label).
    regency : str
    title : str, optional

    Returns
    -------
    Figure
    """
    i18n.check_lang(lang)
    names = list(dict.fromkeys(variants["variant"]))
    years = sorted(variants["year"].unique())
    short = bool((variants["coverage"] < 1).any())
    panels = [("coverage", _sc("variants_coverage", lang))] if short else []
    panels.append(("apbd_needed_rp", _sc("variants_apbd", lang,
                                         prob=numbers.format_percent(prob, lang, 0))))
    fig, axes = plt.subplots(len(panels), 1, figsize=(8.0, 2.2 + 2.4 * len(panels)),
                             squeeze=False)
    width = 0.8 / len(names)
    x = np.arange(len(years))
    for ax, (column, heading) in zip(axes[:, 0], panels, strict=True):
        for k, name in enumerate(names):
            rows = variants[variants["variant"] == name].set_index("year").reindex(years)
            ax.bar(x - 0.4 + width * (k + 0.5), rows[column].astype(float), width=width * 0.95,
                   color=VARIANT_COLOURS.get(name, PALETTE["grey"]),
                   label=_sc(f"variant_{name}", lang))
        ax.set_xticks(x, [str(y) for y in years])
        ax.grid(axis="x", visible=False)
        ax.grid(axis="y", visible=True)
        if column == "coverage":
            ax.axhline(1.0, color=PALETTE["vermillion"], linestyle="--", linewidth=1)
            ax.yaxis.set_major_formatter(percent_formatter(lang))
        else:
            ax.yaxis.set_major_formatter(rupiah_formatter(lang))
            ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.set_title(heading, loc="left", fontsize=9, fontweight="normal")
    axes[0, 0].legend(loc="lower left", bbox_to_anchor=(0.0, 1.12), ncol=4, borderaxespad=0.2,
                      handlelength=1.2, columnspacing=1.2)
    fig.suptitle(title or _sc("variants_title", lang, regency=regency), x=0.01, ha="left",
                 fontweight="bold", fontsize=11)
    fig.tight_layout()
    return fig


def scenario_funding_stack(table: pd.DataFrame, lang: str = "id", regency: str = "",
                           title: str | None = None) -> Figure:
    """Stacked bars: workers funded by each source per year, the unfunded gap hatched on top.

    Parameters
    ----------
    table : DataFrame
        From ``analysis.scenarios.project``.
    lang : {"id", "en"}
    regency : str
    title : str, optional

    Returns
    -------
    Figure
    """
    i18n.check_lang(lang)
    years = table["year"].to_numpy()
    fig, ax = plt.subplots(figsize=(8.0, 4.6))
    bottom = np.zeros(len(table))
    for name, colour in SOURCE_COLOURS.items():
        values = table[f"{name}_workers"].astype(float).to_numpy()
        if not values.any():
            continue
        ax.bar(years, values, bottom=bottom, width=0.65, color=colour,
               label=_sc(f"src_{name}", lang))
        bottom += values
    gap = table["gap_workers"].astype(float).to_numpy()
    if gap.any():
        ax.bar(years, gap, bottom=bottom, width=0.65, facecolor="white",
               edgecolor=PALETTE["vermillion"], hatch="////", linewidth=0.8,
               label=_sc("stack_gap", lang))
    target = table["target_workers"].astype(float).to_numpy()
    ax.plot(years, target, linestyle="none", marker="_", markersize=22, mew=2,
            color=PALETTE["black"], label=_sc("col_target", lang))
    ax.set_ylim(0, max(float(target.max()), 1.0) * 1.12)
    ax.yaxis.set_major_formatter(number_formatter(lang))
    ax.set_ylabel(_sc("axis_workers", lang))
    _year_axis(ax, years)
    # Legend in stacking order, the target marker last.
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[1:] + handles[:1], labels[1:] + labels[:1], loc="lower left",
              bbox_to_anchor=(0.0, 1.0), ncol=4, borderaxespad=0.2, handlelength=1.2,
              columnspacing=1.2)
    ax.set_title(title or _sc("stack_title", lang, regency=regency), loc="left", pad=34)
    fig.tight_layout()
    return fig
