"""The workbook of a report, for officials who reuse the figures in Excel.

Sheets, in order: the summary of page 1 (headline figures and decision box), the calculator
(input cells that drive formulas), every table of the report, the notes of those tables, the
sources and an "about" sheet. Values come from the raw payloads the display objects carry, not
from the formatted text: counts and rupiah are whole numbers, shares are fractions shown as
percentages, dates are Excel dates shown "9 Juli 2025" (a fact known only to its year holds the
year as an integer), and an empty cell means "no data" or "not ranked". Every table sheet has a
frozen header and an autofilter; notes sit on their own sheet, outside the data range.

Text is data, never a formula. openpyxl turns any string starting with ``=`` into a formula, and
Excel evaluates ``=HYPERLINK(…)`` or ``=cmd|' /C calc'!A0`` when the workbook opens. Every text
cell is therefore written as a string cell (``data_type = "s"``: Excel shows the characters and
evaluates nothing), and a text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return
also gets Excel's *quote prefix* style, so it stays text even when someone edits the cell and
presses Enter (OWASP's CSV-injection advice in its XLSX form, keeping the value as the source
wrote it). Control characters, which Excel refuses, are dropped
(``analysis.render.markup.clean_text``). Links are made only of ``http``/``https`` addresses in
``link`` columns. The only formulas are the calculator's, written by the brief's own code.

With ``SOURCE_DATE_EPOCH`` set (``analysis.render.stamp``) the workbook is byte-for-byte
reproducible: its document properties carry the stamp's time, and the zip entries too.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping
from typing import Any

from analysis.core import i18n
from analysis.render.blocks import date_parts
from analysis.render.markup import clean_text, is_web_url
from analysis.render.notebook import payloads, report_meta, table_payloads
from analysis.render.stamp import Stamp
from analysis.render.summary import MIME_CALCULATOR, MIME_SUMMARY

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_FORMATS = {
    "count": "#,##0",
    "rupiah": "#,##0",
    "rupiah_exact": "#,##0",
    "share": "0.0%",
}
# Excel shows month names in the workbook's language whatever the reader's locale: 421 is
# Indonesian, 409 English (US).
_DATE_FORMATS = {
    "id": {"day": "[$-421]d mmmm yyyy", "month": "[$-421]mmmm yyyy"},
    "en": {"day": "[$-409]d mmmm yyyy", "month": "[$-409]mmmm yyyy"},
}
_INPUT_FILL = "FFF2CC"  # pale yellow: the cells a reader may change
_MARKDOWN = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|\\(?=[^\w\s])")


# A text starting with one of these is a formula (or DDE call) to Excel or a CSV reader.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _put(ws: Any, row: int, column: int, value: Any, link: bool = False) -> Any:
    """Write one cell; a text is a string cell, never a formula (see the module docstring)."""
    if isinstance(value, str):
        value = clean_text(value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
        if link and is_web_url(value):
            cell.hyperlink = value.strip()
    return cell


def _reproducible_zip(data: bytes, when: tuple[int, ...]) -> bytes:
    """The same zip with every entry dated ``when`` (openpyxl stamps entries with the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=when)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info))
    return out.getvalue()


