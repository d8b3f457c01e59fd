"""Turn an executed report notebook into a PDF (through Typst), an HTML page and an XLSX workbook.

The notebook's outputs are the report. Report code displays objects from this module:
``Text`` (narrative filled with computed figures), ``Callout`` (a boxed remark), ``KeyFigures``,
``Table`` (a DataFrame with typed columns), ``Figure`` (a matplotlib chart as a 200-dpi PNG) and
``ReportMeta`` (title, area, as-of date: the cover). Each gives JupyterLab a readable view
(``text/html``, ``text/markdown`` or ``image/png``) and carries the exact Typst markup of the PDF
in ``application/vnd.pekerja-rentan.typst``; tables also carry their raw values in
``application/vnd.pekerja-rentan.table+json`` for the workbook.

Markdown cells are the narrative researchers edit. A markdown cell tagged ``lang-id`` or
``lang-en`` appears only in that language's report; untagged cells appear in every language; a
cell tagged ``no-report`` (instructions for the notebook's users) appears in none.
Code cell inputs, streams and errors never reach the PDF or the HTML, and neither do outputs with
no Typst, Markdown or PNG form (a bare DataFrame repr): the PDF and the HTML show the same
content. In Markdown, ``##`` is a section of the report (``#`` is the report title, on the cover).

The PDF route is Typst through the ``typst`` package (no browser, no TeX; see docs/pdf-route.md).
Only fonts embedded in Typst are used.

Command line (for one executed notebook)::

    python -m analysis.render executed.ipynb --pdf out.pdf --html out.html --xlsx out.xlsx
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import html
import io
import json
import math
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from analysis import __version__
from analysis.core import i18n, numbers
from analysis.core.config import ROOT

MIME_TYPST = "application/vnd.pekerja-rentan.typst"
MIME_TABLE = "application/vnd.pekerja-rentan.table+json"
MIME_META = "application/vnd.pekerja-rentan.meta+json"
META_KEY = "pekerja_rentan"  # display metadata key holding figure captions
TEMPLATES = Path(__file__).resolve().parent / "templates"
LANG_TAGS = {"lang-id": "id", "lang-en": "en"}
SKIP_TAG = "no-report"  # a cell for the notebook's readers only (instructions), not the report
FIGURE_DPI = 200
# A "##" heading in Markdown is a level-1 section of the PDF; "#" is reserved for the cover.
HEADING_SHIFT = 1
_PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"


# --- Text escaping --------------------------------------------------------------------------------

_TYPST_SPECIAL = re.compile(r"([\\#*_`$<>@\[\]~/=+\-])")


def typst_escape(text: object) -> str:
    """Escape text so Typst markup prints it literally.

    Parameters
    ----------
    text : object
        Any value; converted with ``str``.

    Returns
    -------
    str
        The text with Typst's markup characters escaped by a backslash.
    """
    out = _TYPST_SPECIAL.sub(r"\\\1", str(text))
    # "2024. Tahun" at the start of a line would be read as a numbered list item.
    return re.sub(r"^(\d+)\.", r"\1\\.", out)


def typst_string(text: object) -> str:
    """Write ``text`` as a Typst string literal (with quotes)."""
    return json.dumps(str(text), ensure_ascii=False)


# --- Markdown -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    # Raw HTML in narrative is not passed through: the PDF could not show it.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_to_html(text: str) -> str:
    """Render Markdown narrative to HTML (headings, emphasis, lists, links, tables)."""
    return _markdown().render(text)


def markdown_to_typst(text: str) -> str:
    """Render Markdown narrative to Typst markup.

    Parameters
    ----------
    text : str
        CommonMark with tables: headings, paragraphs, bold/italic, lists, links, inline code,
        block quotes, rules, code blocks.

    Returns
    -------
    str
        Typst markup; ``##`` becomes a level-1 heading (see ``HEADING_SHIFT``).
    """
    from markdown_it.tree import SyntaxTreeNode

    tree = SyntaxTreeNode(_markdown().parse(text))
    return _typst_blocks(tree.children, indent="").strip() + "\n"


def _typst_blocks(nodes: Sequence[Any], indent: str) -> str:
    parts: list[str] = []
    for node in nodes:
        parts.append(_typst_block(node, indent))
    return "".join(parts)


def _typst_block(node: Any, indent: str) -> str:
    kind = node.type
    if kind == "heading":
        level = max(1, int(node.tag[1]) - HEADING_SHIFT)
        return f"{indent}{'=' * level} {_typst_inline(node.children)}\n\n"
    if kind == "paragraph":
        sep = "\n" if node.hidden else "\n\n"  # tight list items keep their lines together
        return f"{indent}{_typst_inline(node.children)}{sep}"
    if kind in ("bullet_list", "ordered_list"):
        marker = "- " if kind == "bullet_list" else "+ "
        items = []
        for item in node.children:
            body = _typst_blocks(item.children, indent + "  ").strip("\n")
            items.append(f"{indent}{marker}{body.lstrip()}\n")
        return "".join(items) + "\n"
    if kind == "blockquote":
        return f"{indent}#quote(block: true)[{_typst_blocks(node.children, '').strip()}]\n\n"
    if kind == "hr":
        return f"{indent}#line(length: 100%, stroke: 0.5pt + luma(190))\n\n"
    if kind in ("fence", "code_block"):
        return f"{indent}#raw(block: true, {typst_string(node.content.rstrip())})\n\n"
    if kind == "table":
        return _typst_md_table(node) + "\n"
    if kind == "inline":
        return _typst_inline(node.children)
    return ""  # html blocks and anything unknown are dropped (see _markdown)


def _typst_md_table(node: Any) -> str:
    header: list[str] = []
    rows: list[list[str]] = []
    aligns: list[str] = []
    for section in node.children:
        for tr in section.children:
            cells = [
                _typst_inline(td.children[0].children if td.children else [])
                for td in tr.children
            ]
            if section.type == "thead":
                header = cells
                aligns = [
                    "right" if "right" in str(td.attrs.get("style", "")) else
                    "center" if "center" in str(td.attrs.get("style", "")) else "left"
                    for td in tr.children
                ]
            else:
                rows.append(cells)
    return _typst_table_call(
        header=header, rows=rows, aligns=aligns, widths=["auto"] * len(header)
    )


def _typst_inline(nodes: Sequence[Any]) -> str:
    out: list[str] = []
    for node in nodes:
        kind = node.type
        if kind == "text":
            text = typst_escape(node.content)
            # Right after "#f[...]" a "(", "[" or "." would continue the call: escape it.
            if out and out[-1].endswith("]") and text[:1] in ("(", "[", "."):
                text = "\\" + text
            out.append(text)
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append(" \\\n")
        elif kind == "strong":
            out.append(f"#strong[{_typst_inline(node.children)}]")
        elif kind == "em":
            out.append(f"#emph[{_typst_inline(node.children)}]")
        elif kind == "link":
            href = str(node.attrs.get("href", ""))
            out.append(f"#link({typst_string(href)})[{_typst_inline(node.children)}]")
        elif kind == "code_inline":
            out.append(f"#raw({typst_string(node.content)})")
        elif node.children:
            out.append(_typst_inline(node.children))
    return "".join(out)


def _typst_table_call(
    *,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    aligns: Sequence[str],
    widths: Sequence[str],
    title: str | None = None,
    note: str | None = None,
) -> str:
    """Typst markup calling the template's ``data-table`` with cells already in markup."""
    lines = ["#data-table("]
    if title:
        lines.append(f"  title: [{title}],")
    if note:
        lines.append(f"  note: [{note}],")
    lines.append(f"  columns: ({', '.join(widths)},),")
    lines.append(f"  align: ({', '.join(aligns)},),")
    lines.append(f"  header: ({''.join(f'[{h}], ' for h in header)}),")
    for row in rows:
        lines.append("  " + " ".join(f"[{cell}]," for cell in row))
    lines.append(")")
    return "\n".join(lines) + "\n"


