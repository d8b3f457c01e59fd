"""Tests of the chart PNG: what a tight ``savefig`` shows, drawn once, on white, as RGB."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from analysis.render.charts import figure_png  # noqa: E402


def _image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


def _tight_savefig(fig, dpi: int) -> Image.Image:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return _image(buffer.getvalue())


def _bar_chart():
    fig, ax = plt.subplots(figsize=(4.0, 2.0))
    ax.bar(["a", "b", "c"], [3, 1, 2], color="#0072B2")
    ax.set_title("Judul")
    fig.tight_layout()
    return fig


def test_cropped_like_a_tight_savefig_at_the_resolution_asked():
    reference = _tight_savefig(_bar_chart(), 100)
    image = _image(figure_png(_bar_chart(), dpi=100))
    # The same extent, up to the rounding of its edges to whole pixels.
    assert abs(image.width - reference.width) <= 2 and abs(image.height - reference.height) <= 2
    assert image.width < 400 and image.height < 200  # cropped: the figure is 400 x 200 px
    assert image.mode == "RGB"  # the page is opaque white: no alpha channel to store
    assert [round(d) for d in image.info["dpi"]] == [100, 100]  # stored as dots per metre
    plt.close("all")


def test_page_and_padding_are_white():
    fig = _bar_chart()
    fig.patch.set_facecolor("#FFEEDD")  # a chart's own face colour does not reach the page
    pixels = np.asarray(_image(figure_png(fig, dpi=100)))
    # savefig.pad_inches (0.1 in = 10 px at 100 dpi) of white around the content.
    assert (pixels[:5] == 255).all() and (pixels[:, :5] == 255).all()
    assert (pixels[-5:] == 255).all() and (pixels[:, -5:] == 255).all()
    plt.close("all")


def test_content_beyond_the_figure_is_kept():
    # A note placed above the figure's top edge: a crop of the figure would cut it off, a tight
    # save makes the image taller to show it.
    fig = _bar_chart()
    fig.text(0.5, 1.3, "catatan di atas grafik", ha="center")
    image = _image(figure_png(fig, dpi=100))
    assert image.height > 200  # taller than the 2-inch figure at 100 dpi
    reference = _tight_savefig(fig, 100)
    assert (image.width, image.height) == (reference.width, reference.height)
    top = np.asarray(image.convert("L"))[: image.height - 200]  # above the figure's own area
    assert (top < 128).any()  # the note is drawn there, not left blank
    plt.close("all")
