"""Import of user data: a CSV or XLSX as a BPJS branch, BPS or DJPK hands it over, into data/user.

``python -m analysis data import FILE`` reads the file (semicolon or comma separated, UTF-8 with
or without BOM or Windows-1252, or the sheets of an XLSX), finds the table below its title
block and above its totals, footnotes and signature (:mod:`analysis.data.import_layout`),
recognises Indonesian or English column names ("Kabupaten/Kota", "Jumlah Peserta (Orang)",
``area_code``; :mod:`analysis.data.import_headers`), reshapes wide tables (years or indicators
as columns) to one row per figure (:mod:`analysis.data.import_shape`), converts Indonesian
numbers, dates and regency names to the catalogue's form (:mod:`analysis.data.import_formats`)
and validates the rows like a raw table.
The rows then join ``config.user_data_dir()/<table>.csv``: a row with the key of a row imported
before replaces it, equal rows are left as they are (:mod:`analysis.data.import_corrections`);
a sidecar records the import and its sha256.

Nothing is written unless every row is valid; files are replaced atomically, so a failed import
leaves earlier data byte for byte as it was. Every figure needs a source: either a
``source_id`` column naming known sources, or ``--source-url``, ``--publisher`` and ``--date``.

An import holds a lock over the user data folder (:func:`analysis.data.import_checks.guarded`)
from reading the existing rows to writing the table and its sidecar: a second import waits
``IMPORT_WAIT_S`` seconds, then stops with :class:`~analysis.core.errors.DataLocked` (exit 3),
so two imports at once can no longer both succeed while one file's rows vanish. A header that
appears twice is refused (one of the columns would be dropped), and so is a count of people
above the population of its area (``population_kemendagri`` or ``population_poverty``), with
the limit in the message.

The command line that prints the outcome is :mod:`analysis.cli.data`.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import yaml

from analysis.core import config
from analysis.core.errors import AmbiguousRegency, UserError, ValidationError
from analysis.core.files import commit_files, parse_yaml, sha256_bytes
from analysis.data.import_checks import (
    guarded,
    plausibility_problems,
    refuse_duplicate_headers,
)
from analysis.data.import_checks import (
    show_column as _show,
)
from analysis.data.import_corrections import Change, Merge, merge
from analysis.data.import_formats import (
    blank,
    cell_text,
    convert_cell,
    norm,
    parse_date,
    read_sheets,
)
from analysis.data.import_headers import HEADERS, area_column, map_headers
from analysis.data.import_layout import Block, Skip, find_table, one_row_block
from analysis.data.import_limits import Limits
from analysis.data.import_shape import AUTO, Record, Shape, read_shape, records, subtotals
from analysis.data.import_shape import guess_table as guess_block
from analysis.data.names import resolve_regency
from analysis.data.schemas import IMPORTABLE, SCHEMAS, Schema
from analysis.data.tables import load_table, read_text_table, references
from analysis.data.validate import Label, Problem, References, validate

__all__ = ["HEADERS", "ImportResult", "guess_table", "import_file", "map_headers", "parse_date"]

_SOURCE_OPTIONS = ("--source-url", "--publisher", "--date")
# Source id given to the rows of a dry run that names no source yet (never written).
_PENDING = "user-source-not-given"


def guess_table(headers: list[object]) -> str:
    """The importable table a header row fits (see :func:`import_shape.guess_table`)."""
    return guess_block(one_row_block(headers))


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


# --- Finding the table ---------------------------------------------------------------------------


@dataclass
class _Layout:
    """The table found in the file and how it reads as a catalogue table."""

    label: str
    block: Block
    shape: Shape
    sheets: list[str]
    named: bool = False  # the sheet was named with --sheet

    @property
    def schema(self) -> Schema:
        """The target table."""
        return self.shape.schema

    @property
    def header_row(self) -> int:
        """The (lower) header row, where messages about columns point."""
        return self.block.header_rows[-1]


def _fits(block: Block, table: str | None) -> bool:
    if table is not None:
        return table in IMPORTABLE and read_shape(block, SCHEMAS[table]).fits
    try:
        guess_block(block)
    except UserError:
        return False
    return True


def _choose_sheet(blocks: list[Block], table: str | None, label: str) -> Block:
    """The one sheet holding a table the importer reads (``--sheet`` names it otherwise)."""
    if len(blocks) == 1:
        return blocks[0]
    # Only visible sheets are candidates (read_sheets leaves hidden ones out).
    fitting = [b for b in blocks if b.body and _fits(b, table)]
    names = ", ".join(repr(b.sheet) for b in blocks)
    if len(fitting) == 1:
        return fitting[0]
    if not fitting:
        raise UserError(
            f"{label}: no visible sheet holds a table the importer reads (sheets: {names}; a "
            "hidden sheet is read only when named); name one with --sheet to see why, e.g. "
            f"--sheet {shlex.quote(str(blocks[0].sheet))}"
        )
    quoted = [repr(b.sheet) for b in fitting]
    listed = f"{', '.join(quoted[:-1])} and {quoted[-1]}"
    raise UserError(
        f"{label}: visible sheets {listed} {'both' if len(fitting) == 2 else 'all'} hold a "
        f"table; choose one with --sheet, e.g. --sheet {shlex.quote(str(fitting[0].sheet))}"
    )


def _layout(path: Path, sheet: str | None, table: str | None) -> _Layout:
    """Find the table, the target table and its columns; UserError if one is missing."""
    label = str(path)
    sheets = read_sheets(path, sheet)
    blocks = [find_table(s.grid, label, s.name) for s in sheets if s.grid]
    if not blocks:
        raise UserError(f"{label}: the file has no rows")
    block = _choose_sheet(blocks, table, label)
    header_row = block.header_rows[-1]
    # A header written twice would leave one of its columns out without a word.
    refuse_duplicate_headers(label, header_row, [h.text if h.parts else None
                                                 for h in block.headers])
    if not block.body:
        left = "; ".join(str(s) for s in block.skipped if s.first > header_row)
        where = label if block.sheet is None else f"{label}, sheet {block.sheet!r}"
        raise UserError(
            f"{where}: only a header (row {header_row}), no data rows below it"
            + (f" (left out: {left})" if left else "")
        )
    if table is None:
        try:
            table = guess_block(block)
        except UserError as exc:
            raise UserError(f"{label}, row {header_row}: {exc}") from exc
    if table not in IMPORTABLE:
        raise UserError(f"--table {table!r}: choose one of {', '.join(IMPORTABLE)}")
    shape = read_shape(block, SCHEMAS[table])
    if shape.problem:
        raise UserError(f"{label}, row {header_row}: {shape.problem}")
    for name in shape.missing:
        key = "area" if name in ("area_code", "regency_code") else name
        examples = [v for v in HEADERS.get(key, ()) if v != name][:2]
        hint = " or ".join(repr(e) for e in [*examples, name])
        raise UserError(
            f"{label}, row {header_row}, column {name}: required column is missing "
            f"(name it e.g. {hint})"
        )
    return _Layout(label, block, shape, [str(s.name) for s in sheets if s.name is not None],
                   named=sheet is not None)


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
    sheet: str | None = None
    header_rows: tuple[int, ...] = ()
    shape: str = ""
    from_title: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    added: list[int] = field(default_factory=list)
    replaced: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    overrides: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source_missing: bool = False


def _row_id(prefix: str, values: dict[str, str], schema: Schema) -> str:
    text = "|".join(values.get(c, "") for c in schema.names)
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"




def _convert_rows(
    layout: _Layout, recs: list[Record], sources: list[str]
) -> tuple[list[dict[str, str]], list[Label], list[Problem]]:
    """Convert every record to the catalogue's text form, collecting problems."""
    schema, label = layout.schema, layout.label
    problems: list[Problem] = []
    rows: list[dict[str, str]] = []
    labels: list[Label] = []
    pending: list[tuple[int, str, str, str]] = []
    width = len(layout.block.headers)
    for n, cells in layout.block.body:
        if any(not blank(c) for c in cells[width:]):
            problems.append(Problem(label, n, None, "more cells than headers"))
    # The indicator decides how a value with "%" is read, so it is converted first.
    order = sorted(schema.columns, key=lambda c: c.name != "indicator")
    for rec, source in zip(recs, sources, strict=True):
        values: dict[str, str] = {}
        for column in (c for c in order if c.name in rec.cells):
            cell = rec.cells[column.name]
            values[column.name] = ""
            if blank(cell.value):
                continue
            # A unit in a header ("(ribu jiwa)") never scales a percentage.
            factor = 1 if values.get("indicator", "").endswith("_pct") else cell.factor
            try:
                values[column.name] = convert_cell(cell.value, column, values, factor)
            except AmbiguousRegency:
                pending.append((len(rows), column.name, cell_text(cell.value), cell.header))
            except (ValueError, UserError) as exc:
                where = _show(column.name, cell.header)
                problems.append(Problem(label, rec.row, where, str(exc)))
        _fill_auto(values, schema, rec, source)
        rows.append(values)
        labels.append((label, rec.row))
    problems += _resolve_pending(pending, rows, labels)
    return rows, labels, problems


