"""The shared chart style: palette, matplotlib settings, axis formatters, saving a PNG.

Every chart in notebooks and PDF reports uses this style so that they look alike: one
colour-blind-safe palette (Okabe–Ito), axis numbers in Indonesian or English format (through
``analysis.core.numbers``) and one resolution (``config.FIGURE_DPI``). The shapes shared by the
coverage charts and the maps (no-data hatching, short names, footnotes) are here too.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from analysis.core import config, i18n, numbers

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


def apply_style() -> None:
    """Set the shared matplotlib style (fonts, grid, colour cycle) for every later chart.

    Safe to call more than once; notebooks call it once at the top.
    """
    plt.rcParams.update(
        {
            "figure.figsize": (8.0, 5.0),
            "figure.dpi": 100,
            "savefig.dpi": config.FIGURE_DPI,
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


def fit_title(text: str, fig: Figure, fontsize: float) -> str:
    """``text`` broken into lines no wider than ``fig``, for a title that states a finding.

    A one-line title wider than its chart widens the saved image, and the page then shrinks the
    whole chart, its labels included, to fit (a 120-character title made the variants chart
    print at 70% of its size).

    Parameters
    ----------
    text : str
        The title.
    fig : matplotlib.figure.Figure
        The chart it heads.
    fontsize : float
        Its font size in points.

    Returns
    -------
    str
        The title with line breaks between words.
    """
    # Bold DejaVu Sans averages about 0.66 em per character of mixed text.
    per_line = max(20, int(fig.get_figwidth() * 72 / (0.66 * fontsize)))
    return textwrap.fill(text, per_line, break_long_words=False)


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
    fig.savefig(out, dpi=config.FIGURE_DPI, bbox_inches="tight", format="png")
    return out


# --------------------------------------------------------------------------------------------
# Shapes shared by the coverage charts and the maps
# --------------------------------------------------------------------------------------------

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


def _footnote(fig: Figure, text: str) -> None:
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=7, color=PALETTE["black"],
             wrap=True)
