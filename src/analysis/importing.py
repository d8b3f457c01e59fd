"""Import of user data: a CSV or XLSX as a BPJS branch or BPS hands it over, into data/user.

``python -m analysis data import FILE`` reads the file (semicolon or comma separated, UTF-8 with
or without BOM, or the first sheet of an XLSX), recognises Indonesian or English column names
("Kabupaten/Kota", "Jumlah Pekerja", "Tanggal", "Segmen"), converts Indonesian numbers ("4.979",
"Rp 588 juta", "12,5%"), dates ("12 Mei 2024", "31/12/2024") and regency names ("Kab.
Labusel") to the catalogue's form, validates the rows like a raw table and appends them to
``config.user_data_dir()/<table>.csv`` with a sidecar recording the import and its sha256.

Nothing is written unless every row is valid; files are replaced atomically, so a failed import
leaves earlier data byte for byte as it was. Every figure needs a source: either a
``source_id`` column naming known sources, or ``--source-url``, ``--publisher`` and ``--date``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import re
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import yaml

from analysis import data
from analysis.core import config
from analysis.core.errors import UserError, ValidationError
from analysis.core.numbers import parse_number, parse_percent, parse_rupiah
from analysis.validation import (
    IMPORTABLE,
    SCHEMAS,
    Column,
    Label,
    Problem,
    References,
    Schema,
    duplicate_problems,
    labels_for,
    validate,
)

# Column names as they appear in handed-over files, per catalogue column ("area" stands for the
# table's area column: area_code, or regency_code in population_poverty). Matching ignores case,
# punctuation and spacing. A name listed under several columns goes to the first one the table
# has.
HEADERS: dict[str, tuple[str, ...]] = {
    "area": (
        "kabupaten/kota", "kab/kota", "kabupaten", "kota", "kabkota", "wilayah", "daerah",
        "nama wilayah", "nama kabupaten/kota", "kode wilayah", "regency", "district", "area",
        "region",
    ),
    "payer_code": ("pembayar", "pemberi iuran", "pemda pembayar", "payer"),
    "fact_id": ("id fakta", "fact id"),
    "case_id": ("id kasus", "kode kasus", "case id"),
    "date": ("tanggal", "tgl", "per tanggal", "tanggal data", "date"),
    "date_precision": ("ketelitian tanggal", "presisi tanggal"),
    "segment": ("segmen", "kelompok", "kelompok pekerja", "jenis pekerja", "kategori", "segment"),
    "workers": (
        "jumlah pekerja", "pekerja", "jumlah peserta", "peserta", "jumlah tenaga kerja",
        "tenaga kerja", "workers", "participants", "jumlah",
    ),
    "target_workers": ("target", "target pekerja", "target peserta", "sasaran", "target workers"),
    "basis": ("dasar", "dasar perhitungan", "basis"),
    "programmes": ("program", "program bpjs", "programmes", "programs"),
    "funding_source": ("sumber dana", "sumber pendanaan", "pendanaan", "funding", "funding source"),
    "status": ("status", "status kepesertaan"),
    "year": ("tahun", "tahun anggaran", "ta", "year"),
    "period": ("periode", "bulan", "period", "month"),
    "period_start": ("awal periode", "mulai", "tanggal mulai", "periode awal", "start"),
    "period_end": ("akhir periode", "selesai", "tanggal selesai", "periode akhir", "end"),
    "indicator": ("indikator", "indicator"),
    "value": ("nilai", "angka", "value", "jumlah"),
    "months": ("jumlah bulan", "lama bulan", "lama", "durasi", "bulan", "months"),
    "budget_rp": ("anggaran", "anggaran rp", "pagu", "pagu anggaran", "nilai rp", "budget"),
    "per_worker_month_rp": ("iuran per pekerja per bulan", "iuran per bulan", "iuran"),
    "package": ("paket", "paket program", "package"),
    "benefit": ("manfaat", "jenis manfaat", "jenis klaim", "program klaim", "benefit"),
    "cases": ("jumlah kasus", "kasus", "jumlah klaim", "klaim", "cases", "jumlah"),
    "amount_rp": (
        "jumlah rp", "nilai rp", "nominal", "jumlah dana", "besaran", "anggaran", "nilai", "amount",
    ),
    "covered_context": ("keterangan peserta", "konteks", "covered context"),
    "stage": ("tahap", "tahapan", "stage"),
    "item": ("uraian", "pos", "akun", "item"),
    "source_id": ("id sumber", "kode sumber", "source id"),
    "flag": ("tanda", "flag"),
    "note": ("catatan", "keterangan", "note", "notes"),
}  # fmt: skip
IGNORED_HEADERS = ("no", "nomor", "no urut", "#")

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
        "kader posyandu": "kader",
        "lainnya": "other",
        "semua pekerja": "all_workers",
    },
    "funding_source": {
        "apbd kabupaten": "apbd",
        "apbd kota": "apbd",
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

# Columns the importer fills itself when the file lacks them.
_AUTO = ("source_id", "fact_id", "case_id", "date_precision", "flag", "note")
_SOURCE_OPTIONS = ("--source-url", "--publisher", "--date")


def _norm(text: object) -> str:
    """Lower case ASCII words separated by single spaces ("Kabupaten/Kota" → "kabupaten kota")."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9%]+", " ", text).strip()