def _fill_auto(values: dict[str, str], schema: Schema, rec: Record, source: str) -> None:
    """Fill the columns a handed-over file lacks: date precision, source, row id."""
    if "date_precision" in schema.names and not values.get("date_precision"):
        if values.get("date"):
            values["date_precision"] = parse_date(rec.cells["date"].value)[1]
    values["source_id"] = source
    for id_column in ("fact_id", "case_id"):
        if id_column in schema.names and not values.get(id_column):
            values[id_column] = _row_id("user", values, schema)


def _table_problems(
    layout: _Layout,
    recs: list[Record],
    frame: pd.DataFrame,
    labels: list[Label],
    refs: References,
    problems: list[Problem],
) -> list[Problem]:
    """Schema problems of the converted rows not already reported while converting them."""
    out = list(problems)
    shown = {c: cell.header for rec in recs for c, cell in rec.cells.items()}
    # A value that failed conversion is blank now: do not report it twice, nor the columns the
    # importer derives from it (date_precision from the date).
    converted = {(p.row, p.column) for p in problems}
    failed_rows = {p.row for p in problems}
    for p in validate(frame, layout.schema, labels, refs, file=layout.label):
        where = _show(p.column, shown.get(p.column)) if p.column else None
        follows = p.column in AUTO and p.column not in shown and p.row in failed_rows
        if (p.row, where) not in converted and not follows:
            out.append(Problem(p.file, p.row, where, p.message))
    return out


