"""Command line of the project: ``python -m analysis <command>``.

Each sub-command is a thin layer: it parses arguments, calls the analysis modules and prints.
Errors the user can fix (bad input files, bad parameters) end with one clear message and exit
code 2; nothing is half-written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from analysis import __version__
from analysis.core.errors import UserError


def _add_data(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "data",
        help="check the dataset, import user CSV/XLSX files",
        description="Validate the shipped dataset and bring in newer figures from CSV/XLSX files.",
    )
    # The data layer imports this module (for UserError), so it is imported when a command runs.
    from analysis import importing

    actions = p.add_subparsers(dest="action", metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="validate the dataset (or FILE as an import would, writing nothing)",
        description="Without FILE: validate data/raw and data/user and count the flags. With "
        "FILE: a dry run of `data import FILE`.",
    )
    check.add_argument("file", nargs="?", help="CSV/XLSX to check as an import")
    importing.add_import_options(check)
    check.set_defaults(func=importing.run_check)
    imp = actions.add_parser(
        "import",
        help="add a CSV/XLSX (BPJS branch, BPS) to the user data",
        description="Validate FILE and append its rows to the user data folder "
        "(PEKERJA_RENTAN_USER_DATA, default data/user). Indonesian number formats, dates and "
        "kab/kota names are understood. Nothing is written if any row is invalid.",
    )
    imp.add_argument("file", help="CSV (';' or ',' separated) or XLSX file")
    importing.add_import_options(imp)
    imp.set_defaults(func=importing.run_import)
    p.set_defaults(func=lambda args: p.print_help() or 0)


def _add_cost(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "cost",
        help="contribution calculator: budget, months or workers",
        description=(
            "Answer the three budget questions offices ask. Give exactly two of --budget, "
            "--workers and --months; the third is computed. Months and workers computed from a "
            "budget are whole numbers, rounded down. More than 12 months is allowed (a "
            "multi-year budget at the rates in force on --on). Default package: JKK+JKM for "
            "informal (BPU) workers at the lowest income basis, rates in force today."
        ),
        epilog=(
            "examples:\n"
            "  python -m analysis cost --workers 2500 --months 7\n"
            "  python -m analysis cost --budget \"Rp 294 juta\" --workers 2.500\n"
            "  python -m analysis cost --budget 294.000.000 --months 7 --json\n"
            "  python -m analysis cost --workers 2814 --months 12 --package pu-jkk-jkm "
            "--wage 2.539.444\n"
            "  python -m analysis cost --workers 100 --months 12 --package jkk-jkm-jht "
            "--income \"2 juta\" --lang en\n\n"
            "--json prints one object with budget_rp, workers, months, package, "
            "per_worker_month_rp, and also mode, label, cost_rp, remainder_rp, basis_rp, on.\n"
            "Amounts accept Indonesian writing: \"Rp 1,5 miliar\", \"294 juta\", \"294.000.000\"."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--budget", metavar="RP", help="budget in rupiah, e.g. \"Rp 1,5 miliar\"")
    p.add_argument("--workers", metavar="N", help="number of workers, e.g. 2.500")
    p.add_argument("--months", metavar="M", help="months of contributions, e.g. 12")
    p.add_argument(
        "--package",
        default="jkk-jkm",
        help="jkk-jkm (default), jkk-jkm-jht (informal, BPU); pu-jkk-jkm, pu-jkk-jkm-jht, "
        "pu-jkk-jkm-jp, pu-jkk-jkm-jht-jp (village officials, BPD, non-ASN: need --wage)",
    )
    basis = p.add_mutually_exclusive_group()
    basis.add_argument(
        "--income", metavar="RP", help="declared monthly income of a BPU worker (default: Rp1 juta)"
    )
    basis.add_argument(
        "--wage", metavar="RP", help="monthly wage or fixed income (siltap) for pu-* packages"
    )
    p.add_argument("--on", metavar="YYYY-MM-DD", help="date of the rates (default: today)")
    p.add_argument("--lang", default="id", choices=["id", "en"], help="output language")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    def run(args: argparse.Namespace) -> int:
        import json

        from analysis import funding
        from analysis.core.numbers import parse_number, parse_rupiah

        def read(text: str | None, what: str, parse):
            if text is None:
                return None
            try:
                return parse(text)
            except ValueError:
                raise UserError(f"--{what}: cannot read {text!r} as a number") from None

        answer = funding.cost_answer(
            budget_rp=read(args.budget, "budget", parse_rupiah),
            workers=read(args.workers, "workers", parse_number),
            months=read(args.months, "months", parse_number),
            package=args.package,
            on=args.on,
            income_rp=read(args.income, "income", parse_rupiah),
            wage_rp=read(args.wage, "wage", parse_rupiah),
        )
        if args.json:
            answer.pop("breakdown")
            print(json.dumps(answer, ensure_ascii=False))
        else:
            print(funding.describe_cost(answer, args.lang))
        return 0

    p.set_defaults(func=run)


def _add_scenario(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scenario",
        help="run a Perkada funding scenario file",
        description=(
            "Project a funding scenario file (APBD, CSR, DBH Sawit, Dana Desa, province) year by "
            "year, simulate its uncertainty and recommend the mix with the least APBD. File "
            "format: data/scenarios/README.md."
        ),
    )
    p.add_argument("file", metavar="FILE", help="scenario file (YAML), e.g. "
                   "data/scenarios/12.10-labuhanbatu.yml")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.add_argument("--draws", type=int, default=10_000, help="Monte Carlo draws (default 10000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--prob", type=float, default=0.9,
                   help="chance of reaching the target for the recommended mix (default 0.9)")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language (default id)")

    def run(args: argparse.Namespace) -> int:
        from analysis import scenarios  # late: keeps `--help` fast

        return scenarios.run_cli(args.file, as_json=args.json, draws=args.draws,
                                 seed=args.seed, prob=args.prob, lang=args.lang)

    p.set_defaults(func=run)


def _add_reports(sub: argparse._SubParsersAction) -> None:
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

    def run(args: argparse.Namespace) -> int:
        from analysis import reports

        return reports.run_cli(args)

    p.set_defaults(func=run)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command.

    Returns
    -------
    argparse.ArgumentParser
        The parser of ``python -m analysis``.
    """
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description=(
            "Coverage, funding scenarios and report PDFs for BPJS Ketenagakerjaan protection of "
            "vulnerable workers (pekerja rentan) by local governments, North Sumatra first."
        ),
        epilog=(
            "examples:\n"
            "  python -m analysis cost --workers 2500 --months 7\n"
            "  python -m analysis cost --budget \"Rp 294 juta\" --months 7 --json\n"
            "  python -m analysis scenario data/scenarios/12.10-labuhanbatu.yml --draws 10000\n"
            "  python -m analysis data check\n"
            "  python -m analysis data import peserta.xlsx --source-url URL --publisher P "
            "--date 2026-10-31\n"
            "  python -m analysis reports --regency 12.14 --lang en\n\n"
            "Run 'python -m analysis COMMAND --help' for the options of a command."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (_add_data, _add_cost, _add_scenario, _add_reports):
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        The exit code: 0 on success, 2 on a user error, 1 on a failure of the pipeline.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