# --- Display objects ------------------------------------------------------------------------------


class _Displayable:
    """Base of the report's display objects: one mime bundle for JupyterLab, PDF and HTML."""

    def _bundle(self) -> tuple[dict[str, Any], dict[str, Any]]:
        raise NotImplementedError

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self._bundle()

    def __repr__(self) -> str:
        return self._bundle()[0].get("text/plain", type(self).__name__)


class Text(_Displayable):
    """Narrative written in Markdown (usually a locale template filled with computed numbers).

    Parameters
    ----------
    markdown : str
        The text. Numbers in it are formatted already (``analysis.numbers``).
    """

    def __init__(self, markdown: str) -> None:
        self.markdown = markdown

    def _bundle(self):
        return (
            {
                "text/plain": self.markdown,
                "text/markdown": self.markdown,
                "text/html": markdown_to_html(self.markdown),
                MIME_TYPST: markdown_to_typst(self.markdown),
            },
            {},
        )


class Callout(_Displayable):
    """A boxed remark: ``kind="note"`` (method, reading help) or ``"warning"`` (unconfirmed).

    Parameters
    ----------
    markdown : str
        The remark.
    kind : {"note", "warning"}
        Colour of the box.
    """

    def __init__(self, markdown: str, kind: str = "note") -> None:
        if kind not in ("note", "warning"):
            raise ValueError(f"kind must be 'note' or 'warning', got {kind!r}")
        self.markdown = markdown
        self.kind = kind

    def _bundle(self):
        body = markdown_to_typst(self.markdown).strip()
        quoted = "\n".join("> " + line for line in self.markdown.splitlines())
        return (
            {
                "text/plain": self.markdown,
                "text/markdown": quoted,
                "text/html": f'<div class="callout {self.kind}">'
                f"{markdown_to_html(self.markdown)}</div>",
                MIME_TYPST: f"#callout(kind: {typst_string(self.kind)})[\n{body}\n]\n",
            },
            {},
        )


