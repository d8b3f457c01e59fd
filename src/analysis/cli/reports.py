"""``python -m analysis reports``: build the report PDFs, HTML and XLSX (parsing and printing only).

The run itself is ``analysis.build.runner.build_reports``; this module turns the arguments into
its call, prints the summary and maps the outcome to the exit code.
"""

from __future__ import annotations

import argparse
import sys

from analysis.core.errors import ReportsLocked


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``reports`` command to the sub-commands of ``python -m analysis``."""
    p = sub.add_parser(
        "reports",
        help="build the report PDFs, HTML and XLSX",
        description=(
            "Execute the report notebooks with papermill and render each one to PDF, HTML and "
            "XLSX under reports/<lang>/, with reports/manifest.json and reports/build.log. "
            "Reports whose inputs did not change are skipped. Exit codes: 0 done, 1 some "
            "report failed (the others were built), 2 user error, 3 another run is building."
        ),
    )
    p.add_argument("--province", default="12", help="province code (default: 12 Sumatera Utara)")
    p.add_argument("--regency", nargs="+", action="extend", metavar="CODE",
                   help="only these kab/kota (codes or names); default: all of the province "
                   "plus the province overview")
    p.add_argument("--lang", action="append", choices=("id", "en"),
                   help="report language, repeatable (default: id)")
    p.add_argument("--jobs", type=int, default=2, help="parallel workers (default: 2)")
    p.add_argument("--out", default=None,
                   help="output folder (default: reports/ or $PEKERJA_RENTAN_REPORTS)")
    p.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    p.add_argument("--as-of", default=None, metavar="YYYY-MM-DD",
                   help="use only data known on this date (default: all data)")
    p.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                   help="time limit per report; a report running longer fails and the others "
                   "go on (default: 600, 0 = no limit)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Entry point of ``python -m analysis reports``.

    Returns
    -------
    int
        0 all built or unchanged; 1 some report failed; 3 another run holds the lock.
    """
    # Late: the build imports pandas and the data layer; `--help` needs neither.
    from analysis.build.runner import EXIT_LOCKED, build_reports

    try:
        result = build_reports(
            province=args.province,
            regencies=args.regency or None,
            langs=args.lang or ["id"],
            jobs=max(1, args.jobs),
            out=args.out,
            force=args.force,
            as_of=args.as_of,
            timeout_s=args.timeout,
        )
    except ReportsLocked as exc:
        print(f"reports: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    print(result.summary())
    return result.exit_code
