"""The workbook of a report: every table as a sheet, then a "Sumber" and a "Tentang" sheet.

Values come from the raw payload each ``Table`` carries, not from the formatted text: numbers
stay numbers, so a reader can sum them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from analysis.core import i18n
from analysis.render.notebook import report_meta, table_payloads
from analysis.render.stamp import Stamp

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
