"""Shared chart style: palette, axis formatters in both languages, saving PNGs."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from analysis import figures


def test_palette_is_okabe_ito():
    # Okabe & Ito (2008) colour-blind-safe set; grey tones are added for "no data".
    for code in ("#0072B2", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#D55E00", "#CC79A7"):
        assert code in figures.PALETTE.values()


def test_rupiah_formatter_indonesian_and_english():
    # 9.250.000.000 = 9,25 × 10^9 → "miliar" in Indonesian, "billion" in English.
    assert figures.rupiah_formatter("id")(9_250_000_000, 0) == "Rp9,25 miliar"
    assert figures.rupiah_formatter("en")(9_250_000_000, 0) == "Rp9.25 billion"
    assert figures.rupiah_formatter("id")(0, 0) == "Rp0"


def test_number_formatter_separators():
    assert figures.number_formatter("id")(45_900, 0) == "45.900"
    assert figures.number_formatter("en")(45_900, 0) == "45,900"


def test_formatter_rejects_unknown_language():
    with pytest.raises(ValueError, match="language"):
        figures.rupiah_formatter("fr")


def test_save_figure_writes_png(tmp_path):
    figures.apply_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    out = figures.save_figure(fig, tmp_path / "sub" / "chart.pdf")
    plt.close(fig)
    assert out.suffix == ".png"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_labels_exist_in_both_languages():
    assert figures.label("coverage_rate", "id") == "Tingkat cakupan"
    assert figures.label("coverage_rate", "en") == "Coverage rate"