def _check_hint(layout: _Layout) -> str:
    """A command that lists every problem: the same file, table and sheet, as a dry run."""
    command = ["python", "-m", "analysis", "data", "check", layout.label,
               "--table", layout.schema.name]
    if layout.block.sheet is not None and (len(layout.sheets) > 1 or layout.named):
        command += ["--sheet", layout.block.sheet]
    return f"; `{shlex.join(command)}` lists them"


@guarded
def import_file(
    path: str | Path,
    *,
    table: str | None = None,
    sheet: str | None = None,
    source_url: str | None = None,
    publisher: str | None = None,
    date_published: str | None = None,
    dry_run: bool = False,
    limits: Limits | None = None,
) -> ImportResult:
    """Validate a user file and merge its rows into the user data folder.

    Parameters
    ----------
    path : str or Path
        CSV or XLSX file.
    table : str, optional
        Target table (one of ``IMPORTABLE``); guessed from the headers when omitted.
    sheet : str, optional
        Sheet of an XLSX workbook, hidden or not (default: the one visible sheet holding a
        table).
    source_url, publisher, date_published : str, optional
        Source of the figures when the file has no ``source_id`` column (all three together;
        the date as YYYY-MM-DD). A dry run without them checks everything else.
    dry_run : bool
        Check only; write nothing.
    limits : Limits, optional
        Size limits of the file (bytes, rows, unpacked XLSX, cell); the defaults when omitted.

    Returns
    -------
    ImportResult
        Rows added, replaced, unchanged, the rows of the file left out and warnings.

    Raises
    ------
    UserError
        One message naming file, row and column; nothing is written.
    DataLocked
        Another import held the user data folder for longer than ``IMPORT_WAIT_S``.
    """
    path = Path(path)
    layout = _layout(path, sheet, table)
    recs, left_out = records(layout.block, layout.shape)
    if not recs:
        raise UserError(f"{layout.label}: no figures to import (left out: "
                        f"{'; '.join(str(s) for s in left_out)})")
    cells = [cell_text(r.cells["source_id"].value) if "source_id" in r.cells else ""
             for r in recs]
    needed = not all(cells)
    info = _source_info(layout.label, source_url, publisher, date_published,
                        needed and not dry_run)
    new_id, new_source = None, None
    refs = references()
    if needed and info is not None:  # options only fill rows without a source_id
        new_id, new_source = _source_row(info, path, load_table("sources"))
    elif needed:
        new_id = _PENDING
    if new_id is not None:
        refs = References(refs.sources | {new_id}, refs.regencies, refs.provinces)
    rows, labels, problems = _convert_rows(layout, recs, [c or new_id or "" for c in cells])
    totals = subtotals(rows, layout.schema)
    for i in totals:
        if labels[i][1] not in {s.first for s in left_out}:
            shown = cell_text(recs[i].cells[area_column(layout.schema)].value)
            left_out.append(Skip(labels[i][1], labels[i][1],
                                 f"total of its kab/kota ({shown!r}, the sum of their rows)"))
    for i in reversed(totals):
        del rows[i], labels[i], recs[i]
    names = layout.schema.names
    frame = pd.DataFrame([{c: r.get(c, "") for c in names} for r in rows], columns=names)
    frame = frame.astype(str)
    problems = _table_problems(layout, recs, frame, labels, refs, problems)
    # A count above its area's population is refused before it is merged with earlier rows.
    shown = {c: cell.header for rec in recs for c, cell in rec.cells.items()}
    problems += plausibility_problems(layout.schema, frame, labels, shown,
                                      area_column(layout.schema))
    merged = merge(frame, labels, layout.schema) if not problems else None
    if merged is not None:
        problems += merged.problems
    if problems:
        problems = _first_per_row(problems)
        raise ValidationError(problems, hint=_check_hint(layout))
    result = _result(layout, frame, merged, left_out, new_id)
    result.source_missing = new_id == _PENDING
    if not dry_run and merged.changed:
        _write(result, merged, new_source, info, layout.block.sheet)
        result.written = True
    return result


