"""``python -m analysis reports``: build the report PDFs, HTML and XLSX (parsing and printing only).

The run itself is ``analysis.build.runner.build_reports``; this module checks the arguments and
the inputs up front (a bad ``--regency``, ``--as-of``, ``--timeout``, ``--jobs`` or ``--out``, a
raw file that no longer matches its checksum, an invalid parameter, assumption or scenario file:
exit 2 with one message, nothing built), turns the arguments into the call, prints the summary
and maps the outcome to the exit code (docs/scheduling.md).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from datetime import date
from pathlib import Path

from analysis.build.workers import start_server
from analysis.cli.data import input_problems
from analysis.core import config
from analysis.core.errors import ReportsLocked, UserError

# Problems of the inputs printed before the refusal (the rest: `python -m analysis data check`).
SHOWN_PROBLEMS = 10


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``reports`` command to the sub-commands of ``python -m analysis``."""
    p = sub.add_parser(
        "reports",
        help="build the report PDFs, HTML and XLSX",
        description=(
            "Execute the report notebooks with papermill and render each one to PDF, HTML and "
            "XLSX under reports/<lang>/, with reports/manifest.json, reports/build.log and "
            "reports/index.html (open it in a browser: map, search, links to every report). "
            "Reports whose inputs did not change are skipped. Exit codes: 0 done, 1 some "
            "report failed (the others were built), 2 user error, 3 another run is building."
        ),
    )
    p.add_argument("--province", default="12", metavar="CODE",
                   help="province code, any of the 38 (e.g. 35 Jawa Timur, 65 Kalimantan "
                   "Utara), or 'all': every province, all 514 kab/kota and a national "
                   "overview (default: 12 Sumatera Utara)")
    p.add_argument("--regency", nargs="+", action="extend", metavar="CODE",
                   help="only these kab/kota (codes or names); default: all of the province "
                   "plus the province overview")
    p.add_argument("--lang", action="append", choices=("id", "en"),
                   help="report language, repeatable (default: id)")
    p.add_argument("--jobs", type=int, default=2,
                   help="parallel worker processes (default: 2; at most --max-jobs)")
    p.add_argument("--max-jobs", type=int, default=None, metavar="N",
                   help="upper limit of --jobs (default: the number of CPUs, "
                   f"{os.cpu_count() or 1} here)")
    p.add_argument("--out", default=None,
                   help="output folder (default: reports/ or $PEKERJA_RENTAN_REPORTS)")
    p.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    p.add_argument("--as-of", default=None, metavar="YYYY-MM-DD",
                   help="use only data known on this date (default: all data)")
    p.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                   help="time limit per report, notebook and rendering together; a report "
                   "running longer fails and the others go on (default: 600, 0 = no limit)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run the reports on a Dask distributed cluster (e.g. "
                   "tcp://10.0.0.5:8786) instead of local worker processes; the workers must "
                   "see the output folder. Needs the optional dependency 'distributed'")
    p.add_argument("--no-site", dest="site", action="store_false",
                   help="do not write index.html (the report site: a map and a searchable "
                   "table linking every report; written by default)")
    p.set_defaults(func=run)


def _check_args(args: argparse.Namespace) -> int:
    """Check the arguments before anything is built; UserError (exit 2) for a bad one.

    Returns
    -------
    int
        The number of workers.
    """
    if args.as_of is not None:
        try:
            date.fromisoformat(str(args.as_of).strip())
        except ValueError:
            raise UserError(f"--as-of {args.as_of!r}: write the date as YYYY-MM-DD") from None
    if not math.isfinite(args.timeout) or args.timeout < 0:
        raise UserError(f"--timeout {args.timeout:g}: give seconds, 0 or more (0 = no limit)")
    cap = args.max_jobs if args.max_jobs is not None else (os.cpu_count() or 1)
    if args.jobs < 1 or cap < 1:
        raise UserError(f"--jobs {args.jobs}: give 1 or more worker processes")
    jobs = min(args.jobs, cap)
    if jobs < args.jobs:
        print(f"reports: --jobs {args.jobs} capped at {cap} (the number of CPUs; raise the "
              "limit with --max-jobs)", file=sys.stderr)
    return jobs


def _check_inputs() -> None:
    """Refuse to build from tampered or invalid inputs (raw checksums, tables, parameters,
    assumptions, scenario files): print the problems, then one UserError (exit 2)."""
    problems = input_problems()
    if not problems:
        return
    for problem in problems[:SHOWN_PROBLEMS]:
        print(problem, file=sys.stderr)
    more = len(problems) - SHOWN_PROBLEMS
    if more > 0:
        print(f"... and {more} more", file=sys.stderr)
    raise UserError(
        f"{len(problems)} problem(s) in the inputs (first: {problems[0]}); no report was built. "
        "`python -m analysis data check` lists them"
    )


# analysis.build.manifest.MANIFEST, named here so that the decision comes before pandas loads.
MANIFEST_NAME = "manifest.json"


def _has_manifest(out: str | None) -> bool:
    """Whether the output folder holds a manifest (a rebuild, where reports may be skipped)."""
    folder = Path(out) if out else config.reports_dir()
    return (folder / MANIFEST_NAME).is_file()


def run(args: argparse.Namespace) -> int:
    """Entry point of ``python -m analysis reports``.

    Returns
    -------
    int
        0 all built or unchanged; 1 some report failed (or the run was stopped); 3 another
        run holds the lock. A bad argument or input raises ``UserError`` (exit 2).
    """
    if not args.scheduler and (args.force or not _has_manifest(args.out)):
        # Every report will be built: the worker server imports the analysis (about a second)
        # while this process plans and checks. A rebuild decides after planning instead.
        start_server()
    # Late: the build imports pandas and the data layer; `--help` needs neither.
    from analysis.build import jobs, runner

    workers = _check_args(args)
    regencies = jobs.resolve_regencies(args.province, args.regency)
    try:
        result = runner.build_reports(
            province=args.province,
            regencies=regencies,
            langs=args.lang or ["id"],
            jobs=workers,
            out=args.out,
            force=args.force,
            as_of=args.as_of,
            timeout_s=args.timeout,
            in_process=False,  # a crashed report must not take the run with it
            scheduler=args.scheduler,
            site=args.site,
            preflight=_check_inputs,  # while the workers start; skipped if checked already
        )
    except ReportsLocked as exc:
        print(f"reports: {exc}", file=sys.stderr)
        return runner.EXIT_LOCKED
    print(result.summary())
    return result.exit_code
