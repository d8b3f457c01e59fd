"""The PDF of a report: Typst source from the executed notebook, compiled by the ``typst`` package.

The PDF route is Typst through the ``typst`` package (no browser, no TeX; see docs/pdf-route.md).
Only fonts embedded in Typst are used. The template ``templates/report.typ`` draws page 1 (the
summary), the page footer (area, data date, page), callouts, key figures, tables and the closing
colophon with the code version and build date.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analysis.core import config, i18n
from analysis.render.blocks import MIME_TYPST
from analysis.render.charts import image_name
from analysis.render.markup import markdown_to_typst, typst_escape, typst_string
from analysis.render.notebook import caption_of, image_of, report_items, report_meta, text_of
from analysis.render.stamp import Stamp, colophon_text, footer_text


def to_typst(nb: Mapping[str, Any], stamp: Stamp, assets: Path) -> str:
    """Write the Typst source of a report; its PNGs and the template go into ``assets``.

    Parameters
    ----------
    nb : NotebookNode or dict
        The executed notebook.
    stamp : Stamp
        Version and generation time for the colophon.
    assets : Path
        An existing folder (a temporary one) that becomes the Typst project root.

    Returns
    -------
    str
        The main Typst source.
    """
    meta = report_meta(nb)
    lang = meta["lang"]
    (assets / "report.typ").write_bytes((config.TEMPLATES / "report.typ").read_bytes())
    labels = {key: i18n.t(f"reports.label_{key}", lang) for key in ("page", "of", "author")}
    label_items = ", ".join(f"{typst_string(k)}: {typst_string(v)}" for k, v in labels.items())
    head = [
        '#import "report.typ": *',
        "#show: report.with(",
        f"  title: {typst_string(meta['title'])},",
        f"  area: {typst_string(meta['area'])},",
        f"  lang: {typst_string(lang)},",
        f"  footer-left: {typst_string(footer_text(meta))},",
        f"  labels: ({label_items}),",
        ")",
        "",
    ]
    body: list[str] = []
    for kind, item in report_items(nb, lang):
        if kind == "markdown":
            body.append(markdown_to_typst(item))
            continue
        data = item.get("data", {})
        image = image_of(item)
        if image is not None:
            (assets / image_name(*image)).write_bytes(image[0])
        if MIME_TYPST in data:
            body.append(text_of(data[MIME_TYPST]))
        elif image is not None:
            caption = caption_of(item)
            cap = f", caption: [{typst_escape(caption)}]" if caption else ""
            body.append(f'#figure(image("{image_name(*image)}", width: 100%){cap})\n')
        else:
            body.append(markdown_to_typst(text_of(data["text/markdown"])))
    body.append(f"#colophon[{typst_escape(colophon_text(meta, stamp))}]\n")
    return "\n".join(head) + "\n".join(body)


def to_pdf(nb: Mapping[str, Any], stamp: Stamp) -> bytes:
    """Compile a report to PDF with Typst (embedded fonts only).

    Parameters
    ----------
    nb : NotebookNode or dict
        The executed notebook.
    stamp : Stamp
        Version and generation time.

    Returns
    -------
    bytes
        The PDF.
    """
    import typst

    with tempfile.TemporaryDirectory(prefix="report-typst-") as tmp:
        folder = Path(tmp)
        main = folder / "main.typ"
        main.write_text(to_typst(nb, stamp, folder), encoding="utf-8")
        return typst.compile(
            str(main), root=str(folder), ignore_system_fonts=True, timestamp=stamp.timestamp
        )
