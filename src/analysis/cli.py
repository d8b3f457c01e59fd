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


class UserError(Exception):
    """An error the user can fix: printed as one message, exit code 2."""


def _add_data(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "data",
        help="check the dataset, import user CSV/XLSX files",
        description="Validate the shipped dataset and bring in newer figures from CSV/XLSX files.",
    )
    p.set_defaults(func=lambda args: _not_yet("data"))


def _add_cost(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "cost",
        help="contribution calculator: budget, months or workers",
        description="Answer the three budget questions offices ask.",
    )
    p.set_defaults(func=lambda args: _not_yet("cost"))


def _add_scenario(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scenario",
        help="run a Perkada funding scenario file",
        description="Project a funding scenario (APBD, CSR, DBH Sawit, Dana Desa) over years.",
    )
    p.set_defaults(func=lambda args: _not_yet("scenario"))


def _add_reports(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reports",
        help="build the report PDFs, HTML and XLSX",
        description="Execute the report notebooks with papermill and render them.",
    )
    p.add_argument("--jobs", type=int, default=2, help="parallel workers (default: 2)")
    p.set_defaults(func=lambda args: _not_yet("reports"))


def _not_yet(name: str) -> int:
    print(f"'{name}' is not built yet: nothing was done.", file=sys.stderr)
    return 0


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
