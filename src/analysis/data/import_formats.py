"""How offices write the files they hand over: reading CSV/XLSX grids and converting cells.

A BPJS branch or BPS office hands over a semicolon CSV saved by Excel or an XLSX with a title
above the header; numbers as ``4.979`` or ``Rp 588 juta``, dates as ``12 Mei 2024``,
``31/12/2024`` or an Excel serial, regencies as ``Kab. Labusel``, and categories in Indonesian
(``Nelayan``, ``APBD Kabupaten``). :func:`read_sheets` reads such a file into numbered rows per
visible sheet (merged cells filled), and :func:`convert_cell` turns one cell into the catalogue's
text form (``data/README.md``). :mod:`analysis.data.import_layout` finds the table in a sheet and
:mod:`analysis.data.importing` imports its rows.

What cannot be read faithfully is refused, with the reason, rather than guessed: the file itself
first (:mod:`analysis.data.import_limits`: a regular file within the size limits, whose bytes
are UTF-8 text or plainly cp1252), then more rows than the row limit, a cell longer than the
cell limit, and a formula cell whose value was never saved (openpyxl reads it as blank).

Hidden sheets are never read unless ``--sheet`` names one: a hidden first sheet (an old copy,
a lookup list) is not the table the office meant to hand over.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from analysis.core.errors import UserError
from analysis.core.numbers import parse_number, parse_percent, parse_rupiah
from analysis.data.import_limits import check_input_file, check_unzipped_size, decode_text, limits
from analysis.data.names import resolve_area, resolve_regency
from analysis.data.schemas import ColumnSpec

# Values as written in handed-over files → the catalogue's allowed values. A value that already
# is an allowed value (ignoring case, spaces and hyphens) needs no entry.
VALUES: dict[str, dict[str, str]] = {
    "segment": {
        "rentan": "pekerja_rentan",
        "aparatur desa": "perangkat_desa",
        "anggota bpd": "bpd",
        "perangkat desa dan bpd": "perangkat_desa_bpd",
        "thl": "thl_non_asn",
        "non asn": "thl_non_asn",
        "honorer": "thl_non_asn",
        "pekerja sawit": "palm_workers",
        "buruh sawit": "palm_workers",
        "nelayan": "fishers",
        "buruh nelayan": "fishers",
        "pekerja perikanan": "fishers",
        "kader posyandu": "kader",
        "lainnya": "other",
        "semua pekerja": "all_workers",
    },
    "funding_source": {
        "apbd kabupaten": "apbd",
        "apbd kota": "apbd",
        "apbd kab": "apbd",
        "apbd kab kota": "apbd",
        "apbd kabupaten kota": "apbd",
        "apbd prov": "apbd_province",
        "apbd provinsi sumatera utara": "apbd_province",
        "dbh sawit": "dbh_sawit",
        "dana bagi hasil perkebunan sawit": "dbh_sawit",
        "tanggung jawab sosial perusahaan": "csr",
        "apbd provinsi": "apbd_province",
        "dana bagi hasil sawit": "dbh_sawit",
        "alokasi dana desa": "add_apbdes",
        "add": "add_apbdes",
        "apbdes": "add_apbdes",
        "campuran": "mixed",
        "tidak diketahui": "unknown",
    },
    "status": {
        "terdaftar": "registered",
        "aktif": "registered",
        "peserta aktif": "registered",
        "dibiayai": "funded",
        "dibayar": "funded",
        "direncanakan": "planned",
        "rencana": "planned",
        "belum terdaftar": "uncovered",
    },
    "benefit": {
        "jaminan kematian": "jkm",
        "jaminan kecelakaan kerja": "jkk",
        "jaminan hari tua": "jht",
        "jaminan pensiun": "jp",
        "jumlah": "total",
    },
    "stage": {"apbd murni": "murni", "induk": "murni", "apbd perubahan": "perubahan"},
    "item": {"belanja daerah": "belanja", "pendapatan daerah": "pendapatan"},
    "indicator": {
        "jumlah penduduk": "population",
        "penduduk": "population",
        "persentase penduduk miskin": "poverty_rate_pct",
        "jumlah penduduk miskin": "poor_people",
        "penduduk miskin": "poor_people",
        "angkatan kerja": "labour_force",
        "penduduk bekerja": "employed",
        "bekerja": "employed",
        "tingkat pengangguran terbuka": "unemployment_rate_pct",
        "tpt": "unemployment_rate_pct",
        "pekerja informal": "informal_workers",
        "persentase pekerja informal": "informal_share_pct",
        "pekerja formal": "formal_workers",
    },
    "date_precision": {"hari": "day", "bulan": "month", "tahun": "year"},
}

MONTHS = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "february": 2, "feb": 2, "pebruari": 2,
    "maret": 3, "march": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6,
    "june": 6, "jun": 6, "juli": 7, "july": 7, "jul": 7, "agustus": 8, "august": 8, "agu": 8,
    "agt": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "october": 10,
    "okt": 10, "oct": 10, "november": 11, "nopember": 11, "nov": 11, "desember": 12,
    "december": 12, "des": 12, "dec": 12,
}  # fmt: skip


def norm(text: object) -> str:
    """Lower case ASCII words separated by single spaces ("Kabupaten/Kota" → "kabupaten kota")."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9%]+", " ", text).strip()