_HEADER_INDEX: dict[str, list[str]] = {}
for _column, _variants in HEADERS.items():
    for _variant in (*_variants, _column):
        _HEADER_INDEX.setdefault(_norm(_variant), []).append(_column)
_IGNORED = {_norm(h) for h in IGNORED_HEADERS}


# --- Reading the file ----------------------------------------------------------------------------

Grid = list[tuple[int, list[object]]]


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _read_csv(path: Path, label: str) -> Grid:
    raw = path.read_bytes()
    if not raw:
        raise UserError(f"{label}: the file is empty (0 bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in cp1252; reading it beats refusing it.
        text = raw.decode("cp1252", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    sep = max(counts, key=counts.get) if any(counts.values()) else ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    return [(i, list(row)) for i, row in enumerate(rows, start=1)]


def _read_xlsx(path: Path, label: str, sheet: str | None) -> Grid:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise UserError(f"{label}: cannot be read as an XLSX workbook ({exc})") from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise UserError(f"{label}: no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}")
    ws = book[sheet] if sheet is not None else book.worksheets[0]
    grid: Grid = []
    for row in ws.iter_rows():
        cells: list[object] = []
        for cell in row:
            value = cell.value
            if isinstance(value, int | float) and "%" in (cell.number_format or ""):
                # A cell shown as 12,5% holds 0.125: keep it as the percentage people see.
                value = (repr(value * 100)).replace(".", ",") + "%"
            cells.append(value)
        if row:
            grid.append((row[0].row, cells))
    return grid


def read_grid(path: Path, sheet: str | None = None) -> Grid:
    """Rows of a CSV or XLSX file with their spreadsheet row numbers, blank rows dropped.

    Parameters
    ----------
    path : Path
        ``.csv`` (any separator of ``;``, ``,``, tab) or ``.xlsx``/``.xlsm``.
    sheet : str, optional
        Sheet of a workbook; the first sheet when omitted.

    Returns
    -------
    list of (int, list)
        Row number (1 = first line) and cells (str for CSV; str, numbers or datetimes for XLSX).
    """
    label = str(path)
    if not path.exists():
        raise UserError(f"{label}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise UserError(f"{label}: the old .xls format is not read; save it as .xlsx or CSV")
    if suffix in (".xlsx", ".xlsm"):
        if path.stat().st_size == 0:
            raise UserError(f"{label}: the file is empty (0 bytes)")
        grid = _read_xlsx(path, label, sheet)
    else:
        grid = _read_csv(path, label)
    return [(n, cells) for n, cells in grid if not all(_blank(c) for c in cells)]


# --- Columns -------------------------------------------------------------------------------------


def _area_column(schema: Schema) -> str:
    return "regency_code" if "regency_code" in schema.names else "area_code"


def _candidates(header: object, schema: Schema) -> list[str]:
    names = []
    for column in _HEADER_INDEX.get(_norm(header), []):
        column = _area_column(schema) if column == "area" else column
        if column in schema.names and column not in names:
            names.append(column)
    return names


def _known_header_count(cells: list[object]) -> int:
    return sum(1 for c in cells if not _blank(c) and _norm(c) in _HEADER_INDEX)


def _required(schema: Schema) -> list[str]:
    return [c.name for c in schema.columns if c.required and c.name not in _AUTO]


def map_headers(headers: list[object], schema: Schema) -> tuple[dict[str, int], list[str]]:
    """Catalogue column → position for each header a table understands.

    Parameters
    ----------
    headers : list
        Header cells of the file.
    schema : Schema
        The target table.

    Returns
    -------
    (dict, list of str)
        Mapping column name → index into the row, and the headers left out (not understood).
    """
    mapping: dict[str, int] = {}
    ignored = []
    for i, header in enumerate(headers):
        if _blank(header) or _norm(header) in _IGNORED:
            continue
        names = [n for n in _candidates(header, schema) if n not in mapping]
        if names:
            mapping[names[0]] = i
        else:
            ignored.append(str(header))
    return mapping, ignored


def guess_table(headers: list[object]) -> str:
    """The importable table whose required columns the headers provide.

    Raises
    ------
    UserError
        When none or several tables fit equally well.
    """
    fits = []
    for name in IMPORTABLE:
        schema = SCHEMAS[name]
        mapping, _ = map_headers(headers, schema)
        if all(c in mapping for c in _required(schema)):
            fits.append((len(mapping), name))
    fits.sort(reverse=True)
    if not fits:
        raise UserError(
            "cannot tell which table the columns belong to; name it with --table "
            f"({'|'.join(IMPORTABLE)})"
        )
    if len(fits) > 1 and fits[0][0] == fits[1][0]:
        raise UserError(
            f"the columns fit both {fits[0][1]} and {fits[1][1]}; choose one with --table"
        )
    return fits[0][1]


# --- Values --------------------------------------------------------------------------------------


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date):
        return cell.isoformat()[:10]
    return str(cell).strip()


def _num_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def parse_date(cell: object) -> tuple[str, str]:
    """Read a date as offices write it.

    Parameters
    ----------
    cell : str, date or datetime
        ``2024-05-12``, ``12/05/2024`` (day first), ``12 Mei 2024``, ``Mei 2024``,
        ``2024-05``, ``05/2024`` or ``2024``.

    Returns
    -------
    (str, str)
        ISO date (first day of the month or year when only those are given) and its precision
        ``day``, ``month`` or ``year``.
    """
    if isinstance(cell, datetime | date):
        return cell.isoformat()[:10], "day"
    text = _text(cell)
    norm = text.lower().replace(",", " ").strip()
    day, month, year, precision = 1, 1, 0, "day"
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", norm):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", norm):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{4})[-/](\d{1,2})", norm):
        year, month, precision = int(m[1]), int(m[2]), "month"
    elif m := re.fullmatch(r"(\d{1,2})[/\-](\d{4})", norm):
        month, year, precision = int(m[1]), int(m[2]), "month"
    elif m := re.fullmatch(r"(?:(\d{1,2})\s+)?([a-z]+)\.?\s+(\d{4})", norm):
        if m[2] not in MONTHS:
            raise ValueError(f"{text!r} is not a date (unknown month {m[2]!r})")
        month, year = MONTHS[m[2]], int(m[3])
        day, precision = (int(m[1]), "day") if m[1] else (1, "month")
    elif m := re.fullmatch(r"(\d{4})(?:\.0)?", norm):
        year, precision = int(m[1]), "year"
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
        raise ValueError(f"{_text(cell)!r} gives a year, the period needs a month (YYYY-MM)")
    return iso[:7]