class KeyFigures(_Displayable):
    """A row of headline figures (value above a short label), at most four per row.

    Parameters
    ----------
    items : sequence of (str, str)
        ``(formatted value, label)`` pairs, e.g. ``("45.900", "target pekerja")``.
    """

    def __init__(self, items: Sequence[tuple[str, str]]) -> None:
        self.items = [(str(v), str(label)) for v, label in items]

    def _bundle(self):
        md = " · ".join(f"**{v}** {label}" for v, label in self.items)
        cells = "".join(
            f'<div class="kf"><span class="kv">{html.escape(v)}</span>'
            f'<span class="kl">{html.escape(label)}</span></div>'
            for v, label in self.items
        )
        args = ", ".join(f"([{typst_escape(v)}], [{typst_escape(lab)}])" for v, lab in self.items)
        return (
            {
                "text/plain": md,
                "text/markdown": md,
                "text/html": f'<div class="key-figures">{cells}</div>',
                MIME_TYPST: f"#key-figures({args})\n",
            },
            {},
        )


class Section:
    """Several display objects shown one after the other (one output each).

    Parameters
    ----------
    *parts : display objects
        ``Text``, ``Table``, ``Figure`` … in reading order; None is skipped.
    """

    def __init__(self, *parts: Any) -> None:
        self.parts = [p for p in parts if p is not None]

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for part in self.parts:
            display(part)

    def __repr__(self) -> str:
        return "\n\n".join(repr(p) for p in self.parts)


@dataclass(frozen=True)
class Column:
    """A column of a report table.

    Parameters
    ----------
    key : str
        Column name in the DataFrame.
    label : str
        Header text in the report language.
    kind : str
        ``text``, ``link`` (a URL), ``count`` (whole number), ``rupiah`` (with a scale word in
        the PDF, every digit in the workbook), ``rupiah_exact``, ``share`` (0–1, shown as a
        percentage), ``number`` (``decimals`` digits) or ``date``.
    decimals : int, optional
        Digits after the decimal separator for ``number`` and ``share``.
    width : str, optional
        Typst column width (``"auto"``, ``"1fr"``, ``"3cm"``); the first column takes the
        remaining width (``1fr``) unless told otherwise.
    """

    key: str
    label: str
    kind: str = "text"
    decimals: int | None = None
    width: str | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in ("count", "rupiah", "rupiah_exact", "share", "number")


_KINDS = {"text", "link", "count", "rupiah", "rupiah_exact", "share", "number", "date"}


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas NA and NaT, without pandas
        return True
    try:
        return bool(value != value)  # NaN is not equal to itself
    except (TypeError, ValueError):
        return False