# --- Reading the file ----------------------------------------------------------------------------

# Rows of a file: (spreadsheet row number, cells).
Grid = list[tuple[int, list[object]]]


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook (``name`` None for a CSV) and its non-blank rows."""

    name: str | None
    grid: Grid


def blank(cell: object) -> bool:
    """True for an empty cell: None, or text that is only spaces."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def check_grid(grid: Grid, label: str) -> None:
    """Refuse more rows than the row limit, or a cell longer than the cell limit."""
    now = limits()
    if len(grid) > now.max_rows:
        raise UserError(f"{label}: {len(grid):,} rows is over the limit of {now.max_rows:,} "
                        "(raise it with --max-rows)")
    for number, cells in grid:
        for j, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > now.max_cell_chars:
                raise UserError(f"{label}, row {number}, column {j + 1}: a cell of {len(cell):,} "
                                f"characters (the limit is {now.max_cell_chars:,})")


def refuse_uncached_formulas(path: Path, sheets: list[Sheet], label: str) -> None:
    """Refuse formula cells whose value was never saved: openpyxl would read them as blank.

    The workbook is opened once more, with formulas, and each sheet read is compared with it.
    """
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        for sheet in sheets:
            values = dict(sheet.grid)
            missing = []
            for row in book[sheet.name].iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) != "f":
                        continue
                    cells = values.get(cell.row, [])
                    j = cell.column - 1
                    if j >= len(cells) or blank(cells[j]):
                        missing.append(f"{get_column_letter(cell.column)}{cell.row} ({cell.value})")
            if missing:
                more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
                raise UserError(
                    f"{label}, sheet {sheet.name!r}: formula cells without a saved value: "
                    f"{', '.join(missing[:3])}{more}. Open the file in Excel or LibreOffice and "
                    "save it (that stores the values), or paste the values over the formulas"
                )
    finally:
        book.close()


