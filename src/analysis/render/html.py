"""The HTML page of a report: one self-contained file (styles inline, images embedded).

It shows the same parts as the PDF, in the same order, from the same display outputs; the
header names the report and the footer carries the colophon.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from typing import Any

from analysis.core import config, i18n
from analysis.render.markup import markdown_to_html
from analysis.render.notebook import caption_of, image_of, report_items, report_meta, text_of
from analysis.render.stamp import Stamp, colophon_text, kind_label, long_date


def to_html(nb: Mapping[str, Any], stamp: Stamp) -> str:
    """A self-contained HTML page of the report (styles inline, images embedded; no network).

    Parameters
    ----------
    nb : NotebookNode or dict
        The executed notebook.
    stamp : Stamp
        Version and generation time.

    Returns
    -------
    str
        The HTML document.
    """
    meta = report_meta(nb)
    lang = meta["lang"]
    parts: list[str] = []
    for kind, item in report_items(nb, lang):
        if kind == "markdown":
            parts.append(markdown_to_html(item))
            continue
        data = item.get("data", {})
        image = image_of(item)
        if image is not None:
            caption = html.escape(caption_of(item))
            mime = "image/svg+xml" if image[1] == "svg" else "image/png"
            src = f"data:{mime};base64," + base64.b64encode(image[0]).decode("ascii")
            cap = f"<figcaption>{caption}</figcaption>" if caption else ""
            parts.append(f'<figure><img src="{src}" alt="{caption}">{cap}</figure>')
        elif "text/html" in data:
            parts.append(text_of(data["text/html"]))
        else:
            parts.append(markdown_to_html(text_of(data.get("text/markdown", ""))))
    css = (config.TEMPLATES / "report.css").read_text(encoding="utf-8")
    rows = [
        (i18n.t("reports.label_as_of", lang), long_date(meta["as_of"], lang)),
        (i18n.t("reports.label_language", lang), i18n.t("reports.language_name", lang)),
        (i18n.t("reports.label_version", lang), stamp.version),
        (i18n.t("reports.label_generated", lang), long_date(stamp.timestamp.isoformat(), lang)),
    ]
    dl = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in rows)
    title = html.escape(f"{meta['title']} — {meta['area']}")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
        f'<header class="cover"><p class="kind">{html.escape(kind_label(meta))}</p>'
        f"<h1>{html.escape(meta['title'])}</h1>"
        f'<p class="area">{html.escape(meta["area"])}</p>'
        f'<p class="province">{html.escape(meta["province"])}</p><dl>{dl}</dl></header>\n'
        f"<main>\n{''.join(parts)}\n</main>\n"
        f'<footer>{html.escape(colophon_text(meta, stamp))}</footer>\n</body>\n</html>\n'
    )