def format_value(value: Any, kind: str, lang: str = "id", decimals: int | None = None) -> str:
    """Format one table value for the PDF and HTML.

    Parameters
    ----------
    value : object
        The raw value; missing values (None, NaN, NA) give an en dash.
    kind : str
        A ``Column.kind``.
    lang : {"id", "en"}
        Report language (separators through ``analysis.numbers``).
    decimals : int, optional
        Decimals for ``number`` (default 0) and ``share`` (default 1).

    Returns
    -------
    str
        The value as a reader sees it ("45.900", "Rp9,25 miliar", "41,4%").
    """
    if _missing(value):
        return "–"
    if kind == "count":
        return numbers.format_number(float(value), lang, 0)
    if kind == "number":
        return numbers.format_number(float(value), lang, decimals or 0)
    if kind == "rupiah":
        return numbers.format_rupiah(float(value), lang)
    if kind == "rupiah_exact":
        return numbers.format_rupiah(float(value), lang, exact=True)
    if kind == "share":
        return numbers.format_percent(float(value), lang, 1 if decimals is None else decimals)
    if kind == "date":
        return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)[:10]
    # A whole number stored as float (a year in a float column) reads "2024", not "2024.0".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _jsonable(value: Any) -> Any:
    """A JSON-safe copy of a table value for the workbook payload."""
    if _missing(value):
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()  # numpy scalar → Python scalar
    if isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