def _sheet_name(wanted: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", clean_text(wanted)).strip()[:31] or "Tabel"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def plain(markdown: Any) -> str:
    """Markdown of a report sentence as plain text for a cell (no ``**``, no escapes)."""
    text = _MARKDOWN.sub("", str(markdown or ""))
    return re.sub(r"\[([^\]]+)\]\((https?://[^)]+)\)", r"\1 (\2)", text).strip()


def cell_value(value: Any, kind: str, lang: str) -> tuple[Any, str | None]:
    """A payload value as the workbook stores it, with its Excel number format.

    Parameters
    ----------
    value : object
        JSON value from a payload (None for missing).
    kind : str
        A column kind of ``analysis.render.blocks.Column``.
    lang : {"id", "en"}
        Workbook language (month names of date formats).

    Returns
    -------
    (object, str or None)
        Whole numbers for counts and rupiah, a ``datetime.date`` for a day or a month, an int
        for a year-only date, the value itself otherwise; the number format to apply.
    """
    if value is None:
        return None, None
    if kind in ("count", "rupiah", "rupiah_exact") and isinstance(value, int | float):
        # Worker counts and rupiah are whole: a model's 98.324,144 workers is 98.324 here.
        return int(round(value)), _FORMATS[kind]
    if kind == "share" and isinstance(value, int | float):
        return float(value), _FORMATS["share"]
    if kind == "number" and isinstance(value, int | float):
        return value, None
    if kind == "date":
        parts = date_parts(value)
        if parts is None:
            return str(value), None
        day, precision = parts
        if precision == "year":
            return int(str(day)[:4]), "0"
        if not isinstance(day, dt.date):
            day = dt.date.fromisoformat(str(day)[:10])
        return day, _DATE_FORMATS[lang][precision]
    return value, None


def to_xlsx(nb: Mapping[str, Any], stamp: Stamp) -> bytes:
    """The workbook of a report (see the module docstring for its sheets).

    Parameters
    ----------
    nb : NotebookNode or dict
        The executed notebook.
    stamp : Stamp
        Version and generation time (on the "about" sheet).

    Returns
    -------
    bytes
        The XLSX file.
    """
    from openpyxl import Workbook

    meta = report_meta(nb)
    lang = meta["lang"]
    book = _Book(Workbook(), lang)
    for summary in payloads(nb, MIME_SUMMARY)[:1]:
        book.summary(summary)
    for calc in payloads(nb, MIME_CALCULATOR)[:1]:
        book.calculator(calc)
    tables = table_payloads(nb)
    notes: list[list[Any]] = []
    for table in tables:
        if table.get("role") == "sources":
            continue
        name = book.table(table.get("sheet") or table.get("title") or "Tabel", table)
        if table.get("note"):
            notes.append([name, plain(table["note"])])
    if notes:
        book.table(i18n.t("reports.sheet_notes", lang), {
            "columns": [{"label": i18n.t("reports.col_sheet", lang), "kind": "text"},
                        {"label": i18n.t("reports.col_note", lang), "kind": "text"}],
            "rows": notes})
    sources = [t for t in tables if t.get("role") == "sources"]
    if sources:
        book.table(i18n.t("reports.sheet_sources", lang), sources[0])
    book.about(meta, stamp)
    wb = book.wb
    wb.properties.creator = "pekerja-rentan"
    when = stamp.timestamp.replace(tzinfo=None, microsecond=0)  # openpyxl writes UTC, naive
    wb.properties.created = wb.properties.modified = when
    buffer = io.BytesIO()
    # ExcelWriter, not wb.save(): save() sets the "modified" property to the clock.
    from openpyxl.writer.excel import ExcelWriter

    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return _reproducible_zip(buffer.getvalue(), when.timetuple()[:6])


class _Book:
    """A workbook being written: sheet names used so far, fonts and the language."""

    def __init__(self, wb: Any, lang: str) -> None:
        from openpyxl.styles import Font

        self.wb, self.lang = wb, lang
        self.wb.remove(self.wb.active)
        self.used: set[str] = set()
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=13)

    def _sheet(self, wanted: str) -> Any:
        return self.wb.create_sheet(_sheet_name(wanted, self.used))

    def _widths(self, ws: Any, widths: dict[int, int]) -> None:
        from openpyxl.utils import get_column_letter

        for j, width in widths.items():
            ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 70)

    def table(self, wanted: str, table: Mapping[str, Any]) -> str:
        """One table as a sheet: typed cells, frozen header, autofilter. Returns its name."""
        from openpyxl.utils import get_column_letter

        ws = self._sheet(wanted)
        cols = table["columns"]
        for j, col in enumerate(cols, start=1):
            _put(ws, 1, j, col["label"]).font = self.bold
        widths = {j: len(str(c["label"])) for j, c in enumerate(cols, start=1)}
        for r, row in enumerate(table["rows"], start=2):
            for j, (value, col) in enumerate(zip(row, cols, strict=True), start=1):
                kind = col.get("kind", "text")
                stored, fmt = cell_value(value, kind, self.lang)
                if kind == "number" and col.get("decimals") and stored is not None:
                    fmt = "#,##0." + "0" * int(col["decimals"])
                elif kind == "number" and stored is not None:
                    fmt = "General"  # as many decimals as the value has (0,002857)
                cell = _put(ws, r, j, stored, link=kind == "link")
                if fmt:
                    cell.number_format = fmt
                shown = 18 if isinstance(stored, dt.date) else len(str(stored or ""))
                widths[j] = max(widths[j], min(shown, 60))
        self._widths(ws, widths)
        ws.freeze_panes = "A2"
        if table["rows"]:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(table['rows']) + 1}"
        return ws.title

    def summary(self, summary: Mapping[str, Any]) -> None:
        """Page 1 as the first sheet: every headline figure and the decision box, typed."""
        lab = summary.get("labels", {})
        ws = self._sheet(lab.get("sheet") or i18n.t("reports.sheet_summary", self.lang))
        _put(ws, 1, 1, plain(summary["title"])).font = self.title_font
        _put(ws, 2, 1, plain(summary.get("lead", "")))
        for j, text in enumerate((lab.get("item", ""), lab.get("value", ""),
                                  lab.get("text", "")), start=1):
            _put(ws, 4, j, text).font = self.bold
        row = 5

        def heading(title: str) -> None:
            nonlocal row
            _put(ws, row, 1, title).font = self.bold
            row += 1

        def section(title: str, rows: list[Mapping[str, Any]]) -> None:
            nonlocal row
            heading(title)
            for item in rows:
                stored, fmt = cell_value(item.get("value"), item.get("kind", "text"), self.lang)
                _put(ws, row, 1, plain(item["label"]))
                if stored is not None:
                    cell = _put(ws, row, 2, stored)
                    if fmt:
                        cell.number_format = fmt
                _put(ws, row, 3, plain(item["text"]))
                row += 1

        def numbered(title: str, texts: list[str]) -> None:
            nonlocal row
            heading(title)
            for i, text in enumerate(texts, start=1):
                _put(ws, row, 1, i)
                _put(ws, row, 3, plain(text))
                row += 1

        section(lab.get("figures", ""), summary.get("figures", []))
        numbered(lab.get("messages", ""), summary.get("messages", []))
        section(lab.get("decision", ""), summary.get("decision", []))
        if summary.get("actions"):
            numbered(lab.get("actions", ""), summary["actions"])
        self._widths(ws, {1: 38, 2: 18, 3: 90})
        ws.freeze_panes = "A5"

    def calculator(self, calc: Mapping[str, Any]) -> None:
        """Input cells (shaded, unlocked, named) and formula cells (locked) that use them."""
        from openpyxl.styles import PatternFill, Protection
        from openpyxl.workbook.defined_name import DefinedName

        lab = calc.get("labels", {})
        ws = self._sheet(calc["sheet"])
        _put(ws, 1, 1, calc["title"]).font = self.title_font
        _put(ws, 2, 1, calc.get("note", ""))
        for j, text in enumerate((lab.get("item", ""), lab.get("value", ""),
                                  lab.get("unit", ""), lab.get("note", "")), start=1):
            _put(ws, 4, j, text).font = self.bold
        r = 4
        fill = PatternFill("solid", start_color=_INPUT_FILL, end_color=_INPUT_FILL)
        quoted = "'" + ws.title.replace("'", "''") + "'"
        for heading, rows, is_input in ((lab.get("inputs", ""), calc["inputs"], True),
                                        (lab.get("outputs", ""), calc["outputs"], False)):
            r += 1
            _put(ws, r, 1, heading).font = self.bold
            for row in rows:
                r += 1
                _put(ws, r, 1, row["label"])
                _put(ws, r, 3, row.get("unit", ""))
                _put(ws, r, 4, row.get("note", ""))
                # The one place a formula is written: the calculator's own, from the brief's
                # code (briefs/calculator.py), never text from the data.
                cell = ws.cell(row=r, column=2, value=row["value"])
                cell.number_format = _calc_format(row)
                if is_input:
                    cell.fill = fill
                    cell.protection = Protection(locked=False)
                else:
                    cell.font = self.bold
                self.wb.defined_names[row["name"]] = DefinedName(
                    row["name"], attr_text=f"{quoted}!$B${r}")
        self._widths(ws, {1: 44, 2: 20, 3: 18, 4: 80})
        # Locked without a password: formulas are protected from slips, not from the reader.
        ws.protection.sheet = True

    def about(self, meta: Mapping[str, Any], stamp: Stamp) -> None:
        """Title, area, data date, language, version, build date and the disclaimer."""
        lang = self.lang
        day_format = _DATE_FORMATS[lang]["day"]
        rows = [
            (i18n.t("reports.about_title", lang), meta["title"], None),
            (i18n.t("reports.about_area", lang), meta["area"], None),
            (i18n.t("reports.about_province", lang), meta["province"], None),
            (i18n.t("reports.label_as_of", lang),
             dt.date.fromisoformat(str(meta["as_of"])[:10]), day_format),
            (i18n.t("reports.label_language", lang), i18n.t("reports.language_name", lang),
             None),
            (i18n.t("reports.label_version", lang), stamp.version, None),
            (i18n.t("reports.label_generated", lang), stamp.timestamp.date(), day_format),
            (i18n.t("reports.about_note_key", lang), i18n.t("reports.about_note", lang), None),
        ]
        ws = self._sheet(i18n.t("reports.sheet_about", lang))
        _put(ws, 1, 1, i18n.t("reports.about_field", lang)).font = self.bold
        _put(ws, 1, 2, i18n.t("reports.about_value", lang)).font = self.bold
        for r, (label, value, fmt) in enumerate(rows, start=2):
            _put(ws, r, 1, label)
            cell = _put(ws, r, 2, value)
            if fmt:
                cell.number_format = fmt
        self._widths(ws, {1: 24, 2: 90})


def _calc_format(row: Mapping[str, Any]) -> str:
    """Number format of a calculator cell from its kind."""
    kind = row.get("kind", "number")
    if kind == "share":
        return "0.0%"
    if kind in ("count", "rupiah"):
        return "#,##0"
    decimals = int(row.get("decimals") or 0)
    return "#,##0" + ("." + "0" * decimals if decimals else "")
