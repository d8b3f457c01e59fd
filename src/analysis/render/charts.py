"""A matplotlib chart as the vector image (SVG) that the notebook, the PDF and the HTML page embed.

Charts are vector drawings, not pictures: an SVG stays sharp when the PDF is zoomed or printed,
is a third smaller than the 200-dpi PNG it replaces, and is written in about half the time (no
rasterising, no PNG compression, which took a quarter of a brief's time). Text is stored as glyph
outlines (``svg.fonttype = "path"``), so Typst, which reads only its own fonts, draws the chart's
DejaVu Sans exactly as matplotlib laid it out. Clip-path ids come from a fixed salt and the file
carries no date, so the same chart gives the same bytes in every build.

In a notebook the chart is shown through an ``<img>`` with a data URL: JupyterLab displays that
in a notebook it does not trust (a built report opened later), where it would hide a bare SVG.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
from typing import Any

# One salt for every chart: SVG ids (clip paths, hatches) are derived from it, not at random.
SVG_SALT = "pekerja-rentan-report"


def figure_svg(fig: Any) -> bytes:
    """The chart as SVG on white, cropped to what is drawn (as ``bbox_inches="tight"``).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The chart.

    Returns
    -------
    bytes
        UTF-8 SVG; the same chart gives the same bytes.
    """
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": SVG_SALT}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", facecolor="white",
                    metadata={"Date": None})
    return buffer.getvalue()


def svg_size_pt(svg: bytes) -> tuple[float, float]:
    """Width and height of a matplotlib SVG in points (its ``<svg width=... height=...>``).

    Raises
    ------
    ValueError
        When the SVG states no size in points.
    """
    match = re.search(rb'<svg[^>]*\swidth="([\d.]+)pt"[^>]*\sheight="([\d.]+)pt"', svg[:2000])
    if not match:
        raise ValueError("the SVG states no width and height in points")
    return float(match.group(1)), float(match.group(2))


def image_name(data: bytes, extension: str) -> str:
    """File name an image gets next to the Typst source: content-addressed, so stable.

    Parameters
    ----------
    data : bytes
        The image.
    extension : {"svg", "png"}
        Its format.

    Returns
    -------
    str
        ``fig-<16 hex digits>.<extension>``.
    """
    return f"fig-{hashlib.sha1(data).hexdigest()[:16]}.{extension}"


def svg_img_tag(svg: bytes, alt: str) -> str:
    """An ``<img>`` showing ``svg`` from a data URL, with ``alt`` text, as wide as its column."""
    src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return f'<img src="{src}" alt="{html.escape(alt)}" style="max-width: 100%">'
