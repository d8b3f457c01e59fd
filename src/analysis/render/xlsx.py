"""The workbook of a report: every table as a sheet, then a "Sumber" and a "Tentang" sheet.

Values come from the raw payload each ``Table`` carries, not from the formatted text: numbers
stay numbers, so a reader can sum them.

Text is data, never a formula. openpyxl turns any string starting with ``=`` into a formula, and
Excel evaluates ``=HYPERLINK(…)`` or ``=cmd|' /C calc'!A0`` when the workbook opens. Every text
cell is therefore written with ``data_type = "s"`` (a string cell: Excel shows the characters and
evaluates nothing), and a text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return
also gets Excel's *quote prefix* style, so it stays text even when someone edits the cell and
presses Enter. This is the XLSX form of OWASP's CSV-injection advice: the OWASP fix for CSV
(prefixing ``'``) changes the value a reader copies or sums; a typed string cell with the quote
prefix keeps the value exactly as the source wrote it. Control characters, which Excel refuses,
are dropped (``analysis.render.markup.clean_text``). Links are made only of ``http``/``https``
addresses in ``link`` columns (the source list's URL).

With ``SOURCE_DATE_EPOCH`` set (``analysis.render.stamp``) the workbook is byte-for-byte
reproducible: its document properties carry the stamp's time, and the zip entries too.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from analysis.core import i18n
from analysis.render.markup import clean_text, is_web_url
from analysis.render.notebook import report_meta, table_payloads
from analysis.render.stamp import Stamp

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_XLSX_FORMATS = {
    "count": "#,##0",
    "rupiah": "#,##0",
    "rupiah_exact": "#,##0",
    "share": "0.0%",
}


# A text starting with one of these is a formula (or DDE call) to Excel or a CSV reader.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _append(ws: Any, values: Sequence[Any], kinds: Sequence[str] = ()) -> None:
    """Append a row; every text cell is a string cell, never a formula (see module docs)."""
    ws.append([clean_text(v) if isinstance(v, str) else v for v in values])
    for j, cell in enumerate(ws[ws.max_row]):
        if not isinstance(cell.value, str):
            continue
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_START):
            cell.quotePrefix = True
        if j < len(kinds) and kinds[j] == "link" and is_web_url(cell.value):
            cell.hyperlink = cell.value.strip()


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
        _append(ws, header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            _append(ws, row, kinds)
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
            _append(ws, [note])
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
    when = stamp.timestamp.replace(tzinfo=None, microsecond=0)  # openpyxl writes UTC, naive
    wb.properties.created = wb.properties.modified = when
    buffer = io.BytesIO()
    # ExcelWriter, not wb.save(): save() sets the "modified" property to the clock.
    from openpyxl.writer.excel import ExcelWriter

    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return _reproducible_zip(buffer.getvalue(), when.timetuple()[:6])
