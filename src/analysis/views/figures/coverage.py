"""Coverage charts: workers covered per kab/kota against the targets, by segment, and the gap cost.

Input: the table of ``analysis.model.coverage.coverage_table``. Labels come from
``core/locales/figures.yml``; every function takes ``lang`` and returns a matplotlib ``Figure``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from analysis.core import i18n, numbers
from analysis.model.coverage import ranked
from analysis.views.figures.style import (
    NO_DATA_STYLE,
    PALETTE,
    _footnote,
    _names,
    number_formatter,
    rupiah_formatter,
)

# Colours of the coverage segments, in the order of analysis.model.coverage.SEGMENTS.
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


def _top_legend(ax, title: str, ncol: int = 2) -> None:
    """Title, then the legend in a band between title and plot, where it cannot hide a bar."""
    handles, _ = ax.get_legend_handles_labels()
    rows = -(-len(handles) // ncol)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=ncol, borderaxespad=0.2,
              handlelength=1.2, columnspacing=1.2)
    ax.set_title(title, loc="left", pad=8 + 13 * rows)


def _no_data_count(table: pd.DataFrame) -> int:
    return int((table["status"] != "ok").sum())


def coverage_by_regency(
    table: pd.DataFrame,
    bases: tuple[str, ...] = ("village", "declared"),
    lang: str = "id",
    title: str | None = None,
) -> Figure:
    """League-table chart: workers covered per kab/kota, with each target basis as a marker.

    Bars are ordered by ``rank`` (best first); kab/kota without current coverage are listed
    last with a grey hatched stub and the words "no data" or "programme ended". The rate
    against the table's own basis (``target_basis``) is written at the end of each bar.

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
    rows = ranked(table).reset_index(drop=True)
    n = len(rows)
    fig, ax = plt.subplots(figsize=(8.0, 1.2 + 0.26 * n))
    y = np.arange(n)[::-1]
    covered = rows["covered_total"].astype(float)
    # The blue bar is what the basis counts; only current coverage is drawn.
    counted = rows["covered"] if "covered" in rows else rows["covered_rentan"]
    rentan = counted.astype(float).fillna(0)
    has_data = rows["status"] == "ok"
    ax.barh(y[has_data], rentan[has_data], height=0.65, color=PALETTE["blue"],
            label=i18n.t("figures.workers_counted", lang))
    others = (covered - rentan).where(has_data, 0)
    if (others > 0).any():
        ax.barh(y[has_data], others[has_data], left=rentan[has_data], height=0.65,
                color=PALETTE["sky"], alpha=0.6, label=i18n.t("figures.workers_not_counted", lang))
    targets = [rows[f"target_{b}"].astype(float) for b in bases]
    top = np.nanmax([covered.max(), *(t.max() for t in targets), 1.0])
    stub = top * 0.04
    ax.barh(y[~has_data], stub, height=0.65, **NO_DATA_STYLE)
    for basis, values in zip(bases, targets, strict=True):
        ok = values.notna()
        ax.plot(values[ok], y[ok], linestyle="none", label=i18n.t(f"figures.target_{basis}", lang),
                **TARGET_STYLE[basis])
    # The rate sits in its own column right of the plot, so it never collides with a marker.
    basis = str(rows["target_basis"].iloc[0]) if "target_basis" in rows and n else bases[0]
    column = blended_transform_factory(ax.transAxes, ax.transData)
    ax.text(1.01, n - 0.45, i18n.t("figures.rate_column", lang), transform=column, fontsize=7,
            fontweight="bold", va="bottom")
    for yy, rate, ok, status in zip(y, rows["rate"].astype(float), has_data, rows["status"],
                                    strict=True):
        if not ok:
            text, colour = i18n.t("common.no_data", lang), PALETTE["grey"]
            if status == "past":
                text = i18n.t("figures.past", lang)
        else:
            text, colour = numbers.format_percent(rate, lang), PALETTE["black"]
        ax.text(1.01, yy, text, transform=column, va="center", fontsize=7, color=colour)
    ax.set_yticks(y, _names(rows))
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(0, top * 1.12)
    ax.xaxis.set_major_formatter(number_formatter(lang))
    ax.set_xlabel(i18n.t("figures.workers_axis", lang))
    _top_legend(ax, title or i18n.t("figures.coverage_title", lang))
    _footnote(fig, i18n.t("figures.coverage_note", lang,
                          basis=i18n.t(f"figures.basis_{basis}", lang)))
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
    rows = table[table["status"] == "ok"].sort_values(
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
        ax.barh(y, values, left=left, height=0.65, color=colour,
                label=i18n.t(f"figures.seg_{seg}", lang))
        left += values
    ax.set_yticks(y, _names(rows))
    ax.xaxis.set_major_formatter(number_formatter(lang))
    ax.set_xlabel(i18n.t("figures.workers_axis", lang))
    _top_legend(ax, title or i18n.t("figures.segments_title", lang), ncol=3)
    missing = _no_data_count(table)
    if missing:
        _footnote(fig, i18n.t("figures.no_data_note", lang,
                              count=numbers.format_number(missing, lang)))
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
    ax.set_xlabel(i18n.t("figures.gap_axis", lang))
    basis = str(table["target_basis"].iloc[0]) if len(table) else "village"
    ax.set_title(title or i18n.t("figures.gap_title", lang), loc="left")
    left_out = len(table) - len(known)
    _footnote(
        fig,
        i18n.t("figures.gap_note", lang, basis=i18n.t(f"figures.basis_{basis}", lang),
              count=numbers.format_number(left_out, lang)),
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig
