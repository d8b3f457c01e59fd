"""Reading an executed report notebook: its cover data, its parts in order, its tables.

Markdown cells are the narrative researchers edit. A markdown cell tagged ``lang-id`` or
``lang-en`` appears only in that language's report; untagged cells appear in every language; a
cell tagged ``no-report`` (instructions for the notebook's users) appears in none. Code cell
inputs, streams and errors never reach the PDF or the HTML, and neither do outputs with no Typst,
Markdown or PNG form (a bare DataFrame repr): the PDF and the HTML show the same content.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from analysis.core import i18n
from analysis.render.blocks import META_KEY, MIME_META, MIME_TABLE, MIME_TYPST

LANG_TAGS = {"lang-id": "id", "lang-en": "en"}
SKIP_TAG = "no-report"  # a cell for the notebook's readers only (instructions), not the report
_PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"


def _cell_tags(cell: Mapping[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def report_meta(nb: Mapping[str, Any]) -> dict[str, Any]:
    """The ``ReportMeta`` payload of an executed notebook, as plain dicts and lists.

    Plain, not nbformat's ``NotebookNode``: the payload travels from a worker process to the
    build's main process, and unpickling a ``NotebookNode`` there would import nbformat (and
    jsonschema with it, about a second) just to read a few figures.

    Raises
    ------
    ValueError
        When no cell displayed a ``ReportMeta``.
    """
    for cell in nb["cells"]:
        for output in cell.get("outputs", []) or []:
            data = output.get("data", {})
            if MIME_META in data:
                meta = data[MIME_META]
                return dict(json.loads(meta if isinstance(meta, str) else json.dumps(meta)))
    raise ValueError("the notebook displayed no ReportMeta (analysis.render.blocks.ReportMeta)")


def report_items(nb: Mapping[str, Any], lang: str) -> list[tuple[str, Any]]:
    """The parts of a report, in order: ``("markdown", text)`` and ``("output", output)``.

    Parameters
    ----------
    nb : NotebookNode or dict
        The executed notebook.
    lang : {"id", "en"}
        Keeps untagged markdown cells and those tagged ``lang-<lang>``.

    Returns
    -------
    list of (str, object)
        Markdown cells and the display outputs that have a Typst, Markdown or PNG form (the
        ``ReportMeta`` output is left out: it is the cover).
    """
    i18n.check_lang(lang)
    items: list[tuple[str, Any]] = []
    for cell in nb["cells"]:
        tags = _cell_tags(cell)
        if _PAPERMILL_ERROR_TAG in tags or SKIP_TAG in tags:
            continue
        if cell["cell_type"] == "markdown":
            langs = {LANG_TAGS[t] for t in tags if t in LANG_TAGS}
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            if (not langs or lang in langs) and source.strip():
                items.append(("markdown", source))
        elif cell["cell_type"] == "code":
            for output in cell.get("outputs", []) or []:
                if output.get("output_type") not in ("display_data", "execute_result"):
                    continue  # streams and errors are the analyst's, not the reader's
                data = output.get("data", {})
                if MIME_META in data:
                    continue
                if any(m in data for m in (MIME_TYPST, "image/svg+xml", "image/png",
                                           "text/markdown")):
                    items.append(("output", output))
    return items


def image_of(output: Mapping[str, Any]) -> tuple[bytes, str] | None:
    """The image of a display output and its format, or None when it has none.

    A chart of ``analysis.render.blocks.Figure`` is SVG; a figure that a notebook cell left open
    reaches the output as PNG (the inline backend's format).

    Returns
    -------
    tuple of (bytes, str) or None
        The image and ``"svg"`` or ``"png"``.
    """
    data = output.get("data", {})
    if "image/svg+xml" in data:
        return text_of(data["image/svg+xml"]).encode("utf-8"), "svg"
    png = data.get("image/png")
    if png is None:
        return None
    return base64.b64decode(text_of(png)), "png"


def text_of(value: Any) -> str:
    """A mime value as one string (notebooks may store text as a list of lines)."""
    return "".join(value) if isinstance(value, list) else str(value)


def caption_of(output: Mapping[str, Any]) -> str:
    """The caption a ``Figure`` put in the output's metadata ("" when none)."""
    return str(output.get("metadata", {}).get(META_KEY, {}).get("caption", "") or "")


def payloads(nb: Mapping[str, Any], mime: str) -> list[dict[str, Any]]:
    """Every JSON payload of one mime type displayed in the notebook, in cell order."""
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or SKIP_TAG in _cell_tags(cell):
            continue
        for output in cell.get("outputs", []) or []:
            payload = output.get("data", {}).get(mime)
            if payload is not None:
                found.append(json.loads(payload) if isinstance(payload, str) else dict(payload))
    return found


def table_payloads(nb: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every table displayed in the notebook, as the JSON payloads ``Table`` writes."""
    return payloads(nb, MIME_TABLE)


def notebook_bytes(nb: Any) -> bytes:
    """The executed notebook serialised as .ipynb bytes."""
    import nbformat

    return nbformat.writes(nb).encode("utf-8")
