"""Turn an executed report notebook into a PDF (through Typst), an HTML page and an XLSX workbook.

The notebook's outputs are the report. Report code displays the objects of
``analysis.render.blocks`` (``Text``, ``Callout``, ``KeyFigures``, ``Table``, ``Figure``,
``ReportMeta``); each carries its Jupyter view, its Typst markup and its workbook payload, so the
three formats cannot disagree. ``analysis.render.notebook`` reads them back from the executed
notebook, and ``pdf``, ``html`` and ``xlsx`` write one format each. In Markdown, ``##`` is a
section of the report (``#`` is the report title, on the cover).

This package imports nothing from the analysis but ``analysis.core``, so it runs on its own.
Command line (for one executed notebook)::

    python -m analysis.render executed.ipynb --pdf out.pdf --html out.html --xlsx out.xlsx
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from analysis.render.html import to_html
from analysis.render.notebook import notebook_bytes
from analysis.render.pdf import to_pdf
from analysis.render.stamp import Stamp
from analysis.render.xlsx import to_xlsx

RENDERERS = {
    "pdf": to_pdf,
    "html": lambda nb, stamp: to_html(nb, stamp).encode("utf-8"),
    "xlsx": to_xlsx,
}


def render(nb: Any, stamp: Stamp, formats: Iterable[str] = ("pdf", "html", "xlsx")) -> dict:
    """Render a notebook to several formats in memory.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook.
    stamp : Stamp
        Version and generation time.
    formats : iterable of str
        Any of ``pdf``, ``html``, ``xlsx``, ``ipynb``.

    Returns
    -------
    dict of str to bytes
        Format → file content.
    """
    out: dict[str, bytes] = {}
    for fmt in formats:
        out[fmt] = notebook_bytes(nb) if fmt == "ipynb" else RENDERERS[fmt](nb, stamp)
    return out
