"""The charts of the analysis, in the report language, with one shared style.

Every chart in notebooks and PDF reports comes from this package so that they look alike: one
colour-blind-safe palette (Okabe–Ito), axis numbers in Indonesian or English format (through
``analysis.core.numbers``), labels from ``locales/figures.yml`` and ``locales/scenarios.yml``
(through ``analysis.core.i18n``) and one way to save a PNG. Plotting functions return a
matplotlib ``Figure`` and take ``lang``.

This package is the public surface; the code lives in ``style`` (palette, settings, axis
formatters, saving), ``coverage`` (coverage charts), ``maps`` (tile map, choropleth) and
``scenarios`` (funding-scenario charts).
"""

from __future__ import annotations

from analysis.views.figures.coverage import (
    SEGMENT_COLOURS,
    TARGET_STYLE,
    coverage_by_regency,
    gap_cost,
    segment_breakdown,
)
from analysis.views.figures.maps import choropleth, coverage_map, tile_map
from analysis.views.figures.scenarios import (
    SOURCE_COLOURS,
    VARIANT_COLOURS,
    scenario_fan,
    scenario_funding_stack,
    scenario_tornado,
    scenario_variants,
)
from analysis.views.figures.style import (
    CYCLE,
    NO_DATA_STYLE,
    NO_TARGET_STYLE,
    PALETTE,
    apply_style,
    number_formatter,
    percent_formatter,
    rupiah_formatter,
    save_figure,
)

__all__ = [
    "CYCLE",
    "NO_DATA_STYLE",
    "NO_TARGET_STYLE",
    "PALETTE",
    "SEGMENT_COLOURS",
    "SOURCE_COLOURS",
    "TARGET_STYLE",
    "VARIANT_COLOURS",
    "apply_style",
    "choropleth",
    "coverage_by_regency",
    "coverage_map",
    "gap_cost",
    "number_formatter",
    "percent_formatter",
    "rupiah_formatter",
    "save_figure",
    "scenario_fan",
    "scenario_funding_stack",
    "scenario_tornado",
    "scenario_variants",
    "segment_breakdown",
    "tile_map",
]