def _choice(cell: object, column: Column) -> str:
    key = _norm(cell)
    as_value = key.replace(" ", "_")
    if as_value in column.allowed:
        return as_value
    mapped = VALUES.get(column.name, {}).get(key)
    if mapped:
        return mapped
    return _text(cell)  # validation reports it with the allowed values


def _whole(value: float, cell: object) -> str:
    if not float(value).is_integer():
        raise ValueError(f"{_text(cell)!r} is not a whole number")
    return str(int(value))


def _convert(cell: object, column: Column, row_values: dict[str, str]) -> str:
    """One cell → the catalogue's text form; ValueError/UserError with a message otherwise."""
    name, kind = column.name, column.kind
    if kind == "area":
        return data.resolve_area(_text(cell))
    if kind == "regency":
        return data.resolve_regency(_text(cell))
    if kind == "money" or name.endswith("_rp"):
        return str(parse_rupiah(cell))
    if kind in ("int", "year"):
        if isinstance(cell, datetime | date) and kind == "year":
            return str(cell.year)
        return _whole(parse_number(cell), cell)
    if kind == "float":
        text = _text(cell)
        if re.search(r"(%|persen)$", text.lower()):
            if not row_values.get("indicator", "").endswith("_pct"):
                raise ValueError(f"{text!r} is a percentage but the indicator is not a *_pct one")
            return _num_text(parse_percent(text) * 100)
        return _num_text(parse_number(cell))
    if kind == "date":
        return parse_date(cell)[0]
    if kind == "period":
        return parse_period(cell)
    if kind == "choice":
        return _choice(cell, column)
    if kind == "flags":
        return ";".join(f.strip().upper() for f in re.split(r"[;,]", _text(cell)) if f.strip())
    return _text(cell)