class Table(_Displayable):
    """A table of the report, built from a DataFrame.

    Parameters
    ----------
    data : pandas.DataFrame
        The rows; only the columns named in ``columns`` are shown.
    columns : sequence of Column
        Which columns, in which order, with header and kind.
    title : str, optional
        Shown above the table (bold) and used as the workbook sheet title.
    note : str, optional
        Small Markdown-free text below the table (sources, flags, definitions).
    lang : {"id", "en"}
        Report language of the number formats.
    sheet : str, optional
        Workbook sheet name (at most 31 characters); derived from the title when omitted.
    sources : sequence of str, optional
        ``source_id`` values behind the figures, listed in the workbook.
    role : {"data", "sources"}
        ``"sources"`` marks the table listing the report's sources (the workbook's Sumber sheet).
    workbook_only : bool
        Put the table in the workbook only (the PDF and HTML show the same facts another way,
        e.g. the list of sources).
    """

    def __init__(
        self,
        data: Any,
        columns: Sequence[Column],
        *,
        title: str | None = None,
        note: str | None = None,
        lang: str = "id",
        sheet: str | None = None,
        sources: Iterable[str] = (),
        role: str = "data",
        workbook_only: bool = False,
    ) -> None:
        i18n.check_lang(lang)
        for col in columns:
            if col.kind not in _KINDS:
                raise ValueError(f"column {col.key!r}: unknown kind {col.kind!r}")
            if col.key not in data.columns:
                raise KeyError(f"column {col.key!r} is not in the table")
        self.columns = list(columns)
        self.rows = [
            [row[col.key] for col in self.columns] for _, row in data.iterrows()
        ]
        self.title = title
        self.note = note
        self.lang = lang
        self.sheet = sheet
        self.sources = sorted({str(s) for s in sources if not _missing(s) and str(s)})
        self.role = role
        self.workbook_only = workbook_only

    def _cell_text(self, value: Any, col: Column) -> str:
        return format_value(value, col.kind, self.lang, col.decimals)

    def _typst(self) -> str:
        widths = []
        for i, col in enumerate(self.columns):
            widths.append(col.width or ("1fr" if i == 0 else "auto"))
        aligns = ["right" if col.numeric else "left" for col in self.columns]
        rows = []
        for row in self.rows:
            cells = []
            for value, col in zip(row, self.columns, strict=True):
                text = self._cell_text(value, col)
                if col.kind == "link" and not _missing(value):
                    cells.append(f"#link({typst_string(value)})")
                else:
                    cells.append(typst_escape(text))
            rows.append(cells)
        return _typst_table_call(
            header=[typst_escape(c.label) for c in self.columns],
            rows=rows,
            aligns=aligns,
            widths=widths,
            title=typst_escape(self.title) if self.title else None,
            note=typst_escape(self.note) if self.note else None,
        )

    def _html(self) -> str:
        head = "".join(
            f'<th class="{"num" if c.numeric else "txt"}">{html.escape(c.label)}</th>'
            for c in self.columns
        )
        body = []
        for row in self.rows:
            tds = []
            for value, col in zip(row, self.columns, strict=True):
                text = html.escape(self._cell_text(value, col))
                if col.kind == "link" and not _missing(value):
                    text = f'<a href="{html.escape(str(value))}">{text}</a>'
                tds.append(f'<td class="{"num" if col.numeric else "txt"}">{text}</td>')
            body.append("<tr>" + "".join(tds) + "</tr>")
        title = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        note = f'<p class="table-note">{html.escape(self.note)}</p>' if self.note else ""
        return (
            f'<div class="table-wrap"><table class="data">{title}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>{note}</div>"
        )

    def _markdown(self) -> str:
        def cell(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = []
        if self.title:
            lines += [f"**{cell(self.title)}**", ""]
        lines.append("| " + " | ".join(cell(c.label) for c in self.columns) + " |")
        lines.append("|" + "|".join("---:" if c.numeric else "---" for c in self.columns) + "|")
        for row in self.rows:
            texts = [cell(self._cell_text(v, c)) for v, c in zip(row, self.columns, strict=True)]
            lines.append("| " + " | ".join(texts) + " |")
        if self.note:
            lines += ["", f"*{cell(self.note)}*"]
        return "\n".join(lines)

    def payload(self) -> dict[str, Any]:
        """The raw table for the workbook (JSON-safe)."""
        return {
            "title": self.title,
            "sheet": self.sheet,
            "role": self.role,
            "note": self.note,
            "sources": self.sources,
            "columns": [
                {"key": c.key, "label": c.label, "kind": c.kind, "decimals": c.decimals}
                for c in self.columns
            ],
            "rows": [[_jsonable(v) for v in row] for row in self.rows],
        }

    def _bundle(self):
        if self.workbook_only:
            return {"text/plain": self._markdown(), MIME_TABLE: self.payload()}, {}
        return (
            {
                "text/plain": self._markdown(),
                "text/markdown": self._markdown(),
                "text/html": self._html(),
                MIME_TYPST: self._typst(),
                MIME_TABLE: self.payload(),
            },
            {},
        )


def png_name(png: bytes) -> str:
    """File name a PNG gets next to the Typst source: content-addressed, so stable."""
    return f"fig-{hashlib.sha1(png).hexdigest()[:16]}.png"


class Figure(_Displayable):
    """A matplotlib chart as a 200-dpi PNG with a caption.

    The matplotlib figure is closed once rendered, so the inline backend does not show it twice.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The chart (from ``analysis.figures``).
    caption : str
        Caption in the report language (plain text; sources may go here).
    width : str
        Width in the PDF, as a share of the text width ("100%", "80%").
    """

    def __init__(self, fig: Any, caption: str = "", width: str = "100%") -> None:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight",
                    facecolor="white")
        self.png = buffer.getvalue()
        self.caption = caption
        self.width = width
        import matplotlib.pyplot as plt

        plt.close(fig)

    def _bundle(self):
        caption = f", caption: [{typst_escape(self.caption)}]" if self.caption else ""
        typst_markup = (
            f'#figure(image("{png_name(self.png)}", width: {self.width}){caption})\n'
        )
        return (
            {
                "text/plain": self.caption or "<figure>",
                "image/png": base64.b64encode(self.png).decode("ascii"),
                MIME_TYPST: typst_markup,
            },
            {"image/png": {"width": 720}, META_KEY: {"caption": self.caption}},
        )


