"""The report's display objects: one mime bundle each for JupyterLab, PDF, HTML and XLSX.

Report code displays objects from this module: ``Text`` (narrative filled with computed figures),
``Callout`` (a boxed remark), ``KeyFigures``, ``Table`` (a DataFrame with typed columns),
``Figure`` (a matplotlib chart as SVG, ``analysis.render.charts``) and ``ReportMeta`` (title,
area, as-of date: the cover). Each gives JupyterLab a readable view (``text/html`` or
``text/markdown``) and carries the exact Typst markup of the PDF in
``application/vnd.pekerja-rentan.typst``; tables also carry their raw values in
``application/vnd.pekerja-rentan.table+json`` for the workbook. Because every format reads the
same bundle, the PDF, the HTML and the XLSX cannot disagree.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from analysis.core import i18n, numbers
from analysis.render.charts import figure_svg, image_name, svg_img_tag, svg_size_pt
from analysis.render.markup import (
    clean_text,
    is_web_url,
    markdown_to_html,
    markdown_to_typst,
    typst_escape,
    typst_string,
    typst_table_call,
)

MIME_TYPST = "application/vnd.pekerja-rentan.typst"
MIME_TABLE = "application/vnd.pekerja-rentan.table+json"
MIME_META = "application/vnd.pekerja-rentan.meta+json"
META_KEY = "pekerja_rentan"  # display metadata key holding figure captions
SHORT_TABLE_ROWS = 12  # a table of at most this many rows is never split across pages


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
        The text. Numbers in it are formatted already (``analysis.core.numbers``).
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
        ``text``, ``link`` (a URL: a live link only for http/https), ``count`` (whole
        number), ``rupiah`` (with a scale word in the PDF, every digit in the workbook),
        ``rupiah_exact``, ``share`` (0–1, shown as a percentage), ``number`` (``decimals``
        digits) or ``date``.
    decimals : int, optional
        Digits after the decimal separator for ``number`` (None: as many as the value needs,
        up to four significant digits) and ``share``.
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
        Report language (separators through ``analysis.core.numbers``).
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
        if decimals is None:
            # As many decimals as the value needs, up to four significant digits (an
            # assumption of 0,002857 deaths per worker-year must not print as 0).
            value = float(value)
            places = 0 if value == 0 or abs(value) >= 1000 else max(
                0, 3 - math.floor(math.log10(abs(value))))
            text = numbers.format_number(float(f"{value:.4g}"), lang, places)
            point = "," if lang == "id" else "."
            return text.rstrip("0").rstrip(point) if point in text else text
        return numbers.format_number(float(value), lang, decimals)
    if kind == "rupiah":
        return numbers.format_rupiah(float(value), lang)
    if kind == "rupiah_exact":
        return numbers.format_rupiah(float(value), lang, exact=True)
    if kind == "share":
        return numbers.format_percent(float(value), lang, 1 if decimals is None else decimals)
    if kind == "date":
        parts = date_parts(value)
        return numbers.format_date(parts[0], lang, parts[1]) if parts else str(value)
    # A whole number stored as float (a year in a float column) reads "2024", not "2024.0".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def date_parts(value: Any) -> tuple[Any, str] | None:
    """A date value and how precise it is: a ``date``/ISO day, "YYYY-MM" (a month), or a year.

    A fact known only to the year is stored by the briefs as the year (an int or "2023"), so it
    reads "2023" in the PDF and is an integer in the workbook, never "1 Januari 2023".

    Returns
    -------
    (value, precision) or None
        ``precision`` is ``day``, ``month`` or ``year``; None when ``value`` is not a date.
    """
    if hasattr(value, "isoformat") and hasattr(value, "day"):
        return value, "day"
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if len(text) == 4 and text.isdigit():
        return f"{text}-01-01", "year"
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        return f"{text}-01", "month"
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        return text[:10], "day"
    return None


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
        return clean_text(format_value(value, col.kind, self.lang, col.decimals))

    def _typst(self) -> str:
        # Text columns share the free width (an "auto" text column would take its longest
        # cell and squeeze its neighbours until headers overprint); numbers keep their width.
        widths = [col.width or ("auto" if col.numeric else "1fr") for col in self.columns]
        aligns = ["right" if col.numeric else "left" for col in self.columns]
        rows = []
        for row in self.rows:
            cells = []
            for value, col in zip(row, self.columns, strict=True):
                text = self._cell_text(value, col)
                if col.kind == "link" and is_web_url(value):
                    cells.append(f"#link({typst_string(value)})")
                else:
                    cells.append(typst_escape(text))
            rows.append(cells)
        return typst_table_call(
            header=[typst_escape(c.label) for c in self.columns],
            rows=rows,
            aligns=aligns,
            widths=widths,
            title=typst_escape(self.title) if self.title else None,
            note=typst_escape(self.note) if self.note else None,
            # A short table moves whole to the next page rather than leave a row or two behind.
            breakable=len(self.rows) > SHORT_TABLE_ROWS,
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
                if col.kind == "link" and is_web_url(value):
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


# Width of the text on a report page: A4 (21 cm) less the 2 cm side margins of
# templates/report.typ (tests/render/test_render.py checks the template).
TEXT_WIDTH_CM = 17.0


class Figure(_Displayable):
    """A matplotlib chart as a vector image (SVG, ``analysis.render.charts``) with a caption.

    The matplotlib figure is closed once rendered, so the inline backend does not show it twice.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The chart (from ``analysis.views.figures``).
    caption : str
        Caption in the report language (plain text; sources may go here).
    width : str
        Width in the PDF, as a share of the text width ("100%", "80%").
    height : str, optional
        Largest height in the PDF in cm ("10cm"); a chart taller than that at ``width`` is
        drawn at this height instead (narrower), never stretched.
    """

    def __init__(self, fig: Any, caption: str = "", width: str = "100%",
                 height: str | None = None) -> None:
        self.svg = figure_svg(fig)
        self.caption = caption
        self.width = width
        self.height = height
        import matplotlib.pyplot as plt

        plt.close(fig)

    def _typst_size(self) -> str:
        """``width: ...``, or ``height: ...`` where the chart at that width would be taller than
        its cap: one of the two, so the page reserves no empty box around the chart."""
        if not self.height:
            return f"width: {self.width}"
        share = float(self.width.rstrip("%")) / 100 if self.width.endswith("%") else 1.0
        width_pt, height_pt = svg_size_pt(self.svg)
        natural_cm = TEXT_WIDTH_CM * share * height_pt / width_pt
        cap_cm = float(self.height.removesuffix("cm"))
        return f"width: {self.width}" if natural_cm <= cap_cm else f"height: {self.height}"

    def _bundle(self):
        caption = f", caption: [{typst_escape(self.caption)}]" if self.caption else ""
        typst_markup = (
            f'#figure(image("{image_name(self.svg, "svg")}", {self._typst_size()}){caption})\n'
        )
        return (
            {
                "text/plain": self.caption or "<figure>",
                "image/svg+xml": self.svg.decode("utf-8"),
                # What JupyterLab shows of a notebook it does not trust (a bare SVG it hides).
                "text/html": svg_img_tag(self.svg, self.caption),
                MIME_TYPST: typst_markup,
            },
            {META_KEY: {"caption": self.caption}},
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
    headline : mapping, optional
        The report's headline figures as raw JSON-safe values (workers covered, target, rate,
        ...): not shown in the report itself; the build copies them into the manifest and the
        report site's table (``analysis.build.site``).
    """

    def __init__(
        self, *, kind: str, code: str, title: str, area: str, province: str, as_of: str,
        lang: str, headline: dict[str, Any] | None = None,
    ) -> None:
        self.data = {
            "kind": kind, "code": code, "title": title, "area": area, "province": province,
            "as_of": str(as_of)[:10], "lang": i18n.check_lang(lang),
        }
        if headline:
            self.data["headline"] = {str(k): _jsonable(v) for k, v in headline.items()}

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