# --- Sources -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceInfo:
    """Source of an imported file given on the command line."""

    url: str
    publisher: str
    date: str


def _source_info(
    label: str, source_url: str | None, publisher: str | None, when: str | None, needed: bool
) -> SourceInfo | None:
    given = dict(zip(_SOURCE_OPTIONS, (source_url, publisher, when), strict=True))
    if not any(given.values()):
        if needed:
            raise UserError(
                f"{label}: the file names no source. Every figure needs one: add a source_id "
                "column, or give --source-url URL --publisher NAME --date YYYY-MM-DD"
            )
        return None
    missing = [k for k, v in given.items() if not (v and str(v).strip())]
    if missing:
        raise UserError(
            f"{label}: give all of --source-url, --publisher and --date (missing: "
            f"{', '.join(missing)})"
        )
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", when.strip()):
        raise UserError(f"--date {when!r}: write the publication date as YYYY-MM-DD")
    try:
        date.fromisoformat(when.strip())
    except ValueError as exc:
        raise UserError(f"--date {when!r} is not a calendar date") from exc
    return SourceInfo(source_url.strip(), publisher.strip(), when.strip())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _norm(text)).strip("-")[:40] or "source"


def _source_row(info: SourceInfo, file: Path, sources: pd.DataFrame) -> tuple[str, dict | None]:
    """Source id for ``info``: an existing user source with the same URL, or a new row."""
    base = f"user-{_slug(info.publisher)}-{info.date}"
    known = dict(zip(sources["source_id"], sources["url"], strict=True))
    candidate, n = base, 1
    while candidate in known:
        if known[candidate] == info.url:
            return candidate, None
        n += 1
        candidate = f"{base}-{n}"
    today = date.today().isoformat()
    row = {
        "source_id": candidate,
        "publisher": info.publisher,
        "title": f"{file.name} (imported)",
        "url": info.url,
        "date_published": info.date,
        "date_accessed": today,
        "grade": "USER",
        "licence": "",
        "note": f"imported from {file.name} on {today}",
    }
    return candidate, row


