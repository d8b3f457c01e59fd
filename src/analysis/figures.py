"""Shared chart style and the charts of the analysis, in the report language.

Every chart in notebooks and PDF reports goes through this module so that they look alike: one
colour-blind-safe palette (Okabe–Ito), axis numbers in Indonesian or English format (through
``analysis.numbers``), labels from ``locales/figures.yml`` (through ``analysis.i18n``) and one way
to save a PNG. Plotting functions return a matplotlib ``Figure`` and take ``lang``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from analysis import i18n, numbers

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
            "hatch.color": PALETTE["grey"],
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