class ReportMeta(_Displayable):
    """What the cover, the footer and the workbook's "Tentang" sheet say about a report.

    Parameters
    ----------
    kind : {"regency", "province"}
        Regency brief or province overview.
    code : str
        Area code (``"12.14"``, ``"12"``).
    title : str
        Report title in the report language.
    area : str
        Area name ("Kabupaten Nias Selatan").
    province : str
        Province name.
    as_of : str
        Data as-of date, ISO ``YYYY-MM-DD``.
    lang : {"id", "en"}
        Report language.
    """

    def __init__(
        self, *, kind: str, code: str, title: str, area: str, province: str, as_of: str, lang: str
    ) -> None:
        self.data = {
            "kind": kind, "code": code, "title": title, "area": area, "province": province,
            "as_of": str(as_of)[:10], "lang": i18n.check_lang(lang),
        }

    def _bundle(self):
        d = self.data
        as_of_label = i18n.t("reports.as_of", d["lang"])
        md = f"# {d['title']}\n\n**{d['area']}**, {d['province']} · {as_of_label} {d['as_of']}"
        return (
            {
                "text/plain": md,
                "text/markdown": md,
                "text/html": markdown_to_html(md),
                MIME_META: dict(d),
            },
            {},
        )


# --- Reading an executed notebook -----------------------------------------------------------------


