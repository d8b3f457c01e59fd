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

Reading the file and converting its cells is :mod:`analysis.data.import_formats`; the command
line that prints the outcome is :mod:`analysis.cli.data`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import yaml

from analysis.core import config
from analysis.core.errors import AmbiguousRegency, UserError, ValidationError
from analysis.core.files import commit_files, sha256_bytes
from analysis.data.import_formats import (
    Grid,
    blank,
    cell_text,
    convert_cell,
    norm,
    parse_date,
    read_grid,
)
from analysis.data.names import resolve_regency
from analysis.data.schemas import IMPORTABLE, SCHEMAS, Schema
from analysis.data.tables import load_table, read_text_table, references, table_text
from analysis.data.validate import (
    Label,
    Problem,
    References,
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

# Columns the importer fills itself when the file lacks them.
_AUTO = ("source_id", "fact_id", "case_id", "date_precision", "flag", "note")
_SOURCE_OPTIONS = ("--source-url", "--publisher", "--date")


_HEADER_INDEX: dict[str, list[str]] = {}
for _column, _variants in HEADERS.items():
    for _variant in (*_variants, _column):
        _HEADER_INDEX.setdefault(norm(_variant), []).append(_column)
_IGNORED = {norm(h) for h in IGNORED_HEADERS}


# --- Columns -------------------------------------------------------------------------------------


def _area_column(schema: Schema) -> str:
    return "regency_code" if "regency_code" in schema.names else "area_code"


def _candidates(header: object, schema: Schema) -> list[str]:
    names = []
    for column in _HEADER_INDEX.get(norm(header), []):
        column = _area_column(schema) if column == "area" else column
        if column in schema.names and column not in names:
            names.append(column)
    return names


def _known_header_count(cells: list[object]) -> int:
    return sum(1 for c in cells if not blank(c) and norm(c) in _HEADER_INDEX)


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
        if blank(header) or norm(header) in _IGNORED:
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
    return re.sub(r"[^a-z0-9]+", "-", norm(text)).strip("-")[:40] or "source"


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
        return table_text(table, include_user=True)
    except UserError:
        user = config.user_data_dir() / f"{table}.csv"
        if user.exists():
            frame = read_text_table(user)
            return frame, labels_for(str(user), len(frame))
        return pd.DataFrame(columns=SCHEMAS[table].names), []


def _row_id(prefix: str, values: dict[str, str], schema: Schema) -> str:
    text = "|".join(values.get(c, "") for c in schema.names)
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"


def _show(column: str, header: str | None) -> str:
    """Column as the user knows it: their header, with the catalogue name when different."""
    if header is None or norm(header) == norm(column):
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
        if any(not blank(c) for c in cells[len(layout.headers) :]):
            problems.append(Problem(layout.label, row_number, None, "more cells than headers"))
        values: dict[str, str] = {}
        for column in (c for c in order if c.name in mapping):
            i = mapping[column.name]
            cell = cells[i] if i < len(cells) else None
            values[column.name] = ""
            if blank(cell):
                continue
            try:
                values[column.name] = convert_cell(cell, column, values)
            except AmbiguousRegency:
                pending.append((len(records), column.name, cell_text(cell)))
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
    cells = [cell_text(c[at]) if at is not None and at < len(c) else "" for _, c in layout.body]
    info = _source_info(layout.label, source_url, publisher, date_published, not all(cells))
    new_id, new_source = None, None
    refs = references()
    if info is not None and not all(cells):  # options only fill rows without a source_id
        new_id, new_source = _source_row(info, path, load_table("sources"))
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
            records[index][column] = resolve_regency(text, province)
        except UserError as exc:
            file, row = labels[index]
            problems.append(Problem(file, row, _show(column, header_of[column]), str(exc)))
    return problems


# --- Writing -------------------------------------------------------------------------------------


def _csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


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
        "sha256": sha256_bytes(text),
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
        old = read_text_table(src_path) if src_path.exists() else None
        new = pd.DataFrame([new_source], columns=SCHEMAS["sources"].names)
        src_text = _csv_text(new if old is None else pd.concat([old, new], ignore_index=True))
        files[src_path] = src_text
        entry = {"file": Path(result.file).name, "rows": 1, "source_id": new_source["source_id"]}
        files[src_path.with_name("sources.csv.meta.yml")] = _sidecar_text(
            src_path, src_text, entry, "User data: sources of imported figures"
        )
    old = read_text_table(result.target) if result.target.exists() else None
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
    commit_files(files)