def _separator(lines: list[str]) -> str:
    """The separator most lines use: a title line above the table has none, and a decimal
    comma ("7,50") in a semicolon file is no separator."""
    def lines_with(sep: str) -> tuple[int, int]:
        texts = [re.sub(r"\d,\d", "", line) if sep == "," else line for line in lines]
        return sum(sep in t for t in texts), sum(t.count(sep) for t in texts)

    counts = {sep: lines_with(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best][0] else ","


def _read_csv(path: Path, label: str) -> Grid:
    raw = path.read_bytes()
    if not raw:
        raise UserError(f"{label}: the file is empty (0 bytes)")
    text, _ = decode_text(raw, label)
    sep = _separator([line for line in text.splitlines() if line.strip()][:30])
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    # Long cells are refused by check_grid with their row and column, not by the csv module.
    csv.field_size_limit(max(csv.field_size_limit(), limits().max_bytes))
    try:
        return [(i, list(row)) for i, row in enumerate(rows, start=1)]
    except csv.Error as exc:
        raise UserError(f"{label}, line {rows.line_num}: cannot be read as CSV ({exc})") from None


def _sheet_grid(ws: object) -> Grid:
    """Rows of one worksheet; a merged range's value fills every cell of the range."""
    rows: dict[int, list[object]] = {}
    for row in ws.iter_rows():
        cells: list[object] = []
        for cell in row:
            value = cell.value
            if isinstance(value, int | float) and "%" in (cell.number_format or ""):
                # A cell shown as 12,5% holds 0.125: keep it as the percentage people see.
                shown = Decimal(repr(value)) * 100
                value = _num_text(float(shown)).replace(".", ",") + "%"
            cells.append(value)
        if row:
            rows[row[0].row] = cells
    for merged in ws.merged_cells.ranges:
        value = rows.get(merged.min_row, [None] * merged.max_col)[merged.min_col - 1]
        # Merged titles, headers, names and dates are read in every cell they cover; a merged
        # number is not, so that it is never counted once per cell.
        if isinstance(value, int | float) and not isinstance(value, bool):
            continue
        for r in range(merged.min_row, merged.max_row + 1):
            cells = rows.get(r)
            if cells is None:
                continue
            for c in range(merged.min_col - 1, min(merged.max_col, len(cells))):
                cells[c] = value
    return sorted(rows.items())


def _read_xlsx(path: Path, label: str, sheet: str | None) -> list[Sheet]:
    import openpyxl

    check_unzipped_size(path, label)
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise UserError(f"{label}: cannot be read as an XLSX workbook ({exc})") from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise UserError(f"{label}: no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}")
    # A hidden sheet is read only when --sheet names it.
    chosen = [book[sheet]] if sheet is not None else [
        ws for ws in book.worksheets if ws.sheet_state == "visible"]
    if not chosen:
        raise UserError(f"{label}: every sheet is hidden; name one with --sheet "
                        f"(sheets: {', '.join(book.sheetnames)})")
    sheets = [Sheet(ws.title, _sheet_grid(ws)) for ws in chosen]
    refuse_uncached_formulas(path, sheets, label)
    return sheets


def read_sheets(path: Path, sheet: str | None = None) -> list[Sheet]:
    """The sheets of a CSV or XLSX file, each as numbered rows with blank rows dropped.

    Parameters
    ----------
    path : Path
        ``.csv`` (any separator of ``;``, ``,``, tab; UTF-8 with or without BOM, or Windows
        cp1252) or ``.xlsx``/``.xlsm``.
    sheet : str, optional
        Only this sheet of a workbook; every sheet when omitted. Ignored for a CSV.

    Returns
    -------
    list of Sheet
        For a CSV one sheet named None. Rows are (row number, 1 = first line; cells: str for
        CSV; str, numbers or datetimes for XLSX, merged ranges filled as described in
        :func:`_sheet_grid`).
    """
    label = str(path)
    check_input_file(path, label)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise UserError(f"{label}: the old .xls format is not read; save it as .xlsx or CSV")
    if suffix in (".xlsx", ".xlsm"):
        if path.stat().st_size == 0:
            raise UserError(f"{label}: the file is empty (0 bytes)")
        sheets = _read_xlsx(path, label, sheet)
    else:
        sheets = [Sheet(None, _read_csv(path, label))]
    out = []
    for s in sheets:
        grid = [(n, cells) for n, cells in s.grid if not all(blank(c) for c in cells)]
        check_grid(grid, label if s.name is None else f"{label}, sheet {s.name!r}")
        out.append(Sheet(s.name, grid))
    return out


def read_grid(path: Path, sheet: str | None = None) -> Grid:
    """Rows of one sheet of a CSV or XLSX file (the first visible sheet when ``sheet`` is
    omitted).

    See :func:`read_sheets`.
    """
    return read_sheets(path, sheet)[0].grid


# --- Values --------------------------------------------------------------------------------------


def cell_text(cell: object) -> str:
    """A cell as text: a whole float without ``.0``, a date as ISO, other text stripped."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date):
        return cell.isoformat()[:10]
    return str(cell).strip()


def _num_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# Words before a date in a cell or a title ("Posisi: 31 Desember 2024", "s.d. Juni 2024",
# "Selasa, 31 Desember 2024"); the date is read after them.
_DATE_PREFIX = re.compile(
    r"^(?:(?:(?:posisi|per|keadaan|kondisi|data per|tanggal data|tanggal|tgl|sampai dengan|"
    r"hingga|senin|selasa|rabu|kamis|jumat|sabtu|minggu|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)\b|s\.?\s?d\.?)\s*:?\s*)+"
)
_EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's serial dates (with its 1900 leap day)


def _excel_serial(value: float, text: str) -> tuple[str, str]:
    """A date stored as an Excel serial number (45657 = 2024-12-31)."""
    if not 10_000 <= value < 100_000:
        raise ValueError(f"{text!r} is not a date (write YYYY-MM-DD, e.g. 2024-05-12)")
    return (_EXCEL_EPOCH + timedelta(days=int(value))).isoformat(), "day"


def parse_date(cell: object) -> tuple[str, str]:
    """Read a date as offices write it.

    Parameters
    ----------
    cell : str, number, date or datetime
        ``2024-05-12``, ``12/05/2024`` or ``12/05/24`` (day first), ``12 Mei 2024``,
        ``12-Des-2024``, ``Mei 2024``, ``2024-05``, ``05/2024``, ``2024``, an Excel serial
        number (``45425``), optionally after ``Posisi``, ``Per``, ``s.d.`` or a weekday.

    Returns
    -------
    (str, str)
        ISO date (first day of the month or year when only those are given) and its precision
        ``day``, ``month`` or ``year``.
    """
    if isinstance(cell, datetime | date):
        return cell.isoformat()[:10], "day"
    text = cell_text(cell)
    if isinstance(cell, int | float) and not isinstance(cell, bool) and not 1900 <= cell <= 2100:
        return _excel_serial(float(cell), text)
    norm = _DATE_PREFIX.sub("", text.lower().replace(",", " ").strip()).strip()
    day, month, year, precision = 1, 1, 0, "day"
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", norm):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})", norm):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        year += 2000 if len(m[3]) == 2 else 0  # "31/12/24": offices mean this century
    elif m := re.fullmatch(r"(\d{4})[-/](\d{1,2})", norm):
        year, month, precision = int(m[1]), int(m[2]), "month"
    elif m := re.fullmatch(r"(\d{1,2})[/\-](\d{4})", norm):
        month, year, precision = int(m[1]), int(m[2]), "month"
    elif m := re.fullmatch(r"(?:(\d{1,2})[\s\-]+)?([a-z]+)\.?[\s\-]+(\d{4})", norm):
        if m[2] not in MONTHS:
            raise ValueError(f"{text!r} is not a date (unknown month {m[2]!r})")
        month, year = MONTHS[m[2]], int(m[3])
        day, precision = (int(m[1]), "day") if m[1] else (1, "month")
    elif m := re.fullmatch(r"(\d{4})(?:\.0)?", norm):
        year, precision = int(m[1]), "year"
    elif re.fullmatch(r"\d{5}(?:\.0+)?", norm):
        return _excel_serial(float(norm), text)
    else:
        raise ValueError(f"{text!r} is not a date (write YYYY-MM-DD, e.g. 2024-05-12)")
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} in {text!r} is beyond 12")
    try:
        return date(year, month, day).isoformat(), precision
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a calendar date") from exc


def parse_period(cell: object) -> str:
    """Read a month (``2024-03``, ``Maret 2024``, ``03/2024``) as ``YYYY-MM``."""
    iso, precision = parse_date(cell)
    if precision == "year":
        raise ValueError(f"{cell_text(cell)!r} gives a year, the period needs a month (YYYY-MM)")
    return iso[:7]


def choice(cell: object, column: ColumnSpec) -> str:
    """A category as the catalogue writes it ("Buruh Sawit" → ``palm_workers``); a word not
    understood is returned as written, for validation to report with the allowed values."""
    key = norm(cell)
    as_value = key.replace(" ", "_")
    if as_value in column.allowed:
        return as_value
    mapped = VALUES.get(column.name, {}).get(key)
    if mapped:
        return mapped
    return cell_text(cell)  # validation reports it with the allowed values


def _whole(value: float, cell: object) -> str:
    if not float(value).is_integer():
        raise ValueError(f"{cell_text(cell)!r} is not a whole number")
    return str(int(value))


def code_text(cell: object) -> str:
    """An area code typed as a number: 12.1 is ``12.10`` (Excel drops the trailing zero)."""
    if isinstance(cell, float) and not cell.is_integer():
        return f"{cell:.2f}"
    return cell_text(cell)


def _scaled(cell: object, factor: int) -> float:
    """A number in a column whose header gives a unit such as "(ribu)": the value × factor."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(Decimal(repr(cell)) * factor)
    text = cell_text(cell)
    if re.search(r"\d\s*[a-z]+\.?$", text.lower()):
        raise ValueError(
            f"{text!r} carries its own scale word, but the header already gives the unit "
            f"(× {factor:,}); write the number only"
        )
    words = {10**3: "ribu", 10**6: "juta", 10**9: "miliar"}
    return parse_number(f"{text} {words[factor]}")


def convert_cell(
    cell: object, column: ColumnSpec, row_values: dict[str, str], factor: int = 1
) -> str:
    """One cell → the catalogue's text form; ValueError/UserError with a message otherwise.

    ``factor`` is the unit the header gives to a numeric column (1000 for "(ribu jiwa)").
    """
    name, kind = column.name, column.kind
    if kind == "area":
        return resolve_area(code_text(cell))
    if kind == "regency":
        return resolve_regency(code_text(cell))
    numeric = kind in ("money", "int", "float") or name.endswith("_rp")
    percent = re.search(r"(%|persen)$", cell_text(cell).lower())
    if numeric and factor != 1 and not percent:
        value = _scaled(cell, factor)
        return str(round(value)) if kind == "money" else (
            _whole(value, cell) if kind == "int" else _num_text(value))
    if kind == "money" or name.endswith("_rp"):
        return str(parse_rupiah(cell))
    if kind in ("int", "year"):
        if isinstance(cell, datetime | date) and kind == "year":
            return str(cell.year)
        return _whole(parse_number(cell), cell)
    if kind == "float":
        text = cell_text(cell)
        if percent:
            if not row_values.get("indicator", "").endswith("_pct"):
                raise ValueError(f"{text!r} is a percentage but the indicator is not a *_pct one")
            parse_percent(text)  # checks the form ("12,5%", "41,39 persen")
            # The points as written (5,9% is 5.9), not a float share × 100 (5.8999999999999995).
            return _num_text(parse_number(re.sub(r"\s*(%|persen)$", "", text, flags=re.I)))
        return _num_text(parse_number(cell))
    if kind == "date":
        return parse_date(cell)[0]
    if kind == "period":
        return parse_period(cell)
    if kind == "choice":
        return choice(cell, column)
    if kind == "flags":
        return ";".join(f.strip().upper() for f in re.split(r"[;,]", cell_text(cell)) if f.strip())
    return cell_text(cell)