# --- Import --------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    table: str
    file: str
    rows: int
    target: Path
    columns: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    source_id: str | None = None
    written: bool = False
    frame: pd.DataFrame | None = None


def _existing(table: str) -> tuple[pd.DataFrame, list[Label]]:
    """Rows already in the catalogue (raw and user) for the duplicate check."""
    try:
        return data.table_text(table, include_user=True)
    except UserError:
        user = config.user_data_dir() / f"{table}.csv"
        if user.exists():
            frame = data.read_text_table(user)
            return frame, labels_for(str(user), len(frame))
        return pd.DataFrame(columns=SCHEMAS[table].names), []


def _row_id(prefix: str, values: dict[str, str], schema: Schema) -> str:
    text = "|".join(values.get(c, "") for c in schema.names)
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"


def _show(column: str, header: str | None) -> str:
    """Column as the user knows it: their header, with the catalogue name when different."""
    if header is None or _norm(header) == _norm(column):
        return column
    return f"{header} ({column})"


@dataclass
class _Layout:
    """Where things are in a user file: header row, data rows and column positions."""

    label: str
    header_row: int
    headers: list[object]
    body: Grid
    schema: Schema
    mapping: dict[str, int]
    ignored: list[str]

    @property
    def header_of(self) -> dict[str, str]:
        """Catalogue column → the user's header text."""
        return {name: str(self.headers[i]) for name, i in self.mapping.items()}


def _layout(path: Path, sheet: str | None, table: str | None) -> _Layout:
    """Find the header, the target table and its columns; UserError if one is missing."""
    label = str(path)
    grid = read_grid(path, sheet)
    if not grid:
        raise UserError(f"{label}: the file has no rows")
    # Exports often carry a title above the header: take the first row naming known columns.
    at = next((i for i, (_, cells) in enumerate(grid[:20]) if _known_header_count(cells) >= 2), 0)
    header_row, headers = grid[at]
    if not grid[at + 1 :]:
        raise UserError(f"{label}: only a header (row {header_row}), no data rows below it")
    if table is None:
        try:
            table = guess_table(headers)
        except UserError as exc:
            raise UserError(f"{label}, row {header_row}: {exc}") from exc
    if table not in IMPORTABLE:
        raise UserError(f"--table {table!r}: choose one of {', '.join(IMPORTABLE)}")
    schema = SCHEMAS[table]
    mapping, ignored = map_headers(headers, schema)
    for name in _required(schema):
        if name not in mapping:
            key = "area" if name in ("area_code", "regency_code") else name
            examples = [v for v in HEADERS.get(key, ()) if v != name][:2]
            hint = " or ".join(repr(e) for e in [*examples, name])
            raise UserError(
                f"{label}, row {header_row}, column {name}: required column is missing "
                f"(name it e.g. {hint})"
            )
    return _Layout(label, header_row, headers, grid[at + 1 :], schema, mapping, ignored)


def _convert_rows(
    layout: _Layout, sources: list[str]
) -> tuple[list[dict[str, str]], list[Label], list[Problem]]:
    """Convert every data row to the catalogue's text form, collecting problems."""
    schema, mapping, header_of = layout.schema, layout.mapping, layout.header_of
    problems: list[Problem] = []
    records: list[dict[str, str]] = []
    labels: list[Label] = []
    pending: list[tuple[int, str, str]] = []
    # The indicator decides how a value with "%" is read, so it is converted first.
    order = sorted(schema.columns, key=lambda c: c.name != "indicator")
    for (row_number, cells), source in zip(layout.body, sources, strict=True):
        if any(not _blank(c) for c in cells[len(layout.headers) :]):
            problems.append(Problem(layout.label, row_number, None, "more cells than headers"))
        values: dict[str, str] = {}
        for column in (c for c in order if c.name in mapping):
            i = mapping[column.name]
            cell = cells[i] if i < len(cells) else None
            values[column.name] = ""
            if _blank(cell):
                continue
            try:
                values[column.name] = _convert(cell, column, values)
            except data.AmbiguousRegency:
                pending.append((len(records), column.name, _text(cell)))
            except (ValueError, UserError) as exc:
                where = _show(column.name, header_of[column.name])
                problems.append(Problem(layout.label, row_number, where, str(exc)))
        _fill_auto(values, schema, cells, mapping, source)
        records.append(values)
        labels.append((layout.label, row_number))
    problems += _resolve_pending(pending, records, labels, header_of)
    return records, labels, problems


