"""Coverage maps of any province from the shipped boundaries, and the tile grid as an option.

Kalimantan Utara (65) in data/raw/regency_boundaries.geojson: Bulungan 22 polygons, Malinau 1,
Nunukan 8, Tana Tidung 21, Kota Tarakan 1, so 53 outer rings; its derived tile layout
(tile_grid_all.csv) has 5 tiles. The coverage table below is hand-written.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Polygon, Rectangle

from analysis.data import boundaries
from analysis.views import figures

KALTARA = ["65.01", "65.02", "65.03", "65.04", "65.71"]


@pytest.fixture
def table() -> pd.DataFrame:
    frame = pd.DataFrame({
        "regency_code": KALTARA,
        "name": ["Kabupaten Bulungan", "Kabupaten Malinau", "Kabupaten Nunukan",
                 "Kabupaten Tana Tidung", "Kota Tarakan"],
        "short_name": ["Bulungan", "Malinau", "Nunukan", "Tana Tidung", "Tarakan"],
        "type": ["kabupaten"] * 4 + ["kota"],
        "status": ["ok", "no data", "no data", "no data", "ok"],
        "rate": [0.25, np.nan, np.nan, np.nan, np.nan],  # Tarakan: data but no desa (A02)
    })
    frame.attrs["province"] = "65"
    return frame


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def test_shipped_boundaries_of_one_province():
    features = boundaries.shipped_features("65")
    assert sorted(f["properties"]["area_code"] for f in features) == KALTARA
    assert len(boundaries.shipped_features()) == 514
    features[0]["properties"]["area_code"] = "changed"  # copies: the cache stays intact
    assert boundaries.shipped_features("65")[0]["properties"]["area_code"] in KALTARA


def test_choropleth_is_the_default_map_of_any_province(table):
    fig = figures.coverage_map(table, lang="id")
    width, height = fig.get_size_inches()
    assert math.isfinite(width) and math.isfinite(height) and height > 2
    polys = [p for p in fig.axes[0].patches if isinstance(p, Polygon)]
    assert len(polys) == 22 + 1 + 8 + 21 + 1
    hatched = {p.get_hatch() for p in polys}
    assert "////" in hatched  # Malinau, Nunukan, Tana Tidung: no data
    texts = _texts(fig)
    assert "Bulungan" in texts and "Malinau" in texts
    assert any("wilayah_boundaries" in t for t in texts)  # the boundaries' attribution
    plt.close(fig)


def test_tile_grid_option_uses_the_province_layout(table):
    layout = boundaries.tile_layout("65")
    assert sorted(layout["regency_code"]) == KALTARA
    fig = figures.coverage_map(table, lang="en", style="tiles")
    tiles = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    assert len(tiles) == 5
    assert "25%" in _texts(fig)  # Bulungan 0,25
    plt.close(fig)
    assert len(boundaries.tile_layout("12")) == 33  # North Sumatra keeps its own layout


def test_tile_map_without_matching_tiles_says_so(table):
    grid = pd.DataFrame({"regency_code": ["12.14"], "row": [0], "col": [0]})
    with pytest.raises(ValueError, match="no tile"):
        figures.tile_map(table, grid)  # not "figure size must be positive finite (nan, nan)"


def test_unknown_map_style_is_refused(table):
    with pytest.raises(ValueError, match="style"):
        figures.coverage_map(table, style="hexagons")