def _cell_tags(cell: Mapping[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def report_meta(nb: Mapping[str, Any]) -> dict[str, Any]:
    """The ``ReportMeta`` payload of an executed notebook.

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
                return dict(json.loads(meta) if isinstance(meta, str) else meta)
    raise ValueError("the notebook displayed no ReportMeta (analysis.render.ReportMeta)")


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
                if any(m in data for m in (MIME_TYPST, "image/png", "text/markdown")):
                    items.append(("output", output))
    return items


def _png_of(output: Mapping[str, Any]) -> bytes | None:
    data = output.get("data", {}).get("image/png")
    if data is None:
        return None
    return base64.b64decode("".join(data) if isinstance(data, list) else data)


def _text_of(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _caption_of(output: Mapping[str, Any]) -> str:
    return str(output.get("metadata", {}).get(META_KEY, {}).get("caption", "") or "")


# --- Stamp ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """Provenance printed on every page: code version and generation time (the as-of date comes
    from the notebook's ``ReportMeta``)."""

    version: str
    generated: str
    timestamp: dt.datetime = field(compare=False, repr=False,
                                   default_factory=lambda: dt.datetime.now(dt.UTC))


def code_version() -> str:
    """Package version plus the short git commit of the working tree, or ``+unknown``.

    Returns
    -------
    str
        e.g. ``"0.1.0+3f2a9c1"``.
    """
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
            timeout=5, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        sha = ""
    return f"{__version__}+{sha or 'unknown'}"


def make_stamp(version: str | None = None, now: dt.datetime | None = None) -> Stamp:
    """A ``Stamp`` for a build started now (UTC, ISO 8601 to the second)."""
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    return Stamp(version=version or code_version(), generated=now.isoformat(), timestamp=now)


def _long_date(iso: str, lang: str) -> str:
    """"2024-06-30" → "30 Juni 2024" / "30 June 2024"."""
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    months = i18n.t("reports.months", lang).split(",")
    return f"{day.day} {months[day.month - 1].strip()} {day.year}"


def _stamp_text(meta: Mapping[str, Any], stamp: Stamp) -> str:
    return i18n.t(
        "reports.stamp", meta["lang"], as_of=meta["as_of"], version=stamp.version,
        generated=stamp.generated,
    )


def _kind_label(meta: Mapping[str, Any]) -> str:
    return i18n.t(f"reports.kind_{meta['kind']}", meta["lang"])


# --- Typst and PDF --------------------------------------------------------------------------------


def to_typst(nb: Mapping[str, Any], stamp: Stamp, assets: Path) -> str:
    """Write the Typst source of a report; its PNGs and the template go into ``assets``.

    Parameters
    ----------
    nb : NotebookNode or dict
        The executed notebook.
    stamp : Stamp
        Version and generation time for the footer and the cover.
    assets : Path
        An existing folder (a temporary one) that becomes the Typst project root.

    Returns
    -------
    str
        The main Typst source.
    """
    meta = report_meta(nb)
    lang = meta["lang"]
    (assets / "report.typ").write_bytes((TEMPLATES / "report.typ").read_bytes())
    labels = {
        key: i18n.t(f"reports.label_{key.replace('-', '_')}", lang)
        for key in ("page", "of", "as-of", "language", "version", "generated", "contents",
                    "author")
    }
    labels["kind"] = _kind_label(meta)
    label_items = ", ".join(f"{typst_string(k)}: {typst_string(v)}" for k, v in labels.items())
    head = [
        '#import "report.typ": *',
        "#show: report.with(",
        f"  title: {typst_string(meta['title'])},",
        f"  area: {typst_string(meta['area'])},",
        f"  province: {typst_string(meta['province'])},",
        f"  as-of: {typst_string(meta['as_of'])},",
        f"  as-of-long: {typst_string(_long_date(meta['as_of'], lang))},",
        f"  language: {typst_string(i18n.t('reports.language_name', lang))},",
        f"  lang: {typst_string(lang)},",
        f"  version: {typst_string(stamp.version)},",
        f"  generated: {typst_string(stamp.generated)},",
        f"  stamp: {typst_string(_stamp_text(meta, stamp))},",
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
        png = _png_of(item)
        if png is not None:
            (assets / png_name(png)).write_bytes(png)
        if MIME_TYPST in data:
            body.append(_text_of(data[MIME_TYPST]))
        elif png is not None:
            caption = _caption_of(item)
            cap = f", caption: [{typst_escape(caption)}]" if caption else ""
            body.append(f'#figure(image("{png_name(png)}", width: 100%){cap})\n')
        else:
            body.append(markdown_to_typst(_text_of(data["text/markdown"])))
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


# --- HTML -----------------------------------------------------------------------------------------


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
        png = _png_of(item)
        if png is not None:
            caption = html.escape(_caption_of(item))
            src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            cap = f"<figcaption>{caption}</figcaption>" if caption else ""
            parts.append(f'<figure><img src="{src}" alt="{caption}">{cap}</figure>')
        elif "text/html" in data:
            parts.append(_text_of(data["text/html"]))
        else:
            parts.append(markdown_to_html(_text_of(data.get("text/markdown", ""))))
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    rows = [
        (i18n.t("reports.label_as_of", lang), _long_date(meta["as_of"], lang)),
        (i18n.t("reports.label_language", lang), i18n.t("reports.language_name", lang)),
        (i18n.t("reports.label_version", lang), stamp.version),
        (i18n.t("reports.label_generated", lang), stamp.generated),
    ]
    dl = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in rows)
    title = html.escape(f"{meta['title']} — {meta['area']}")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
        f'<header class="cover"><p class="kind">{html.escape(_kind_label(meta))}</p>'
        f"<h1>{html.escape(meta['title'])}</h1>"
        f'<p class="area">{html.escape(meta["area"])}</p>'
        f'<p class="province">{html.escape(meta["province"])}</p><dl>{dl}</dl></header>\n'
        f"<main>\n{''.join(parts)}\n</main>\n"
        f'<footer>{html.escape(_stamp_text(meta, stamp))}</footer>\n</body>\n</html>\n'
    )


# --- XLSX -----------------------------------------------------------------------------------------

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_XLSX_FORMATS = {
    "count": "#,##0",
    "rupiah": "#,##0",
    "rupiah_exact": "#,##0",
    "share": "0.0%",
}


def _sheet_name(wanted: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", wanted).strip()[:31] or "Tabel"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def table_payloads(nb: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every table displayed in the notebook, as the JSON payloads ``Table`` writes."""
    tables = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or SKIP_TAG in _cell_tags(cell):
            continue
        for output in cell.get("outputs", []) or []:
            payload = output.get("data", {}).get(MIME_TABLE)
            if payload is not None:
                tables.append(json.loads(payload) if isinstance(payload, str) else dict(payload))
    return tables


def to_xlsx(nb: Mapping[str, Any], stamp: Stamp) -> bytes:
    """A workbook with every table of the report, a "Sumber" sheet and a "Tentang" sheet.

    Parameters
    ----------
    nb : NotebookNode or dict
        The executed notebook.
    stamp : Stamp
        Version and generation time (on the "Tentang" sheet).

    Returns
    -------
    bytes
        The XLSX file. Numbers are stored as numbers (counts and rupiah as ``#,##0``, shares
        as ``0.0%``), so they can be summed; the reader's Excel shows its own separators.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    meta = report_meta(nb)
    lang = meta["lang"]
    bold = Font(bold=True)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    tables = table_payloads(nb)
    source_tables = [t for t in tables if t.get("role") == "sources"]

    def write_sheet(title: str, header: list[str], rows: list[list[Any]],
                    kinds: list[str], decimals: list[int | None], note: str | None) -> None:
        ws = wb.create_sheet(_sheet_name(title, used))
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(row)
        for j, kind in enumerate(kinds, start=1):
            fmt = _XLSX_FORMATS.get(kind)
            if kind == "number":
                places = decimals[j - 1] or 0
                fmt = "#,##0" + ("." + "0" * places if places else "")
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = fmt
            values = [header[j - 1]] + [r[j - 1] for r in rows]
            width = max((len(str(v)) for v in values if v is not None), default=8)
            ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
        if note:
            ws.append([])
            ws.append([note])
        ws.freeze_panes = "A2"

    for table in tables:
        if table.get("role") == "sources":
            continue
        cols = table["columns"]
        write_sheet(
            table.get("sheet") or table.get("title") or "Tabel",
            [c["label"] for c in cols],
            table["rows"],
            [c["kind"] for c in cols],
            [c.get("decimals") for c in cols],
            table.get("note"),
        )
    sources_title = i18n.t("reports.sheet_sources", lang)
    if source_tables:
        src = source_tables[0]
        cols = src["columns"]
        write_sheet(sources_title, [c["label"] for c in cols], src["rows"],
                    [c["kind"] for c in cols], [c.get("decimals") for c in cols], src.get("note"))
    else:
        ids = sorted({s for t in tables for s in t.get("sources", [])})
        write_sheet(sources_title, ["source_id"], [[s] for s in ids], ["text"], [None], None)
    about = [
        (i18n.t("reports.about_title", lang), meta["title"]),
        (i18n.t("reports.about_area", lang), f"{meta['area']} ({meta['code']})"),
        (i18n.t("reports.about_province", lang), meta["province"]),
        (i18n.t("reports.label_as_of", lang), meta["as_of"]),
        (i18n.t("reports.label_language", lang), i18n.t("reports.language_name", lang)),
        (i18n.t("reports.label_version", lang), stamp.version),
        (i18n.t("reports.label_generated", lang), stamp.generated),
        (i18n.t("reports.about_note_key", lang), i18n.t("reports.about_note", lang)),
    ]
    header = [i18n.t("reports.about_field", lang), i18n.t("reports.about_value", lang)]
    write_sheet(i18n.t("reports.sheet_about", lang), header, [list(r) for r in about],
                ["text", "text"], [None, None], None)
    wb.properties.creator = "pekerja-rentan"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- Files ----------------------------------------------------------------------------------------


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write a file so that readers see the old file or the new one, never a part.

    The bytes go to a temporary file in the same folder, are flushed to disk, then replace the
    target with ``os.replace`` (atomic on POSIX and Windows within one file system).

    Parameters
    ----------
    path : str or Path
        Target file; its folder must exist.
    data : bytes or str
        Content (str is written as UTF-8).

    Returns
    -------
    Path
        The target path.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def notebook_bytes(nb: Any) -> bytes:
    """The executed notebook serialised as .ipynb bytes."""
    import nbformat

    return nbformat.writes(nb).encode("utf-8")


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


def main(argv: Sequence[str] | None = None) -> int:
    """Render one executed notebook: ``python -m analysis.render NB --pdf X --html Y --xlsx Z``."""
    import nbformat

    parser = argparse.ArgumentParser(
        prog="python -m analysis.render",
        description="Render an executed report notebook to PDF (Typst), HTML and XLSX.",
    )
    parser.add_argument("notebook", type=Path, help="executed notebook (.ipynb)")
    for fmt in RENDERERS:
        parser.add_argument(f"--{fmt}", type=Path, help=f"write the {fmt.upper()} here")
    args = parser.parse_args(argv)
    nb = nbformat.read(args.notebook, as_version=4)
    stamp = make_stamp()
    wanted = {fmt: getattr(args, fmt) for fmt in RENDERERS if getattr(args, fmt)}
    if not wanted:
        parser.error("name at least one of --pdf, --html, --xlsx")
    for fmt, content in render(nb, stamp, wanted).items():
        atomic_write(wanted[fmt], content)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