def _fill_auto(
    values: dict[str, str], schema: Schema, cells: list, mapping: dict[str, int], source: str
) -> None:
    """Fill the columns a handed-over file lacks: date precision, source, row id."""
    if "date_precision" in schema.names and not values.get("date_precision"):
        if values.get("date"):
            values["date_precision"] = parse_date(cells[mapping["date"]])[1]
    values["source_id"] = source
    for id_column in ("fact_id", "case_id"):
        if id_column in schema.names and not values.get(id_column):
            values[id_column] = _row_id("user", values, schema)


def _table_problems(
    layout: _Layout,
    frame: pd.DataFrame,
    labels: list[Label],
    refs: References,
    problems: list[Problem],
) -> list[Problem]:
    """Schema problems of the converted rows, and repeats of rows already in the catalogue."""
    schema, header_of = layout.schema, layout.header_of
    out = list(problems)
    # A value that failed conversion is blank now: do not report it twice, nor the columns the
    # importer derives from it (date_precision from the date).
    converted = {(p.row, p.column) for p in problems}
    failed_rows = {p.row for p in problems}
    for p in validate(frame, schema, labels, refs, file=layout.label):
        shown = _show(p.column, header_of.get(p.column)) if p.column else None
        follows = p.column in _AUTO and p.column not in header_of and p.row in failed_rows
        if (p.row, shown) not in converted and not follows:
            out.append(Problem(p.file, p.row, shown, p.message))
    existing, existing_labels = _existing(schema.name)
    both = pd.concat([existing[schema.names].astype(str), frame], ignore_index=True)
    seen = set(out)
    out += [
        p
        for p in duplicate_problems(both, schema, [*existing_labels, *labels])
        if p.file == layout.label and p not in seen
    ]
    return sorted(out, key=lambda p: p.row or 0)


