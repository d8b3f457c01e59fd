"""The ``data`` command: check the dataset, or check and import a user CSV/XLSX; print the result.

Parsing and printing only; the work is done by :mod:`analysis.data.provenance` (the dataset
check) and :mod:`analysis.data.importing` (user files). Those modules load pandas, so they are
imported inside the command bodies: building the parser for ``--help`` stays light.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.core import config
from analysis.core.errors import UserError, ValidationError
from analysis.core.files import regular_file
from analysis.data.schemas import IMPORTABLE, SCHEMAS

if TYPE_CHECKING:
    from analysis.data.importing import ImportResult


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``data check`` and ``data import`` to the sub-commands of ``python -m analysis``.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The sub-parsers of the main parser.
    """
    p = sub.add_parser(
        "data",
        help="check the dataset, import user CSV/XLSX files",
        description="Validate the shipped dataset and bring in newer figures from CSV/XLSX files.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="validate the dataset (or FILE as an import would, writing nothing)",
        description="Without FILE: validate data/raw and data/user and count the flags. With "
        "FILE: a dry run of `data import FILE`.",
    )
    check.add_argument("file", nargs="?", help="CSV/XLSX to check as an import")
    add_import_options(check)
    check.set_defaults(func=run_check, dry_run=True)
    imp = actions.add_parser(
        "import",
        help="add a CSV/XLSX (BPJS branch, BPS, DJPK annex) to the user data",
        description="Validate FILE and merge its rows into the user data folder "
        "(PEKERJA_RENTAN_USER_DATA, default data/user). The table is found below a title "
        "block and above totals, footnotes and signatures; wide tables (years or indicators as "
        "columns) are read as one row per figure; Indonesian number formats, dates and "
        "kab/kota names are understood. A row with the key of a row imported before (area, "
        "date, segment, funding source, ...) replaces it. Nothing is written if any row is "
        "invalid. data/README.md shows the shapes read.",
    )
    imp.add_argument("file", help="CSV (';' or ',' separated) or XLSX file")
    add_import_options(imp)
    imp.add_argument("--dry-run", dest="dry_run", action="store_true",
                     help="show what would be added, replaced and left out; write nothing")
    imp.set_defaults(func=run_import)
    p.set_defaults(func=lambda args: p.print_help() or 0)