def _first_per_row(problems: list[Problem]) -> list[Problem]:
    """Problems in row order, one per row and column (a repeat named twice is one problem)."""
    seen: set[tuple[int | None, str | None]] = set()
    rows_with_repeat: set[int | None] = set()
    out = []
    for p in sorted(problems, key=lambda p: p.row or 0):
        repeat = p.message.startswith(("duplicates", "same "))
        if (p.row, p.column) in seen or (repeat and p.row in rows_with_repeat):
            continue
        seen.add((p.row, p.column))
        if repeat:
            rows_with_repeat.add(p.row)
        out.append(p)
    return out


def _result(
    layout: _Layout, frame: pd.DataFrame, merged: Merge, left_out: list, new_id: str | None
) -> ImportResult:
    block, shape = layout.block, layout.shape
    skipped = sorted([*block.skipped, *left_out], key=lambda s: s.first or 10**9)
    return ImportResult(
        table=layout.schema.name,
        file=layout.label,
        rows=len(merged.added) + len(merged.replaced),
        target=config.user_data_dir() / f"{layout.schema.name}.csv",
        columns={text: name for name, (_, text, _) in shape.mapping.items()},
        ignored=shape.ignored,
        source_id=new_id if new_id != _PENDING else None,
        frame=frame,
        sheet=block.sheet if len(layout.sheets) > 1 else None,
        header_rows=block.header_rows,
        shape=shape.describe(),
        from_title={c: f"{cell.value} ({cell.header})" for c, cell in shape.fixed.items()
                    if c != "_value"},
        skipped=[str(s) for s in skipped],
        added=merged.added,
        replaced=merged.replaced,
        unchanged=merged.unchanged,
        overrides=merged.overrides,
        warnings=merged.warnings,
    )


def _resolve_pending(
    pending: list[tuple[int, str, str, str]],
    records_: list[dict[str, str]],
    labels: list[Label],
) -> list[Problem]:
    """Settle names shared by several kab/kota with the one province the other rows are in."""
    columns = {column for _, column, _, _ in pending}
    provinces = {
        r[c][:2] for r in records_ for c in columns
        if re.fullmatch(r"\d{2}\.\d{2}", r.get(c, ""))
    }
    problems = []
    for index, column, text, header in pending:
        try:
            province = next(iter(provinces)) if len(provinces) == 1 else None
            records_[index][column] = resolve_regency(text, province)
        except UserError as exc:
            file, row = labels[index]
            problems.append(Problem(file, row, _show(column, header), str(exc)))
    return problems


# --- Writing -------------------------------------------------------------------------------------


def _csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def _sidecar_text(target: Path, text: str, entry: dict, title: str) -> str:
    sidecar = target.with_name(target.name + ".meta.yml")
    meta = {}
    if sidecar.exists():
        meta = parse_yaml(sidecar.read_text(encoding="utf-8")) or {}
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
    merged: Merge,
    new_source: dict | None,
    info: SourceInfo | None,
    sheet: str | None,
) -> None:
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
    text = _csv_text(merged.table)
    files[result.target] = text
    entry = {
        "file": Path(result.file).name,
        "sheet": sheet,
        "imported_at": datetime.now().isoformat(timespec="seconds"),
        "rows": result.rows,
        "added": len(result.added),
        "replaced": len(result.replaced),
        "unchanged": len(result.unchanged),
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
