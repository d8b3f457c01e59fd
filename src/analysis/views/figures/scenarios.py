"""Funding-scenario charts: funding stack, fan chart, tornado and the variants side by side.

Inputs come from ``analysis.model.scenarios`` (a projection table, a ``SimulationResult``, the
variants and sensitivity tables); labels from ``core/locales/scenarios.yml``. Every function takes
``lang`` and returns a matplotlib ``Figure``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from analysis.core import i18n, numbers
from analysis.views.figures.style import (
    PALETTE,
    fit_title,
    number_formatter,
    percent_formatter,
    rupiah_formatter,
)

SOURCE_COLOURS: dict[str, str] = {
    "dbh": PALETTE["green"],
    "province": PALETTE["sky"],
    "dana_desa": PALETTE["yellow"],
    "csr": PALETTE["purple"],
    "apbd": PALETTE["blue"],
}
VARIANT_COLOURS: dict[str, str] = {
    "apbd_only": PALETTE["grey"],
    "central": PALETTE["blue"],
    "csr_what_if": PALETTE["purple"],
    "dbh_what_if": PALETTE["green"],
    "dana_desa_what_if": PALETTE["yellow"],
}
# What-if bars are hatched: options nobody has pledged or counted, not part of the plan.
WHAT_IF_HATCH = "///"


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
    sim : analysis.model.scenarios.SimulationResult
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
                    linewidth=0, label=i18n.t("scenarios.fan_band", lang))
    ax.plot(years, bands["p50"], color=PALETTE["blue"], marker="o", linewidth=2,
            label=i18n.t("scenarios.fan_median", lang))
    if coverage:
        ax.axhline(1.0, color=PALETTE["vermillion"], linestyle="--", linewidth=1.2,
                   label=i18n.t("scenarios.fan_target", lang))
        ax.set_ylim(0, max(1.1, float(bands["p90"].max()) * 1.05))
        ax.yaxis.set_major_formatter(percent_formatter(lang))
        ax.set_ylabel(i18n.t("scenarios.axis_coverage", lang))
    else:
        ax.set_ylim(0, max(float(bands["p90"].max()), 1.0) * 1.1)
        ax.yaxis.set_major_formatter(rupiah_formatter(lang))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.set_ylabel(i18n.t("scenarios.fan_apbd_axis", lang))
    _year_axis(ax, years)
    _scenario_legend(ax)
    key = "fan_title" if coverage else "fan_apbd_title"
    ax.set_title(title or i18n.t(f"scenarios.{key}", lang, regency=regency), loc="left", pad=22)
    if coverage:
        prob = sim.probability_of_target(i).to_numpy()
        axp.bar(years, prob, width=0.6, color=PALETTE["orange"])
        for x, p in zip(years, prob, strict=True):
            axp.text(x, p + 0.04, numbers.format_percent(p, lang, 0), ha="center",
                     va="bottom", fontsize=7)
        axp.set_ylim(0, 1.3)
        axp.set_yticks([0, 0.5, 1.0])
        axp.yaxis.set_major_formatter(percent_formatter(lang))
        axp.set_ylabel(i18n.t("scenarios.fan_prob", lang), fontsize=7)
        _year_axis(axp, years)
    fig.tight_layout()
    return fig


def scenario_tornado(sens: pd.DataFrame, lang: str = "id", title: str | None = None) -> Figure:
    """Tornado chart: the measured value at each parameter's low and high end, around the base.

    Parameters
    ----------
    sens : DataFrame
        From ``analysis.model.scenarios.sensitivity`` (``attrs`` give the metric and year).
    lang : {"id", "en"}
    title : str, optional

    Returns
    -------
    Figure
    """
    i18n.check_lang(lang)
    metric, year = sens.attrs.get("metric", "coverage"), sens.attrs.get("year", "")
    if sens.empty:
        fig, ax = plt.subplots(figsize=(8.0, 1.4))
        ax.axis("off")
        measured = i18n.t(f"scenarios.metric_{metric}", lang, year=year)
        ax.set_title(title or i18n.t("scenarios.tornado_title", lang, metric=measured),
                     loc="left")
        ax.text(0.0, 0.4, i18n.t("scenarios.tornado_none", lang), transform=ax.transAxes)
        return fig
    data = sens.iloc[::-1]  # largest swing at the top
    base = float(sens["base"].iloc[0]) if len(sens) else 0.0
    fig, ax = plt.subplots(figsize=(8.0, 1.5 + 0.45 * max(len(data), 1)))
    y = np.arange(len(data))
    for name, colour, column in (("low", PALETTE["orange"], "value_low"),
                                 ("high", PALETTE["blue"], "value_high")):
        values = data[column].astype(float).to_numpy()
        ax.barh(y, values - base, left=base, height=0.6, color=colour,
                label=i18n.t(f"scenarios.{name}", lang))
    ax.axvline(base, color=PALETTE["black"], linewidth=1)
    ax.set_yticks(y, [i18n.t(f"scenarios.param_{p}", lang) for p in data["parameter"]])
    fmt = percent_formatter(lang) if metric == "coverage" else (
        number_formatter(lang) if metric == "gap_workers" else rupiah_formatter(lang))
    ax.xaxis.set_major_formatter(fmt)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.set_xlabel(i18n.t(f"scenarios.metric_{metric}", lang, year=year))
    _scenario_legend(ax)
    measured = i18n.t(f"scenarios.metric_{metric}", lang, year=year)
    ax.set_title(title or i18n.t("scenarios.tornado_title", lang, metric=measured), loc="left",
                 pad=22)
    ax.annotate(f"{i18n.t('scenarios.tornado_base', lang)}: {fmt(base, 0)}",
                xy=(base, len(data) - 0.5), xytext=(4, 2), textcoords="offset points",
                fontsize=7)
    fig.tight_layout()
    return fig


def scenario_variants(variants: pd.DataFrame, lang: str = "id", prob: float = 0.9,
                      regency: str = "", title: str | None = None) -> Figure:
    """Side by side: the central scenario, the APBD alone and each labelled what-if (hatched).

    Top (only when some variant falls short of the target with a budgeted APBD): coverage with
    the budgeted APBD. Bottom: the APBD needed each year for a ``prob`` chance of reaching the
    target.

    Parameters
    ----------
    variants : DataFrame
        From ``analysis.model.scenarios.compare_variants``.
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
    short = bool((variants["coverage"] < 1).any() and variants["probability"].notna().any())
    panels = [("coverage", i18n.t("scenarios.variants_coverage", lang))] if short else []
    panels.append(("apbd_needed_rp", i18n.t("scenarios.variants_apbd", lang,
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
                   hatch=WHAT_IF_HATCH if name.endswith("_what_if") else None,
                   edgecolor="white", linewidth=0,
                   label=i18n.t(f"scenarios.variant_{name}", lang))
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
    axes[0, 0].legend(loc="lower left", bbox_to_anchor=(0.0, 1.12), ncol=2, borderaxespad=0.2,
                      handlelength=1.2, columnspacing=1.2)
    heading = title or i18n.t("scenarios.variants_title", lang, regency=regency)
    fig.suptitle(fit_title(heading, fig, 11), x=0.01, ha="left", fontweight="bold", fontsize=11)
    fig.tight_layout()
    return fig


def scenario_funding_stack(table: pd.DataFrame, lang: str = "id", regency: str = "",
                           title: str | None = None) -> Figure:
    """Stacked bars: workers funded by each source per year, the unfunded gap hatched on top.

    Parameters
    ----------
    table : DataFrame
        From ``analysis.model.scenarios.project``.
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
               label=i18n.t(f"scenarios.src_{name}", lang))
        bottom += values
    gap = table["gap_workers"].astype(float).to_numpy()
    if gap.any():
        ax.bar(years, gap, bottom=bottom, width=0.65, facecolor="white",
               edgecolor=PALETTE["vermillion"], hatch="////", linewidth=0.8,
               label=i18n.t("scenarios.stack_gap", lang))
    target = table["target_workers"].astype(float).to_numpy()
    ax.plot(years, target, linestyle="none", marker="_", markersize=22, mew=2,
            color=PALETTE["black"], label=i18n.t("scenarios.col_target", lang))
    ax.set_ylim(0, max(float(target.max()), 1.0) * 1.12)
    ax.yaxis.set_major_formatter(number_formatter(lang))
    ax.set_ylabel(i18n.t("scenarios.axis_workers", lang))
    _year_axis(ax, years)
    # Legend in stacking order, the target marker last.
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[1:] + handles[:1], labels[1:] + labels[:1], loc="lower left",
              bbox_to_anchor=(0.0, 1.0), ncol=4, borderaxespad=0.2, handlelength=1.2,
              columnspacing=1.2)
    ax.set_title(title or i18n.t("scenarios.stack_title", lang, regency=regency), loc="left",
                 pad=34)
    fig.tight_layout()
    return fig