def add_import_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``data import`` and ``data check FILE``."""
    parser.add_argument("--table", choices=IMPORTABLE, help="target table (default: guessed)")
    parser.add_argument("--sheet", help="sheet of an XLSX workbook (default: the visible sheet "
                        "holding a table; required when several visible sheets hold one)")
    parser.add_argument("--source-url", dest="source_url", help="URL of the source")
    parser.add_argument("--publisher", help="who published the figures (e.g. BPJS Cabang Medan)")
    parser.add_argument("--date", dest="date", help="publication date YYYY-MM-DD")
    limits = parser.add_argument_group("limits (a larger file is refused)")
    limits.add_argument("--max-bytes", type=int, default=50_000_000, metavar="N",
                        help="size of the file (default 50000000)")
    limits.add_argument("--max-rows", type=int, default=200_000, metavar="N",
                        help="rows with content (default 200000)")
    limits.add_argument("--max-unzipped", type=int, default=200_000_000, metavar="N",
                        help="an XLSX's parts unpacked, against zip bombs (default 200000000)")


def _import(args: argparse.Namespace, path: str | Path, *, dry_run: bool) -> ImportResult:
    """``import_file`` with the options of :func:`add_import_options` (one copy for both)."""
    from analysis.data.importing import Limits, import_file

    return import_file(
        path,
        table=args.table,
        sheet=args.sheet,
        source_url=args.source_url,
        publisher=args.publisher,
        date_published=args.date,
        dry_run=dry_run,
        limits=Limits(max_bytes=args.max_bytes, max_rows=args.max_rows,
                      max_unzipped=args.max_unzipped),
    )


def _rows(numbers: list[int]) -> str:
    """Row numbers as ranges: ``7–10, 12``."""
    out: list[str] = []
    numbers = sorted(set(numbers))
    start = prev = None
    for n in [*numbers, None]:
        if start is not None and (n is None or n != prev + 1):
            out.append(str(start) if start == prev else f"{start}–{prev}")
            start = None
        if n is not None and start is None:
            start = n
        prev = n
    return ", ".join(out)


def _lines(lines: list[str], limit: int = 25) -> None:
    """Print indented lines, at most ``limit`` of them (a dry run of a big file stays readable)."""
    for line in lines[:limit]:
        print(f"    {line}")
    if len(lines) > limit:
        print(f"    … and {len(lines) - limit} more")


def _print_result(result: ImportResult) -> None:
    """The import summary: the table found, its columns, rows left out, what changes."""
    where = f"{result.file}" + (f", sheet {result.sheet!r}" if result.sheet else "")
    counts = (f"{len(result.added)} added, {len(result.replaced)} replaced, "
              f"{len(result.unchanged)} unchanged")
    if result.rows:
        verb = "imported" if result.written else "would import"
        print(f"{where}: {verb} {result.rows} rows into {result.table} ({counts})")
    else:
        print(f"{where}: nothing new for {result.table} ({counts})")
    header = "-".join(str(r) for r in result.header_rows)
    print(f"  header row {header}; shape: {result.shape}")
    same = [column for header_text, column in result.columns.items() if header_text == column]
    for header_text, column in result.columns.items():
        if header_text != column:
            print(f"  {header_text} → {column}")
    if same:
        print(f"  columns named as in the catalogue: {', '.join(same)}")
    for column, value in result.from_title.items():
        print(f"  {column} from the title: {value}")
    if result.ignored:
        print(f"  columns left out (not understood): {', '.join(result.ignored)}")
    if result.skipped:
        print("  rows left out:")
        _lines(result.skipped)
    if result.added:
        print(f"  added: rows {_rows(result.added)}")
    for title, changes in (("replaced (a correction of a row imported before)", result.replaced),
                           ("overriding a shipped row", result.overrides)):
        if changes:
            print(f"  {title}:")
            _lines([str(c) for c in changes])
    if result.unchanged:
        print(f"  unchanged (already there): rows {_rows([c.row for c in result.unchanged])}")
    for warning in result.warnings:
        print(f"  warning: {warning}")
    if result.source_id:
        print(f"  source: {result.source_id}")
    if result.source_missing:
        print("  source: none given; the import needs --source-url URL --publisher NAME "
              "--date YYYY-MM-DD (or a source_id column)")
    if result.written:
        print(f"  written to {result.target}")
    elif result.rows:
        print("  nothing written (dry run)")


def run_import(args: argparse.Namespace) -> int:
    """``python -m analysis data import FILE [--dry-run]``."""
    try:
        result = _import(args, args.file, dry_run=args.dry_run)
    except ValidationError as exc:
        if args.dry_run:  # a dry run lists every problem, the import names the first
            for p in exc.problems:
                print(p, file=sys.stderr)
        raise
    _print_result(result)
    return 0


def _check_raw_file(path: Path) -> int:
    from analysis.data import tables, validate

    regular_file(path)
    names = [n for n, s in SCHEMAS.items() if path.name in s.files]
    if not names:
        raise UserError(f"{path}: not a table of the catalogue (see data/README.md)")
    schema = SCHEMAS[names[0]]
    frame = tables.read_text_table(path)
    refs = None if names[0] in ("sources", "regencies") else tables.references()
    problems = validate.validate(frame, schema, validate.labels_for(str(path), len(frame)), refs)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        raise ValidationError(problems)
    print(f"{path}: {len(frame)} rows, valid ({schema.name})")
    return 0


def scenario_problems() -> list[str]:
    """Problems of the scenario files in ``config.SCENARIOS``, one message each.

    Each file is read as ``python -m analysis scenario`` reads it (values, ranges, the
    parameters and assumptions it cites). The model is imported here, in the command line, since
    the data layer below it cannot check a scenario.
    """
    from analysis.model.scenarios import load_scenario

    problems = []
    for path in sorted(Path(config.SCENARIOS).glob("*.yml")):
        try:
            load_scenario(path)
        except UserError as exc:
            problems.append(str(exc))
    return problems


def dataset_report():
    """``check_dataset()`` with the problems of the scenario files added: what ``data check``
    prints and what ``reports`` refuses to build from.

    Returns
    -------
    analysis.data.provenance.DatasetReport
    """
    from analysis.data.provenance import check_dataset

    report = check_dataset()
    report.problems += scenario_problems()
    return report


def input_problems() -> list[str]:
    """Everything ``reports`` checks before building: tables, raw checksums, parameters,
    assumptions and scenario files (what ``data check`` reports as problems)."""
    return dataset_report().problems


def run_check(args: argparse.Namespace) -> int:
    """``python -m analysis data check [FILE]``: the whole dataset, or one file as an import."""
    if args.file:
        path = Path(args.file)
        if path.resolve().parent == config.RAW.resolve():
            return _check_raw_file(path)
        return run_import(args)
    report = dataset_report()
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