def import_file(
    path: str | Path,
    *,
    table: str | None = None,
    sheet: str | None = None,
    source_url: str | None = None,
    publisher: str | None = None,
    date_published: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Validate a user file and append its rows to the user data folder.

    Parameters
    ----------
    path : str or Path
        CSV or XLSX file.
    table : str, optional
        Target table (one of ``IMPORTABLE``); guessed from the headers when omitted.
    sheet : str, optional
        Sheet of an XLSX workbook (default: the first).
    source_url, publisher, date_published : str, optional
        Source of the figures when the file has no ``source_id`` column (all three together;
        the date as YYYY-MM-DD).
    dry_run : bool
        Check only; write nothing.

    Returns
    -------
    ImportResult

    Raises
    ------
    UserError
        One message naming file, row and column; nothing is written.
    """
    path = Path(path)
    layout = _layout(path, sheet, table)
    at = layout.mapping.get("source_id")
    cells = [_text(c[at]) if at is not None and at < len(c) else "" for _, c in layout.body]
    info = _source_info(layout.label, source_url, publisher, date_published, not all(cells))
    new_id, new_source = None, None
    refs = data.references()
    if info is not None and not all(cells):  # options only fill rows without a source_id
        new_id, new_source = _source_row(info, path, data.load_table("sources"))
        refs = References(refs.sources | {new_id}, refs.regencies, refs.provinces)
    records, labels, problems = _convert_rows(layout, [c or new_id or "" for c in cells])
    names = layout.schema.names
    frame = pd.DataFrame([{c: r.get(c, "") for c in names} for r in records], columns=names)
    problems = _table_problems(layout, frame.astype(str), labels, refs, problems)
    if problems:
        hint = f"; `python -m analysis data check {layout.label}` lists them"
        raise ValidationError(problems, hint=hint)
    result = ImportResult(
        table=layout.schema.name,
        file=layout.label,
        rows=len(frame),
        target=config.user_data_dir() / f"{layout.schema.name}.csv",
        columns={header: name for name, header in layout.header_of.items()},
        ignored=layout.ignored,
        source_id=new_id,
        frame=frame,
    )
    if not dry_run:
        _write(result, frame, new_source, info, sheet)
        result.written = True
    return result


def _resolve_pending(
    pending: list[tuple[int, str, str]],
    records: list[dict[str, str]],
    labels: list[Label],
    header_of: dict[str, str],
) -> list[Problem]:
    """Settle names shared by several kab/kota with the one province the other rows are in."""
    columns = {column for _, column, _ in pending}
    provinces = {
        r[c][:2] for r in records for c in columns if re.fullmatch(r"\d{2}\.\d{2}", r.get(c, ""))
    }
    problems = []
    for index, column, text in pending:
        try:
            province = next(iter(provinces)) if len(provinces) == 1 else None
            records[index][column] = data.resolve_regency(text, province)
        except UserError as exc:
            file, row = labels[index]
            problems.append(Problem(file, row, _show(column, header_of[column]), str(exc)))
    return problems


# --- Writing -------------------------------------------------------------------------------------


def _csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def _commit(files: dict[Path, str]) -> None:
    """Write every file to a temporary file beside it, then move each into place.

    A failure while writing leaves the targets as they were and removes the temporary files.
    """
    staged: list[tuple[str, Path]] = []
    umask = os.umask(0)
    os.umask(umask)
    try:
        for target, text in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            staged.append((tmp, target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)


def _sidecar_text(target: Path, text: str, entry: dict, title: str) -> str:
    sidecar = target.with_name(target.name + ".meta.yml")
    meta = {}
    if sidecar.exists():
        meta = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    imports = [*meta.get("imports", []), entry]
    urls = sorted({i["source_url"] for i in imports if i.get("source_url")})
    publishers = sorted({i["publisher"] for i in imports if i.get("publisher")})
    dates = sorted({i["date_published"] for i in imports if i.get("date_published")})
    meta = {
        "title": title,
        "publisher": "; ".join(publishers) or "see source_id of each row",
        "source_urls": urls,
        "date_published": dates[-1] if dates else None,
        "date_accessed": date.today().isoformat(),
        "licence": "as given by the publisher of each source",
        "units": "as data/README.md defines the table",
        "manual_steps": (
            "Imported with `python -m analysis data import`: column names, Indonesian number "
            "formats, dates and kab/kota names converted to the catalogue's form; rows validated."
        ),
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "imports": imports,
    }
    return yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)


def _write(
    result: ImportResult,
    frame: pd.DataFrame,
    new_source: dict | None,
    info: SourceInfo | None,
    sheet: str | None,
) -> None:
    schema = SCHEMAS[result.table]
    user_dir = config.user_data_dir()
    files: dict[Path, str] = {}
    if new_source is not None:
        src_path = user_dir / "sources.csv"
        old = data.read_text_table(src_path) if src_path.exists() else None
        new = pd.DataFrame([new_source], columns=SCHEMAS["sources"].names)
        src_text = _csv_text(new if old is None else pd.concat([old, new], ignore_index=True))
        files[src_path] = src_text
        entry = {"file": Path(result.file).name, "rows": 1, "source_id": new_source["source_id"]}
        files[src_path.with_name("sources.csv.meta.yml")] = _sidecar_text(
            src_path, src_text, entry, "User data: sources of imported figures"
        )
    old = data.read_text_table(result.target) if result.target.exists() else None
    combined = frame if old is None else pd.concat([old[schema.names], frame], ignore_index=True)
    text = _csv_text(combined)
    files[result.target] = text
    entry = {
        "file": Path(result.file).name,
        "sheet": sheet,
        "imported_at": datetime.now().isoformat(timespec="seconds"),
        "rows": result.rows,
        "source_id": result.source_id,
        "source_url": info.url if info else None,
        "publisher": info.publisher if info else None,
        "date_published": info.date if info else None,
        "columns": result.columns,
    }
    files[result.target.with_name(result.target.name + ".meta.yml")] = _sidecar_text(
        result.target, text, entry, f"User data: {result.table}"
    )
    _commit(files)


# --- Command line --------------------------------------------------------------------------------


def add_import_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``data import`` and ``data check FILE``."""
    parser.add_argument("--table", choices=IMPORTABLE, help="target table (default: guessed)")
    parser.add_argument("--sheet", help="sheet of an XLSX workbook (default: the first)")
    parser.add_argument("--source-url", dest="source_url", help="URL of the source")
    parser.add_argument("--publisher", help="who published the figures (e.g. BPJS Cabang Medan)")
    parser.add_argument("--date", dest="date", help="publication date YYYY-MM-DD")


def _print_result(result: ImportResult) -> None:
    verb = "imported" if result.written else "would import"
    print(f"{result.file}: {verb} {result.rows} rows into {result.table}")
    for header, column in result.columns.items():
        print(f"  {header} → {column}")
    if result.ignored:
        print(f"  columns left out (not understood): {', '.join(result.ignored)}")
    if result.source_id:
        print(f"  source: {result.source_id}")
    if result.written:
        print(f"  written to {result.target}")


def run_import(args: argparse.Namespace) -> int:
    """``python -m analysis data import FILE``."""
    result = import_file(
        args.file,
        table=args.table,
        sheet=args.sheet,
        source_url=args.source_url,
        publisher=args.publisher,
        date_published=args.date,
    )
    _print_result(result)
    return 0


def _check_raw_file(path: Path) -> int:
    names = [n for n, s in SCHEMAS.items() if path.name in s.files]
    if not names:
        raise UserError(f"{path}: not a table of the catalogue (see data/README.md)")
    schema = SCHEMAS[names[0]]
    frame = data.read_text_table(path)
    refs = None if names[0] in ("sources", "regencies") else data.references()
    problems = validate(frame, schema, labels_for(str(path), len(frame)), refs)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        raise ValidationError(problems)
    print(f"{path}: {len(frame)} rows, valid ({schema.name})")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """``python -m analysis data check [FILE]``: the whole dataset, or one file as an import."""
    if args.file:
        path = Path(args.file)
        if path.resolve().parent == config.RAW.resolve():
            return _check_raw_file(path)
        try:
            result = import_file(
                path,
                table=args.table,
                sheet=args.sheet,
                source_url=args.source_url,
                publisher=args.publisher,
                date_published=args.date,
                dry_run=True,
            )
        except ValidationError as exc:
            for p in exc.problems:
                print(p, file=sys.stderr)
            raise
        _print_result(result)
        return 0
    report = data.check_dataset()
    total = sum(report.rows.values())
    print(
        f"Data: {len(report.rows)} tables, {total} rows (raw {config.RAW}, user "
        f"{config.user_data_dir()})"
    )
    for name, rows in report.rows.items():
        user = f" ({report.user_rows[name]} imported)" if name in report.user_rows else ""
        print(f"  {name:<20}{rows:>6}{user}")
    flags = ", ".join(f"{f}: {n}" for f, n in sorted(report.flags.items())) or "none"
    print(f"Flags: {flags}")
    for warning in report.warnings:
        print(f"warning: {warning}")
    if report.ok:
        print("Valid.")
        return 0
    limit = 50
    for problem in report.problems[:limit]:
        print(problem, file=sys.stderr)
    if len(report.problems) > limit:
        print(f"... and {len(report.problems) - limit} more", file=sys.stderr)
    raise UserError(f"{len(report.problems)} problems in the dataset")
