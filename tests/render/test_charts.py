"""Tests of the chart image: an SVG cropped like a tight save, the same bytes every time."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402

from analysis.render.charts import figure_svg, image_name  # noqa: E402


def _bar_chart():
    fig, ax = plt.subplots(figsize=(4.0, 2.0))
    ax.bar(["a", "b", "c"], [3, 1, 2], color="#0072B2", hatch="//")
    ax.set_title("Judul grafik")
    fig.tight_layout()
    return fig


def _size_pt(svg: bytes) -> tuple[float, float]:
    match = re.search(rb'<svg[^>]* width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert match, svg[:300]
    return float(match.group(1)), float(match.group(2))


def test_same_chart_same_bytes():
    # No date and no random ids: a rebuild from the same data writes the same report.
    first, second = figure_svg(_bar_chart()), figure_svg(_bar_chart())
    assert first == second
    assert b"<dc:date>" not in first
    plt.close("all")


def test_text_is_drawn_as_outlines_and_the_chart_is_cropped():
    svg = figure_svg(_bar_chart())
    # Typst reads only its own fonts: the chart's words must be shapes, not <text>.
    assert b"<text" not in svg and b"<path" in svg
    width, height = _size_pt(svg)
    assert width < 4.0 * 72 and height < 2.0 * 72  # cropped inside the 4 x 2 in figure
    plt.close("all")


def test_content_beyond_the_figure_is_kept():
    # A note placed above the figure's top edge widens the tight box instead of being cut off.
    fig = _bar_chart()
    fig.text(0.5, 1.3, "catatan di atas grafik", ha="center")
    width, height = _size_pt(figure_svg(fig))
    assert height > 2.0 * 72
    plt.close("all")


def test_image_names_are_content_addressed():
    # sha1(b"abc") = a9993e364706816aba3e25717850c26c9cd0d89d
    assert image_name(b"abc", "svg") == "fig-a9993e364706816a.svg"
    assert image_name(b"abc", "png") == "fig-a9993e364706816a.png"
